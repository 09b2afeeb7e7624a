# Data pipelined after STARTTLS is refused and the connection closed
# (the STARTTLS injection class).
S~ \* OK \[CAPABILITY .*\] tern IMAP ready
C! 1 STARTTLS\r\n2 LOGIN demo@example.test demo-secret\r\n
S: 1 BAD Pipelined data after STARTTLS
! wait
