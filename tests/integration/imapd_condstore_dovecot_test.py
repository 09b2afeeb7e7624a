#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# CONDSTORE/QRESYNC across Dovecot: a client that last saw a folder
# through tern's imapd resynchronises with SELECT (QRESYNC ...) after a
# private Dovecot (dovecot_server.py) changed flags, set a keyword and
# expunged on the same Maildir: tern finds the changes in the files and
# dovecot-uidlist, gives them new modseqs, and reports VANISHED
# (EARLIER) and FETCH (FLAGS MODSEQ). The servers take turns, as in
# imapd_dovecot_test.py. Skips when Dovecot is not installed or the
# test is not root; exits 77 when imapd or smtpd is not built.

import imaplib
import os
import re
import sys
import unittest
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dovecot_server  # noqa: E402
import imapd_server  # noqa: E402
from tern_server import DEMO_PASSWORD, DEMO_USER  # noqa: E402

srv = None
dove = None


def setUpModule():
    global srv, dove
    if not dovecot_server.available():
        return
    srv = imapd_server.TernImap(smtp=False)
    srv.start()
    dove = dovecot_server.DovecotServer(os.path.join(srv.data, "users"),
                                        os.path.join(srv.data, "mail"))
    dove.start()


def tearDownModule():
    if dove is not None:
        dove.stop()
    if srv is not None:
        srv.stop()


def message(n):
    return ("From: <bob@remote.example>\r\nTo: <%s>\r\nSubject: %d\r\n"
            "Message-ID: <%s@remote.example>\r\n\r\nHello.\r\n" % (
                DEMO_USER, n, uuid.uuid4().hex)).encode()


@unittest.skipUnless(dovecot_server.available(),
                     "needs Dovecot and root")
class CondstoreDovecotTest(unittest.TestCase):

    def test_resync_after_dovecot(self):
        box = "qr-" + uuid.uuid4().hex[:8]
        t = srv.login(tls=False)
        self.assertEqual(t.create(box)[0], "OK")
        for i in range(3):
            self.assertEqual(t.append(box, None, None, message(i))[0],
                             "OK")
        self.assertEqual(t.enable("QRESYNC")[0], "OK")
        typ, _ = t._simple_command("SELECT", box, "(CONDSTORE)")
        self.assertEqual(typ, "OK")
        uidvalidity = int(t.untagged_responses["UIDVALIDITY"][-1])
        hms = int(t.untagged_responses["HIGHESTMODSEQ"][-1])
        t.logout()

        dovecot_server.chown_tree(os.path.join(srv.data, "mail"))
        d = imaplib.IMAP4("127.0.0.1", dove.port, timeout=15)
        d.login(DEMO_USER, DEMO_PASSWORD)
        self.assertEqual(d.select(box)[0], "OK")
        d.uid("STORE", "1", "+FLAGS", r"(\Seen From-Dovecot)")
        d.uid("STORE", "2", "+FLAGS", r"(\Deleted)")
        self.assertEqual(d.expunge()[0], "OK")
        d.logout()

        t = srv.login(tls=False)
        self.assertEqual(t.enable("QRESYNC")[0], "OK")
        typ, _ = t._simple_command("SELECT", box, "(QRESYNC (%d %d))" %
                                   (uidvalidity, hms))
        self.assertEqual(typ, "OK")
        self.assertEqual(t.untagged_responses.get("VANISHED"),
                         [b"(EARLIER) 2"])
        fetches = t.untagged_responses.get("FETCH", [])
        self.assertEqual(len(fetches), 1, fetches)
        m = re.fullmatch(rb"1 \(UID 1 FLAGS \(([^)]*)\) MODSEQ \((\d+)\)\)",
                         fetches[0])
        self.assertIsNotNone(m, fetches[0])
        self.assertEqual(sorted(m.group(1).split()),
                         [b"From-Dovecot", b"\\Seen"])
        self.assertGreater(int(m.group(2)), hms)
        self.assertGreater(int(t.untagged_responses["HIGHESTMODSEQ"][-1]),
                           hms)
        t.logout()


if __name__ == "__main__":
    sys.exit(imapd_server.main())
