# A client that goes away in the middle of AUTHENTICATE ends the session
# normally: no reply, and no bad command counted (the log says
# reason=eof bad=0).
S~ \* OK \[CAPABILITY .*\] tern IMAP ready
C: 1 AUTHENTICATE PLAIN
S: + 
! close
! wait
