# AUTH LOGIN with an initial response (what Outlook sends, RFC 4954 4),
# after a "*" cancel (501 5.7.0) and an unknown mechanism (504); a second
# AUTH after success is 503. Submission listener.
@ listener submission
S~ 220 .*
C: EHLO client.example
S* 250 CHUNKING
C: AUTH CRAM-MD5
S: 504 5.5.4 Unrecognized authentication type
C: AUTH LOGIN
S: 334 VXNlcm5hbWU6
C: *
S: 501 5.7.0 Authentication canceled
C: AUTH LOGIN ZGVtb0BleGFtcGxlLnRlc3Q=
S: 334 UGFzc3dvcmQ6
C: *
S: 501 5.7.0 Authentication canceled
C: AUTH LOGIN ZGVtb0BleGFtcGxlLnRlc3Q=
S: 334 UGFzc3dvcmQ6
C: ZGVtby1zZWNyZXQ=
S: 235 2.7.0 Authentication successful
C: AUTH PLAIN AGRlbW9AZXhhbXBsZS50ZXN0AGRlbW8tc2VjcmV0
S: 503 5.5.1 Already authenticated
C: QUIT
S: 221 2.0.0 Bye
! wait
