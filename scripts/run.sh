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
# stop STATUS: stop the daemons we started, by PID, and exit with STATUS
# (0 after Ctrl-C; a failed step keeps its status).
stop() {
    trap - INT TERM EXIT
    echo
    echo "run: stopping (pids ${pids[*]:-none})"
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    exit "$1"
}
trap 'stop 0' INT TERM
trap 'stop $?' EXIT

# wait_port PID PORT: until something listens on 127.0.0.1:PORT (10 s),
# as long as process PID (the daemon that should listen there) lives.
wait_port() {
    local i
    for i in $(seq 1 100); do
        if ! kill -0 "$1" 2>/dev/null; then
            echo "run: the daemon (pid $1) exited before listening on $2" >&2
            return 1
        fi
        (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "run: nothing listens on port $2" >&2
    return 1
}

# A port already taken (another tern, a system MTA) would make the checks
# below talk to someone else.
for port in 2525 2587 2465 2143 2993; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "run: 127.0.0.1:$port is already in use; stop what listens there" >&2
        exit 1
    fi
done

# Every daemon built so far, with the embedded default (no -c), in the
# foreground; each one sets up $TERN_DATA on its first start.
started=""
for d in smtpd:2525 imapd:2143 pop3d:2110; do
    prog=${d%%:*}
    port=${d##*:}
    [ -x "build/$prog/$prog" ] || continue
    "build/$prog/$prog" &
    pids+=($!)
    wait_port "$!" "$port"
    started="$started $prog"
done
if [ -z "$started" ]; then
    echo "run: no daemon is built yet (build/smtpd/smtpd is missing)" >&2
    exit 1
fi

# A mailcli config for the demo account (mode 0600: it names the
# password file), so "mailcli/mailcli --config var/mailcli.conf ..."
# works as soon as the suite is up. The password stays in its own file.
(
    umask 077
    cat >"$TERN_DATA/mailcli.conf" <<CONF
# Written by scripts/run.sh: the demo account of the embedded default.
# See mailcli(1) for the settings.
accounts = (
  { name = "demo"; default = true;
    from = "Demo User <demo@example.test>";
    user = "demo@example.test";
    password_command = "cat '$TERN_DATA/demo-password'";
    host = "127.0.0.1";
    smtp = { port = 2587; tls = "starttls"; };
    imap = { port = 2143; tls = "starttls"; };
    pop3 = { port = 2110; tls = "starttls"; };
    ca_file = "$TERN_DATA/tls/cert.pem";
  }
);
CONF
)
chmod 600 "$TERN_DATA/mailcli.conf"

cat <<INFO

tern is running on 127.0.0.1 with its data in $TERN_DATA
  SMTP MX          127.0.0.1:2525  (no auth needed for example.test)
  submission       127.0.0.1:2587  (STARTTLS + AUTH)
  submissions      127.0.0.1:2465  (implicit TLS + AUTH)
  user             demo@example.test
  password         $(cat "$TERN_DATA/demo-password")
  CA certificate   $TERN_DATA/tls/cert.pem

INFO
if [ -x build/imapd/imapd ]; then
    cat <<INFO
Thunderbird (Account Settings > Server Settings), incoming IMAP:
  server           127.0.0.1
  port             2143 with "STARTTLS", or 2993 with "SSL/TLS"
  user name        demo@example.test
  authentication   Normal password
  password         $(cat "$TERN_DATA/demo-password")
  certificate      accept the exception, or trust $TERN_DATA/tls/cert.pem

INFO
fi

# Show messages going through, sent by Python's smtplib (a client none
# of us wrote): one to the MX port, one over submission with STARTTLS and
# AUTH as the demo user, checked against our CA certificate. Then find
# them in the demo user's Maildir.
subject="tern run check $(date +%s)"
/usr/bin/python3 - "$subject" "$TERN_DATA" <<'PY'
import smtplib, ssl, sys
from email.message import EmailMessage
subject, data = sys.argv[1], sys.argv[2]

def message(how):
    m = EmailMessage()
    m["From"] = "demo@example.test"
    m["To"] = "demo@example.test"
    m["Subject"] = "%s (%s)" % (subject, how)
    m.set_content("Hello from the tern run command, sent %s.\n" % how)
    return m

with smtplib.SMTP("127.0.0.1", 2525, timeout=10) as s:
    s.send_message(message("over SMTP port 2525"))
print("run: sent '%s (over SMTP port 2525)'" % subject)
try:
    with open(data + "/demo-password") as f:
        password = f.read().strip()
    ctx = ssl.create_default_context(cafile=data + "/tls/cert.pem")
    with smtplib.SMTP("127.0.0.1", 2587, timeout=10) as s:
        s.starttls(context=ctx)
        s.login("demo@example.test", password)
        s.send_message(message("over submission with STARTTLS and AUTH"))
    print("run: sent '%s (over submission with STARTTLS and AUTH)'"
          % subject)
except (OSError, smtplib.SMTPException) as e:
    print("run: submission on port 2587 failed: %s" % e, file=sys.stderr)
PY
# And one sent by our own client, over submission with STARTTLS, AUTH
# and the certificate checked against var/tls/cert.pem.
if [ -x build/mailcli/mailcli ]; then
    if printf 'Hello from the tern run command, sent with mailcli send.\n' |
        build/mailcli/mailcli --config "$TERN_DATA/mailcli.conf" send \
            --to demo@example.test --subject "$subject (mailcli send)"; then
        echo "run: sent '$subject (mailcli send)' with:"
        echo "    build/mailcli/mailcli --config $TERN_DATA/mailcli.conf send --to demo@example.test --subject ..."
    else
        echo "run: mailcli send failed (exit $?)" >&2
    fi
fi
maildir="$TERN_DATA/mail/example.test/demo/Maildir"
found=0
for f in $(grep -l -F "Subject: $subject" "$maildir"/new/* 2>/dev/null || true); do
    found=$((found + 1))
    echo "run: delivered to $f:"
    sed -n '1,12p' "$f" | sed 's/^/    /'
done
if [ "$found" -eq 0 ]; then
    echo "run: no message was found in $maildir/new" >&2
fi
echo
echo "run: the suite runs in the foreground; Ctrl-C stops it."
wait
