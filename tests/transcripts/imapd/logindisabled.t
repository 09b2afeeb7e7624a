# Without TLS and with plaintext_auth = "never": LOGINDISABLED, no AUTH=,
# and LOGIN/AUTHENTICATE are refused with [PRIVACYREQUIRED].
@ conf imapd-notls.conf
S: * OK [CAPABILITY IMAP4rev1 IMAP4rev2 SASL-IR ID ENABLE LITERAL+ STARTTLS LOGINDISABLED] tern IMAP ready
C: 1 LOGIN demo@example.test demo-secret
S: 1 NO [PRIVACYREQUIRED] Plaintext authentication is disabled: use STARTTLS first
C: 2 AUTHENTICATE PLAIN
S: 2 NO [PRIVACYREQUIRED] Plaintext authentication is disabled: use STARTTLS first
! close
