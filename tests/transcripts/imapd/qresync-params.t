# Malformed QRESYNC parameters of SELECT (RFC 7162 3.2.5, 7): missing
# modseq, UIDVALIDITY 0, a non-number, a seq-match that is not a pair.
@ preauth demo@example.test
S~ \* PREAUTH .*
C: 1 ENABLE QRESYNC
S: * ENABLED QRESYNC
S: 1 OK Enabled
C: 2 SELECT INBOX (QRESYNC (1))
S~ 2 BAD Syntax: QRESYNC .*
C: 3 SELECT INBOX (QRESYNC (0 1))
S~ 3 BAD Syntax: QRESYNC .*
C: 4 SELECT INBOX (QRESYNC (1 x))
S~ 4 BAD Syntax: QRESYNC .*
C: 5 SELECT INBOX (QRESYNC (1 1 1:* (1 2 3)))
S: 5 BAD Syntax: seq-match is (seqs uids)
! close
