# LOGIN: the tagged OK carries the new capabilities (Thunderbird reads
# them there); a wrong password is AUTHENTICATIONFAILED; quoted strings
# and literals both work; LOGIN twice is out of state.
S~ \* OK \[CAPABILITY .*\] tern IMAP ready
C: a1 LOGIN demo@example.test wrong
S: a1 NO [AUTHENTICATIONFAILED] Authentication failed
C: a2 LOGIN nobody@example.test demo-secret
S: a2 NO [AUTHENTICATIONFAILED] Authentication failed
C: a3 LOGIN "demo@example.test" {11}
S: + Ready
C: demo-secret
S: a3 OK [CAPABILITY IMAP4rev1 IMAP4rev2 SASL-IR ID ENABLE LITERAL+ NAMESPACE UNSELECT CHILDREN LIST-EXTENDED LIST-STATUS SPECIAL-USE CREATE-SPECIAL-USE UTF8=ACCEPT STATUS=SIZE IDLE ESEARCH SEARCHRES CONDSTORE QRESYNC UIDPLUS MOVE BINARY MULTIAPPEND APPENDLIMIT=4096] Logged in
C: a4 LOGIN demo@example.test demo-secret
S: a4 BAD Command not allowed in the auth state
C: a5 CAPABILITY
S: * CAPABILITY IMAP4rev1 IMAP4rev2 SASL-IR ID ENABLE LITERAL+ NAMESPACE UNSELECT CHILDREN LIST-EXTENDED LIST-STATUS SPECIAL-USE CREATE-SPECIAL-USE UTF8=ACCEPT STATUS=SIZE IDLE ESEARCH SEARCHRES CONDSTORE QRESYNC UIDPLUS MOVE BINARY MULTIAPPEND APPENDLIMIT=4096
S: a5 OK Capability completed
C: a6 LOGOUT
S: * BYE Logging out
S: a6 OK Logout completed
! wait
= mail/example.test/demo/Maildir/.Sent/maildirfolder
= mail/example.test/demo/Maildir/.Drafts/cur
= mail/example.test/demo/Maildir/subscriptions
F~ Trash
