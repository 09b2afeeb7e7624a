# ESMTP parameters of MAIL and RCPT: SIZE (RFC 1870; max_message_size is
# 2048 in the test config), BODY (RFC 6152), unknown ones (555 5.5.4).
S~ 220 .*
C: EHLO client.example
S* 250 CHUNKING
C: MAIL FROM:<a@b.example> FOO=BAR
S: 555 5.5.4 Unsupported parameter: unknown MAIL parameter
C: MAIL FROM:<a@b.example> BODY=BINARYMIME
S: 555 5.5.4 Unsupported parameter: unsupported BODY
C: MAIL FROM:<a@b.example> SIZE=2049
S: 552 5.3.4 Message size exceeds fixed limit
C: MAIL FROM:<a@b.example> SIZE=x
S: 501 5.5.4 Syntax error in parameters: bad SIZE
C: MAIL FROM: <a@b.example> SIZE=2048 BODY=7BIT
S: 250 2.1.0 Ok
C: RCPT TO:<demo@example.test> NOTIFY=NEVER
S: 555 5.5.4 Unsupported parameter: unknown RCPT parameter
C: RSET
S: 250 2.0.0 Ok
C: MAIL FROM:<a@b.example> BODY=8BITMIME
S: 250 2.1.0 Ok
C: QUIT
S: 221 2.0.0 Bye
! wait
