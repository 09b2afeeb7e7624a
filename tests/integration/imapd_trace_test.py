#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# imapd -d, the debug protocol trace (STYLE.md 8): every line each way,
# literal data included (APPEND's message, FETCH's body, a SEARCH
# string, IDLE's "+ idling" and DONE), at most IMAP_TRACE_DATA_MAX (1024)
# bytes of one literal and then a line saying how much was left out;
# LOGIN and AUTHENTICATE as "***", their literals and SASL responses
# never. Runs "imapd --stdio -d" as tests/run-transcript does. Exits 77
# when imapd is not built. Run: tests/integration/imapd_trace_test.py
import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imapd_server  # noqa: E402
import tern_server  # noqa: E402

SRC = tern_server.srcdir()
PASSWORD = "demo-secret"                # tests/conf/data/users
USER = "demo@example.test"
MSG = b"Subject: trace-test\r\n\r\nfirst body line\r\n"      # 40 bytes
BIG = b"x" * 2000 + b"\r\ntail-marker\r\n" + b"y" * 984      # 2999
TRACE_DATA_MAX = 1024                   # imapd/trace.h


def run_imapd(chunks):
    """Feed chunks (bytes, or a float: a pause) to imapd --stdio -d and
    return its log (stderr) as text."""
    data = tempfile.mkdtemp(prefix="tern-trace-")
    try:
        shutil.copytree(os.path.join(SRC, "tests", "conf", "data"), data,
                        dirs_exist_ok=True)
        p = subprocess.Popen(
            [imapd_server.imapd_path(), "--stdio", "-d", "-c",
             os.path.join(SRC, "tests", "conf", "imapd-test.conf"),
             "--data", data], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for c in chunks:
            if isinstance(c, float):
                time.sleep(c)
            else:
                p.stdin.write(c)
                p.stdin.flush()
        p.stdin.close()
        err = p.stderr.read()
        p.wait(10)
        return err.decode("utf-8", "replace")
    finally:
        shutil.rmtree(data, ignore_errors=True)


def traced(log):
    """The trace lines, "C: ..." / "S: ...", without the log prefix."""
    return [ln.split(" trace ", 1)[1] for ln in log.splitlines()
            if " trace " in ln]


class TraceTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        msg = MSG
        big = BIG
        sasl = base64.b64encode(b"\0" + USER.encode() + b"\0" +
                                PASSWORD.encode())
        cls.log = run_imapd([
            b"a LOGIN " + USER.encode() + b" {%d}\r\n" % len(PASSWORD),
            0.3, PASSWORD.encode() + b"\r\n",
            b"b APPEND INBOX {%d+}\r\n" % len(msg) + msg + b"\r\n",
            b"c APPEND INBOX {%d+}\r\n" % len(big) + big + b"\r\n",
            b"d SELECT INBOX\r\n",
            b"e FETCH 1 BODY.PEEK[]\r\n",
            b"f SEARCH SUBJECT {10+}\r\ntrace-test\r\n",
            b"g IDLE\r\n", 0.3, b"DONE\r\n",
            b"h LOGOUT\r\n"])
        cls.lines = traced(cls.log)
        cls.sasl_log = run_imapd([b"a AUTHENTICATE PLAIN\r\n", 0.3,
                                  sasl + b"\r\n", b"b LOGOUT\r\n"])

    def test_literal_data_both_ways(self):
        for want in ("C: b APPEND INBOX {%d+}" % len(MSG),
                     "C: Subject: trace-test", "C: first body line",
                     "S: * 1 FETCH (BODY[] {%d}" % len(MSG),
                     "S: Subject: trace-test", "S: first body line",
                     "C: f SEARCH SUBJECT {10+}", "C: trace-test",
                     "S: * SEARCH 1"):
            self.assertIn(want, self.lines, want)

    def test_idle_continuation_and_done(self):
        i = self.lines.index("C: g IDLE")
        self.assertEqual(self.lines[i + 1:i + 3], ["S: + idling",
                                                   "C: DONE"])

    def test_size_cap(self):
        self.assertIn("C: [... %d more bytes of literal data]" % (
            len(BIG) - TRACE_DATA_MAX), self.lines)
        self.assertNotIn("tail-marker", self.log)
        # one line of 1024 bytes, cut by log_escape to 200
        self.assertFalse([ln for ln in self.lines if len(ln) > 260])

    def test_secrets_masked(self):
        self.assertIn("C: a LOGIN ***", self.lines)
        self.assertIn("S: + Ready", self.lines)
        self.assertNotIn(PASSWORD, self.log)
        self.assertNotIn(PASSWORD, self.sasl_log)
        lines = traced(self.sasl_log)
        self.assertEqual(lines[1:4], ["C: a AUTHENTICATE ***", "S: + ",
                                      "C: ***"])
        self.assertIn("method=plain status=ok", self.sasl_log)


if __name__ == "__main__":
    if not os.access(imapd_server.imapd_path(), os.X_OK):
        print("imapd is not built; skipped")
        sys.exit(77)
    sys.exit(0 if unittest.main(exit=False).result.wasSuccessful()
             else 1)
