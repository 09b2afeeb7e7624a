# SMTP smuggling (STYLE.md 7.4): <CR>.<CR> must not end DATA. Only
# <CR><LF>.<CR><LF> does; a bare CR or LF is refused with 521 and the
# session closed, so the "smuggled" MAIL is never read as a command and
# nothing is delivered.
S: 220 mx.example.test tern ESMTP
C: EHLO client.example
S* 250 CHUNKING
C: MAIL FROM:<a@remote.example>
S: 250 2.1.0 Ok
C: RCPT TO:<demo@example.test>
S: 250 2.1.5 Ok
C: DATA
S~ 354 .*
C! Subject: smuggle\r\n\r\nline one\r.\rMAIL FROM:<evil@remote.example>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\nsmuggled\r\n.\r\n
S: 521 5.5.2 Bare CR or LF received: lines must end in CRLF
! wait
- mail/example.test/demo/Maildir/new/*
- mail/example.test/demo/Maildir/tmp/*
- mail/example.test/alice/Maildir/new/*
