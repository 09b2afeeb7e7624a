#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Integration tests for CONDSTORE/QRESYNC in imapd (RFC 7162) with
# Python's imaplib: a client resynchronises with SELECT (QRESYNC ...)
# after flags were changed and a message removed elsewhere (by renaming
# and unlinking files, as Dovecot or pop3d would, and by another IMAP
# session), a selected session learns the same as VANISHED and FETCH
# with MODSEQ, STORE UNCHANGEDSINCE fails with [MODIFIED] where another
# session changed the message, and a lost cache still resyncs correctly.
# One imapd alone (tern_imapd.py); a sanitizer report in its log fails
# the run. Exits 77 (skip) when imapd is not built.

import imaplib
import os
import re
import sys
import unittest
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tern_imapd  # noqa: E402
from tern_server import DEMO_PASSWORD, DEMO_USER  # noqa: E402

MESSAGE = ("From: <x@remote.example>\r\nTo: <demo@example.test>\r\n"
           "Subject: %s\r\n\r\nbody\r\n")


server = None
sanitizer = None


def setUpModule():
    global server
    server = tern_imapd.ImapdServer()
    server.start()


def tearDownModule():
    global sanitizer
    if server is not None:
        sanitizer = server.sanitizer_report()
        server.stop()


def plain_login():
    m = imaplib.IMAP4("127.0.0.1", server.ports["imap"], timeout=10)
    m.login(DEMO_USER, DEMO_PASSWORD)
    return m


def login():
    m = plain_login()
    typ, data = m.enable("QRESYNC")
    assert typ == "OK", (typ, data)
    return m


def select(m, folder, params=None):
    """SELECT with parameters, which imaplib cannot send itself.
    Returns the tagged result and clears nothing else."""
    args = (folder,) if params is None else (folder, params)
    typ, data = m._simple_command("SELECT", *args)
    if typ == "OK":
        m.state = "SELECTED"
    return typ, data


def untagged(m, name):
    return m.untagged_responses.pop(name, [])


def code_value(m, name):
    """A response code's value from the last command ([HIGHESTMODSEQ n]
    lands in untagged_responses under its name)."""
    return int(untagged(m, name)[-1])


