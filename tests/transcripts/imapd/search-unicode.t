# SEARCH with Unicode simple case folding (lib/casefold): non-ASCII
# CHARSET UTF-8 literals against RFC 2047 headers (ISO-8859-1 Q, UTF-8 B,
# raw UTF-8) and bodies in quoted-printable and base64, ISO-8859-1,
# KOI8-R and UTF-8 (search/u1..u5.eml). Attachments that are not text/*
# or message/* are not searched (as Dovecot). Simple folding: ẞ is ß,
# final sigma is sigma, KELVIN SIGN is k, but ß is not ss. RFC 5051's
# decomposition: a decomposed "été" finds the precomposed one, and "cet
# e" is found in "cet été" (e + U+0301).
@ preauth demo@example.test
@ maildir mail/example.test/demo/Maildir
@ file cur/1000000001.M1P1.test:2,S search/u1.eml 2024-04-01T12:00:00Z
@ file cur/1000000002.M1P1.test:2,S search/u2.eml 2024-04-01T12:00:00Z
@ file cur/1000000003.M1P1.test:2,S search/u3.eml 2024-04-01T12:00:00Z
@ file cur/1000000004.M1P1.test:2,S search/u4.eml 2024-04-01T12:00:00Z
@ file cur/1000000005.M1P1.test:2,S search/u5.eml 2024-04-01T12:00:00Z
S~ \* PREAUTH .*
C: 1 SELECT INBOX
S* 1 OK [READ-WRITE] Select completed
C: 2 SEARCH CHARSET UTF-8 SUBJECT {5+}
C: ÉTÉ
S: * SEARCH 1
S: 2 OK Search completed
C: 3 SEARCH CHARSET UTF-8 SUBJECT {8+}
C: été à
S: * SEARCH 1
S: 3 OK Search completed
C: 4 SEARCH CHARSET UTF-8 TEXT {8+}
C: À PARIS
S: * SEARCH 1
S: 4 OK Search completed
C: 5 SEARCH CHARSET UTF-8 BODY {22+}
C: TRÈS CHAUD CET ÉTÉ,
S: * SEARCH 1
S: 5 OK Search completed
C: 5a SEARCH CHARSET UTF-8 BODY {7+}
C: été
S: * SEARCH 1
S: 5a OK Search completed
C: 5b SEARCH BODY "CHAUD CET E"
S: * SEARCH 1
S: 5b OK Search completed
C: 6 SEARCH CHARSET UTF-8 BODY "softbreak"
S: * SEARCH 1
S: 6 OK Search completed
C: 7 SEARCH CHARSET UTF-8 SUBJECT {8+}
C: οδος
S: * SEARCH 2
S: 7 OK Search completed
C: 8 SEARCH CHARSET UTF-8 SUBJECT {8+}
C: ΟΔΌΣ
S: * SEARCH
S: 8 OK Search completed
C: 9 SEARCH CHARSET UTF-8 BODY {8+}
C: ΟΔΌΣ
S: * SEARCH 2
S: 9 OK Search completed
C: 10 SEARCH CHARSET UTF-8 BODY {22+}
C: Η ΟΔΌΣ ΕΊΝΑΙ
S: * SEARCH 2
S: 10 OK Search completed
C: 11 SEARCH CHARSET UTF-8 BODY {7+}
C: STRASSE
S: * SEARCH
S: 11 OK Search completed
C: 12 SEARCH CHARSET UTF-8 BODY {7+}
C: straße
S: * SEARCH 2 4
S: 12 OK Search completed
C: 13 SEARCH CHARSET UTF-8 BODY {8+}
C: STRAẞE
S: * SEARCH 2 4
S: 13 OK Search completed
C: 14 SEARCH CHARSET UTF-8 SUBJECT {12+}
C: ПРИВЕТ
S: * SEARCH 3
S: 14 OK Search completed
C: 15 SEARCH CHARSET UTF-8 BODY {8+}
C: ёлка
S: * SEARCH 3
S: 15 OK Search completed
C: 16 SEARCH CHARSET UTF-8 BODY {29+}
C: НОВОГОДНЯЯ ЁЛКА
S: * SEARCH 3
S: 16 OK Search completed
C: 17 SEARCH CHARSET UTF-8 BODY "secretword"
S: * SEARCH
S: 17 OK Search completed
C: 18 SEARCH CHARSET UTF-8 TEXT "secretword"
S: * SEARCH
S: 18 OK Search completed
C: 19 SEARCH CHARSET US-ASCII BODY "kelvin"
S: * SEARCH 4
S: 19 OK Search completed
C: 20 SEARCH CHARSET UTF-8 BODY "KELVIN"
S: * SEARCH 4
S: 20 OK Search completed
C: 21 SEARCH CHARSET UTF-8 BODY {8+}
C: Kelvin
S: * SEARCH 4
S: 21 OK Search completed
C: 22 SEARCH CHARSET UTF-8 BODY "pass"
S: * SEARCH 4
S: 22 OK Search completed
C: 23 SEARCH CHARSET UTF-8 BODY {7+}
C: GRÜSSE
S: * SEARCH
S: 23 OK Search completed
C: 24 SEARCH CHARSET UTF-8 BODY {11+}
C: grüße aus
S: * SEARCH 2 5
S: 24 OK Search completed
C: 25 SEARCH CHARSET UTF-8 BODY {28+}
C: HERZLICHE GRÜẞE AUS KÖLN
S: * SEARCH 5
S: 25 OK Search completed
C: 26 SEARCH CHARSET UTF-8 SUBJECT {5+}
C: KÖLN
S: * SEARCH 5
S: 26 OK Search completed
C: 27 SEARCH CHARSET UTF-8 FROM "SENDER 3"
S: * SEARCH 3
S: 27 OK Search completed
C: 28 UID SEARCH RETURN (COUNT ALL) CHARSET UTF-8 BODY {8+}
C: GRÜẞE
S: * ESEARCH (TAG "28") UID ALL 2,5 COUNT 2
S: 28 OK UID SEARCH completed
C: 29 LOGOUT
S* 29 OK Logout completed
