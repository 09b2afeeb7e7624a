# A whole Thunderbird 153 session as CLIENTS.md records it: plain-number
# tags, lower-case commands, no CAPABILITY (read from the greeting and
# the tagged OK of AUTHENTICATE), AUTHENTICATE PLAIN with an empty "+ "
# continuation, namespace, ID, LIST (SUBSCRIBED) ... RETURN
# (SPECIAL-USE), list "" "INBOX", select "INBOX" with every response it
# needs (UNSEEN included), UID fetch, noop, check, IDLE left after an
# untagged line, and the socket closed in the middle of IDLE.
@ maildir mail/example.test/demo/Maildir
@ file cur/1000000001.M1P1.test:2,S search/m1.eml
@ file cur/1000000002.M2P2.test:2, search/m2.eml
S~ \* OK \[CAPABILITY IMAP4rev1 .*AUTH=PLAIN.*\] tern IMAP ready
C: 1 authenticate PLAIN
S: + 
C: AGRlbW9AZXhhbXBsZS50ZXN0AGRlbW8tc2VjcmV0
S~ 1 OK \[CAPABILITY IMAP4rev1 .*NAMESPACE.*LIST-EXTENDED.*SPECIAL-USE.*IDLE.*\] Logged in
C: 2 namespace
S: * NAMESPACE (("" "/")) NIL NIL
S: 2 OK Namespace completed
C: 3 ID ("name" "Thunderbird" "version" "153.0")
S~ \* ID \(.*\)
S: 3 OK ID completed
C: 4 list (subscribed) "" "*" return (special-use)
S* 4 OK LIST completed
C: 5 list "" "INBOX"
S: * LIST (\HasNoChildren) "/" "INBOX"
S: 5 OK LIST completed
C: 6 select "INBOX"
S: * 2 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted
S: * OK [UNSEEN 2] First unseen
S~ \* OK \[UIDVALIDITY [0-9]+\] UIDs valid
S: * OK [UIDNEXT 3] Predicted next UID
S: 6 OK [READ-WRITE] Select completed
C: 7 UID fetch 1:* (FLAGS)
S: * 1 FETCH (UID 1 FLAGS (\Seen))
S: * 2 FETCH (UID 2 FLAGS ())
S: 7 OK Fetch completed
C: 8 noop
S: 8 OK NOOP completed
C: 9 check
S: 9 OK Check completed
C: 10 IDLE
S: + idling
C: DONE
S: 10 OK Idle completed
C: 11 UID fetch 3:* (FLAGS)
S: * 2 FETCH (UID 2 FLAGS ())
S: 11 OK Fetch completed
C: 12 IDLE
S: + idling
! close
! wait
