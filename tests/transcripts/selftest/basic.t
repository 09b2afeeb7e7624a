# run-transcript self-test against tests/transcripts/selftest/echod.
S: 220 selftest ready listener=default conf=no
C: HELLO world
S: 250 HELLO world
# Pipelining: three commands in one write, then three replies.
C: ONE
C: TWO
C: MULTI 4
S: 250 ONE
S~ 250 T[A-Z]O
S* 250 last
# Raw bytes with escapes: a bare LF, then a tab and a hex byte.
C! bare\n
S: 500 bare LF
C! tab\there\x21\r\n
S: 250 tab	here!
C: DELIVER msg1
C: Subject: hello
C: 
C: body
C: .
S: 250 delivered
C: QUIT
S: 221 bye
! wait
= mail/new/msg1
F~ Subject: h.*
F~ body
- mail/new/msg2
- mail/tmp/*
