# must fail: every line matches, but the daemon's stderr has a sanitizer
# report (no line number: the failure is the whole run's)
S~ 220 .*
C: SANITIZE
S: 250 reported
C: QUIT
S: 221 bye
! wait
