# must fail at line 6: the file exists but must not
S~ 220 .*
C: DELIVER a
C: .
S: 250 delivered
- mail/new/a
