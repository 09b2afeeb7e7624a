# must fail: a bad escape in the script
C! bad\q
