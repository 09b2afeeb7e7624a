# max_recipients = 3 in the test config: the fourth distinct recipient
# gets 452 4.5.3 (RFC 5321 4.5.3.1.10: the client sends the rest in a
# later transaction); the same address again is not a new recipient. The
# message goes to the three accepted (remote ones to the queue, since
# this client authenticated).
S~ 220 .*
C: EHLO client.example
S* 250 CHUNKING
C: AUTH PLAIN AGRlbW9AZXhhbXBsZS50ZXN0AGRlbW8tc2VjcmV0
S: 235 2.7.0 Authentication successful
C: MAIL FROM:<demo@example.test>
S: 250 2.1.0 Ok
C: RCPT TO:<demo@example.test>
S: 250 2.1.5 Ok
C: RCPT TO:<alice@example.test>
S: 250 2.1.5 Ok
C: RCPT TO:<one@remote.example>
S: 250 2.1.5 Ok
C: RCPT TO:<two@remote.example>
S: 452 4.5.3 Too many recipients
C: RCPT TO:<DEMO@example.test>
S: 250 2.1.5 Ok
C: DATA
S~ 354 .*
C: Subject: three
C: 
C: body
C: .
S~ 250 2\.0\.0 Ok: queued as [0-9A-F]{12}
C: QUIT
S: 221 2.0.0 Bye
! wait
= mail/example.test/demo/Maildir/new/*
F~ Subject: three
= mail/example.test/alice/Maildir/new/*
F~ Subject: three
= queue/new/*
F~ R one@remote\.example
F~ A demo@example\.test
