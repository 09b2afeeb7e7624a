# FETCH as Thunderbird 153 does it (CLIENTS.md): the first sync
# (UID fetch 1:* (FLAGS), the header-fields PEEK list), PEEK sections
# with a partial TEXT in one FETCH, opening a message with a non-PEEK
# BODY[] (sets \Seen and returns FLAGS in the same response), the
# resync after IDLE with UID fetch <UIDNEXT>:* (FLAGS) returning the
# last message, and a big message read in slices.
@ preauth demo@example.test
S~ \* PREAUTH .*
C: a select "INBOX"
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
C: c APPEND INBOX "05-Mar-2024 10:00:00 +0100" {319+}
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
C: d UID fetch 1:* (FLAGS)
S: * 1 FETCH (UID 1 FLAGS (\Recent))
S: * 2 FETCH (UID 2 FLAGS (\Recent))
S: d OK Fetch completed
C: e UID fetch 1:2 (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To Received)])
S: * 1 FETCH (UID 1 RFC822.SIZE 174 FLAGS (\Recent) BODY[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To Received)] {145}
S: From: Alice <alice@example.test>
S: To: demo@example.test
S: Subject: Hello
S: Date: Tue, 05 Mar 2024 10:00:00 +0100
S: Message-ID: <m1@example.test>
S: 
S: )
S: * 2 FETCH (UID 2 RFC822.SIZE 319 FLAGS (\Recent) BODY[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To Received)] {117}
S: From: Bob <bob@example.test>
S: To: demo@example.test
S: Subject: Parts
S: Content-Type: multipart/mixed; boundary="xx"
S: 
S: )
S: e OK Fetch completed
C: f UID fetch 2 (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.2048>)
S: * 2 FETCH (UID 2 RFC822.SIZE 319 FLAGS (\Recent) BODY[HEADER] {136}
S: From: Bob <bob@example.test>
S: To: demo@example.test
S: Subject: Parts
S: MIME-Version: 1.0
S: Content-Type: multipart/mixed; boundary="xx"
S: 
S:  BODY[TEXT]<0> {183}
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
S: f OK Fetch completed
C: g UID fetch 1 (UID RFC822.SIZE BODY[])
S: * 1 FETCH (UID 1 FLAGS (\Seen \Recent) RFC822.SIZE 174 BODY[] {174}
S: From: Alice <alice@example.test>
S: To: demo@example.test
S: Subject: Hello
S: Date: Tue, 05 Mar 2024 10:00:00 +0100
S: Message-ID: <m1@example.test>
S: 
S: Hello, world.
S: Second line.
S: )
S: g OK Fetch completed
C: h UID fetch 3:* (FLAGS)
S: * 2 FETCH (UID 2 FLAGS (\Recent))
S: h OK Fetch completed
C: i UID fetch 2 (UID RFC822.SIZE BODY[]<0.100>)
S: * 2 FETCH (UID 2 FLAGS (\Seen \Recent) RFC822.SIZE 319 BODY[]<0> {100}
S: From: Bob <bob@example.test>
S: To: demo@example.test
S: Subject: Parts
S: MIME-Version: 1.0
S: Content-Type)
S: i OK Fetch completed
C: j UID fetch 2 (UID RFC822.SIZE BODY[]<100.100>)
S: * 2 FETCH (UID 2 RFC822.SIZE 319 BODY[]<100> {100}
S: : multipart/mixed; boundary="xx"
S: 
S: preamble
S: --xx
S: Content-Type: text/plain; charset=utf-8
S: 
S: Part )
S: j OK Fetch completed
C: k UID fetch 2 (UID RFC822.SIZE BODY[]<200.100>)
S: * 2 FETCH (UID 2 RFC822.SIZE 319 BODY[]<200> {100}
S: one.
S: --xx
S: Content-Type: application/octet-stream
S: Content-Transfer-Encoding: base64
S: 
S: aGVsbG8gYml)
S: k OK Fetch completed
C: l UID fetch 2 (UID RFC822.SIZE BODY[]<300.100>)
S: * 2 FETCH (UID 2 RFC822.SIZE 319 BODY[]<300> {19}
S: uYXJ5AA==
S: --xx--
S: )
S: l OK Fetch completed
C: m noop
S: m OK NOOP completed
C: z LOGOUT
S: * BYE Logging out
S: z OK Logout completed
