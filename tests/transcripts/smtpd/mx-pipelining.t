# RFC 2920: a client may send MAIL, RCPT... and DATA in one batch; the
# replies come back in order, one per command.
S: 220 mx.example.test tern ESMTP
C: EHLO client.example
S* 250 CHUNKING
C: MAIL FROM:<a@remote.example>
C: RCPT TO:<demo@example.test>
C: RCPT TO:<nobody@example.test>
C: RCPT TO:<alice@example.test>
C: DATA
S: 250 2.1.0 Ok
S: 250 2.1.5 Ok
S: 550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown
S: 250 2.1.5 Ok
S~ 354 .*
C: Subject: pipelined
C: 
C: body
C: .
C: QUIT
S~ 250 2\.0\.0 .*
S: 221 2.0.0 Bye
! wait
= mail/example.test/demo/Maildir/new/*
F~ Subject: pipelined
= mail/example.test/alice/Maildir/new/*
F~ Subject: pipelined
