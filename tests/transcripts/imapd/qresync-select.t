# SELECT (QRESYNC ...) on the folder of condstore/README (RFC 7162
# 3.2.5): VANISHED (EARLIER) from the expunge log when it reaches back to
# the client's modseq, conservatively (UID 7 too) below its floor;
# known-uids (unsorted, overlapping) limits it; FETCH (UID FLAGS MODSEQ) for every message
# changed since; another UIDVALIDITY or an up-to-date client gets none.
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
C: 2 SELECT INBOX (QRESYNC (67890007 9))
S: * 4 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk Work)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk Work \*)] Flags permitted
S: * OK [UNSEEN 2] First unseen
S: * OK [UIDVALIDITY 67890007] UIDs valid
S: * OK [UIDNEXT 8] Predicted next UID
S: * OK [HIGHESTMODSEQ 20] Highest
S: * VANISHED (EARLIER) 3,5
S: * 2 FETCH (UID 2 FLAGS (\Answered \Flagged) MODSEQ (12))
S: * 3 FETCH (UID 4 FLAGS () MODSEQ (15))
S: * 4 FETCH (UID 6 FLAGS (\Seen $Junk) MODSEQ (20))
S: 2 OK [READ-WRITE] Select completed
C: 3 EXAMINE INBOX (QRESYNC (67890007 3))
S: * OK [CLOSED] Previous mailbox closed
S: * 4 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk Work)
S: * OK [PERMANENTFLAGS ()] Read-only mailbox
S: * OK [UNSEEN 2] First unseen
S: * OK [UIDVALIDITY 67890007] UIDs valid
S: * OK [UIDNEXT 8] Predicted next UID
S: * OK [HIGHESTMODSEQ 20] Highest
S: * VANISHED (EARLIER) 3,5,7
S: * 1 FETCH (UID 1 FLAGS (\Seen) MODSEQ (5))
S: * 2 FETCH (UID 2 FLAGS (\Answered \Flagged) MODSEQ (12))
S: * 3 FETCH (UID 4 FLAGS () MODSEQ (15))
S: * 4 FETCH (UID 6 FLAGS (\Seen $Junk) MODSEQ (20))
S: 3 OK [READ-ONLY] Examine completed
C: 4 EXAMINE INBOX (QRESYNC (67890007 12 1:3,6))
S: * OK [CLOSED] Previous mailbox closed
S: * 4 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk Work)
S: * OK [PERMANENTFLAGS ()] Read-only mailbox
S: * OK [UNSEEN 2] First unseen
S: * OK [UIDVALIDITY 67890007] UIDs valid
S: * OK [UIDNEXT 8] Predicted next UID
S: * OK [HIGHESTMODSEQ 20] Highest
S: * 3 FETCH (UID 4 FLAGS () MODSEQ (15))
S: * 4 FETCH (UID 6 FLAGS (\Seen $Junk) MODSEQ (20))
S: 4 OK [READ-ONLY] Examine completed
C: 5 EXAMINE INBOX (QRESYNC (67890007 2 6:* (1:4 1:6)))
S: * OK [CLOSED] Previous mailbox closed
S: * 4 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk Work)
S: * OK [PERMANENTFLAGS ()] Read-only mailbox
S: * OK [UNSEEN 2] First unseen
S: * OK [UIDVALIDITY 67890007] UIDs valid
S: * OK [UIDNEXT 8] Predicted next UID
S: * OK [HIGHESTMODSEQ 20] Highest
S: * VANISHED (EARLIER) 7
S: * 1 FETCH (UID 1 FLAGS (\Seen) MODSEQ (5))
S: * 2 FETCH (UID 2 FLAGS (\Answered \Flagged) MODSEQ (12))
S: * 3 FETCH (UID 4 FLAGS () MODSEQ (15))
S: * 4 FETCH (UID 6 FLAGS (\Seen $Junk) MODSEQ (20))
S: 5 OK [READ-ONLY] Examine completed
C: 6 EXAMINE INBOX (QRESYNC (67890007 20))
S: * OK [CLOSED] Previous mailbox closed
S: * 4 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk Work)
S: * OK [PERMANENTFLAGS ()] Read-only mailbox
S: * OK [UNSEEN 2] First unseen
S: * OK [UIDVALIDITY 67890007] UIDs valid
S: * OK [UIDNEXT 8] Predicted next UID
S: * OK [HIGHESTMODSEQ 20] Highest
S: 6 OK [READ-ONLY] Examine completed
C: 7 EXAMINE INBOX (QRESYNC (67890007 2 7,2:3,1:2))
S: * OK [CLOSED] Previous mailbox closed
S: * 4 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk Work)
S: * OK [PERMANENTFLAGS ()] Read-only mailbox
S: * OK [UNSEEN 2] First unseen
S: * OK [UIDVALIDITY 67890007] UIDs valid
S: * OK [UIDNEXT 8] Predicted next UID
S: * OK [HIGHESTMODSEQ 20] Highest
S: * VANISHED (EARLIER) 3,7
S: * 1 FETCH (UID 1 FLAGS (\Seen) MODSEQ (5))
S: * 2 FETCH (UID 2 FLAGS (\Answered \Flagged) MODSEQ (12))
S: * 3 FETCH (UID 4 FLAGS () MODSEQ (15))
S: * 4 FETCH (UID 6 FLAGS (\Seen $Junk) MODSEQ (20))
S: 7 OK [READ-ONLY] Examine completed
C: 8 EXAMINE INBOX (QRESYNC (1 3))
S: * OK [CLOSED] Previous mailbox closed
S: * 4 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk Work)
S: * OK [PERMANENTFLAGS ()] Read-only mailbox
S: * OK [UNSEEN 2] First unseen
S: * OK [UIDVALIDITY 67890007] UIDs valid
S: * OK [UIDNEXT 8] Predicted next UID
S: * OK [HIGHESTMODSEQ 20] Highest
S: 8 OK [READ-ONLY] Examine completed
C: 9 LOGOUT
S: * BYE Logging out
S: 9 OK Logout completed
= tern-modseq
F~ tern-modseq 1 V67890007 H20 F4
