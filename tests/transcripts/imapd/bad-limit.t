# max_bad_commands = 5 in imapd-test.conf: the fifth BAD ends the session.
S~ \* OK .*
C: 1 X
S: 1 BAD Unknown command
C: 2 X
S: 2 BAD Unknown command
C: +bad
S: * BAD Error in IMAP command: bad tag
C: 4 LOGIN (a) b
S: 4 BAD Syntax: LOGIN user password
C: 5 NOOP (
S: 5 BAD Error in IMAP command: missing ')'
S: * BYE Too many invalid commands
! wait
