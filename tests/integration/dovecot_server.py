# SPDX-License-Identifier: MIT
# dovecot_server: a private Dovecot (Debian's dovecot-imapd) for interop
# tests and benchmarks. It writes its own dovecot.conf into a temp dir
# (base_dir, state_dir, log_path there; ssl = no; IMAP on 127.0.0.1 on a
# free port; no POP3, no LMTP, no imaps), authenticates against a tern
# users file (passwd-file: "user@domain:{SCHEME}hash:::" is valid for
# Dovecot too) and uses tern's Maildir layout (mail_root/%d/%n/Maildir).
# With pop3=True it also serves POP3 (Debian's dovecot-pop3d) on a second
# free port (self.pop3_port), for mailcli's POP3 tests. With tls=(cert,
# key) it offers STARTTLS/STLS on those ports and listens for IMAPS
# (self.imaps_port) and POP3S (self.pop3s_port) too; plain text logins
# stay allowed. With auth_socket="postfix" it also serves its auth
# service on a unix socket (self.auth_socket, owned by that user) for
# Postfix's smtpd_sasl_type = dovecot.
# Dovecot's master runs in the foreground (dovecot -F) as a child of the
# test and is stopped by that PID; the system service is never touched.
# Mail is accessed as "nobody" (Dovecot refuses UID 0): start() gives the
# mail root to nobody; hand over what tern (root) wrote later with
# chown_tree(). Stdlib only.

import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

DOVECOT = "/usr/sbin/dovecot"
MAIL_USER = "nobody"

CONF_TEMPLATE = """\
# Written by tests/integration/dovecot_server.py: a private Dovecot for
# tern's tests, loopback only.
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
info_log_path = {dir}/dovecot.log
instance_name = tern-test-{port}
protocols = imap{pop3_proto}
listen = 127.0.0.1
ssl = {ssl}
{tls_conf}disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
mail_uid = {uid}
mail_gid = {gid}
mail_location = maildir:{mail_root}/%d/%n/Maildir
mail_home = {mail_root}/%d/%n
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = username_format=%u {users}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {users}
  default_fields = uid={uid} gid={gid} home={mail_root}/%d/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
  }}
  process_min_avail = 0
}}
{auth_conf}service stats {{
  unix_listener stats-reader {{
    mode = 0600
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
protocol imap {{
  mail_max_userip_connections = 100
  imap_idle_notify_interval = 1 secs
}}
{pop3_conf}
{extra}
"""

POP3_CONF = """\
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {pop3_port}
  }}
  inet_listener pop3s {{
    address = 127.0.0.1
    port = {pop3s_port}
  }}
  process_min_avail = 0
}}
protocol pop3 {{
  mail_max_userip_connections = 100
}}
"""
POP3D = "/usr/lib/dovecot/pop3"

TLS_CONF = """\
ssl_cert = <{cert}
ssl_key = <{key}
"""

# The auth service for Postfix's SASL (smtpd_sasl_type = dovecot).
AUTH_CONF = """\
service auth {{
  unix_listener {path} {{
    mode = 0660
    user = {user}
    group = {group}
  }}
}}
"""


def available():
    return os.access(DOVECOT, os.X_OK) and os.geteuid() == 0


def pop3_available():
    return available() and os.access(POP3D, os.X_OK)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chown_tree(path, user=MAIL_USER):
    """Give a Maildir tree to the user Dovecot accesses mail as (tern's
    daemons run as root in the tests and create 0600 files)."""
    pw = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        os.chown(root, pw.pw_uid, pw.pw_gid)
        for n in dirs + files:
            os.lchown(os.path.join(root, n), pw.pw_uid, pw.pw_gid)


