#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Dovecot interop: tern's imapd and a private Dovecot (Debian's
# dovecot-imapd, started by this test with its own config on another
# loopback port, dovecot_server.py) take turns on one Maildir tree. What
# Dovecot wrote and assigned UIDs to (APPEND with flags and keywords,
# STORE, EXPUNGE, a delivery by dovecot-lda) is served by imapd with the
# same UIDVALIDITY, UIDNEXT, UIDs, flags, keywords and bytes; and what
# imapd wrote (APPEND, STORE, EXPUNGE, a delivery by smtpd) is served by
# Dovecot the same way. The servers never serve at the same time: each
# client logs out before the other server is asked, and tern's files
# (root, 0600) are given to Dovecot's mail user before it reads them.
# Skips when Dovecot is not installed or the test is not root; exits 77
# when imapd or smtpd is not built.
# Run: tests/integration/imapd_dovecot_test.py [-v]

import hashlib
import imaplib
import os
import re
import smtplib
import subprocess
import sys
import unittest
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dovecot_server  # noqa: E402
import imapd_server  # noqa: E402
from tern_server import DEMO_PASSWORD, DEMO_USER  # noqa: E402

DOVECOT_LDA = "/usr/lib/dovecot/dovecot-lda"

srv = None
dove = None
missing = set()


def setUpModule():
    global srv, dove, missing
    if not dovecot_server.available():
        return
    srv = imapd_server.TernImap()
    srv.start()
    missing = imapd_server.missing_commands(srv)
    dove = dovecot_server.DovecotServer(os.path.join(srv.data, "users"),
                                        os.path.join(srv.data, "mail"))
    dove.start()


def tearDownModule():
    if dove is not None:
        dove.stop()
    if srv is not None:
        srv.stop()


def message(subject, body="Hello.\r\n"):
    return ("From: Bob <bob@remote.example>\r\nTo: <%s>\r\n"
            "Subject: %s\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\n"
            "Message-ID: <%s@remote.example>\r\n\r\n%s" % (
                DEMO_USER, subject, uuid.uuid4().hex, body)).encode()


def login_dovecot():
    m = imaplib.IMAP4("127.0.0.1", dove.port, timeout=15)
    m.login(DEMO_USER, DEMO_PASSWORD)
    return m


def login_tern():
    return srv.login()


def view(m, box):
    """What a server shows of a mailbox: UIDVALIDITY, UIDNEXT, the
    keywords in FLAGS, and {uid: (flags, sha256 of BODY[])}."""
    typ, data = m.select(box, readonly=True)
    assert typ == "OK", (box, data)
    exists = int(data[0])
    uidvalidity = int(m.untagged_responses["UIDVALIDITY"][-1])
    uidnext = int(m.untagged_responses["UIDNEXT"][-1])
    flags_line = m.untagged_responses["FLAGS"][-1]
    keywords = {f for f in flags_line.strip(b"()").split()
                if not f.startswith(b"\\")}
    msgs = {}
    if exists:
        typ, data = m.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])")
        assert typ == "OK", data
        for d in data:
            if not isinstance(d, tuple):
                continue
            uid = int(re.search(rb"UID (\d+)", d[0]).group(1))
            fl = re.search(rb"FLAGS \(([^)]*)\)", d[0])
            if fl is None:                      # FLAGS after the literal
                i = data.index(d)
                fl = re.search(rb"FLAGS \(([^)]*)\)", data[i + 1])
            flags = frozenset(fl.group(1).split()) - {b"\\Recent"}
            msgs[uid] = (flags, hashlib.sha256(d[1]).hexdigest())
    m.close()
    return {"uidvalidity": uidvalidity, "uidnext": uidnext,
            "keywords": keywords, "messages": msgs}


def views(login, boxes):
    m = login()
    try:
        return {b: view(m, b) for b in boxes}
    finally:
        m.logout()


def give_to_dovecot():
    dovecot_server.chown_tree(os.path.join(srv.data, "mail"))


@unittest.skipUnless(dovecot_server.available(),
                     "needs root and Dovecot (apt-get install dovecot-imapd)")
