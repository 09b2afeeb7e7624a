# RFC 3030 CHUNKING: a message in two BDAT chunks, the last one LAST;
# the bytes are taken as they are (no dot unstuffing).
S: 220 mx.example.test tern ESMTP
C: EHLO client.example
S* 250 CHUNKING
C: MAIL FROM:<a@remote.example>
S: 250 2.1.0 Ok
C: RCPT TO:<demo@example.test>
S: 250 2.1.5 Ok
C! BDAT 28\r\nSubject: bdat\r\n\r\nchunk one\r\n
S~ 250 2\.0\.0 .*
C! BDAT 13 LAST\r\n..chunk two\r\n
S~ 250 2\.0\.0 .*
C: QUIT
S: 221 2.0.0 Bye
! wait
= mail/example.test/demo/Maildir/new/*
F~ Subject: bdat
F~ chunk one
F~ \.\.chunk two
