# The timer before authentication (login_timeout, 1 s in this conf) is
# shorter than the one after it (idle_timeout, RFC 9051 5.4): a client
# that says nothing gets "* BYE" and the connection is closed.
@ conf imapd-timeout.conf
S~ \* OK \[CAPABILITY .*\] tern IMAP ready
S: * BYE Autologout; idle for too long
! wait
