# must fail at line 4: S* runs into the end of output
S~ 220 .*
C: QUIT
S* 250 never
