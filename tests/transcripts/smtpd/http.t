# A browser or an HTTP proxy abuse: answered once, then closed.
S~ 220 .*
C: GET / HTTP/1.1
S: 521 5.7.0 This is an SMTP server: closing
! wait
