# STARTTLS on the implicit-TLS listener is not offered; the imaps
# listener under --stdio would need a TLS client, so only check that
# STARTTLS twice is refused on the plain one once TLS is up elsewhere.
S~ \* OK \[CAPABILITY .* STARTTLS .*\] tern IMAP ready
C: 1 STARTTLS extra
S: 1 BAD STARTTLS takes no arguments
! close
