# SMTPUTF8 (RFC 6531) and 8BITMIME (RFC 6152): a non-ASCII address needs
# the SMTPUTF8 parameter (553 5.6.7 otherwise, 3.7.1), also in RCPT; with
# it the message is delivered and Received says UTF8SMTP (3.7.3).
S~ 220 .*
C: EHLO client.example
S* 250 CHUNKING
C: MAIL FROM:<jürgen@müller.example>
S: 553 5.6.7 Non-ASCII address requires SMTPUTF8
C: MAIL FROM:<plain@remote.example> BODY=8BITMIME
S: 250 2.1.0 Ok
C: RCPT TO:<jürgen@example.test>
S: 553 5.6.7 Non-ASCII address requires SMTPUTF8
C: RSET
S: 250 2.0.0 Ok
C: MAIL FROM:<jürgen@müller.example> SMTPUTF8 BODY=8BITMIME
S: 250 2.1.0 Ok
C: RCPT TO:<demo@example.test>
S: 250 2.1.5 Ok
C: DATA
S~ 354 .*
C: Subject: Grüße
C: 
C: Schöne Grüße
C: .
S~ 250 2\.0\.0 Ok: queued as [0-9A-F]{12}
C: QUIT
S: 221 2.0.0 Bye
! wait
= mail/example.test/demo/Maildir/new/*
F~ Return-Path: <jürgen@müller\.example>
F~ \tby mx\.example\.test \(tern\) with UTF8SMTP id [0-9A-F]{12}
F~ Subject: Grüße
F~ Schöne Grüße
