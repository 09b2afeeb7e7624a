# EXPUNGE and UID EXPUNGE (RFC 9051 6.4.3, RFC 4315 2.1): only \Deleted
# messages go, the EXPUNGE numbers are sent from the highest down, UID
# EXPUNGE leaves \Deleted messages outside its set, CLOSE expunges
# silently, and a read-only mailbox refuses.
@ preauth demo@example.test
S~ \* PREAUTH .*
C: a SELECT INBOX
S: * 0 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted
S~ \* OK \[UIDVALIDITY [0-9]+\] UIDs valid
S: * OK [UIDNEXT 1] Predicted next UID
S: a OK [READ-WRITE] Select completed
C: b APPEND INBOX "05-Mar-2024 10:00:00 +0100" {39+}
C: From: a@example.test
C: Subject: s
C: 
C: x
C: 
S: * 1 EXISTS
S: * 1 RECENT
S~ b OK \[APPENDUID [0-9]+ 1\] Append completed
C: c APPEND INBOX "05-Mar-2024 10:00:00 +0100" {39+}
C: From: a@example.test
C: Subject: s
C: 
C: x
C: 
S: * 2 EXISTS
S: * 2 RECENT
S~ c OK \[APPENDUID [0-9]+ 2\] Append completed
C: d APPEND INBOX "05-Mar-2024 10:00:00 +0100" {39+}
C: From: a@example.test
C: Subject: s
C: 
C: x
C: 
S: * 3 EXISTS
S: * 3 RECENT
S~ d OK \[APPENDUID [0-9]+ 3\] Append completed
C: e APPEND INBOX "05-Mar-2024 10:00:00 +0100" {39+}
C: From: a@example.test
C: Subject: s
C: 
C: x
C: 
S: * 4 EXISTS
S: * 4 RECENT
S~ e OK \[APPENDUID [0-9]+ 4\] Append completed
C: f APPEND INBOX "05-Mar-2024 10:00:00 +0100" {39+}
C: From: a@example.test
C: Subject: s
C: 
C: x
C: 
S: * 5 EXISTS
S: * 5 RECENT
S~ f OK \[APPENDUID [0-9]+ 5\] Append completed
C: g STORE 1,3,4 +FLAGS.SILENT (\Deleted)
S: g OK Store completed
C: h UID EXPUNGE 3:4
S: * 4 EXPUNGE
S: * 3 EXPUNGE
S: * 3 RECENT
S: h OK Expunge completed
C: i FETCH 1:* (UID FLAGS)
S: * 1 FETCH (UID 1 FLAGS (\Deleted \Recent))
S: * 2 FETCH (UID 2 FLAGS (\Recent))
S: * 3 FETCH (UID 5 FLAGS (\Recent))
S: i OK Fetch completed
C: j EXPUNGE
S: * 1 EXPUNGE
S: * 2 RECENT
S: j OK Expunge completed
C: k UID FETCH 1:* FLAGS
S: * 1 FETCH (UID 2 FLAGS (\Recent))
S: * 2 FETCH (UID 5 FLAGS (\Recent))
S: k OK Fetch completed
C: l EXPUNGE
S: l OK Expunge completed
C: m STORE 1 +FLAGS.SILENT (\Deleted)
S: m OK Store completed
C: n EXAMINE INBOX
S: * OK [CLOSED] Previous mailbox closed
S: * 2 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS ()] Read-only mailbox
S: * OK [UNSEEN 1] First unseen
S~ \* OK \[UIDVALIDITY [0-9]+\] UIDs valid
S: * OK [UIDNEXT 6] Predicted next UID
S: n OK [READ-ONLY] Examine completed
C: o EXPUNGE
S: o NO [READ-ONLY] Mailbox is read-only
C: p SELECT INBOX
S: * OK [CLOSED] Previous mailbox closed
S: * 2 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted
S: * OK [UNSEEN 1] First unseen
S~ \* OK \[UIDVALIDITY [0-9]+\] UIDs valid
S: * OK [UIDNEXT 6] Predicted next UID
S: p OK [READ-WRITE] Select completed
C: q CLOSE
S: q OK Close completed
C: r STATUS INBOX (MESSAGES)
S: * STATUS "INBOX" (MESSAGES 1)
S: r OK Status completed
C: z LOGOUT
S: * BYE Logging out
S: z OK Logout completed
