# SPDX-License-Identifier: MIT
# postfix_server: a private Postfix (Debian's postfix) for interop tests.
# It writes its own main.cf and master.cf into a temp dir (queue and data
# directory there too, no chroot, log to a file) and starts it with
# "postfix -c DIR start": two submission listeners on free 127.0.0.1
# ports, STARTTLS required (self.submission_port) and implicit TLS
# (self.submissions_port, smtpd_tls_wrappermode), both with SASL through
# Dovecot's auth socket (smtpd_sasl_type = dovecot) and
# permit_sasl_authenticated, reject. virtual(8) delivers the given
# addresses into mail_root/<domain>/<local>/Maildir/ (tern's and
# dovecot_server.py's layout) as the given uid/gid. "postfix -c DIR stop"
# stops it, then the master's PID is killed if it is still there; the
# system instance is never touched. Needs root. Stdlib only.

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

POSTFIX = "/usr/sbin/postfix"

MAIN_CF = """\
# Written by tests/integration/postfix_server.py: a private Postfix for
# tern's tests, loopback only.
compatibility_level = 3.6
queue_directory = {dir}/spool
data_directory = {dir}/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = postfix-test.localdomain
mydomain = localdomain
mydestination =
mynetworks = 127.0.0.1/32
relay_domains =
alias_maps =
alias_database =
biff = no
maillog_file = {dir}/maillog
maillog_file_prefixes = {dir}
virtual_mailbox_domains = {domains}
virtual_mailbox_base = {mail_root}
virtual_mailbox_maps = texthash:{dir}/etc/vmailbox
virtual_uid_maps = static:{uid}
virtual_gid_maps = static:{gid}
virtual_minimum_uid = 1
smtpd_tls_cert_file = {cert}
smtpd_tls_key_file = {key}
smtpd_tls_security_level = encrypt
smtpd_tls_auth_only = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = {sasl_path}
smtpd_sasl_auth_enable = yes
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
"""

MASTER_CF = """\
127.0.0.1:{sub} inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
127.0.0.1:{subs} inet n - n - - smtpd
  -o syslog_name=postfix/submissions
  -o smtpd_tls_wrappermode=yes
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
proxywrite unix - - n -  1 proxymap
smtp      unix  - - n -  - smtp
relay     unix  - - n -  - smtp
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
local     unix  - n n -  - local
virtual   unix  - n n -  - virtual
lmtp      unix  - - n -  - lmtp
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
"""


def available():
    try:
        pwd.getpwnam("postfix")
    except KeyError:
        return False
    return os.access(POSTFIX, os.X_OK) and os.geteuid() == 0


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostfixServer:
    """A private Postfix submitting to virtual(8). addresses: the
    recipients it delivers ("local@domain"); cert/key: PEM files;
    sasl_path: Dovecot's auth socket; mail_root: the Maildir root;
    uid/gid: the owner of the delivered mail."""

    def __init__(self, addresses, cert, key, sasl_path, mail_root, uid,
                 gid, keep=False):
        self.addresses = list(addresses)
        self.cert, self.key = cert, key
        self.sasl_path = sasl_path
        self.mail_root = os.path.abspath(mail_root)
        self.uid, self.gid = uid, gid
        self.submission_port = free_port()
        self.submissions_port = free_port()
        self.keep = keep or os.environ.get("TERN_TEST_KEEP") == "1"
        self.dir = None

    @property
    def etc(self):
        return os.path.join(self.dir, "etc")

    def start(self, timeout=30.0):
        self.dir = tempfile.mkdtemp(prefix="tern-postfix-")
        os.chmod(self.dir, 0o755)       # postfix and virtual(8) traverse
        pf = pwd.getpwnam("postfix")
        for d in ("etc", "spool", "data"):
            os.makedirs(os.path.join(self.dir, d))
        os.chown(os.path.join(self.dir, "data"), pf.pw_uid, pf.pw_gid)
        domains = sorted({a.split("@")[1] for a in self.addresses})
        with open(os.path.join(self.etc, "vmailbox"), "w") as f:
            for a in self.addresses:
                local, domain = a.split("@")
                f.write("%s %s/%s/Maildir/\n" % (a, domain, local))
        with open(os.path.join(self.etc, "main.cf"), "w") as f:
            f.write(MAIN_CF.format(
                dir=self.dir, domains=", ".join(domains),
                mail_root=self.mail_root, uid=self.uid, gid=self.gid,
                cert=os.path.abspath(self.cert),
                key=os.path.abspath(self.key), sasl_path=self.sasl_path))
        with open(os.path.join(self.etc, "master.cf"), "w") as f:
            f.write(MASTER_CF.format(sub=self.submission_port,
                                     subs=self.submissions_port))
        out = subprocess.run([POSTFIX, "-c", self.etc, "start"],
                             stdin=subprocess.DEVNULL, capture_output=True,
                             text=True, timeout=timeout)
        if out.returncode != 0:
            text = "postfix -c %s start failed (%d): %s%s\n%s" % (
                self.etc, out.returncode, out.stdout, out.stderr,
                self.log_text())
            self.stop()
            raise RuntimeError(text)
        deadline = time.monotonic() + timeout
        for port in (self.submission_port, self.submissions_port):
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port),
                                             timeout=2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        text = self.log_text()
                        self.stop()
                        raise RuntimeError(
                            "postfix does not listen on %d:\n%s" % (
                                port, text))
                    time.sleep(0.05)
        return self

    def master_pid(self):
        """The master's PID from its pid file, or None."""
        try:
            with open(os.path.join(self.dir, "spool", "pid",
                                   "master.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError, TypeError):
            return None

    def log_text(self):
        try:
            with open(os.path.join(self.dir, "maillog"), "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except (OSError, TypeError):
            return ""

    def stop(self):
        """postfix -c DIR stop; wait up to 10 s for the master to go,
        then KILL it by its PID; remove the temp dir unless kept."""
        if self.dir is None:
            return
        pid = self.master_pid()
        subprocess.run([POSTFIX, "-c", self.etc, "stop"],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=30)
        deadline = time.monotonic() + 10
        while pid is not None and time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                pid = None
                break
            time.sleep(0.1)
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
