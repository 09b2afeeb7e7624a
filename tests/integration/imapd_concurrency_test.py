#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# imapd under concurrent change: smtpd delivers while two imaplib sessions
# IDLE on INBOX (raw IDLE/DONE over imaplib's socket: imaplib in Python
# 3.11 has no idle()) and sessions expunge. Each IDLE session must see
# every new message as "* n EXISTS" and every expunge as "* n EXPUNGE"
# within a second, and the count it keeps from those updates must match
# a fresh SELECT at the end (FairEmail/K-9 saw drifting counts on maddy
# when an EXPUNGE by another session did not reach an IDLE client).
# Exits 77 when imapd or smtpd is not built; skips while main lacks IDLE,
# STORE or EXPUNGE. Run: tests/integration/imapd_concurrency_test.py [-v]

import os
import queue
import re
import smtplib
import sys
import threading
import time
import unittest
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imapd_server  # noqa: E402
from tern_server import DEMO_USER  # noqa: E402

# How soon an IDLE session must hear of a change (the issue: a second).
WITHIN = 1.0

srv = None
missing = set()


def setUpModule():
    global srv, missing
    srv = imapd_server.TernImap()
    srv.start()
    missing = imapd_server.missing_commands(srv)


def tearDownModule():
    if srv is not None:
        srv.stop()


def deliver(subject):
    msg = ("From: <x@remote.example>\r\nTo: <%s>\r\nSubject: %s\r\n"
           "Message-ID: <%s@remote.example>\r\n\r\nbody\r\n" % (
               DEMO_USER, subject, uuid.uuid4().hex))
    with smtplib.SMTP("127.0.0.1", srv.server.ports["mx"], timeout=10) as s:
        s.sendmail("x@remote.example", [DEMO_USER], msg)


class Idler:
    """An imaplib session in IDLE on INBOX. A reader thread collects the
    untagged lines with their arrival times and keeps the message count
    from EXISTS and EXPUNGE."""

    def __init__(self, name):
        self.name = name
        self.m = srv.login()
        typ, data = self.m.select("INBOX")
        assert typ == "OK", data
        self.count = int(data[0])
        self.lines = queue.Queue()
        self.tag = None

    def idle(self):
        self.tag = self.m._new_tag()
        self.m.send(self.tag + b" IDLE\r\n")
        while True:
            line = self.m.readline()
            if line.startswith(b"+"):
                break
            self.account(line)
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    def account(self, line):
        mm = re.match(rb"\* (\d+) (EXISTS|EXPUNGE)", line)
        if mm is None:
            return
        n = int(mm.group(1))
        if mm.group(2) == b"EXISTS":
            self.count = n
        else:
            assert 1 <= n <= self.count, (self.name, line, self.count)
            self.count -= 1

    def read(self):
        while True:
            line = self.m.readline()
            if not line:
                self.lines.put((time.monotonic(), b""))
                return
            self.account(line)
            self.lines.put((time.monotonic(), line))
            if self.tag and line.startswith(self.tag + b" "):
                return

    def wait(self, pattern, since, timeout=WITHIN):
        """The first line matching pattern that arrived by since+timeout;
        AssertionError otherwise."""
        seen = []
        deadline = since + timeout
        while True:
            try:
                t, line = self.lines.get(timeout=max(0.0, deadline -
                                                      time.monotonic()))
            except queue.Empty:
                raise AssertionError("%s: no %r within %.1fs (got %r)" % (
                    self.name, pattern, timeout, seen))
            seen.append(line)
            if re.match(pattern, line):
                if t > deadline:
                    raise AssertionError("%s: %r after %.2fs" % (
                        self.name, line, t - since))
                return line

    def stop_idle(self):
        """DONE; returns the tagged reply."""
        self.m.send(b"DONE\r\n")
        self.thread.join(10)
        assert not self.thread.is_alive(), self.name
        tagged = None
        while True:
            try:
                _, line = self.lines.get_nowait()
            except queue.Empty:
                break
            if line.startswith(self.tag + b" "):
                tagged = line
        assert tagged is not None and b" OK" in tagged, (self.name, tagged)
        self.tag = None
        return tagged

    def drain(self):
        while True:
            try:
                self.lines.get_nowait()
            except queue.Empty:
                return

    def close(self):
        try:
            if self.tag is not None:
                self.stop_idle()
            self.m.logout()
        except Exception:
            self.m.shutdown()


class ConcurrencyTest(unittest.TestCase):

    def setUp(self):
        lack = sorted({"IDLE", "STORE", "EXPUNGE", "SEARCH"} & missing)
        if lack:
            self.skipTest("imapd does not implement %s yet" %
                          ", ".join(lack))
        self.idlers = []

    def tearDown(self):
        for i in self.idlers:
            i.close()

    def expunge_one(self, m, subject):
        typ, data = m.uid("SEARCH", "SUBJECT", subject)
        uids = data[0].split()
        self.assertEqual(len(uids), 1, (subject, data))
        m.uid("STORE", uids[0].decode(), "+FLAGS.SILENT", r"(\Deleted)")
        typ, data = m.expunge()
        self.assertEqual(typ, "OK")

    def test_idle_sees_deliveries_and_expunges(self):
        tag = uuid.uuid4().hex[:6]
        for i in range(3):
            deliver("%s-pre-%d" % (tag, i))
        a, b = Idler("A"), Idler("B")
        self.idlers += [a, b]
        a.idle()
        b.idle()

        # A delivery reaches both within a second.
        for i in range(3):
            t0 = time.monotonic()
            deliver("%s-new-%d" % (tag, i))
            t1 = time.monotonic()
            for s in (a, b):
                s.wait(rb"\* \d+ EXISTS", t1)
            self.assertLess(t1 - t0, 10)
        self.assertEqual(a.count, b.count)

        # A third session expunges: both IDLE sessions hear of it.
        c = srv.login()
        c.select("INBOX")
        t1 = time.monotonic()
        self.expunge_one(c, "%s-pre-0" % tag)
        t1 = time.monotonic()
        for s in (a, b):
            s.wait(rb"\* \d+ EXPUNGE", t1)
        c.logout()

        # B leaves IDLE, expunges itself, and IDLEs again: A hears of it.
        b.stop_idle()
        b.drain()
        b.m.untagged_responses.clear()
        self.expunge_one(b.m, "%s-new-1" % tag)
        t1 = time.monotonic()
        a.wait(rb"\* \d+ EXPUNGE", t1)
        b.count -= 1
        b.idle()

        # Deliveries and expunges at once: the counts must not drift.
        stop = threading.Event()
        errors = []

        def deliverer():
            try:
                for i in range(10):
                    deliver("%s-burst-%d" % (tag, i))
            except Exception as e:              # noqa: BLE001
                errors.append(e)
            finally:
                stop.set()

        th = threading.Thread(target=deliverer)
        th.start()
        c = srv.login()
        c.select("INBOX")
        for i in range(3):
            self.expunge_one(c, "%s-pre-%d" % (tag, i + 1)
                             if i < 2 else "%s-new-2" % tag)
        c.logout()
        th.join(60)
        self.assertFalse(errors, errors)
        time.sleep(WITHIN)
        m = srv.login()
        typ, data = m.select("INBOX", readonly=True)
        final = int(data[0])
        m.logout()
        for s in (a, b):
            s.stop_idle()
            self.assertEqual(s.count, final, s.name)


if __name__ == "__main__":
    sys.exit(imapd_server.main())
