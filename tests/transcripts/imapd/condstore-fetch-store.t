# FETCH and STORE with CONDSTORE (RFC 7162 3.1.3, 3.1.4) on the folder
# of condstore/README: FETCH MODSEQ enables it, CHANGEDSINCE filters
# (0 as iPhone Mail sends it), FLAGS come with MODSEQ, STORE
# UNCHANGEDSINCE stores where unchanged and lists the rest in
# [MODIFIED], .SILENT still reports the new MODSEQ, a FETCH that sets
# \Seen reports FLAGS, MODSEQ and UID; one STORE is one new modseq.
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
C: 1 SELECT INBOX
S: * 4 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk Work)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk Work \*)] Flags permitted
S: * OK [UNSEEN 2] First unseen
S: * OK [UIDVALIDITY 67890007] UIDs valid
S: * OK [UIDNEXT 8] Predicted next UID
S: 1 OK [READ-WRITE] Select completed
C: 2 FETCH 1 (FLAGS)
S: * 1 FETCH (FLAGS (\Seen))
S: 2 OK Fetch completed
C: 3 FETCH 1:2 (MODSEQ)
S: * OK [HIGHESTMODSEQ 20] Highest
S: * 1 FETCH (MODSEQ (5))
S: * 2 FETCH (MODSEQ (12))
S: 3 OK Fetch completed
C: 4 FETCH 1:* (FLAGS) (CHANGEDSINCE 12)
S: * 3 FETCH (FLAGS () MODSEQ (15))
S: * 4 FETCH (FLAGS (\Seen $Junk) MODSEQ (20))
S: 4 OK Fetch completed
C: 5 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 0)
S: * 1 FETCH (UID 1 FLAGS (\Seen) MODSEQ (5))
S: * 2 FETCH (UID 2 FLAGS (\Answered \Flagged) MODSEQ (12))
S: * 3 FETCH (UID 4 FLAGS () MODSEQ (15))
S: * 4 FETCH (UID 6 FLAGS (\Seen $Junk) MODSEQ (20))
S: 5 OK Fetch completed
C: 6 FETCH 1 (UID) (CHANGEDSINCE 20)
S: 6 OK Fetch completed
C: 7 STORE 1:4 (UNCHANGEDSINCE 12) +FLAGS (\Deleted)
S: * 1 FETCH (FLAGS (\Deleted \Seen) MODSEQ (21))
S: * 2 FETCH (FLAGS (\Answered \Flagged \Deleted) MODSEQ (21))
S: 7 OK [MODIFIED 3:4] Conditional STORE failed
C: 8 STORE 3 (UNCHANGEDSINCE 0) +FLAGS.SILENT (\Seen)
S: 8 OK [MODIFIED 3] Conditional STORE failed
C: 9 UID STORE 4 (UNCHANGEDSINCE 15) +FLAGS.SILENT (\Flagged)
S: * 3 FETCH (UID 4 MODSEQ (22))
S: 9 OK Store completed
C: 10 STORE 1 +FLAGS (\Seen)
S: * 1 FETCH (FLAGS (\Deleted \Seen) MODSEQ (21))
S: 10 OK Store completed
C: 11 STORE 2 -FLAGS.SILENT (\Deleted)
S: * 2 FETCH (MODSEQ (23))
S: 11 OK Store completed
C: 12 FETCH 2 (BODY[HEADER.FIELDS (SUBJECT)])
S: * 2 FETCH (FLAGS (\Answered \Flagged \Seen) BODY[HEADER.FIELDS (SUBJECT)] {50}
S: Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= aus Berlin
S: 
S:  MODSEQ (24) UID 2)
S: 12 OK Fetch completed
C: 13 STORE 1:2 (UNCHANGEDSINCE 24) FLAGS.SILENT ()
S: * 1 FETCH (MODSEQ (25))
S: * 2 FETCH (MODSEQ (25))
S: 13 OK Store completed
C: 14 STORE 1 (UNCHANGEDSINCE x) FLAGS ()
S: 14 BAD Syntax: STORE seqset (UNCHANGEDSINCE modseq) item flags
C: 15 FETCH 1 FLAGS (CHANGEDSINCE -1)
S: 15 BAD Syntax: FETCH seqset items (CHANGEDSINCE modseq [VANISHED])
C: 16 UID FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED)
S: 16 BAD QRESYNC is not enabled
C: 17 STATUS INBOX (HIGHESTMODSEQ)
S: * STATUS "INBOX" (HIGHESTMODSEQ 25)
S: 17 OK Status completed
! close
= tern-modseq
F~ tern-modseq 1 V67890007 H25 F4
F~ 4 22 :F
