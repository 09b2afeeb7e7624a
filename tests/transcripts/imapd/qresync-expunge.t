# QRESYNC inside a session (RFC 7162 3.2.6, 3.2.10) on the folder of
# condstore/README: expunges go out as "* VANISHED uids" (EXPUNGE and
# MOVE), UID FETCH (CHANGEDSINCE n VANISHED) reports the UIDs of its set
# expunged since n (exact from the log, conservative below its floor),
# FETCH responses carry UID and MODSEQ, and EXPUNGE and CLOSE answer
# with the new HIGHESTMODSEQ (3.2.7, 3.2.8).
@ preauth demo@example.test
@ maildir mail/example.test/demo/Maildir
@ file dovecot-uidlist condstore/dovecot-uidlist
@ file tern-modseq condstore/tern-modseq
@ file dovecot-keywords search/keywords
@ file cur/1000000001.M1P1.test:2,S search/m1.eml 1994-02-01T12:00:00Z
@ file cur/1000000002.M1P1.test:2,FR search/m2.eml 2024-03-15T12:00:00Z
@ file cur/1000000004.M1P1.test:2, search/m3.eml 2024-03-01T12:00:00Z
@ file cur/1000000006.M1P1.test:2,Sa search/m4.eml 2024-03-20T12:00:00Z
S~ \* PREAUTH .*
C: 1 ENABLE QRESYNC
S: * ENABLED QRESYNC
S: 1 OK Enabled
C: 2 SELECT INBOX
S: * 4 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk Work)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk Work \*)] Flags permitted
S: * OK [UNSEEN 2] First unseen
S: * OK [UIDVALIDITY 67890007] UIDs valid
S: * OK [UIDNEXT 8] Predicted next UID
S: * OK [HIGHESTMODSEQ 20] Highest
S: 2 OK [READ-WRITE] Select completed
C: 3 STORE 1 +FLAGS.SILENT (\Deleted)
S: * 1 FETCH (UID 1 MODSEQ (21))
S: 3 OK Store completed
C: 4 EXPUNGE
S: * VANISHED 1
S: 4 OK [HIGHESTMODSEQ 22] Expunge completed
C: 5 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 20 VANISHED)
S: * VANISHED (EARLIER) 1
S: 5 OK Fetch completed
C: 6 UID FETCH 2:4 (FLAGS) (CHANGEDSINCE 9 VANISHED)
S: * VANISHED (EARLIER) 3
S: * 1 FETCH (UID 2 FLAGS (\Answered \Flagged) MODSEQ (12))
S: * 2 FETCH (UID 4 FLAGS () MODSEQ (15))
S: 6 OK Fetch completed
C: 7 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 2 VANISHED)
S: * VANISHED (EARLIER) 1,3,5,7
S: * 1 FETCH (UID 2 FLAGS (\Answered \Flagged) MODSEQ (12))
S: * 2 FETCH (UID 4 FLAGS () MODSEQ (15))
S: * 3 FETCH (UID 6 FLAGS (\Seen $Junk) MODSEQ (20))
S: 7 OK Fetch completed
C: 8 FETCH 1 (FLAGS) (CHANGEDSINCE 1 VANISHED)
S: 8 BAD VANISHED needs UID FETCH and CHANGEDSINCE
C: 9 UID FETCH 1:* (FLAGS) (VANISHED)
S: 9 BAD VANISHED needs UID FETCH and CHANGEDSINCE
C: 10 UID MOVE 4,6 Sent
S~ \* OK \[COPYUID [0-9]+ 4,6 1:2\] Moved UIDs
S: * VANISHED 4,6
S: 10 OK Move completed
C: 11 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 22 VANISHED)
S: * VANISHED (EARLIER) 4,6
S: 11 OK Fetch completed
C: 12 CLOSE
S: 12 OK [HIGHESTMODSEQ 23] Close completed
! close
