#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Two imaplib sessions on one folder: what one session sees of what the
# other did before it may be told (RFC 9051 7.5.1, RFC 2180). A FETCH,
# STORE, COPY or MOVE by sequence number that names a message expunged
# by the other session (a "ghost" until the next NOOP) answers the
# others and ends with NO [EXPUNGEISSUED] (RFC 9051 7.1), copying
# nothing for COPY/MOVE (6.4.7); the UID forms skip it and answer OK.
# \Recent is set in exactly one session, the first to be told of the
# message (RFC 3501 2.3.2): SELECT takes it, EXAMINE and STATUS only
# count it. A client that closes the connection in the middle of IDLE
# (Thunderbird does) ends its session normally: the final log line says
# reason=eof and counts no NO for the IDLE. A dovecot-uidlist damaged
# under a selected session is set aside and rebuilt with a higher
# UIDVALIDITY: that session gets "* BYE" (its UIDs mean nothing now), a
# new one sees every message with its flags under the new UIDVALIDITY.
# Exits 77 when imapd or smtpd is not built.
# Run: tests/integration/imapd_sessions_test.py [-v]

import os
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

EXPUNGEISSUED = (b"NO [EXPUNGEISSUED] Some of the requested messages no "
                 b"longer exist")

srv = None


def setUpModule():
    global srv
    srv = imapd_server.TernImap()
    srv.start()


def tearDownModule():
    if srv is not None:
        srv.stop()


def message(subject):
    return ("From: <x@remote.example>\r\nTo: <%s>\r\nSubject: %s\r\n"
            "Message-ID: <%s@remote.example>\r\n\r\nbody %s\r\n" % (
                DEMO_USER, subject, uuid.uuid4().hex, subject)).encode()


def raw(m, line):
    """Send one command on imaplib's socket and return every line up to
    and including the tagged one (imaplib raises on NO and drops the
    response code)."""
    tag = m._new_tag().decode()
    m.send(("%s %s\r\n" % (tag, line)).encode())
    lines = []
    while True:
        ln = m.readline()
        if not ln:
            raise EOFError(line)
        lines.append(ln)
        if ln.startswith(tag.encode() + b" "):
            return lines


def tagged(lines):
    return lines[-1].split(b" ", 1)[1].rstrip(b"\r\n")


def fetched_seqs(lines):
    return [int(m.group(1)) for m in
            (re.match(rb"\* (\d+) FETCH ", ln) for ln in lines) if m]


