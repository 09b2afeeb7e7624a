# The submission listener wants AUTH before MAIL; AUTH PLAIN with an
# initial response, a wrong password first.
@ listener submission
S: 220 mx.example.test tern ESMTP
C: EHLO client.example
S* 250 CHUNKING
C: MAIL FROM:<demo@example.test>
S: 530 5.7.0 Authentication required
C: AUTH PLAIN AGRlbW9AZXhhbXBsZS50ZXN0AHdyb25n
S~ 535 5\.7\.8 .*
C: AUTH LOGIN
S: 334 VXNlcm5hbWU6
C: ZGVtb0BleGFtcGxlLnRlc3Q=
S: 334 UGFzc3dvcmQ6
C: ZGVtby1zZWNyZXQ=
S: 235 2.7.0 Authentication successful
C: MAIL FROM:<demo@example.test>
S: 250 2.1.0 Ok
C: RCPT TO:<friend@remote.example>
S: 250 2.1.5 Ok
C: DATA
S~ 354 .*
C: Subject: outbound
C: 
C: hi
C: .
S~ 250 2\.0\.0 .*
C: QUIT
S: 221 2.0.0 Bye
! wait
= queue/new/*
F~ R friend@remote\.example
F~ Subject: outbound
