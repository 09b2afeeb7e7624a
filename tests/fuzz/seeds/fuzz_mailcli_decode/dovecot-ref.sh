#!/bin/bash
# SPDX-License-Identifier: MIT
# Regenerate an expectation from Dovecot: runs a private, preauthenticated
# /usr/lib/dovecot/imap (apt-get install dovecot-imapd; the system service
# need not run) as nobody on a throw-away Maildir holding one message, and
# prints its FETCH line. Needs root for runuser. Usage:
#   dovecot-ref.sh NAME.eml > NAME.expected
# The *.expected files in this directory came from Dovecot 2.3.19
# (Debian 12) this way, and were read against RFC 3501 7.4.2.
set -e
: "${TMPDIR:=/tmp}"
d=$(mktemp -d "$TMPDIR/dovecot-ref.XXXXXX")
chmod 755 $d
mkdir -p $d/Maildir/cur $d/Maildir/new $d/Maildir/tmp $d/run
cp "$1" $d/Maildir/cur/1000.M1P1.host:2,
cat > $d/conf <<EOC
base_dir = $d/run
log_path = $d/log
ssl = no
mail_location = maildir:$d/Maildir
EOC
chown -R nobody:nogroup $d
printf 'a SELECT INBOX\r\nb FETCH 1 (%s)\r\nc LOGOUT\r\n' "${2:-BODY BODYSTRUCTURE ENVELOPE}" | \
  runuser -u nobody -- env USER=tester HOME=$d MAIL=maildir:$d/Maildir /usr/lib/dovecot/imap -c $d/conf > $d/out 2>&1 || true
sed -n '/^\* 1 FETCH/,/^b /p' $d/out | sed '$d'
grep -i -E 'fatal|error' $d/out >&2 || true
rm -rf $d
