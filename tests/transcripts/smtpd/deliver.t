# Local delivery to two users: trace headers, dot-unstuffing, one copy
# per recipient, the same address twice counts once.
S~ 220 .*
C: EHLO client.example
S* 250 CHUNKING
C: MAIL FROM:<sender@remote.example> BODY=8BITMIME
S: 250 2.1.0 Ok
C: RCPT TO:<demo@example.test>
S: 250 2.1.5 Ok
C: RCPT TO:<Alice@EXAMPLE.test>
S: 250 2.1.5 Ok
C: RCPT TO:<demo@example.test>
S: 250 2.1.5 Ok
C: DATA
S: 354 End data with <CR><LF>.<CR><LF>
C: Subject: hello
C: 
C: ..leading dot
C: ..
C: ...
C: last line
C: .
S~ 250 2\.0\.0 Ok: queued as [0-9A-F]{12}
C: QUIT
S: 221 2.0.0 Bye
! wait
= mail/example.test/demo/Maildir/new/*
F~ Return-Path: <sender@remote\.example>
F~ Delivered-To: demo@example\.test
F~ Received: from client\.example \(unknown \[.*\]\)
F~ \tby mx\.example\.test \(tern\) with ESMTP id [0-9A-F]{12}
F~ \tfor <demo@example\.test>; \w{3}, \d+ \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}
F~ \.leading dot
F~ \.
F~ \.\.
= mail/example.test/alice/Maildir/new/*
F~ Delivered-To: alice@example\.test
F~ Subject: hello
