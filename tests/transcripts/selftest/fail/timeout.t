# must fail at line 4: the daemon says nothing more (timeout)
S~ 220 .*
C: DELIVER a
S: 250 delivered
