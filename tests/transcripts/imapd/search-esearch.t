# SEARCH responses: ESEARCH with RETURN (RFC 4731) and in IMAP4rev2
# (RFC 9051), SEARCHRES "$" (RFC 5182) for SEARCH and FETCH-less use,
# BADCHARSET, syntax errors, MODSEQ enabling CONDSTORE, RFC 3501's
# examples. Messages as in search-keys.t.
@ preauth demo@example.test
@ maildir mail/example.test/demo/Maildir
@ file cur/1000000001.M1P1.test:2,S search/m1.eml 1994-02-01T12:00:00Z
@ file cur/1000000002.M1P1.test:2,FRa search/m2.eml 2024-03-15T12:00:00Z
@ file cur/1000000003.M1P1.test:2,DTb search/m3.eml 2024-03-01T12:00:00Z
@ file new/1000000004.M1P1.test search/m4.eml 2024-03-20T12:00:00Z
@ file dovecot-keywords search/keywords
S~ \* PREAUTH .*
C: 1 SEARCH ALL
S: 1 BAD Command not allowed in the auth state
C: 2 SELECT INBOX
S* 2 OK [READ-WRITE] Select completed
C: 3 SEARCH RETURN (MIN MAX COUNT ALL) UNSEEN
S: * ESEARCH (TAG "3") MIN 2 MAX 4 ALL 2:4 COUNT 3
S: 3 OK Search completed
C: 4 UID SEARCH RETURN () OR 1 3:4
S: * ESEARCH (TAG "4") UID ALL 1,3:4
S: 4 OK UID SEARCH completed
C: 5 SEARCH RETURN (COUNT) KEYWORD nothing
S: * ESEARCH (TAG "5") COUNT 0
S: 5 OK Search completed
C: 6 SEARCH RETURN (MIN MAX) KEYWORD nothing
S: * ESEARCH (TAG "6")
S: 6 OK Search completed
C: 7 SEARCH $
S: * SEARCH
S: 7 OK Search completed
C: 8 SEARCH RETURN (SAVE) FROM alice
S: 8 OK Search completed
C: 9 SEARCH $
S: * SEARCH 1 4
S: 9 OK Search completed
C: 10 UID SEARCH UID $ SUBJECT re
S: * SEARCH 4
S: 10 OK UID SEARCH completed
C: 11 SEARCH RETURN (SAVE MIN) UNSEEN
S: * ESEARCH (TAG "11") MIN 2
S: 11 OK Search completed
C: 12 SEARCH OR $ 1
S: * SEARCH 1 2
S: 12 OK Search completed
C: 13 SEARCH RETURN (SAVE COUNT) NOT $
S: * ESEARCH (TAG "13") COUNT 3
S: 13 OK Search completed
C: 14 SEARCH $
S: * SEARCH 1 3 4
S: 14 OK Search completed
C: 15 SEARCH CHARSET ISO-8859-1 SUBJECT x
S: 15 NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset
C: 20 SEARCH MODSEQ 5
S~ \* OK \[HIGHESTMODSEQ [1-9][0-9]*\] Highest
S~ \* SEARCH 1 2 3 4 \(MODSEQ [1-9][0-9]*\)
S: 20 OK Search completed
C: 21 SEARCH
S: 21 BAD Missing search key
C: 22 SEARCH ()
S: 22 BAD Empty search key list
C: 23 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"
S: * SEARCH 2
S: 23 OK Search completed
C: 24 SEARCH TEXT "string not in mailbox"
S: * SEARCH
S: 24 OK Search completed
C: 25 UID SEARCH 1:3 UNDELETED
S: * SEARCH 1 2
S: 25 OK UID SEARCH completed
C: 26 SEARCH SUBJECT {5}
S: + Ready
C: hello
S: * SEARCH 1 4
S: 26 OK Search completed
C: 27 SEARCH SUBJECT {7+}
C: grüße
S: * SEARCH 2
S: 27 OK Search completed
C: 28 ENABLE IMAP4rev2
S: * ENABLED IMAP4rev2
S: 28 OK Enabled
C: 29 SEARCH SEEN
S: * ESEARCH (TAG "29") ALL 1
S: 29 OK Search completed
C: 30 UID SEARCH DRAFT DRAFT
S: * ESEARCH (TAG "30") UID ALL 3
S: 30 OK UID SEARCH completed
C: 31 SEARCH KEYWORD none
S: * ESEARCH (TAG "31")
S: 31 OK Search completed
C: 32 SEARCH RETURN (SAVE) ALL
S: 32 OK Search completed
C: 33 UNSELECT
S: 33 OK Unselect completed
C: 34 EXAMINE INBOX
S* 34 OK [READ-ONLY] Examine completed
C: 35 SEARCH $
S: * ESEARCH (TAG "35")
S: 35 OK Search completed
! close
