# A BDAT whose size cannot be read leaves the session unable to find
# the next command (RFC 3030 4): 501 and close.
S~ 220 .*
C: EHLO client.example
S* 250 CHUNKING
C: MAIL FROM:<a@remote.example>
S: 250 2.1.0 Ok
C: RCPT TO:<demo@example.test>
S: 250 2.1.5 Ok
C: BDAT ten
S: 501 5.5.4 Bad BDAT size: closing
! wait
- mail/example.test/demo/Maildir/new/*
