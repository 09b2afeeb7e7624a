# SEARCH on a message larger than search.c's first read (64 KiB): a
# header key after a BODY key in the same message uses the whole
# message's parse, not the header parse in the buffer the body read
# moved (ASan saw a use after free before 63cb964).
@ preauth demo@example.test
@ maildir mail/example.test/demo/Maildir
@ file cur/1000000001.M1P1.test:2,S search/m1.eml 2024-04-01T12:00:00Z
@ file cur/1000000002.M1P1.test:2,S search/big.eml 2024-04-01T12:00:00Z
S~ \* PREAUTH .*
C: 1 SELECT INBOX
S* 1 OK [READ-WRITE] Select completed
C: 2 SEARCH (SUBJECT big BODY needle) (BODY "AT THE END" SUBJECT message)
S: * SEARCH 2
S: 2 OK Search completed
C: 3 SEARCH SUBJECT big BODY "line 1099"
S: * SEARCH 2
S: 3 OK Search completed
C: 4 SEARCH TEXT "big@example"
S: * SEARCH 2
S: 4 OK Search completed
C: 5 LOGOUT
S* 5 OK Logout completed
