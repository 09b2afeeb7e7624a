# The mx listener: local domains and existing users only, no relaying
# without AUTH, <Postmaster> without a domain is ours.
S~ 220 .*
C: EHLO client.example
S* 250 CHUNKING
C: MAIL FROM:<>
S: 250 2.1.0 Ok
C: RCPT TO:<nobody@example.test>
S: 550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown
C: RCPT TO:<someone@remote.example>
S: 554 5.7.1 <someone@remote.example>: Relay access denied
C: RCPT TO:<demo@[192.0.2.1]>
S: 554 5.7.1 <demo@[192.0.2.1]>: Relay access denied
C: RCPT TO:<Postmaster>
S: 550 5.1.1 <postmaster@example.test>: Recipient address rejected: User unknown
C: RCPT TO:<@hop.example:demo@example.test>
S: 250 2.1.5 Ok
C: QUIT
S: 221 2.0.0 Bye
