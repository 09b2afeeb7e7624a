# Literal over max_literal_size (4096): no "+", BAD [TOOBIG], the session
# goes on; a non-synchronizing one over it gets BAD [TOOBIG] and BYE
# (RFC 7888 4: its bytes are on the way). A NUL is refused.
S~ \* OK .*
C: 1 LOGIN demo@example.test {5000}
S: 1 BAD [TOOBIG] Literal too big
C! 2 NOOP \x00\r\n
S: 2 BAD Error in IMAP command: NUL in command
C: 3 NOOP
S: 3 OK NOOP completed
C: 4 LOGIN demo@example.test {5000+}
S: * BYE [TOOBIG] Literal too big
S: 4 BAD [TOOBIG] Literal too big
! wait
