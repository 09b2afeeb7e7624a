# APPEND (RFC 9051 6.3.12): flags, date-time as INTERNALDATE,
# APPENDUID (RFC 4315), a synchronizing literal, [TRYCREATE] for a
# missing mailbox, MULTIAPPEND (RFC 3502), new keywords, an APPEND to the
# selected mailbox (EXISTS), and the errors: an empty message, a bad
# date, \Recent, a literal over APPENDLIMIT (4096 here).
@ preauth demo@example.test
S~ \* PREAUTH .*
C: a APPEND INBOX (\Seen \Draft) "05-Mar-2024 10:00:00 +0100" {39+}
C: From: a@example.test
C: Subject: s
C: 
C: x
C: 
S~ a OK \[APPENDUID [0-9]+ 1\] Append completed
C: b APPEND Drafts ($Label1) {39+}
C: From: a@example.test
C: Subject: s
C: 
C: x
C: 
S~ b OK \[APPENDUID [0-9]+ 1\] Append completed
C: c APPEND INBOX {39+}
C: From: a@example.test
C: Subject: s
C: 
C: x
C: 
S~ c OK \[APPENDUID [0-9]+ 2\] Append completed
C: d APPEND Nowhere {39+}
C: From: a@example.test
C: Subject: s
C: 
C: x
C: 
S: d NO [TRYCREATE] Mailbox does not exist
C: e SELECT INBOX
S: * 2 EXISTS
S: * 1 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted
S: * OK [UNSEEN 2] First unseen
S~ \* OK \[UIDVALIDITY [0-9]+\] UIDs valid
S: * OK [UIDNEXT 3] Predicted next UID
S: e OK [READ-WRITE] Select completed
C: f APPEND INBOX (\Answered) "01-Jan-2020 00:00:00 +0000" {39+}
C: From: a@example.test
C: Subject: s
C: 
C: x
C:  (\Flagged) {39+}
C: From: a@example.test
C: Subject: s
C: 
C: x
C: 
S: * 4 EXISTS
S: * 3 RECENT
S~ f OK \[APPENDUID [0-9]+ 3:4\] Append completed
C: g FETCH 1:* (UID FLAGS INTERNALDATE)
S~ \* 1 FETCH \(UID 1 FLAGS \(\\Seen \\Draft\) INTERNALDATE "[0-9]{2}-[A-Z][a-z]{2}-[0-9]{4} [0-9:]{8} [-+][0-9]{4}"\)
S~ \* 2 FETCH \(UID 2 FLAGS \(\\Recent\) INTERNALDATE "[0-9]{2}-[A-Z][a-z]{2}-[0-9]{4} [0-9:]{8} [-+][0-9]{4}"\)
S~ \* 3 FETCH \(UID 3 FLAGS \(\\Answered \\Recent\) INTERNALDATE "[0-9]{2}-[A-Z][a-z]{2}-[0-9]{4} [0-9:]{8} [-+][0-9]{4}"\)
S~ \* 4 FETCH \(UID 4 FLAGS \(\\Flagged \\Recent\) INTERNALDATE "[0-9]{2}-[A-Z][a-z]{2}-[0-9]{4} [0-9:]{8} [-+][0-9]{4}"\)
S: g OK Fetch completed
C: h APPEND INBOX {0+}
C: 
S: h NO Cannot append an empty message
C: i APPEND INBOX "31-Feb-2020 00:00:00 +0000" {39+}
C: From: a@example.test
C: Subject: s
C: 
C: x
C: 
S: i BAD Invalid date-time
C: j APPEND INBOX (\Recent) {39+}
C: From: a@example.test
C: Subject: s
C: 
C: x
C: 
S: j BAD unknown system flag
C: k APPEND INBOX {5000}
S: k NO [TOOBIG] Message is larger than APPENDLIMIT
C: z LOGOUT
S: * BYE Logging out
S: z OK Logout completed
# the files: flags in the name, sizes of the LF form, no tmp/ litter
= mail/example.test/demo/Maildir/cur/*,S=35,W=39:2,DS
= mail/example.test/demo/Maildir/.Drafts/dovecot-keywords
F~ 0 \$Label1
- mail/example.test/demo/Maildir/tmp/*
- mail/example.test/demo/Maildir/.Drafts/tmp/*
