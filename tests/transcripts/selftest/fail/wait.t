# must fail at line 5: output left before the end
S~ 220 .*
C: MULTI 2
S: 250-line 1
! wait
