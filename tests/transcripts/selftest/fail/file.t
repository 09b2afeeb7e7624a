# must fail at line 6: no such file
S~ 220 .*
C: DELIVER a
C: .
S: 250 delivered
= mail/new/b*
