# SPDX-License-Identifier: MIT
# imapd_server: a throw-away tern smtpd (tern_server.py) plus imapd on the
# same data dir and config, with an "imapd" group on free loopback ports
# (imap with STARTTLS, imaps), for the integration tests and bench/.
# Both daemons are stopped by their PIDs. Also: the probes the tests use
# to skip what main does not have yet (a command still answered with
# "NO [CANNOT] ... not implemented yet", see imapd/cmd_todo.c).

import imaplib
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
import unittest

import tern_server
from tern_server import DEMO_PASSWORD, DEMO_USER

IMAPD_GROUP = """
imapd = {{
	listeners = (
		{{ name = "imap"; address = "127.0.0.1"; port = {imap};
		  tls = "starttls"; }},
		{{ name = "imaps"; address = "127.0.0.1"; port = {imaps};
		  tls = "implicit"; }}
	);
	max_sessions = 200;
	max_sessions_per_ip = 200;
}};
"""


def imapd_path():
    return os.environ.get("TERN_IMAPD") or os.path.join(
        tern_server.builddir(), "imapd", "imapd")


def built():
    return os.access(imapd_path(), os.X_OK) and \
        os.access(tern_server.smtpd_path(), os.X_OK)


class TernImap:
    """smtpd + imapd on one throw-away data dir. smtp=False starts imapd
    only (the bench). start()/stop() or a context manager."""

    def __init__(self, smtp=True, extra_users=(), keep=False):
        self.smtp = smtp
        self.server = tern_server.TernServer(extra_users=extra_users,
                                             keep=keep)
        self.proc = None
        self.ports = {}

    @property
    def data(self):
        return self.server.data

    @property
    def cert(self):
        return self.server.cert

    def maildir(self, user=DEMO_USER):
        return self.server.maildir(user)

    def setup(self):
        self.server.setup()
        self.ports["imap"] = tern_server.free_port()
        self.ports["imaps"] = tern_server.free_port()
        with open(self.server.conf, "a") as f:
            f.write(IMAPD_GROUP.format(**self.ports))

    def start(self, timeout=10.0):
        if self.server.data is None:
            self.setup()
        if self.smtp:
            self.server.start()
        self.start_imapd(timeout)
        return self

    def start_imapd(self, timeout=10.0):
        self.log_path = os.path.join(self.data, "imapd.log")
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [imapd_path(), "-c", self.server.conf, "--data", self.data],
            stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        for port in self.ports.values():
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError("imapd exited with %s:\n%s" % (
                        self.proc.returncode, self.log_text()))
                try:
                    socket.create_connection(("127.0.0.1", port),
                                             timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        self.stop()
                        raise RuntimeError("imapd does not listen on %d" %
                                           port)
                    time.sleep(0.05)

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def stop_imapd(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.log.close()
            self.proc = None

    def sanitizer_report(self):
        """The first lines of an ASan/UBSan report in imapd's or smtpd's
        log, or None."""
        try:
            with open(self.log_path, "rb") as f:
                text = f.read()
        except (OSError, AttributeError):
            text = b""
        m = re.search(rb"ERROR: (Address|Leak|Memory)Sanitizer|"
                      rb"runtime error: ", text)
        if m is not None:
            start = text.rfind(b"\n", 0, m.start()) + 1
            return "imapd: " + text[start:start + 3000].decode(
                "utf-8", "replace")
        if self.smtp:
            r = self.server.sanitizer_report()
            return "smtpd: " + r if r else None
        return None

    def stop(self):
        self.stop_imapd()
        if self.server.proc is not None:
            self.server.stop_daemon()
        report = self.sanitizer_report()
        if report:
            sanitizer_reports.append(report)
        self.server.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # Clients.
    def tls_context(self):
        return ssl.create_default_context(cafile=self.cert)

    def login(self, user=DEMO_USER, password=DEMO_PASSWORD, tls=True):
        """imaplib on the imap listener, STARTTLS unless tls=False
        (plaintext is allowed on loopback)."""
        m = imaplib.IMAP4("127.0.0.1", self.ports["imap"], timeout=15)
        if tls:
            m.starttls(ssl_context=self.tls_context())
        m.login(user, password)
        return m


# Sanitizer reports found in the logs of the servers stopped so far.
sanitizer_reports = []


def main():
    """A test script's main: 77 when the daemons are not built, else the
    unittest result, failed as well when a sanitizer reported an error
    in a daemon's log."""
    if not built():
        print("imapd or smtpd is not built; skipped")
        return 77
    prog = unittest.main(exit=False)
    if sanitizer_reports:
        print("FAIL: a sanitizer reported an error:\n" +
              "\n".join(sanitizer_reports), file=sys.stderr)
        return 1
    return 0 if prog.result.wasSuccessful() else 1


def not_implemented(typ, data):
    """True for the answer of a command that is still in cmd_todo.c."""
    text = b" ".join(d for d in data if isinstance(d, bytes))
    return typ == "NO" and b"[CANNOT]" in text and b"not implemented" in text


def probe(m, *cmd):
    """Runs one command (imaplib's _simple_command) on a logged-in
    connection with a mailbox selected; True when the server implements
    it (any answer but NO [CANNOT] ... not implemented)."""
    try:
        typ, data = m._simple_command(*cmd)
    except imaplib.IMAP4.error as e:
        return b"not implemented" not in str(e).encode()
    return not not_implemented(typ, data)


def missing_commands(srv):
    """The IMAP commands this imapd build does not implement yet, as a
    set of names (FETCH, STORE, APPEND, COPY, MOVE, EXPUNGE, SEARCH,
    IDLE), by probing a session with INBOX selected."""
    m = srv.login(tls=False)
    try:
        m.select("INBOX")
        missing = set()
        probes = {
            "FETCH": ("UID", "FETCH", "1:*", "(FLAGS)"),
            "STORE": ("UID", "STORE", "4000000000", "+FLAGS", "(\\Seen)"),
            "COPY": ("UID", "COPY", "4000000000", "INBOX"),
            "MOVE": ("UID", "MOVE", "4000000000", "INBOX"),
            "EXPUNGE": ("UID", "EXPUNGE", "4000000000"),
            "SEARCH": ("UID", "SEARCH", "ALL"),
        }
        for name, cmd in probes.items():
            if not probe(m, *cmd):
                missing.add(name)
        m._simple_command("CAPABILITY")
        caps = " ".join(d.decode() for d in
                        m.untagged_responses.pop("CAPABILITY", [])).split()
        if "IDLE" not in caps:
            missing.add("IDLE")
        if "CONDSTORE" not in caps:
            missing.add("CONDSTORE")
        # APPEND last: it adds a message when it works; then remove it.
        typ, data = m.append("INBOX", None, None,
                             b"Subject: probe\r\n\r\nprobe\r\n")
        if not_implemented(typ, data):
            missing.add("APPEND")
        elif typ == "OK" and "STORE" not in missing and \
                "EXPUNGE" not in missing:
            m.noop()
            m.store("*", "+FLAGS.SILENT", "(\\Deleted)")
            m.expunge()
        m.logout()
    except BaseException:
        m.shutdown()
        raise
    return missing
