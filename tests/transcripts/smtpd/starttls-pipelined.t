# STARTTLS injection (CVE-2011-0411 class): plaintext pipelined after
# STARTTLS must not be carried into the TLS session; the server refuses.
S: 220 mx.example.test tern ESMTP
C: EHLO client.example
S* 250 CHUNKING
C: STARTTLS
C: RSET
S~ 554 5\.5\.1 .*
! wait
