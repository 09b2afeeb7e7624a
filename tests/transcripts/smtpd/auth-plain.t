# AUTH PLAIN without an initial response: an empty "334 " challenge
# (RFC 4954 4), "*" cancels; bad base64 is 501 5.5.2; then PLAIN with the
# response on the next line succeeds and MAIL is allowed.
@ listener submission
S~ 220 .*
C: EHLO client.example
S* 250 CHUNKING
C: AUTH PLAIN
S: 334 
C: *
S: 501 5.7.0 Authentication canceled
C: AUTH PLAIN !!!notbase64
S: 501 5.5.2 Cannot decode response
C: AUTH PLAIN
S: 334 
C: AGFsaWNlQGV4YW1wbGUudGVzdABhbGljZS1zZWNyZXQ=
S: 235 2.7.0 Authentication successful
C: MAIL FROM:<alice@example.test>
S: 250 2.1.0 Ok
C: QUIT
S: 221 2.0.0 Bye
! wait
