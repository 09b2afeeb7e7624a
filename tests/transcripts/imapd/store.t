# STORE and UID STORE (RFC 9051 6.4.6): FLAGS, +FLAGS, -FLAGS and
# .SILENT, keywords (a new one is announced with FLAGS and
# PERMANENTFLAGS before its FETCH and written to dovecot-keywords),
# UID in the FETCH of UID STORE, the file names that carry the flags,
# and the errors: \Recent, a bad set, read-only.
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
C: e STORE 1 +FLAGS (\Seen \Flagged)
S: * 1 FETCH (FLAGS (\Flagged \Seen \Recent))
S: e OK Store completed
C: f STORE 1:2 +FLAGS.SILENT ($Junk)
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk \*)] Flags permitted
S: f OK Store completed
C: g FETCH 1:3 FLAGS
S: * 1 FETCH (FLAGS (\Flagged \Seen \Recent $Junk))
S: * 2 FETCH (FLAGS (\Recent $Junk))
S: * 3 FETCH (FLAGS (\Recent))
S: g OK Fetch completed
C: h UID STORE 2:3 FLAGS (\Answered NonJunk)
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk NonJunk)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk NonJunk \*)] Flags permitted
S: * 2 FETCH (UID 2 FLAGS (\Answered \Recent NonJunk))
S: * 3 FETCH (UID 3 FLAGS (\Answered \Recent NonJunk))
S: h OK Store completed
C: i STORE 1 -FLAGS \Flagged $Junk
S: * 1 FETCH (FLAGS (\Seen \Recent))
S: i OK Store completed
C: j STORE 3 FLAGS ()
S: * 3 FETCH (FLAGS (\Recent))
S: j OK Store completed
C: k STORE 1 +FLAGS (\Recent)
S: k BAD unknown system flag
C: l STORE 4 +FLAGS (\Seen)
S: l BAD Invalid message sequence number
C: m UID STORE 9 +FLAGS (\Seen)
S: m OK Store completed
C: n EXAMINE INBOX
S: * OK [CLOSED] Previous mailbox closed
S: * 3 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Junk NonJunk)
S: * OK [PERMANENTFLAGS ()] Read-only mailbox
S: * OK [UNSEEN 2] First unseen
S~ \* OK \[UIDVALIDITY [0-9]+\] UIDs valid
S: * OK [UIDNEXT 4] Predicted next UID
S: n OK [READ-ONLY] Examine completed
C: o STORE 1 +FLAGS (\Deleted)
S: o NO [READ-ONLY] Mailbox is read-only
C: z LOGOUT
S: * BYE Logging out
S: z OK Logout completed
# the keywords file has both new keywords
= mail/example.test/demo/Maildir/dovecot-keywords
F~ 0 \$Junk
F~ 1 NonJunk
