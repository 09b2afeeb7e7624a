# SPDX-License-Identifier: MIT
# tern_imapd: a throw-away imapd alone (no smtpd) for the integration
# tests: tern_server.TernServer makes the data dir, users file,
# certificate and tern.conf; an "imapd" group on free loopback ports is
# appended (with extra settings given by the test), and "imapd -c FILE
# --data DIR" is started and stopped by its PID. Stdlib only.

import os
import re
import signal
import socket
import subprocess
import time

import tern_server

IMAPD_GROUP = """
imapd = {{
	listeners = (
		{{ name = "imap"; address = "127.0.0.1"; port = {imap};
		  tls = "starttls"; }},
		{{ name = "imaps"; address = "127.0.0.1"; port = {imaps};
		  tls = "implicit"; }}
	);
{extra}}};
"""


def imapd_path():
    return os.environ.get("TERN_IMAPD") or os.path.join(
        tern_server.builddir(), "imapd", "imapd")


class ImapdServer:
    """imapd on two free loopback ports. extra: lines for the imapd
    group ("login_timeout = 1;"); top: lines for the top level."""

    def __init__(self, extra="", top=""):
        self.base = tern_server.TernServer()
        self.extra = extra
        self.top = top
        self.proc = None
        self.log = None

    def setup(self):
        self.base.setup()
        self.data = self.base.data
        self.conf = self.base.conf
        self.ports = {"imap": tern_server.free_port(),
                      "imaps": tern_server.free_port()}
        with open(self.conf) as f:
            text = f.read()
        for line in self.top.splitlines():
            key = line.split("=")[0].strip()
            text = re.sub(r"(?m)^%s = .*$" % re.escape(key), line, text)
        with open(self.conf, "w") as f:
            f.write(text)
            f.write(IMAPD_GROUP.format(extra="".join(
                "\t%s\n" % x for x in self.extra.splitlines()),
                **self.ports))

    def start(self, timeout=10.0):
        self.setup()
        self.log_path = os.path.join(self.data, "imapd.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [imapd_path(), "-c", self.conf, "--data", self.data],
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
                        raise
                    time.sleep(0.05)
        return self

    def maildir(self, user=tern_server.DEMO_USER):
        return self.base.maildir(user)

    @property
    def cert(self):
        return self.base.cert

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except (OSError, AttributeError):
            return ""

    def wait_log(self, pattern, count=1, timeout=5.0):
        """Wait until pattern (a regex) matches count log lines."""
        deadline = time.monotonic() + timeout
        while len(re.findall(pattern, self.log_text(), re.M)) < count:
            if time.monotonic() > deadline:
                raise AssertionError("no %r in the log:\n%s" % (
                    pattern, self.log_text()[-3000:]))
            time.sleep(0.05)

    def sanitizer_report(self):
        m = re.search(r"ERROR: (Address|Leak|Memory)Sanitizer|"
                      r"runtime error: ", self.log_text())
        return None if m is None else self.log_text()[m.start():][:3000]

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log is not None:
            self.log.close()
            self.log = None
        self.base.stop()
