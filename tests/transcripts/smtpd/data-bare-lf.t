# STYLE.md 7.4 (SMTP smuggling): DATA accepts CRLF only; a bare LF in the
# message is refused and nothing is delivered.
S: 220 mx.example.test tern ESMTP
C: EHLO client.example
S* 250 CHUNKING
C: MAIL FROM:<a@remote.example>
S: 250 2.1.0 Ok
C: RCPT TO:<demo@example.test>
S: 250 2.1.5 Ok
C: DATA
S~ 354 .*
C! Subject: smuggle\r\n\r\nline one\n.\nMAIL FROM:<x@y>\r\n.\r\n
S~ 521 5\.5\.2 .*
! wait
- mail/example.test/demo/Maildir/new/*
- mail/example.test/demo/Maildir/tmp/*
