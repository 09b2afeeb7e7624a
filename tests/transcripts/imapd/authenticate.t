# AUTHENTICATE PLAIN with an empty "+ " continuation (Thunderbird), with
# SASL-IR, LOGIN, "*" cancel, a wrong password and an unknown mechanism.
S~ \* OK \[CAPABILITY .*\] tern IMAP ready
C: 1 AUTHENTICATE XOAUTH9
S: 1 NO [CANNOT] Unsupported authentication mechanism
C: 2 authenticate PLAIN
S: + 
C: *
S: 2 BAD Authentication canceled
C: 3 AUTHENTICATE PLAIN AGRlbW9AZXhhbXBsZS50ZXN0AGJhZA==
S: 3 NO [AUTHENTICATIONFAILED] Authentication failed
C: 4 AUTHENTICATE PLAIN
S: + 
C: not base64!
S: 4 BAD Cannot decode the response
C: 5 AUTHENTICATE LOGIN
S: + VXNlcm5hbWU6
C: ZGVtb0BleGFtcGxlLnRlc3Q=
S: + UGFzc3dvcmQ6
C: ZGVtby1zZWNyZXQ=
S~ 5 OK \[CAPABILITY IMAP4rev1 .*\] Logged in
C: 6 LOGOUT
S: * BYE Logging out
S: 6 OK Logout completed
! wait
