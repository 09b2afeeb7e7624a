#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The one run command (README): install what is needed, build, start the
# suite on loopback with the embedded default (DESIGN.md) in the
# foreground, and show a message going through with a real client.
# Data lives in $TERN_DATA (default ./var). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
export TERN_DATA=${TERN_DATA:-$top/var}

scripts/deps.sh
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
    ./autogen.sh >/dev/null 2>&1
fi
mkdir -p build
( cd build && { [ -f Makefile ] || ../configure >/dev/null; } \
    && make -j"$(nproc)" >/dev/null )

pids=()
stop() {
    trap - INT TERM EXIT
    echo
    echo "run: stopping (pids ${pids[*]:-none})"
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    exit 0
}
trap stop INT TERM EXIT

# wait_port PORT: until something listens on 127.0.0.1:PORT (10 s).
wait_port() {
    local i
    for i in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "run: nothing listens on port $1" >&2
    return 1
}

build/smtpd/smtpd &
pids+=($!)
wait_port 2525

cat <<INFO

tern is running on 127.0.0.1 with its data in $TERN_DATA
  SMTP MX          127.0.0.1:2525  (no auth needed for example.test)
  submission       127.0.0.1:2587  (STARTTLS + AUTH)
  submissions      127.0.0.1:2465  (implicit TLS + AUTH)
  user             demo@example.test
  password         $(cat "$TERN_DATA/demo-password")
  CA certificate   $TERN_DATA/tls/cert.pem

INFO

# Show a message going through, sent by Python's smtplib (a client none
# of us wrote), then found in the demo user's Maildir.
subject="tern run check $(date +%s)"
/usr/bin/python3 - "$subject" <<'PY'
import smtplib, sys
from email.message import EmailMessage
m = EmailMessage()
m["From"] = "demo@example.test"
m["To"] = "demo@example.test"
m["Subject"] = sys.argv[1]
m.set_content("Hello from the tern run command.\n")
with smtplib.SMTP("127.0.0.1", 2525, timeout=10) as s:
    s.send_message(m)
print("run: sent '%s' to demo@example.test over SMTP port 2525" % sys.argv[1])
PY
maildir="$TERN_DATA/mail/example.test/demo/Maildir"
f=$(grep -l -F "Subject: $subject" "$maildir"/new/* 2>/dev/null | head -1 || true)
if [ -n "$f" ]; then
    echo "run: delivered to $f:"
    sed -n '1,12p' "$f" | sed 's/^/    /'
else
    echo "run: the message was not found in $maildir/new" >&2
fi
echo
echo "run: the suite runs in the foreground; Ctrl-C stops it."
wait
