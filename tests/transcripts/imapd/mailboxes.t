# CREATE, LIST with * and %, CHILDREN and SPECIAL-USE attributes, RENAME
# with children, DELETE, and the errors (ALREADYEXISTS, NONEXISTENT,
# refused names). Drafts Sent Trash Junk Archive exist after login.
@ preauth demo@example.test
S~ \* PREAUTH \[CAPABILITY IMAP4rev1 .*\] Logged in as demo@example.test
C: 1 NAMESPACE
S: * NAMESPACE (("" "/")) NIL NIL
S: 1 OK Namespace completed
C: 2 LIST "" ""
S: * LIST (\Noselect) "/" ""
S: 2 OK LIST completed
C: 3 CREATE Work/Projects/
S: 3 OK Create completed
C: 4 CREATE work/projects
S: 4 OK Create completed
C: 5 CREATE Work/Projects
S: 5 NO [ALREADYEXISTS] Mailbox already exists
C: 6 CREATE inbox
S: 6 NO [ALREADYEXISTS] Mailbox already exists
C: 7 CREATE "a.b"
S: 7 NO [CANNOT] Invalid mailbox name
C: 8 CREATE "../x"
S: 8 NO [CANNOT] Invalid mailbox name
C: 9 LIST "" *
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: * LIST (\NonExistent \Noselect \HasChildren) "/" "Work"
S: * LIST (\HasNoChildren) "/" "Work/Projects"
S: * LIST (\NonExistent \Noselect \HasChildren) "/" "work"
S: * LIST (\HasNoChildren) "/" "work/projects"
S: 9 OK LIST completed
C: 10 LIST "" %
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: * LIST (\NonExistent \Noselect \HasChildren) "/" "Work"
S: * LIST (\NonExistent \Noselect \HasChildren) "/" "work"
S: 10 OK LIST completed
C: 11 list "Work/" "%"
S: * LIST (\HasNoChildren) "/" "Work/Projects"
S: 11 OK LIST completed
C: 12 CREATE Work
S: 12 OK Create completed
C: 13 RENAME Work Play
S: 13 OK Rename completed
C: 14 LIST "" Play*
S: * LIST (\HasChildren) "/" "Play"
S: * LIST (\HasNoChildren) "/" "Play/Projects"
S: 14 OK LIST completed
C: 15 RENAME Work Other
S: 15 NO [NONEXISTENT] Mailbox does not exist
C: 16 RENAME Play Sent
S: 16 NO [ALREADYEXISTS] Mailbox already exists
C: 17 DELETE Play
S: 17 NO [INUSE] Mailbox has children, delete them first
C: 18 DELETE Play/Projects
S: 18 OK Delete completed
C: 19 DELETE Play
S: 19 OK Delete completed
C: 20 DELETE Play
S: 20 NO [NONEXISTENT] Mailbox does not exist
C: 21 DELETE INBOX
S: 21 NO [CANNOT] INBOX cannot be deleted
C: 22 CREATE "Entw&APw-rfe"
S: 22 OK Create completed
C: 23 LIST "" "Entw*"
S: * LIST (\HasNoChildren) "/" "Entw&APw-rfe"
S: 23 OK LIST completed
C: 24 ENABLE UTF8=ACCEPT
S: * ENABLED UTF8=ACCEPT
S: 24 OK Enabled
C: 25 LIST "" "Entw*"
S: * LIST (\HasNoChildren) "/" "Entwürfe"
S: 25 OK LIST completed
C: 26 LOGOUT
S: * BYE Logging out
S: 26 OK Logout completed
! wait
= mail/example.test/demo/Maildir/.Entw&APw-rfe/cur
- mail/example.test/demo/Maildir/.Play*
