# must fail at line 4: wrong reply text
S* 220 selftest ready listener=default conf=no
C: PING
S: 250 PONG
