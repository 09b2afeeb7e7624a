# SEARCH syntax errors are BAD (at most 4 here: the 5th BAD closes).
@ preauth demo@example.test
@ maildir mail/example.test/demo/Maildir
@ file cur/1000000001.M1P1.test:2,S search/m1.eml
S~ \* PREAUTH .*
C: 2 SELECT INBOX
S* 2 OK [READ-WRITE] Select completed
C: 16 SEARCH FROBNICATE
S: 16 BAD Unknown search key
C: 17 SEARCH OR SEEN
S: 17 BAD OR or NOT without its keys
C: 18 SEARCH RETURN (PARTIAL 1:5) ALL
S: 18 BAD Unknown RETURN option
C: 19 SEARCH BEFORE 31-Feb-2024x
S: 19 BAD Invalid date in search key
! close
