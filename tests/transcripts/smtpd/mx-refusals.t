# The mx listener refuses relaying without AUTH, unknown local users, and
# commands out of order; the session goes on after each.
S: 220 mx.example.test tern ESMTP
C: EHLO client.example
S* 250 CHUNKING
C: RCPT TO:<demo@example.test>
S: 503 5.5.1 Bad sequence of commands
C: MAIL FROM:<a@remote.example>
S: 250 2.1.0 Ok
C: RCPT TO:<victim@elsewhere.example>
S: 554 5.7.1 <victim@elsewhere.example>: Relay access denied
C: RCPT TO:<nobody@example.test>
S: 550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown
C: DATA
S: 503 5.5.1 Bad sequence of commands
C: RSET
S: 250 2.0.0 Ok
C: FROB
S: 500 5.5.1 Command unrecognized
C: QUIT
S: 221 2.0.0 Bye
! wait
