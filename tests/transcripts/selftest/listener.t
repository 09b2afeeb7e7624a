# "@ listener" adds --listener; "@ maildir" moves the base of "=" globs.
@ listener submission
@ maildir mail
S~ 220 selftest ready listener=submission conf=.*
C: DELIVER x.eml
C: .
S: 250 delivered
! close
! wait
= new/x.*
