# LIST-STATUS with HIGHESTMODSEQ (RFC 5819, RFC 7162 3.1.10) enables
# CONDSTORE like STATUS does: the next SELECT reports [HIGHESTMODSEQ].
@ preauth demo@example.test
S~ \* PREAUTH .*
C: 1 LIST "" "Sent" RETURN (STATUS (HIGHESTMODSEQ))
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S~ \* STATUS "Sent" \(HIGHESTMODSEQ [1-9][0-9]*\)
S: 1 OK LIST completed
C: 2 EXAMINE Sent
S: * 0 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS ()] Read-only mailbox
S~ \* OK \[UIDVALIDITY [0-9]+\] UIDs valid
S: * OK [UIDNEXT 1] Predicted next UID
S~ \* OK \[HIGHESTMODSEQ [1-9][0-9]*\] Highest
S: 2 OK [READ-ONLY] Examine completed
! close
