# COPY, UID COPY, MOVE and UID MOVE (RFC 9051 6.4.7, RFC 6851) with
# COPYUID (RFC 4315): flags and keywords travel, [TRYCREATE] for a
# missing target, MOVE's untagged COPYUID and EXPUNGEs before its tagged
# OK, and what the target holds afterwards.
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
C: b APPEND INBOX (\Seen $Work) "05-Mar-2024 10:00:00 +0100" {39+}
C: From: a@example.test
C: Subject: s
C: 
C: x
C: 
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Work)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Work \*)] Flags permitted
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
C: d APPEND INBOX (\Flagged) "05-Mar-2024 10:00:00 +0100" {39+}
C: From: a@example.test
C: Subject: s
C: 
C: x
C: 
S: * 3 EXISTS
S: * 3 RECENT
S~ d OK \[APPENDUID [0-9]+ 3\] Append completed
C: e COPY 1:2 Archive
S~ e OK \[COPYUID [0-9]+ 1:2 1:2\] Copy completed
C: f UID COPY 2:* Trash
S~ f OK \[COPYUID [0-9]+ 2:3 1:2\] Copy completed
C: g COPY 1 Nowhere
S: g NO [TRYCREATE] Mailbox does not exist
C: h MOVE 2 Archive
S~ \* OK \[COPYUID [0-9]+ 2 3\] Moved UIDs
S: * 2 EXPUNGE
S: * 2 RECENT
S: h OK Move completed
C: i UID MOVE 1 Archive
S~ \* OK \[COPYUID [0-9]+ 1 4\] Moved UIDs
S: * 1 EXPUNGE
S: * 1 RECENT
S: i OK Move completed
C: j FETCH 1:* (UID FLAGS)
S: * 1 FETCH (UID 3 FLAGS (\Flagged \Recent))
S: j OK Fetch completed
C: k SELECT Archive
S: * OK [CLOSED] Previous mailbox closed
S: * 4 EXISTS
S: * 3 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Work)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Work \*)] Flags permitted
S: * OK [UNSEEN 2] First unseen
S~ \* OK \[UIDVALIDITY [0-9]+\] UIDs valid
S: * OK [UIDNEXT 5] Predicted next UID
S: k OK [READ-WRITE] Select completed
C: l FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (Subject)])
S: * 1 FETCH (UID 1 FLAGS (\Seen $Work) BODY[HEADER.FIELDS (Subject)] {14}
S: Subject: s
S: 
S: )
S: * 2 FETCH (UID 2 FLAGS (\Recent) BODY[HEADER.FIELDS (Subject)] {14}
S: Subject: s
S: 
S: )
S: * 3 FETCH (UID 3 FLAGS (\Recent) BODY[HEADER.FIELDS (Subject)] {14}
S: Subject: s
S: 
S: )
S: * 4 FETCH (UID 4 FLAGS (\Seen \Recent $Work) BODY[HEADER.FIELDS (Subject)] {14}
S: Subject: s
S: 
S: )
S: l OK Fetch completed
C: m STATUS Trash (MESSAGES UIDNEXT)
S: * STATUS "Trash" (MESSAGES 2 UIDNEXT 3)
S: m OK Status completed
C: n COPY 1:* Archive
S: * 8 EXISTS
S: * 7 RECENT
S~ n OK \[COPYUID [0-9]+ 1:4 5:8\] Copy completed
C: o MOVE 1:* Trash
S~ \* OK \[COPYUID [0-9]+ 1:8 3:10\] Moved UIDs
S: * 8 EXPUNGE
S: * 7 EXPUNGE
S: * 6 EXPUNGE
S: * 5 EXPUNGE
S: * 4 EXPUNGE
S: * 3 EXPUNGE
S: * 2 EXPUNGE
S: * 1 EXPUNGE
S: * 0 RECENT
S: o OK Move completed
C: p MOVE 1 Trash
S: p BAD No messages
C: z LOGOUT
S: * BYE Logging out
S: z OK Logout completed
# the moved and copied messages are files in the targets
= mail/example.test/demo/Maildir/.Trash/cur/*:2,Sa
- mail/example.test/demo/Maildir/.Archive/new/*
