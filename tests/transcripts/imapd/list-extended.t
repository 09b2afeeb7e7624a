# What Thunderbird sends: LIST (SUBSCRIBED) "" "*" RETURN (SPECIAL-USE),
# then LIST-EXTENDED selection/return options, RECURSIVEMATCH, LSUB,
# SUBSCRIBE/UNSUBSCRIBE, LIST-STATUS and CREATE-SPECIAL-USE.
@ preauth demo@example.test
S~ \* PREAUTH .*
C: 1 list (subscribed) "" "*" return (special-use)
S: * LIST (\HasNoChildren \Archive \Subscribed) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts \Subscribed) "/" "Drafts"
S: * LIST (\HasNoChildren \Junk \Subscribed) "/" "Junk"
S: * LIST (\HasNoChildren \Sent \Subscribed) "/" "Sent"
S: * LIST (\HasNoChildren \Trash \Subscribed) "/" "Trash"
S: 1 OK LIST completed
C: 2 SUBSCRIBE INBOX
S: 2 OK Subscribe completed
C: 3 SUBSCRIBE Nowhere
S: 3 NO [NONEXISTENT] Mailbox does not exist
C: 4 CREATE Lists/tern
S: 4 OK Create completed
C: 5 SUBSCRIBE Lists/tern
S: 5 OK Subscribe completed
C: 6 UNSUBSCRIBE Junk
S: 6 OK Unsubscribe completed
C: 7 LSUB "" "*"
S: * LSUB () "/" "INBOX"
S: * LSUB () "/" "Archive"
S: * LSUB () "/" "Drafts"
S: * LSUB () "/" "Lists/tern"
S: * LSUB () "/" "Sent"
S: * LSUB () "/" "Trash"
S: 7 OK LSUB completed
C: 8 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"
S: * LIST (\HasNoChildren \Subscribed) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive \Subscribed) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts \Subscribed) "/" "Drafts"
S: * LIST (\NonExistent \HasChildren) "/" "Lists" ("CHILDINFO" ("SUBSCRIBED"))
S: * LIST (\HasNoChildren \Sent \Subscribed) "/" "Sent"
S: * LIST (\HasNoChildren \Trash \Subscribed) "/" "Trash"
S: 8 OK LIST completed
C: 9 LIST (RECURSIVEMATCH) "" "%"
S: 9 BAD Syntax: LIST [(options)] reference pattern [RETURN (options)]
C: 10 LIST (SPECIAL-USE) "" "*"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: 10 OK LIST completed
C: 11 LIST "" ("INBOX" "Lists/*") RETURN (SUBSCRIBED CHILDREN STATUS (MESSAGES UNSEEN))
S: * LIST (\HasNoChildren \Subscribed) "/" "INBOX"
S: * STATUS "INBOX" (MESSAGES 0 UNSEEN 0)
S: * LIST (\HasNoChildren \Subscribed) "/" "Lists/tern"
S: * STATUS "Lists/tern" (MESSAGES 0 UNSEEN 0)
S: 11 OK LIST completed
C: 12 CREATE Notes (USE (\Drafts))
S: 12 OK Create completed
C: 13 CREATE Other (USE (\Bogus))
S: 13 NO [USEATTR] Unsupported special-use attribute
C: 14 LIST "" Notes
S: * LIST (\HasNoChildren \Drafts) "/" "Notes"
S: 14 OK LIST completed
C: 15 LIST "" INBOX RETURN (FROB)
S: 15 BAD Syntax: LIST [(options)] reference pattern [RETURN (options)]
! close
= mail/example.test/demo/Maildir/subscriptions
F~ Lists/tern
F~ INBOX