class ExpungeIssuedTest(unittest.TestCase):
    """Session a expunges messages 2 and 4 of 5; session b, which has
    not been told yet, names them by sequence number."""

    def setUp(self):
        self.box = "ghosts-" + uuid.uuid4().hex[:8]
        self.a = srv.login()
        self.b = srv.login()
        self.a.create(self.box)
        for i in range(1, 6):
            self.a.append(self.box, None, None, message("m%d" % i))
        self.a.select(self.box)
        self.b.select(self.box)
        # b sees the \Deleted flags only as ghosts later: it must
        # not sync between a's STORE and EXPUNGE
        self.a.store("2,4", "+FLAGS.SILENT", r"(\Deleted)")
        typ, _ = self.a.expunge()
        self.assertEqual(typ, "OK")

    def tearDown(self):
        for m in (self.a, self.b):
            try:
                m.logout()
            except Exception:
                m.shutdown()

    def count(self, box):
        typ, data = self.a.status(box, "(MESSAGES)")
        return int(re.search(rb"MESSAGES (\d+)", data[0]).group(1))

    def test_fetch_by_seq_answers_the_others(self):
        lines = raw(self.b, "FETCH 1:5 (UID BODY.PEEK[])")
        self.assertEqual(fetched_seqs(lines), [1, 3, 5], lines)
        self.assertEqual(tagged(lines), EXPUNGEISSUED)
        # the ghost alone, and a body fetch that would set \Seen
        lines = raw(self.b, "FETCH 2 BODY[]")
        self.assertEqual(fetched_seqs(lines), [], lines)
        self.assertEqual(tagged(lines), EXPUNGEISSUED)
        lines = raw(self.b, "FETCH 4 (FLAGS)")
        self.assertEqual(tagged(lines), EXPUNGEISSUED)
        # no EXPUNGE during FETCH by seq (RFC 9051 7.5.1): still 5
        self.assertFalse([ln for ln in lines if ln.endswith(
            b" EXPUNGE\r\n")], lines)
        # UID FETCH skips the expunged UIDs, and may tell of the
        # expunges (7.5.1), as NOOP does
        lines = raw(self.b, "UID FETCH 1:* (FLAGS)")
        self.assertTrue(tagged(lines).startswith(b"OK "), lines)
        lines += raw(self.b, "NOOP")
        self.assertEqual(sum(1 for ln in lines if ln.endswith(
            b" EXPUNGE\r\n")), 2, lines)
        lines = raw(self.b, "FETCH 1:3 (FLAGS)")
        self.assertEqual(fetched_seqs(lines), [1, 2, 3], lines)
        self.assertTrue(tagged(lines).startswith(b"OK "), lines)

    def test_store_by_seq_stores_the_others(self):
        lines = raw(self.b, r"STORE 1:3 +FLAGS (\Flagged)")
        self.assertEqual(fetched_seqs(lines), [1, 3], lines)
        self.assertEqual(tagged(lines), EXPUNGEISSUED)
        lines = raw(self.b, r"UID STORE 1:5 +FLAGS (\Answered)")
        self.assertTrue(tagged(lines).startswith(b"OK "), lines)
        typ, data = self.a.fetch("1:3", "(FLAGS)")
        self.assertEqual(sum(1 for d in data if b"\\Flagged" in d), 2,
                         data)

    def test_copy_and_move_by_seq_copy_nothing(self):
        target = self.box + "-to"
        self.a.create(target)
        for cmd in ("COPY", "MOVE"):
            lines = raw(self.b, "%s 1:3 %s" % (cmd, target))
            self.assertEqual(tagged(lines), EXPUNGEISSUED, (cmd, lines))
            self.assertEqual(self.count(target), 0, cmd)
        self.assertEqual(self.count(self.box), 3)
        # UID COPY skips the ghost and copies the rest
        lines = raw(self.b, "UID COPY 1:3 %s" % target)
        self.assertTrue(tagged(lines).startswith(b"OK [COPYUID "), lines)
        self.assertEqual(self.count(target), 2)

    def test_copy_after_a_rename_elsewhere(self):
        # a's flag change renames message 1's file: b's COPY finds it
        target = self.box + "-to"
        self.a.create(target)
        self.a.store("1", "+FLAGS.SILENT", r"(\Flagged)")
        lines = raw(self.b, "COPY 1 %s" % target)
        self.assertTrue(tagged(lines).startswith(b"OK [COPYUID "), lines)
        self.assertEqual(self.count(target), 1)


def recent_uids(m):
    """UIDs with \\Recent in the selected mailbox of m."""
    lines = raw(m, "UID FETCH 1:* (FLAGS)")
    return {int(re.search(rb"UID (\d+)", ln).group(1)) for ln in lines
            if b"\\Recent" in ln}


def recent_count(lines):
    found = [int(m.group(1)) for m in
             (re.match(rb"\* (\d+) RECENT", ln) for ln in lines) if m]
    return found[-1] if found else None


