# Greeting, EHLO keywords (the test mx listener offers AUTH, as the
# embedded default does), HELO, and the commands without a transaction.
S: 220 mx.example.test tern ESMTP
C: EHLO client.example
S: 250-mx.example.test
S: 250-PIPELINING
S: 250-SIZE 2048
S: 250-STARTTLS
S: 250-AUTH PLAIN LOGIN
S: 250-ENHANCEDSTATUSCODES
S: 250-8BITMIME
S: 250-SMTPUTF8
S: 250 CHUNKING
C: HELO client.example
S: 250 mx.example.test
C: noop
S: 250 2.0.0 Ok
C: HELP
S: 214 2.0.0 Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT HELP VRFY STARTTLS AUTH
C: VRFY demo
S: 252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery
C: VRFY
S: 501 5.5.4 Syntax: VRFY address
C: RSET
S: 250 2.0.0 Ok
C: EHLO
S: 501 5.5.4 Syntax: EHLO hostname
C: QUIT
S: 221 2.0.0 Bye
! wait
