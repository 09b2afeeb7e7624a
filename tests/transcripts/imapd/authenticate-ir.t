# AUTHENTICATE PLAIN with an initial response (RFC 4959 SASL-IR).
S~ \* OK \[CAPABILITY .*\] tern IMAP ready
C: 1 AUTHENTICATE PLAIN AGRlbW9AZXhhbXBsZS50ZXN0AGRlbW8tc2VjcmV0
S~ 1 OK \[CAPABILITY IMAP4rev1 .* NAMESPACE .*\] Logged in
C: 2 AUTHENTICATE PLAIN AGRlbW9AZXhhbXBsZS50ZXN0AGRlbW8tc2VjcmV0
S: 2 BAD Command not allowed in the auth state
! close
