# max_errors = 10: the tenth error reply is followed by 421 and close.
S~ 220 .*
C: A
S: 500 5.5.1 Command unrecognized
C: B
S: 500 5.5.1 Command unrecognized
C: C
S: 500 5.5.1 Command unrecognized
C: D
S: 500 5.5.1 Command unrecognized
C: E
S: 500 5.5.1 Command unrecognized
C: MAIL FROM:<a@b>
S: 503 5.5.1 Bad sequence of commands
C: G
S: 500 5.5.1 Command unrecognized
C: H
S: 500 5.5.1 Command unrecognized
C: I
S: 500 5.5.1 Command unrecognized
C: J
S: 500 5.5.1 Command unrecognized
S: 421 4.7.0 Too many errors: closing
! wait
