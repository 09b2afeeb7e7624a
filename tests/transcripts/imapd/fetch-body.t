# FETCH items (RFC 9051 6.4.5, RFC 3501 for RFC822*, RFC 3516 BINARY):
# macros, ENVELOPE, BODY, BODYSTRUCTURE, INTERNALDATE from APPEND's
# date-time, HEADER/TEXT/MIME/part sections, HEADER.FIELDS.NOT, a part
# that does not exist, partial fetches (CRLF counted for stored LFs),
# BINARY with a NUL (literal8), no \Seen on EXAMINE, and the errors.
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
C: b APPEND INBOX "05-Mar-2024 10:00:00 +0100" {174+}
C: From: Alice <alice@example.test>
C: To: demo@example.test
C: Subject: Hello
C: Date: Tue, 05 Mar 2024 10:00:00 +0100
C: Message-ID: <m1@example.test>
C: 
C: Hello, world.
C: Second line.
C: 
S: * 1 EXISTS
S: * 1 RECENT
S~ b OK \[APPENDUID [0-9]+ 1\] Append completed
C: c APPEND INBOX (\Flagged) "05-Mar-2024 10:00:00 +0100" {319+}
C: From: Bob <bob@example.test>
C: To: demo@example.test
C: Subject: Parts
C: MIME-Version: 1.0
C: Content-Type: multipart/mixed; boundary="xx"
C: 
C: preamble
C: --xx
C: Content-Type: text/plain; charset=utf-8
C: 
C: Part one.
C: --xx
C: Content-Type: application/octet-stream
C: Content-Transfer-Encoding: base64
C: 
C: aGVsbG8gYmluYXJ5AA==
C: --xx--
C: 
S: * 2 EXISTS
S: * 2 RECENT
S~ c OK \[APPENDUID [0-9]+ 2\] Append completed
C: d FETCH 1 FAST
S~ \* 1 FETCH \(FLAGS \(\\Recent\) INTERNALDATE "[0-9]{2}-[A-Z][a-z]{2}-[0-9]{4} [0-9:]{8} [-+][0-9]{4}" RFC822\.SIZE 174\)
S: d OK Fetch completed
C: e FETCH 1 ALL
S~ \* 1 FETCH \(FLAGS \(\\Recent\) INTERNALDATE "[0-9]{2}-[A-Z][a-z]{2}-[0-9]{4} [0-9:]{8} [-+][0-9]{4}" RFC822\.SIZE 174 ENVELOPE \("Tue, 05 Mar 2024 10:00:00 \+0100" "Hello" \(\("Alice" NIL "alice" "example\.test"\)\) \(\("Alice" NIL "alice" "example\.test"\)\) \(\("Alice" NIL "alice" "example\.test"\)\) \(\(NIL NIL "demo" "example\.test"\)\) NIL NIL NIL "<m1@example\.test>"\)\)
S: e OK Fetch completed
C: f FETCH 2 FULL
S~ \* 2 FETCH \(FLAGS \(\\Flagged \\Recent\) INTERNALDATE "[0-9]{2}-[A-Z][a-z]{2}-[0-9]{4} [0-9:]{8} [-+][0-9]{4}" RFC822\.SIZE 319 ENVELOPE \(NIL "Parts" \(\("Bob" NIL "bob" "example\.test"\)\) \(\("Bob" NIL "bob" "example\.test"\)\) \(\("Bob" NIL "bob" "example\.test"\)\) \(\(NIL NIL "demo" "example\.test"\)\) NIL NIL NIL NIL\) BODY \(\("text" "plain" \("charset" "utf-8"\) NIL NIL "7bit" 9 0\)\("application" "octet-stream" NIL NIL NIL "base64" 20\) "mixed"\)\)
S: f OK Fetch completed
C: g FETCH 2 (BODYSTRUCTURE)
S: * 2 FETCH (BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 9 0 NIL NIL NIL NIL)("application" "octet-stream" NIL NIL NIL "base64" 20 NIL NIL NIL NIL) "mixed" ("boundary" "xx") NIL NIL NIL))
S: g OK Fetch completed
C: h FETCH 2 (BODY.PEEK[1] BODY.PEEK[1.MIME] BODY.PEEK[2] BODY.PEEK[3] BODY.PEEK[2.1])
S: * 2 FETCH (BODY[1] {9}
S: Part one. BODY[1.MIME] {43}
S: Content-Type: text/plain; charset=utf-8
S: 
S:  BODY[2] {20}
S: aGVsbG8gYmluYXJ5AA== BODY[3] {0}
S:  BODY[2.1] {20}
S: aGVsbG8gYmluYXJ5AA==)
S: h OK Fetch completed
C: i FETCH 2 (BINARY.PEEK[2] BINARY.SIZE[2] BINARY.PEEK[1])
S: * 2 FETCH (BINARY[2] ~{13}
S~ hello binary\x00 BINARY\.SIZE\[2\] 13 BINARY\[1\] \{9\}
S: Part one.)
S: i OK Fetch completed
C: j FETCH 1 (BODY.PEEK[HEADER.FIELDS.NOT (From To Date)] RFC822.HEADER)
S: * 1 FETCH (BODY[HEADER.FIELDS.NOT (From To Date)] {49}
S: Subject: Hello
S: Message-ID: <m1@example.test>
S: 
S:  RFC822.HEADER {145}
S: From: Alice <alice@example.test>
S: To: demo@example.test
S: Subject: Hello
S: Date: Tue, 05 Mar 2024 10:00:00 +0100
S: Message-ID: <m1@example.test>
S: 
S: )
S: j OK Fetch completed
C: k FETCH 1 (BODY.PEEK[]<0.32> BODY.PEEK[]<32.2> BODY.PEEK[]<34.5> BODY.PEEK[]<170.10> BODY.PEEK[]<500.10>)
S: * 1 FETCH (BODY[]<0> {32}
S: From: Alice <alice@example.test> BODY[]<32> {2}
S: 
S:  BODY[]<34> {5}
S: To: d BODY[]<170> {4}
S: e.
S:  BODY[]<500> {0}
S: )
S: k OK Fetch completed
C: l FETCH 1 RFC822.TEXT
S: * 1 FETCH (FLAGS (\Seen \Recent) RFC822.TEXT {29}
S: Hello, world.
S: Second line.
S: )
S: l OK Fetch completed
C: m FETCH 2 RFC822
S: * 2 FETCH (FLAGS (\Flagged \Seen \Recent) RFC822 {319}
S: From: Bob <bob@example.test>
S: To: demo@example.test
S: Subject: Parts
S: MIME-Version: 1.0
S: Content-Type: multipart/mixed; boundary="xx"
S: 
S: preamble
S: --xx
S: Content-Type: text/plain; charset=utf-8
S: 
S: Part one.
S: --xx
S: Content-Type: application/octet-stream
S: Content-Transfer-Encoding: base64
S: 
S: aGVsbG8gYmluYXJ5AA==
S: --xx--
S: )
S: m OK Fetch completed
C: n FETCH 3 FLAGS
S: n BAD Invalid message sequence number
C: o FETCH 1 (FLAGS FOO)
S: o BAD invalid FETCH item
C: p FETCH 1 BODY[5.HEADERS]
S: p BAD invalid section
C: r UID FETCH 7 FLAGS
S: r OK Fetch completed
C: r2 FETCH 1:2 (FLAGS)
S: * 1 FETCH (FLAGS (\Seen \Recent))
S: * 2 FETCH (FLAGS (\Flagged \Seen \Recent))
S: r2 OK Fetch completed
C: r3 STORE 2 -FLAGS.SILENT (\Seen)
S: r3 OK Store completed
C: s EXAMINE INBOX
S: * OK [CLOSED] Previous mailbox closed
S: * 2 EXISTS
S: * 0 RECENT
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS ()] Read-only mailbox
S: * OK [UNSEEN 2] First unseen
S~ \* OK \[UIDVALIDITY [0-9]+\] UIDs valid
S: * OK [UIDNEXT 3] Predicted next UID
S: s OK [READ-ONLY] Examine completed
C: t FETCH 2 (FLAGS BODY[TEXT]<0.8>)
S: * 2 FETCH (FLAGS (\Flagged) BODY[TEXT]<0> {8}
S: preamble)
S: t OK Fetch completed
C: z LOGOUT
S: * BYE Logging out
S: z OK Logout completed
