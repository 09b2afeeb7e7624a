# must fail at line 4: the regex must match the whole line
S~ 220 selftest.*
C: PING
S~ 250 PIN
