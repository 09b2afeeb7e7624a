# Syntax and sequence errors, each with its RFC 3463 code (fewer than
# max_errors = 10, so the session goes on after each).
S~ 220 .*
C: MAIL FROM:<a@b.example>
S: 503 5.5.1 Bad sequence of commands
C: FOO bar
S: 500 5.5.1 Command unrecognized
C: EHLO client.example
S* 250 CHUNKING
C: RCPT TO:<demo@example.test>
S: 503 5.5.1 Bad sequence of commands
C: DATA
S: 503 5.5.1 Bad sequence of commands
C: MAIL FROM:a@b.example
S: 501 5.1.7 Bad sender address syntax
C: MAIL FROM:<a@b.example>
S: 250 2.1.0 Ok
C: MAIL FROM:<a@b.example>
S: 503 5.5.1 Bad sequence of commands
C: RCPT TO:<demo@example..test>
S: 501 5.1.3 Bad recipient address syntax
C: DATA
S: 503 5.5.1 Bad sequence of commands
C: RSET
S: 250 2.0.0 Ok
C: QUIT
S: 221 2.0.0 Bye
! wait
