# STATUS and SELECT/EXAMINE of an empty and a filled INBOX (the Maildir
# below is made by the script's earlier session through smtpd-like files:
# here we use CREATE and an empty INBOX), UNSELECT, CLOSE, CHECK, the
# rev1 and rev2 SELECT responses, and the not-yet commands.
@ preauth demo@example.test
S~ \* PREAUTH .*
C: 1 STATUS INBOX (MESSAGES UIDNEXT UNSEEN RECENT SIZE)
S: * STATUS "INBOX" (MESSAGES 0 UIDNEXT 1 UNSEEN 0 RECENT 0 SIZE 0)
S: 1 OK Status completed
C: 2 STATUS Nowhere (MESSAGES)
S: 2 NO [NONEXISTENT] Mailbox does not exist
C: 3 STATUS INBOX (FROB)
S: 3 BAD Unknown or missing STATUS item
C: 4 CHECK
S: 4 BAD Command not allowed in the auth state
C: 5 select "INBOX"
S: * 0 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted
S~ \* OK \[UIDVALIDITY [0-9]+\] UIDs valid
S: * OK [UIDNEXT 1] Predicted next UID
S: 5 OK [READ-WRITE] Select completed
C: 6 check
S: 6 OK Check completed
C: 7 UID FETCH 1:* (FLAGS)
S: 7 OK Fetch completed
C: 8 UID NOOP
S: 8 BAD Unknown command
C: 9 EXAMINE Sent
S: * OK [CLOSED] Previous mailbox closed
S: * 0 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS ()] Read-only mailbox
S~ \* OK \[UIDVALIDITY [0-9]+\] UIDs valid
S: * OK [UIDNEXT 1] Predicted next UID
S: 9 OK [READ-ONLY] Examine completed
C: 10 UNSELECT
S: 10 OK Unselect completed
C: 11 UNSELECT
S: 11 BAD Command not allowed in the auth state
C: 12 SELECT Nowhere
S: 12 NO [NONEXISTENT] Mailbox does not exist
C: 13 ENABLE IMAP4rev2 CONDSTORE
S: * ENABLED IMAP4rev2 CONDSTORE
S: 13 OK Enabled
C: 14 SELECT Drafts
S: * 0 EXISTS
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted
S~ \* OK \[UIDVALIDITY [0-9]+\] UIDs valid
S: * OK [UIDNEXT 1] Predicted next UID
S~ \* OK \[HIGHESTMODSEQ [1-9][0-9]*\] Highest
S: * LIST () "/" "Drafts"
S: 14 OK [READ-WRITE] Select completed
C: 15 CLOSE
S: 15 OK Close completed
C: 16 APPEND INBOX {3}
S: + Ready
C: abc
S~ 16 OK \[APPENDUID [0-9]+ 1\] Append completed
! close
