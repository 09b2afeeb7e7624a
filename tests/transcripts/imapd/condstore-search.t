# SEARCH MODSEQ (RFC 7162 3.1.5) on the folder of condstore/README: the
# first use enables CONDSTORE (untagged [HIGHESTMODSEQ], 3.1); matches
# have a modseq >= the value; the highest of them is reported, in SEARCH
# as (MODSEQ n) and in ESEARCH as MODSEQ n; none when nothing matched.
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
C: 2 SEARCH MODSEQ 13
S: * OK [HIGHESTMODSEQ 20] Highest
S: * SEARCH 3 4 (MODSEQ 20)
S: 2 OK Search completed
C: 3 UID SEARCH MODSEQ "/flags/\\draft" all 12 NOT SEEN
S: * SEARCH 2 4 (MODSEQ 15)
S: 3 OK UID SEARCH completed
C: 4 SEARCH RETURN (ALL COUNT) MODSEQ 5
S: * ESEARCH (TAG "4") ALL 1:4 COUNT 4 MODSEQ 20
S: 4 OK Search completed
C: 5 SEARCH MODSEQ 21
S: * SEARCH
S: 5 OK Search completed
C: 6 SEARCH OR MODSEQ 16 SEEN
S: * SEARCH 1 4 (MODSEQ 20)
S: 6 OK Search completed
C: 7 SEARCH MODSEQ 0
S: * SEARCH 1 2 3 4 (MODSEQ 20)
S: 7 OK Search completed
C: 8 SEARCH MODSEQ "/flags/\\draft" none 1
S: 8 BAD Invalid search key argument
! close
