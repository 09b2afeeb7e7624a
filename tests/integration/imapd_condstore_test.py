#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Integration tests for CONDSTORE/QRESYNC in imapd (RFC 7162) with
# Python's imaplib: a client resynchronises with SELECT (QRESYNC ...)
# after flags were changed and a message removed elsewhere (here by
# renaming and unlinking files, as Dovecot or pop3d would), and a
# selected session learns the same through NOOP as VANISHED and FETCH
# with MODSEQ. The daemons are the ones imapd_test.py starts. Exits 77
# (skip) when imapd or smtpd is not built.

import imaplib
import os
import re
import sys
import unittest
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imapd_test  # noqa: E402
import tern_server  # noqa: E402

MESSAGE = ("From: <x@remote.example>\r\nTo: <demo@example.test>\r\n"
           "Subject: %s\r\n\r\nbody\r\n")


def setUpModule():
    imapd_test.setUpModule()


def tearDownModule():
    imapd_test.tearDownModule()


def login():
    m = imapd_test.starttls_login()
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
        m = imapd_test.starttls_login()
        self.assertEqual(m.create(self.folder)[0], "OK")
        m.logout()
        self.dir = os.path.join(imapd_test.server.maildir(),
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


if __name__ == "__main__":
    if not os.access(imapd_test.imapd_path(), os.X_OK) or \
            not os.access(tern_server.smtpd_path(), os.X_OK):
        print("imapd or smtpd is not built; skipped")
        sys.exit(77)
    unittest.main()
