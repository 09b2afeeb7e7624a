# SEARCH: every key of RFC 3501 / RFC 9051 6.4.4 against four messages
# (search/m1..m4.eml; m4 is in new/, so \Recent). Flags: m1 \Seen;
# m2 \Answered \Flagged $Junk; m3 \Deleted \Draft Work; m4 none.
@ preauth demo@example.test
@ maildir mail/example.test/demo/Maildir
@ file cur/1000000001.M1P1.test:2,S search/m1.eml 1994-02-01T12:00:00Z
@ file cur/1000000002.M1P1.test:2,FRa search/m2.eml 2024-03-15T12:00:00Z
@ file cur/1000000003.M1P1.test:2,DTb search/m3.eml 2024-03-01T12:00:00Z
@ file new/1000000004.M1P1.test search/m4.eml 2024-03-20T12:00:00Z
@ file dovecot-keywords search/keywords
S~ \* PREAUTH .*
C: 1 SELECT INBOX
S* 1 OK [READ-WRITE] Select completed
C: 2 SEARCH ALL
S: * SEARCH 1 2 3 4
S: 2 OK Search completed
C: 3 SEARCH ANSWERED
S: * SEARCH 2
S: 3 OK Search completed
C: 4 SEARCH UNANSWERED
S: * SEARCH 1 3 4
S: 4 OK Search completed
C: 5 SEARCH DELETED
S: * SEARCH 3
S: 5 OK Search completed
C: 6 SEARCH UNDELETED
S: * SEARCH 1 2 4
S: 6 OK Search completed
C: 7 SEARCH DRAFT
S: * SEARCH 3
S: 7 OK Search completed
C: 8 SEARCH UNDRAFT
S: * SEARCH 1 2 4
S: 8 OK Search completed
C: 9 SEARCH FLAGGED
S: * SEARCH 2
S: 9 OK Search completed
C: 10 SEARCH UNFLAGGED
S: * SEARCH 1 3 4
S: 10 OK Search completed
C: 11 SEARCH SEEN
S: * SEARCH 1
S: 11 OK Search completed
C: 12 SEARCH UNSEEN
S: * SEARCH 2 3 4
S: 12 OK Search completed
C: 13 SEARCH RECENT
S: * SEARCH 4
S: 13 OK Search completed
C: 14 SEARCH OLD
S: * SEARCH 1 2 3
S: 14 OK Search completed
C: 15 SEARCH NEW
S: * SEARCH 4
S: 15 OK Search completed
C: 16 SEARCH KEYWORD $Junk
S: * SEARCH 2
S: 16 OK Search completed
C: 17 SEARCH KEYWORD work
S: * SEARCH 3
S: 17 OK Search completed
C: 18 SEARCH KEYWORD Nope
S: * SEARCH
S: 18 OK Search completed
C: 19 SEARCH UNKEYWORD $Junk
S: * SEARCH 1 3 4
S: 19 OK Search completed
C: 20 SEARCH UNKEYWORD Nope
S: * SEARCH 1 2 3 4
S: 20 OK Search completed
C: 21 SEARCH FROM alice
S: * SEARCH 1 4
S: 21 OK Search completed
C: 22 SEARCH FROM "ALICE SMITH"
S: * SEARCH 1
S: 22 OK Search completed
C: 23 SEARCH FROM müller
S: * SEARCH 2
S: 23 OK Search completed
C: 25 SEARCH FROM jurgen@EXAMPLE.net
S: * SEARCH 2
S: 25 OK Search completed
C: 26 SEARCH TO demo@example.test
S: * SEARCH 1 3 4
S: 26 OK Search completed
C: 27 SEARCH CC carol
S: * SEARCH 2
S: 27 OK Search completed
C: 28 SEARCH BCC eve
S: * SEARCH 3
S: 28 OK Search completed
C: 29 SEARCH SUBJECT hello
S: * SEARCH 1 4
S: 29 OK Search completed
C: 30 SEARCH SUBJECT grüße
S: * SEARCH 2
S: 30 OK Search completed
C: 31 SEARCH SUBJECT ""
S: * SEARCH 1 2 3 4
S: 31 OK Search completed
C: 32 SEARCH HEADER X-Spam ""
S: * SEARCH 2
S: 32 OK Search completed
C: 33 SEARCH HEADER x-spam YES
S: * SEARCH 2
S: 33 OK Search completed
C: 34 SEARCH HEADER Message-ID m1@
S: * SEARCH 1
S: 34 OK Search completed
C: 35 SEARCH HEADER X-None ""
S: * SEARCH
S: 35 OK Search completed
C: 36 SEARCH BODY fox
S: * SEARCH 1
S: 36 OK Search completed
C: 37 SEARCH BODY "schöne grüße"
S: * SEARCH 2
S: 37 OK Search completed
C: 38 SEARCH BODY banana
S: * SEARCH 3
S: 38 OK Search completed
C: 39 SEARCH BODY pineapple
S: * SEARCH
S: 39 OK Search completed
C: 40 SEARCH BODY Hello
S: * SEARCH
S: 40 OK Search completed
C: 41 SEARCH TEXT hello
S: * SEARCH 1 4
S: 41 OK Search completed
C: 42 SEARCH TEXT banana
S: * SEARCH 3
S: 42 OK Search completed
C: 43 SEARCH TEXT carol
S: * SEARCH 2
S: 43 OK Search completed
C: 44 SEARCH TEXT "LAZY DOG"
S: * SEARCH 1
S: 44 OK Search completed
C: 44a SEARCH TEXT "x-spam: YES"
S: * SEARCH 2
S: 44a OK Search completed
C: 44b SEARCH CHARSET UTF-8 TEXT {13+}
C: From: Jürgen
S: * SEARCH 2
S: 44b OK Search completed
C: 45 SEARCH LARGER 300
S: * SEARCH 2 3
S: 45 OK Search completed
C: 46 SEARCH LARGER 367
S: * SEARCH 3
S: 46 OK Search completed
C: 47 SEARCH SMALLER 201
S: * SEARCH 4
S: 47 OK Search completed
C: 48 SEARCH SMALLER 202
S: * SEARCH 1 4
S: 48 OK Search completed
C: 49 SEARCH BEFORE 1-Mar-2024
S: * SEARCH 1
S: 49 OK Search completed
C: 50 SEARCH BEFORE 2-Mar-2024
S: * SEARCH 1 3
S: 50 OK Search completed
C: 51 SEARCH ON 15-Mar-2024
S: * SEARCH 2
S: 51 OK Search completed
C: 52 SEARCH SINCE 15-Mar-2024
S: * SEARCH 2 4
S: 52 OK Search completed
C: 53 SEARCH SINCE 1-Jan-1990
S: * SEARCH 1 2 3 4
S: 53 OK Search completed
C: 54 SEARCH SENTBEFORE 1-Mar-2024
S: * SEARCH 1
S: 54 OK Search completed
C: 55 SEARCH SENTON 1-Mar-2024
S: * SEARCH 3
S: 55 OK Search completed
C: 56 SEARCH SENTON 1-Feb-1994
S: * SEARCH 1
S: 56 OK Search completed
C: 57 SEARCH SENTSINCE 15-Mar-2024
S: * SEARCH 2 4
S: 57 OK Search completed
C: 58 SEARCH SENTON "20-Mar-2024"
S: * SEARCH 4
S: 58 OK Search completed
C: 59 SEARCH UID 2:3
S: * SEARCH 2 3
S: 59 OK Search completed
C: 60 SEARCH UID 3:*
S: * SEARCH 3 4
S: 60 OK Search completed
C: 61 SEARCH UID 5:*
S: * SEARCH 4
S: 61 OK Search completed
C: 62 SEARCH UID 99
S: * SEARCH
S: 62 OK Search completed
C: 63 SEARCH 2,4
S: * SEARCH 2 4
S: 63 OK Search completed
C: 64 SEARCH *
S: * SEARCH 4
S: 64 OK Search completed
C: 65 SEARCH 3:*
S: * SEARCH 3 4
S: 65 OK Search completed
C: 66 SEARCH NOT SEEN
S: * SEARCH 2 3 4
S: 66 OK Search completed
C: 67 SEARCH NOT NOT SEEN
S: * SEARCH 1
S: 67 OK Search completed
C: 68 SEARCH OR SEEN FLAGGED
S: * SEARCH 1 2
S: 68 OK Search completed
C: 69 SEARCH OR OR SEEN FLAGGED DRAFT
S: * SEARCH 1 2 3
S: 69 OK Search completed
C: 70 SEARCH NOT OR SEEN FLAGGED
S: * SEARCH 3 4
S: 70 OK Search completed
C: 71 SEARCH (SEEN) (FROM alice)
S: * SEARCH 1
S: 71 OK Search completed
C: 72 SEARCH OR (SEEN FROM bob) (UNSEEN SUBJECT report)
S: * SEARCH 3
S: 72 OK Search completed
C: 73 SEARCH OR NOT (FROM alice) BODY fox
S: * SEARCH 1 2 3
S: 73 OK Search completed
C: 74 SEARCH NOT (OR 1 2 NOT 3)
S: * SEARCH 3 4
S: 74 OK Search completed
C: 75 SEARCH CHARSET UTF-8 SUBJECT grüße
S: * SEARCH 2
S: 75 OK Search completed
C: 76 SEARCH CHARSET US-ASCII FROM alice
S: * SEARCH 1 4
S: 76 OK Search completed
! close
