# APPEND over APPENDLIMIT (max_literal_size = 4096 here). With a
# synchronizing literal the server answers NO [TOOBIG] instead of "+"
# (RFC 7889 3, RFC 4469 response code) and the session goes on; in a
# MULTIAPPEND (RFC 3502) the message streamed before the refused one is
# dropped too. A non-synchronizing literal over the limit cannot be
# refused before its bytes arrive (RFC 7888 4): tagged BAD [TOOBIG],
# and the connection is closed rather than reading them. Nothing is left
# in tmp/ and nothing is delivered.
@ preauth demo@example.test
@ maildir mail/example.test/demo/Maildir
S~ \* PREAUTH .*
C: a APPEND INBOX {5000}
S: a NO [TOOBIG] Message is larger than APPENDLIMIT
C: b append INBOX (\Seen) {3}
S: + Ready
C: abc {5000}
S: b NO [TOOBIG] Message is larger than APPENDLIMIT
C: c NOOP
S: c OK NOOP completed
C: d APPEND INBOX {5000+}
S: * BYE [TOOBIG] Literal too big
S: d BAD [TOOBIG] Literal too big
! wait
- tmp/*
- new/*
- cur/*
