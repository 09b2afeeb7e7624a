# A message to a local user over the mx listener lands in its Maildir,
# with the trace headers on top (Return-Path, Delivered-To, Received).
S: 220 mx.example.test tern ESMTP
C: EHLO client.example
S: 250-mx.example.test
S: 250-PIPELINING
S~ 250-SIZE [0-9]+
S* 250 CHUNKING
C: MAIL FROM:<sender@remote.example>
S: 250 2.1.0 Ok
C: RCPT TO:<demo@example.test>
S: 250 2.1.5 Ok
C: DATA
S~ 354 .*
C: From: <sender@remote.example>
C: To: <demo@example.test>
C: Subject: transcript delivery
C: 
C: ..a stuffed dot
C: .
S~ 250 2\.0\.0 .*
C: QUIT
S: 221 2.0.0 Bye
! wait
= mail/example.test/demo/Maildir/new/*
F~ Return-Path: <sender@remote\.example>
F~ Delivered-To: demo@example\.test
F~ Received: from .*
F~ Subject: transcript delivery
F~ \.a stuffed dot