class DovecotInteropTest(unittest.TestCase):

    def assertSameView(self, a, b):
        for box in a:
            self.assertEqual(a[box]["uidvalidity"], b[box]["uidvalidity"],
                             box)
            self.assertEqual(a[box]["uidnext"], b[box]["uidnext"], box)
            self.assertEqual(a[box]["messages"], b[box]["messages"], box)
            used = set()
            for flags, _ in a[box]["messages"].values():
                used |= {f for f in flags if not f.startswith(b"\\")}
            self.assertLessEqual(used, a[box]["keywords"], box)
            self.assertLessEqual(used, b[box]["keywords"], box)

    def test_dovecot_writes_tern_serves(self):
        if "FETCH" in missing:
            self.skipTest("imapd does not implement FETCH yet")
        box = "FromDovecot-" + uuid.uuid4().hex[:6]
        give_to_dovecot()
        m = login_dovecot()
        self.assertEqual(m.create(box)[0], "OK")
        flags = [r"(\Seen)", r"(\Flagged $Label1)", None,
                 r"(\Answered \Seen $Forwarded Project-X)", r"(\Draft)",
                 r"($Label1 $Label2 NonJunk)", r"(\Deleted)"]
        for i, fl in enumerate(flags):
            typ, _ = m.append(box, fl, None, message(
                "dovecot-%d" % i, "body %d\r\n" % i * (i * 50 + 1)))
            self.assertEqual(typ, "OK")
        m.select(box)
        m.store("3", "+FLAGS", r"(\Seen Project-Y)")
        m.store("2", "-FLAGS", r"($Label1)")
        m.store("1", "+FLAGS", r"(\Deleted)")
        m.expunge()                             # UIDs 1 and 7 go
        m.logout()
        boxes = [box]
        if os.access(DOVECOT_LDA, os.X_OK):
            r = subprocess.run(
                [DOVECOT_LDA, "-c", dove.conf, "-d", DEMO_USER],
                input=message("via dovecot-lda"), capture_output=True,
                timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
            boxes.append("INBOX")
        d = views(login_dovecot, boxes)
        self.assertEqual(sorted(d[box]["messages"]), [2, 3, 4, 5, 6])
        self.assertEqual(d[box]["uidnext"], 8)
        self.assertEqual(d[box]["messages"][3][0],
                         {b"\\Seen", b"Project-Y"})
        self.assertEqual(d[box]["messages"][2][0], {b"\\Flagged"})
        t = views(login_tern, boxes)
        self.assertSameView(d, t)

    def test_tern_writes_dovecot_serves(self):
        need = sorted({"APPEND", "FETCH", "STORE", "EXPUNGE"} & missing)
        if need:
            self.skipTest("imapd does not implement %s yet" %
                          ", ".join(need))
        box = "FromTern-" + uuid.uuid4().hex[:6]
        m = login_tern()
        self.assertEqual(m.create(box)[0], "OK")
        flags = [r"(\Seen $Label3)", None, r"(\Flagged Work Later)",
                 r"(\Answered \Seen)", r"(\Draft $MDNSent)"]
        for i, fl in enumerate(flags):
            typ, _ = m.append(box, fl, None, message(
                "tern-%d" % i, "line %d\r\n" % i * (i * 40 + 1)))
            self.assertEqual(typ, "OK")
        m.select(box)
        m.store("2", "+FLAGS", r"(\Seen Tern-Kw)")
        m.store("3", "-FLAGS", r"(Later)")
        m.store("5", "+FLAGS", r"(\Deleted)")
        m.expunge()                             # UID 5 goes
        m.logout()
        # smtpd delivers to INBOX; imapd assigns the UID on SELECT.
        with smtplib.SMTP("127.0.0.1", srv.server.ports["mx"],
                          timeout=10) as s:
            s.sendmail("x@remote.example", [DEMO_USER],
                       message("via smtpd"))
        boxes = [box, "INBOX"]
        t = views(login_tern, boxes)
        self.assertEqual(sorted(t[box]["messages"]), [1, 2, 3, 4])
        self.assertEqual(t[box]["uidnext"], 6)
        give_to_dovecot()
        d = views(login_dovecot, boxes)
        self.assertSameView(t, d)
        # And back: Dovecot changes flags, tern sees them.
        m = login_dovecot()
        m.select(box)
        m.uid("STORE", "1", "+FLAGS", r"(\Flagged Back-From-Dovecot)")
        m.logout()
        d = views(login_dovecot, boxes)
        self.assertSameView(d, views(login_tern, boxes))

    def test_plain_names_sizes_in_uidlist(self):
        """Names without S= and W= (procmail, Postfix's virtual(8)): tern
        counts the sizes once and keeps them in dovecot-uidlist as S and
        W fields; Dovecot reads that uidlist with the same UIDs and
        sizes, and tern reads it back after Dovecot rewrote it."""
        if "FETCH" in missing:
            self.skipTest("imapd does not implement FETCH yet")
        box = "Plain-" + uuid.uuid4().hex[:6]
        m = login_tern()
        self.assertEqual(m.create(box)[0], "OK")
        m.logout()
        folder = os.path.join(srv.data, "mail", "example.test", "demo",
                              "Maildir", "." + box)
        bodies = {}
        for i, (sub, flags) in enumerate([("cur", ":2,S"), ("cur", ":2,"),
                                          ("new", "")]):
            # LF line ends on disk, one CRLF, as MDAs write them
            data = (b"Subject: plain %d\nFrom: a@b.example\n\n" % i +
                    b"line\n" * (i * 30 + 1) + b"crlf\r\n")
            name = "17000000%02d.P%d.mx.example%s" % (i, 4242 + i, flags)
            with open(os.path.join(folder, sub, name), "wb") as f:
                f.write(data)
            bodies[i + 1] = len(data) + data.count(b"\n") - 1

        def sizes(login):
            c = login()
            try:
                c.select(box, readonly=True)
                typ, data = c.uid("FETCH", "1:*", "(UID RFC822.SIZE)")
                self.assertEqual(typ, "OK", data)
                out = {}
                for d in data:
                    mm = re.search(rb"UID (\d+) RFC822.SIZE (\d+)", d)
                    out[int(mm.group(1))] = int(mm.group(2))
                c.close()
                return out
            finally:
                c.logout()

        self.assertEqual(sizes(login_tern), bodies)
        with open(os.path.join(folder, "dovecot-uidlist")) as f:
            recs = f.read().splitlines()[1:]
        self.assertEqual(len(recs), 3)
        for uid, rec in enumerate(recs, 1):
            fields = rec.split(" :")[0].split()
            self.assertIn("W%d" % bodies[uid], fields, rec)
        give_to_dovecot()
        self.assertEqual(sizes(login_dovecot), bodies)
        d = views(login_dovecot, [box])
        t = views(login_tern, [box])
        self.assertSameView(d, t)


if __name__ == "__main__":
    sys.exit(imapd_server.main())