class DovecotServer:
    """A private Dovecot serving mail_root (tern's data_dir/mail) for the
    users in users_file. start()/stop() or a context manager."""

    def __init__(self, users_file, mail_root, port=None, extra_conf="",
                 keep=False, pop3=False, tls=None, auth_socket=None):
        self.users_file = users_file
        self.mail_root = mail_root
        self.port = port or free_port()
        self.extra_conf = extra_conf
        self.pop3_port = free_port() if pop3 else None
        self.tls = tls
        self.imaps_port = free_port() if tls else 0
        self.pop3s_port = free_port() if tls and pop3 else 0
        self.auth_socket_user = auth_socket
        self.auth_socket = None
        self.keep = keep or os.environ.get("TERN_TEST_KEEP") == "1"
        self.dir = None
        self.proc = None

    def start(self, timeout=15.0):
        self.dir = tempfile.mkdtemp(prefix="tern-dovecot-")
        os.chmod(self.dir, 0o755)       # login and auth processes traverse
        pw = pwd.getpwnam(MAIL_USER)
        for d in ("run", "state"):
            os.makedirs(os.path.join(self.dir, d))
        # The mail user must reach the Maildirs (temp dirs are 0700).
        p = os.path.abspath(self.mail_root)
        while p != "/":
            if os.stat(p).st_mode & 0o011 == 0:
                os.chmod(p, os.stat(p).st_mode | 0o711)
            p = os.path.dirname(p)
        os.makedirs(self.mail_root, exist_ok=True)
        chown_tree(self.mail_root)
        # Dovecot's auth process (user dovecot) reads a copy of the users
        # file (tern's data dir is 0700).
        users = os.path.join(self.dir, "users")
        shutil.copyfile(self.users_file, users)
        os.chmod(users, 0o644)
        self.conf = os.path.join(self.dir, "dovecot.conf")
        tls_conf = auth_conf = ""
        if self.tls:
            tls_conf = TLS_CONF.format(cert=os.path.abspath(self.tls[0]),
                                       key=os.path.abspath(self.tls[1]))
        if self.auth_socket_user:
            # relative to base_dir; auth-client is Dovecot's own listener
            self.auth_socket = os.path.join(self.dir, "run", "auth-smtp")
            au = pwd.getpwnam(self.auth_socket_user)
            auth_conf = AUTH_CONF.format(
                path="auth-smtp", user=au.pw_name,
                group=grp.getgrgid(au.pw_gid).gr_name)
        with open(self.conf, "w") as f:
            f.write(CONF_TEMPLATE.format(
                dir=self.dir, port=self.port, uid=pw.pw_uid,
                gid=pw.pw_gid, mail_root=os.path.abspath(self.mail_root),
                users=users, ssl="yes" if self.tls else "no",
                tls_conf=tls_conf, auth_conf=auth_conf,
                imaps_port=self.imaps_port,
                pop3_proto=" pop3" if self.pop3_port else "",
                pop3_conf=POP3_CONF.format(pop3_port=self.pop3_port,
                                           pop3s_port=self.pop3s_port)
                if self.pop3_port else "",
                extra=self.extra_conf))
        self.log_path = os.path.join(self.dir, "dovecot.log")
        self.out = open(os.path.join(self.dir, "stdout.log"), "wb")
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", self.conf],
                                     stdin=subprocess.DEVNULL,
                                     stdout=self.out,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                text = "dovecot exited with %s:\n%s" % (
                    self.proc.returncode, self.log_text())
                self.stop()
                raise RuntimeError(text)
            try:
                with socket.create_connection(("127.0.0.1", self.port),
                                              timeout=2) as s:
                    s.settimeout(5)
                    if s.recv(100).startswith(b"* OK"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                text = "dovecot does not listen on %d:\n%s" % (
                    self.port, self.log_text())
                self.stop()
                raise RuntimeError(text)
            time.sleep(0.05)
        return self

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def log_text(self):
        text = ""
        for n in ("dovecot.log", "stdout.log"):
            try:
                with open(os.path.join(self.dir, n), "rb") as f:
                    text += f.read().decode("utf-8", "replace")[-3000:]
            except (OSError, TypeError):
                pass
        return text

    def stop(self):
        """TERM the master by its PID (it stops its children), KILL after
        10 s; then remove the temp dir unless kept."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.out.close()
            self.proc = None
        if self.dir and not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
