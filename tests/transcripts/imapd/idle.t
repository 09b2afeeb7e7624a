# IDLE (RFC 2177): "+ idling", DONE ends it; anything else is BAD; IDLE
# in the authenticated state; a command pipelined right after DONE in
# the same packet (iOS) is answered; the client closing mid-IDLE.
@ preauth demo@example.test
@ maildir mail/example.test/demo/Maildir
@ file cur/1000000001.M1P1.test:2,S search/m1.eml
S~ \* PREAUTH .*
C: a1 IDLE
S: + idling
C: DONE
S: a1 OK Idle completed
C: a2 IDLE now
S: a2 BAD IDLE takes no arguments
C: a3 SELECT INBOX
S* a3 OK [READ-WRITE] Select completed
C: a4 IDLE
S: + idling
C: done
S: a4 OK Idle completed
C: a5 IDLE
S: + idling
C: NOOP
S: a5 BAD Expected DONE
C: a6 IDLE
S: + idling
C! DONE\r\na7 SEARCH SEEN\r\na8 NOOP\r\n
S: a6 OK Idle completed
S: * SEARCH 1
S: a7 OK Search completed
S: a8 OK NOOP completed
C: a9 IDLE
S: + idling
! close
# a normal end: no reply, no NO counted (the log says reason=eof)
! wait
