# CONDSTORE and QRESYNC on SELECT, EXAMINE, STATUS and ENABLE (RFC 7162
# 3.1.2, 3.1.8, 3.1.10, 3.2.3, 3.2.5): [HIGHESTMODSEQ] once enabled or
# asked for, QRESYNC only after ENABLE QRESYNC, bad parameters (more in
# qresync-params.t), and a QRESYNC SELECT of another UIDVALIDITY (a plain
# SELECT).
@ preauth demo@example.test
S~ \* PREAUTH .*
C: 1 SELECT INBOX
S: * 0 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted
S~ \* OK \[UIDVALIDITY [0-9]+\] UIDs valid
S: * OK [UIDNEXT 1] Predicted next UID
S: 1 OK [READ-WRITE] Select completed
# RFC 7162 3.1: the first enabling command with a mailbox selected
C: 2 STATUS Sent (HIGHESTMODSEQ MESSAGES)
S~ \* OK \[HIGHESTMODSEQ [1-9][0-9]*\] Highest
S~ \* STATUS "Sent" \(MESSAGES 0 HIGHESTMODSEQ [1-9][0-9]*\)
S: 2 OK Status completed
C: 3 ENABLE CONDSTORE
S: * ENABLED
S: 3 OK Enabled
C: 4 EXAMINE INBOX (QRESYNC (1 1))
S: 4 BAD QRESYNC is not enabled
C: 5 SELECT INBOX (FROB)
S: 5 BAD Unknown SELECT parameter
C: 6 ENABLE QRESYNC
S: * ENABLED QRESYNC
S: 6 OK Enabled
C: 11 SELECT INBOX (QRESYNC (1 1) QRESYNC (1 1))
S: 11 BAD QRESYNC given twice
# another UIDVALIDITY: no VANISHED, no FETCH
C: 12 EXAMINE INBOX (QRESYNC (1 1 1:10 (1:2 1:2)) CONDSTORE)
S: * OK [CLOSED] Previous mailbox closed
S: * 0 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS ()] Read-only mailbox
S~ \* OK \[UIDVALIDITY [0-9]+\] UIDs valid
S: * OK [UIDNEXT 1] Predicted next UID
S~ \* OK \[HIGHESTMODSEQ [1-9][0-9]*\] Highest
S: 12 OK [READ-ONLY] Examine completed
C: 13 LOGOUT
S: * BYE Logging out
S: 13 OK Logout completed
