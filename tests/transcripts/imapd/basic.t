# Greeting with CAPABILITY, CAPABILITY, NOOP, ID, lower-case commands,
# unknown commands and state errors, LOGOUT.
S: * OK [CAPABILITY IMAP4rev1 IMAP4rev2 SASL-IR ID ENABLE LITERAL+ STARTTLS AUTH=PLAIN AUTH=LOGIN] tern IMAP ready
C: 1 capability
S: * CAPABILITY IMAP4rev1 IMAP4rev2 SASL-IR ID ENABLE LITERAL+ STARTTLS AUTH=PLAIN AUTH=LOGIN
S: 1 OK Capability completed
C: 2 NOOP
S: 2 OK NOOP completed
C: 3 ID ("name" "Thunderbird" "version" "153.0")
S: * ID ("name" "tern" "vendor" "tern")
S: 3 OK ID completed
C: 4 ID NIL
S: * ID ("name" "tern" "vendor" "tern")
S: 4 OK ID completed
C: 5 FROB
S: 5 BAD Unknown command
C: 6 SELECT INBOX
S: 6 BAD Command not allowed in the notauth state
C: 7 NOOP extra
S: 7 BAD NOOP takes no arguments
C: 8 logout
S: * BYE Logging out
S: 8 OK Logout completed
! wait