class RecentTest(unittest.TestCase):
    """RFC 3501 2.3.2: one session gets \\Recent for a new message."""

    def setUp(self):
        self.box = "recent-" + uuid.uuid4().hex[:8]
        self.sessions = []
        self.c = self.login()
        self.c.create(self.box)

    def tearDown(self):
        for m in self.sessions:
            try:
                m.logout()
            except Exception:
                m.shutdown()

    def login(self):
        m = srv.login()
        self.sessions.append(m)
        return m

    def status_recent(self):
        typ, data = self.c.status(self.box, "(RECENT)")
        return int(re.search(rb"RECENT (\d+)", data[0]).group(1))

    def test_one_of_two_sessions(self):
        a, b = self.login(), self.login()
        self.assertEqual(recent_count(raw(a, "SELECT " + self.box)), 0)
        self.assertEqual(recent_count(raw(b, "SELECT " + self.box)), 0)
        self.c.append(self.box, None, None, message("r1"))
        self.assertEqual(self.status_recent(), 1)
        # b is told first: the message is b's
        self.assertEqual(recent_count(raw(b, "NOOP")), 1)
        self.assertEqual(recent_count(raw(a, "NOOP")), None)
        self.assertEqual(recent_uids(b), {1})
        self.assertEqual(recent_uids(a), set())
        self.assertEqual(self.status_recent(), 0)
        # SEARCH RECENT agrees
        self.assertIn(b"* SEARCH 1\r\n", raw(b, "SEARCH RECENT"))
        self.assertIn(b"* SEARCH\r\n", raw(a, "SEARCH RECENT"))
        # a later SELECT gets none of it
        d = self.login()
        self.assertEqual(recent_count(raw(d, "SELECT " + self.box)), 0)

    def test_racing_sessions(self):
        ms = [self.login() for _ in range(4)]
        for m in ms:
            raw(m, "SELECT " + self.box)
        for i in range(5):
            self.c.append(self.box, None, None, message("r%d" % i))
        start = threading.Barrier(len(ms))
        out = [None] * len(ms)

        def noop(i):
            start.wait()
            raw(ms[i], "NOOP")
            out[i] = recent_uids(ms[i])

        th = [threading.Thread(target=noop, args=(i,))
              for i in range(len(ms))]
        for t in th:
            t.start()
        for t in th:
            t.join(30)
        got = [u for o in out for u in o]
        self.assertEqual(sorted(got), [1, 2, 3, 4, 5], out)

    def test_examine_does_not_claim(self):
        self.c.append(self.box, None, None, message("r1"))
        e = self.login()
        self.assertEqual(recent_count(raw(e, "EXAMINE " + self.box)), 1)
        self.assertEqual(recent_uids(e), {1})
        self.assertEqual(self.status_recent(), 1)
        s = self.login()
        self.assertEqual(recent_count(raw(s, "SELECT " + self.box)), 1)
        self.assertEqual(self.status_recent(), 0)
        e2 = self.login()
        self.assertEqual(recent_count(raw(e2, "EXAMINE " + self.box)), 0)

    def test_delivery_to_inbox(self):
        a, b = self.login(), self.login()
        raw(a, "SELECT INBOX")
        raw(b, "SELECT INBOX")
        subject = "recent-" + uuid.uuid4().hex[:8]
        with smtplib.SMTP("127.0.0.1", srv.server.ports["mx"],
                          timeout=10) as s:
            s.sendmail("x@remote.example", [DEMO_USER],
                       message(subject))
        raw(a, "NOOP")
        raw(b, "NOOP")
        uid = int(re.search(rb"SEARCH (\d+)", b"".join(raw(
            a, "UID SEARCH SUBJECT " + subject))).group(1))
        self.assertEqual([uid in recent_uids(m) for m in (a, b)],
                         [True, False])


class IdleCloseTest(unittest.TestCase):

    def disconnect_line(self, port, timeout=5.0):
        """The final log line of the session from our local port."""
        pat = re.compile(r"disconnect client=\S*:%d .*" % port)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(srv.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
            m = pat.search(text)
            if m is not None:
                return m.group(0), text
            time.sleep(0.05)
        self.fail("no disconnect line for port %d" % port)

    def test_close_during_idle_is_not_a_failure(self):
        m = srv.login()
        port = m.sock.getsockname()[1]
        m.select("INBOX")
        tag = m._new_tag().decode()
        m.send(("%s IDLE\r\n" % tag).encode())
        self.assertTrue(m.readline().startswith(b"+ "))
        m.shutdown()            # no DONE, no LOGOUT
        line, text = self.disconnect_line(port)
        self.assertIn(" reason=eof ", line)
        self.assertIn(" bad=0 no=0 ", line)
        sid = re.search(r"(\w+): " + re.escape(line), text).group(1)
        self.assertNotIn("%s: reject cmd=IDLE" % sid, text)


class CorruptUidlistTest(unittest.TestCase):

    def test_rebuilt_with_new_uidvalidity(self):
        box = "broken-" + uuid.uuid4().hex[:8]
        a = srv.login()
        a.create(box)
        for i in range(3):
            a.append(box, r"(\Flagged)" if i == 1 else None, None,
                     message("m%d" % i))
        typ, data = a.select(box)
        self.assertEqual(typ, "OK")
        v1 = int(a.untagged_responses["UIDVALIDITY"][-1])
        folder = os.path.join(srv.maildir(), "." + box)
        uidlist = os.path.join(folder, "dovecot-uidlist")
        with open(uidlist, "wb") as f:
            f.write(b"3 V%d N4\n3 :c\n1 :a\n" % v1)   # not ascending
        lines = raw(a, "NOOP")
        self.assertIn(b"* BYE Mailbox UIDVALIDITY changed\r\n", lines)
        self.assertEqual(tagged(lines), b"OK NOOP completed")
        self.assertEqual(a.readline(), b"")           # closed
        a.shutdown()
        with open(uidlist + ".broken", "rb") as f:
            self.assertTrue(f.read().startswith(b"3 V%d N4" % v1))
        b = srv.login()
        typ, data = b.select(box)
        v2 = int(b.untagged_responses["UIDVALIDITY"][-1])
        self.assertGreater(v2, v1)
        self.assertEqual(data, [b"3"])
        typ, data = b.uid("SEARCH", "FLAGGED")
        self.assertEqual(data, [b"2"])
        b.logout()


if __name__ == "__main__":
    sys.exit(imapd_server.main())
