# SELECT (CONDSTORE) turns CONDSTORE on for the session (RFC 7162 3.1.8),
# so a later SELECT without it still reports [HIGHESTMODSEQ], and ENABLE
# CONDSTORE no longer lists it (RFC 5161 3.1).
@ preauth demo@example.test
S~ \* PREAUTH .*
C: 1 EXAMINE Drafts (CONDSTORE)
S: * 0 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS ()] Read-only mailbox
S~ \* OK \[UIDVALIDITY [0-9]+\] UIDs valid
S: * OK [UIDNEXT 1] Predicted next UID
S~ \* OK \[HIGHESTMODSEQ [1-9][0-9]*\] Highest
S: 1 OK [READ-ONLY] Examine completed
C: 2 SELECT INBOX
S: * OK [CLOSED] Previous mailbox closed
S: * 0 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted
S~ \* OK \[UIDVALIDITY [0-9]+\] UIDs valid
S: * OK [UIDNEXT 1] Predicted next UID
S~ \* OK \[HIGHESTMODSEQ [1-9][0-9]*\] Highest
S: 2 OK [READ-WRITE] Select completed
C: 3 ENABLE CONDSTORE QRESYNC
S: * ENABLED QRESYNC
S: 3 OK Enabled
! close
