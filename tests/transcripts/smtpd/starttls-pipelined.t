# STARTTLS with more input already sent behind it (RFC 3207 5, the
# STARTTLS command injection class): the plaintext must never be read as
# if it came over TLS, so the server refuses and closes.
S~ 220 .*
C: EHLO client.example
S* 250 CHUNKING
C: STARTTLS
C: MAIL FROM:<evil@remote.example>
S: 554 5.5.1 Pipelined input after STARTTLS: closing
! wait
