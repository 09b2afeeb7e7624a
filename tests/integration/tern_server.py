# SPDX-License-Identifier: MIT
# tern_server: start a throw-away tern smtpd for tests and benchmarks. It
# makes a fresh data dir (users file, self-signed certificate for
# localhost/127.0.0.1, Maildir root, queue), writes a tern.conf like the
# embedded default (DESIGN.md) but on free loopback ports, starts
# "smtpd -c FILE --data DIR", waits until every listener accepts, and
# stops the server by its PID. Stdlib only, plus the openssl command.

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

DOMAIN = "example.test"
DEMO_USER = "demo@" + DOMAIN
DEMO_PASSWORD = "demo-secret-1"


def srcdir():
    return os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))


def builddir():
    """$TERN_BUILDDIR, else <srcdir>/build when it holds a build, else
    the source dir (an in-tree build)."""
    b = os.environ.get("TERN_BUILDDIR")
    if b:
        return os.path.abspath(b)
    b = os.path.join(srcdir(), "build")
    if os.path.exists(os.path.join(b, "Makefile")):
        return b
    return srcdir()


def smtpd_path():
    return os.environ.get("TERN_SMTPD") or os.path.join(builddir(), "smtpd",
                                                        "smtpd")


def free_port():
    """A port that nothing listens on right now (racy, but loopback
    only and used at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sha512_crypt(password):
    out = subprocess.run(["openssl", "passwd", "-6", "-stdin"],
                         input=password.encode(), capture_output=True,
                         check=True)
    return out.stdout.decode().strip()


def make_cert(tlsdir):
    """A self-signed certificate for localhost, 127.0.0.1 and ::1."""
    os.makedirs(tlsdir, exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                    "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
                    "-keyout", os.path.join(tlsdir, "key.pem"),
                    "-out", os.path.join(tlsdir, "cert.pem")],
                   check=True, capture_output=True)
    os.chmod(os.path.join(tlsdir, "key.pem"), 0o600)


CONF_TEMPLATE = """\
# Written by tests/integration/tern_server.py: the embedded default on
# free ports, in a throw-away data dir.
hostname = "mx.example.test";
data_dir = "{data}";
domains = [ "{domain}" ];
users_file = "{data}/users";
mail_root = "{data}/mail";
mail_path = "%d/%n/Maildir";
queue_dir = "{data}/queue";
tls_cert = "{data}/tls/cert.pem";
tls_key = "{data}/tls/key.pem";
plaintext_auth = "loopback";
auth_failure_delay_ms = 0;

smtpd = {{
	listeners = (
		{{ name = "mx"; address = "127.0.0.1"; port = {mx};
		  mode = "mx"; tls = "starttls"; auth = true; }},
		{{ name = "submission"; address = "127.0.0.1"; port = {sub};
		  mode = "submission"; tls = "starttls"; auth = true; }},
		{{ name = "submissions"; address = "127.0.0.1"; port = {subs};
		  mode = "submission"; tls = "implicit"; auth = true; }}
	);
	max_message_size = {max_size};
	max_recipients = {max_rcpt};
	max_sessions = {max_sessions};
	max_sessions_per_ip = {max_sessions};
}};
"""


class TernServer:
    """One smtpd on three free loopback ports. Use start()/stop(), or as
    a context manager. extra_users: local parts to create as well."""

    def __init__(self, extra_users=(), max_size=20 * 1024 * 1024,
                 max_rcpt=1000, max_sessions=200, keep=False):
        self.extra_users = list(extra_users)
        self.max_size = max_size
        self.max_rcpt = max_rcpt
        self.max_sessions = max_sessions
        self.keep = keep or os.environ.get("TERN_TEST_KEEP") == "1"
        self.proc = None
        self.data = None

    # Paths in the data dir.
    def maildir(self, user=DEMO_USER):
        local, domain = user.split("@")
        return os.path.join(self.data, "mail", domain, local, "Maildir")

    def queue_new(self):
        return os.path.join(self.data, "queue", "new")

    @property
    def cert(self):
        return os.path.join(self.data, "tls", "cert.pem")

    def setup(self):
        self.data = tempfile.mkdtemp(prefix="tern-it-")
        self.ports = {"mx": free_port(), "submission": free_port(),
                      "submissions": free_port()}
        make_cert(os.path.join(self.data, "tls"))
        demo_hash = sha512_crypt(DEMO_PASSWORD)
        other_hash = sha512_crypt("other-secret")
        with open(os.path.join(self.data, "users"), "w") as f:
            f.write("%s:{SHA512-CRYPT}%s:::\n" % (DEMO_USER, demo_hash))
            for u in self.extra_users:
                f.write("%s@%s:{SHA512-CRYPT}%s:::\n" % (u, DOMAIN,
                                                          other_hash))
        with open(os.path.join(self.data, "demo-password"), "w") as f:
            f.write(DEMO_PASSWORD + "\n")
        os.makedirs(os.path.join(self.data, "mail"), exist_ok=True)
        os.makedirs(os.path.join(self.data, "queue"), exist_ok=True)
        self.conf = os.path.join(self.data, "tern.conf")
        with open(self.conf, "w") as f:
            f.write(CONF_TEMPLATE.format(
                data=self.data, domain=DOMAIN, mx=self.ports["mx"],
                sub=self.ports["submission"],
                subs=self.ports["submissions"], max_size=self.max_size,
                max_rcpt=self.max_rcpt, max_sessions=self.max_sessions))

    def start(self, timeout=10.0):
        if self.data is None:
            self.setup()
        self.log_path = os.path.join(self.data, "smtpd.log")
        self.log = open(self.log_path, "wb")
        env = dict(os.environ, TERN_DATA=self.data)
        self.proc = subprocess.Popen(
            [smtpd_path(), "-c", self.conf, "--data", self.data],
            stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        for port in self.ports.values():
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError("smtpd exited with %s:\n%s" % (
                        self.proc.returncode, self.log_text()))
                try:
                    socket.create_connection(("127.0.0.1", port),
                                             timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        self.stop()
                        raise RuntimeError(
                            "smtpd does not listen on %d:\n%s" % (
                                port, self.log_text()))
                    time.sleep(0.05)
        return self

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def sanitizer_report(self):
        """The first lines of an ASan/UBSan report in the log, or None."""
        try:
            with open(self.log_path, "rb") as f:
                text = f.read()
        except (OSError, AttributeError):
            return None
        m = re.search(rb"ERROR: (Address|Leak|Memory)Sanitizer|"
                      rb"runtime error: ", text)
        if m is None:
            return None
        start = text.rfind(b"\n", 0, m.start()) + 1
        return text[start:start + 3000].decode("utf-8", "replace")

    def stop_daemon(self):
        """TERM by PID, KILL after 5 s; the data dir stays."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None:
            self.log.close()
        self.proc = None

    def stop(self):
        """stop_daemon(), then remove the data dir unless kept."""
        self.stop_daemon()
        if self.data and not self.keep:
            shutil.rmtree(self.data, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