class CondstoreTest(unittest.TestCase):

    def setUp(self):
        self.folder = "cs-" + uuid.uuid4().hex[:8]
        m = plain_login()
        self.assertEqual(m.create(self.folder)[0], "OK")
        m.logout()
        self.dir = os.path.join(server.maildir(),
                                "." + self.folder)
        # three deliveries as an MDA makes them
        for i in range(3):
            name = "17000000%02d.M%dP1.host,S=80" % (i, i)
            with open(os.path.join(self.dir, "new", name), "w") as f:
                f.write(MESSAGE % i)

    def files(self):
        out = []
        for sub in ("new", "cur"):
            for n in sorted(os.listdir(os.path.join(self.dir, sub))):
                out.append(os.path.join(self.dir, sub, n))
        return sorted(out, key=lambda p: os.path.basename(p))

    def test_capabilities(self):
        m = plain_login()
        typ, data = m.capability()
        self.assertEqual(typ, "OK")
        caps = data[0].split()
        self.assertIn(b"CONDSTORE", caps)
        self.assertIn(b"QRESYNC", caps)
        m.logout()

    def test_qresync_after_changes_elsewhere(self):
        a = login()
        typ, _ = select(a, self.folder, "(CONDSTORE)")
        self.assertEqual(typ, "OK")
        uidvalidity = code_value(a, "UIDVALIDITY")
        hms = code_value(a, "HIGHESTMODSEQ")
        self.assertEqual(int(untagged(a, "EXISTS")[-1]), 3)

        # nothing changed: a resync sends no VANISHED and no FETCH
        b = login()
        typ, _ = select(b, self.folder, "(QRESYNC (%d %d))" %
                        (uidvalidity, hms))
        self.assertEqual(typ, "OK")
        self.assertEqual(untagged(b, "VANISHED"), [])
        self.assertEqual(untagged(b, "FETCH"), [])
        self.assertEqual(code_value(b, "HIGHESTMODSEQ"), hms)
        b.logout()

        # elsewhere: message 2 gets \Seen \Flagged, message 3 is removed
        f1, f2, f3 = self.files()
        base2 = os.path.basename(f2).split(":")[0]
        os.rename(f2, os.path.join(self.dir, "cur", base2 + ":2,FS"))
        os.unlink(f3)

        b = login()
        typ, _ = select(b, self.folder, "(QRESYNC (%d %d 1:10))" %
                        (uidvalidity, hms))
        self.assertEqual(typ, "OK")
        self.assertEqual(untagged(b, "VANISHED"), [b"(EARLIER) 3"])
        fetches = untagged(b, "FETCH")
        self.assertEqual(len(fetches), 1, fetches)
        m = re.fullmatch(rb"2 \(UID 2 FLAGS \(([^)]*)\) MODSEQ \((\d+)\)\)",
                         fetches[0])
        self.assertIsNotNone(m, fetches[0])
        self.assertEqual(sorted(m.group(1).split()),
                         [b"\\Flagged", b"\\Seen"])
        new_hms = code_value(b, "HIGHESTMODSEQ")
        self.assertGreater(int(m.group(2)), hms)
        self.assertLessEqual(int(m.group(2)), new_hms)

        # known-uids limits VANISHED (EARLIER) to what the client knows
        typ, _ = select(b, self.folder, "(QRESYNC (%d %d 1:2))" %
                        (uidvalidity, hms))
        self.assertEqual(typ, "OK")
        self.assertEqual(untagged(b, "VANISHED"), [])
        self.assertEqual(len(untagged(b, "FETCH")), 1)
        b.logout()

        # the selected session hears the same: VANISHED, not EXPUNGE
        typ, _ = a.noop()
        self.assertEqual(typ, "OK")
        self.assertEqual(untagged(a, "VANISHED"), [b"3"])
        self.assertEqual(untagged(a, "EXPUNGE"), [])
        fetches = untagged(a, "FETCH")
        self.assertEqual(len(fetches), 1, fetches)
        self.assertRegex(fetches[0], rb"^2 \(UID 2 FLAGS \(.*\) "
                         rb"MODSEQ \(\d+\)\)$")
        a.logout()

    def test_resync_after_another_session(self):
        a = login()
        typ, _ = select(a, self.folder, "(CONDSTORE)")
        self.assertEqual(typ, "OK")
        uidvalidity = code_value(a, "UIDVALIDITY")
        hms = code_value(a, "HIGHESTMODSEQ")

        # another client (without CONDSTORE) changes flags, expunges
        b = plain_login()
        self.assertEqual(b.select(self.folder)[0], "OK")
        self.assertEqual(b.uid("STORE", "1", "+FLAGS", "(\\Seen)")[0],
                         "OK")
        self.assertEqual(b.uid("STORE", "3", "+FLAGS", "(\\Deleted)")[0],
                         "OK")
        self.assertEqual(b.expunge()[0], "OK")
        b.logout()

        # a conditional store against the old modseq: 1 changed since
        typ, data = a.uid("STORE", "1:2", "(UNCHANGEDSINCE %d)" % hms,
                          "+FLAGS.SILENT", "(\\Flagged)")
        self.assertEqual(typ, "OK")
        self.assertEqual(untagged(a, "MODIFIED"), [b"1"])
        # the store's own FETCH and the news about UID 1 and 3 (imaplib's
        # uid() hands back the FETCH responses)
        fetches = [d for d in data if d]
        self.assertTrue(any(re.fullmatch(
            rb"2 \(UID 2 MODSEQ \(\d+\)\)", f) for f in fetches),
            fetches)
        self.assertTrue(any(re.fullmatch(
            rb"1 \(UID 1 FLAGS \(\\Seen( \\Recent)?\) MODSEQ \(\d+\)\)",
            f)
            for f in fetches), fetches)
        self.assertEqual(untagged(a, "VANISHED"), [b"3"])

        # iPhone Mail's CHANGEDSINCE 0: everything, with MODSEQ
        typ, data = a.uid("FETCH", "1:*", "(FLAGS)", "(CHANGEDSINCE 0)")
        self.assertEqual(typ, "OK")
        self.assertEqual(len([d for d in data if d]), 2, data)
        a.logout()

        # a client that was offline resynchronises in one SELECT
        c = login()
        typ, _ = select(c, self.folder, "(QRESYNC (%d %d))" %
                        (uidvalidity, hms))
        self.assertEqual(typ, "OK")
        self.assertEqual(untagged(c, "VANISHED"), [b"(EARLIER) 3"])
        got = sorted(untagged(c, "FETCH"))
        self.assertEqual(len(got), 2, got)
        self.assertRegex(got[0], rb"^1 \(UID 1 FLAGS \(\\Seen\) "
                         rb"MODSEQ \(\d+\)\)$")
        self.assertRegex(got[1], rb"^2 \(UID 2 FLAGS \(\\Flagged\) "
                         rb"MODSEQ \(\d+\)\)$")
        c.logout()

    def test_fetch_waits_for_pending_expunge(self):
        a = login()
        typ, _ = select(a, self.folder, "(CONDSTORE)")
        self.assertEqual(typ, "OK")
        uidvalidity = code_value(a, "UIDVALIDITY")
        b = plain_login()
        self.assertEqual(b.select(self.folder)[0], "OK")
        b.uid("STORE", "3", "+FLAGS", "(\\Deleted)")
        self.assertEqual(b.expunge()[0], "OK")
        b.uid("STORE", "2", "+FLAGS", "(\\Flagged)")
        b.logout()
        # FETCH uses sequence numbers: no VANISHED now, so no FETCH
        # with a MODSEQ above the expunge's either
        typ, data = a.fetch("1", "(UID)")
        self.assertEqual(typ, "OK")
        self.assertEqual([d for d in data if d], [b"1 (UID 1)"])
        self.assertEqual(untagged(a, "VANISHED"), [])
        typ, _ = a.noop()
        self.assertEqual(untagged(a, "VANISHED"), [b"3"])
        fetches = untagged(a, "FETCH")
        self.assertEqual(len(fetches), 1, fetches)
        m = re.search(rb"MODSEQ \((\d+)\)", fetches[0])
        # what the client now knows resyncs to nothing new
        a.logout()
        c = login()
        typ, _ = select(c, self.folder, "(QRESYNC (%d %s))" %
                        (uidvalidity, m.group(1).decode()))
        self.assertEqual(typ, "OK")
        self.assertEqual(untagged(c, "VANISHED"), [])
        self.assertEqual(untagged(c, "FETCH"), [])
        c.logout()

    def test_lost_cache(self):
        a = login()
        typ, _ = select(a, self.folder, "(CONDSTORE)")
        self.assertEqual(typ, "OK")
        uidvalidity = code_value(a, "UIDVALIDITY")
        hms = code_value(a, "HIGHESTMODSEQ")
        a.logout()
        # the cache is gone: everything is reported again, correctly
        os.unlink(os.path.join(self.dir, "tern-modseq"))
        os.unlink(self.files()[0])
        b = login()
        typ, _ = select(b, self.folder, "(QRESYNC (%d %d))" %
                        (uidvalidity, hms))
        self.assertEqual(typ, "OK")
        self.assertGreater(code_value(b, "HIGHESTMODSEQ"), hms)
        self.assertEqual(untagged(b, "VANISHED"), [b"(EARLIER) 1"])
        self.assertEqual(len(untagged(b, "FETCH")), 2)
        b.logout()


def main():
    if not os.access(tern_imapd.imapd_path(), os.X_OK):
        print("SKIP: %s is not built" % tern_imapd.imapd_path())
        return 77
    prog = unittest.main(exit=False, verbosity=2)
    if sanitizer is not None:
        print("FAIL: a sanitizer reported an error in imapd:\n" + sanitizer,
              file=sys.stderr)
        return 1
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
