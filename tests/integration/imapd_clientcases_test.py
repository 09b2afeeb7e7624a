#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# What real clients do to imapd (CLIENTS.md), over loopback TCP with
# Python's imaplib and raw sockets: Thunderbird's delete with "expunge
# after delete" really removes the message; UID MOVE then delete leaves
# no ghost in either folder for a second session; Maildir++ folders made
# by hand (".Imported", ".Imported.Sub", with and without maildirfolder)
# are listed and selectable; a socket closed without LOGOUT, or in the
# middle of IDLE, ends the session process cleanly; the login timeout
# (1 s here) drops a silent client before authentication but not after
# (idle_timeout applies then); a bad login costs auth_failure_delay_ms.
# Exits 77 (skip) when imapd is not built.
# Run: tests/integration/imapd_clientcases_test.py [-v]

import imaplib
import os
import re
import socket
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tern_imapd  # noqa: E402
from tern_server import DEMO_PASSWORD, DEMO_USER  # noqa: E402

FAIL_DELAY_MS = 400
server = None
sanitizer = None

MESSAGE = (b"From: Alice <alice@example.test>\r\n"
           b"To: demo@example.test\r\n"
           b"Subject: %s\r\n"
           b"Message-ID: <%s@example.test>\r\n"
           b"\r\n"
           b"Body.\r\n")


def setUpModule():
    global server
    server = tern_imapd.ImapdServer(
        extra="login_timeout = 1;",
        top="auth_failure_delay_ms = %d;" % FAIL_DELAY_MS)
    server.start()


def tearDownModule():
    global sanitizer
    if server is not None:
        sanitizer = server.sanitizer_report()
        server.stop()


def login():
    m = imaplib.IMAP4("127.0.0.1", server.ports["imap"], timeout=10)
    m.login(DEMO_USER, DEMO_PASSWORD)
    return m


def append(m, mailbox, subject):
    typ, data = m.append(mailbox, None, None,
                         MESSAGE % (subject.encode(), subject.encode()))
    assert typ == "OK", data
    return int(re.search(rb"APPENDUID \d+ (\d+)", data[0]).group(1))


def subjects(m, mailbox):
    """The subjects a fresh SELECT of mailbox shows."""
    typ, _ = m.select(mailbox)
    assert typ == "OK"
    typ, data = m.uid("SEARCH", "ALL")
    uids = data[0].split()
    found = []
    for uid in uids:
        typ, d = m.uid("FETCH", uid, "(BODY.PEEK[HEADER.FIELDS (Subject)])")
        found.append(d[0][1].decode().split(":", 1)[1].strip())
    m.unselect()
    return sorted(found)


def files(folder):
    root = server.maildir()
    path = root if folder == "INBOX" else os.path.join(root, "." + folder)
    return sorted(f for sub in ("new", "cur")
                  for f in os.listdir(os.path.join(path, sub)))


def raw_session():
    s = socket.create_connection(("127.0.0.1", server.ports["imap"]), 10)
    f = s.makefile("rb")
    assert f.readline().startswith(b"* OK ")
    return s, f


def read_tagged(f, tag):
    lines = []
    while True:
        line = f.readline()
        if not line:
            raise AssertionError("EOF after %r" % lines)
        lines.append(line)
        if line.startswith(tag + b" "):
            return lines


class ClientsTest(unittest.TestCase):

    def test_thunderbird_expunge_after_delete(self):
        m = login()
        m.create("TbDelete")
        uid = append(m, "TbDelete", "tb-delete")
        append(m, "TbDelete", "tb-keep")
        m.select("TbDelete")
        # Thunderbird: UID STORE +FLAGS (\Deleted), then EXPUNGE
        typ, _ = m.uid("STORE", str(uid), "+FLAGS", r"(\Deleted)")
        self.assertEqual(typ, "OK")
        typ, data = m.expunge()
        self.assertEqual(typ, "OK")
        self.assertEqual(data, [b"1"])
        m.logout()
        other = login()
        self.assertEqual(subjects(other, "TbDelete"), ["tb-keep"])
        other.logout()
        self.assertEqual(len(files("TbDelete")), 1)

    def test_uid_move_then_delete_leaves_no_ghost(self):
        m = login()
        m.create("MvSrc")
        m.create("MvDst")
        uid = append(m, "MvSrc", "moved")
        append(m, "MvSrc", "stays")
        m.select("MvSrc")
        typ, data = m.uid("MOVE", str(uid), "MvDst")
        self.assertEqual(typ, "OK")
        # a second session sees the move at once
        other = login()
        self.assertEqual(subjects(other, "MvSrc"), ["stays"])
        self.assertEqual(subjects(other, "MvDst"), ["moved"])
        # then delete it in the target, as Thunderbird does
        m.select("MvDst")
        m.store("1", "+FLAGS", r"(\Deleted)")
        m.expunge()
        m.logout()
        self.assertEqual(subjects(other, "MvSrc"), ["stays"])
        self.assertEqual(subjects(other, "MvDst"), [])
        other.logout()
        self.assertEqual(len(files("MvSrc")), 1)
        self.assertEqual(files("MvDst"), [])

    def test_hand_made_maildirplusplus_folders(self):
        root = server.maildir()
        login().logout()    # the Maildir exists now
        for folder, marker in ((".Imported", True),
                               (".Imported.Sub", False),
                               (".Old", False)):
            for sub in ("cur", "new", "tmp"):
                os.makedirs(os.path.join(root, folder, sub), exist_ok=True)
            if marker:
                open(os.path.join(root, folder, "maildirfolder"),
                     "w").close()
        with open(os.path.join(root, ".Imported.Sub", "cur",
                               "1700000000.M1P1.host:2,S"), "wb") as f:
            f.write(MESSAGE % (b"imported", b"imported"))
        m = login()
        typ, data = m.list()
        self.assertEqual(typ, "OK")
        names = [d.decode().rsplit(" ", 1)[1].strip('"') for d in data]
        for name in ("Imported", "Imported/Sub", "Old"):
            self.assertIn(name, names)
        self.assertEqual(subjects(m, "Imported/Sub"), ["imported"])
        self.assertEqual(subjects(m, "Imported"), [])
        self.assertEqual(subjects(m, "Old"), [])
        m.logout()

    def test_close_without_logout_and_mid_idle(self):
        before = server.log_text().count(" disconnect ")
        s, f = raw_session()
        s.sendall(b"1 LOGIN %s %s\r\n" % (DEMO_USER.encode(),
                                         DEMO_PASSWORD.encode()))
        read_tagged(f, b"1")
        s.close()
        s, f = raw_session()
        s.sendall(b"1 LOGIN %s %s\r\n2 SELECT INBOX\r\n3 IDLE\r\n" % (
            DEMO_USER.encode(), DEMO_PASSWORD.encode()))
        read_tagged(f, b"2")
        self.assertEqual(f.readline(), b"+ idling\r\n")
        s.close()
        server.wait_log(r" disconnect .*reason=eof", before + 2)
        log = server.log_text()
        self.assertNotIn("error=", "\n".join(
            line for line in log.splitlines() if " disconnect " in line))
        self.assertIsNone(re.search(r"Sanitizer|runtime error|panic",
                                    log))

    def test_login_timeout_before_auth_only(self):
        s, f = raw_session()
        t0 = time.monotonic()
        self.assertTrue(f.readline().startswith(b"* BYE "))
        self.assertLess(time.monotonic() - t0, 5)
        self.assertEqual(f.readline(), b"")
        s.close()
        m = login()
        time.sleep(1.5)     # past login_timeout: idle_timeout rules now
        self.assertEqual(m.noop()[0], "OK")
        m.logout()

    def test_failure_delay(self):
        m = imaplib.IMAP4("127.0.0.1", server.ports["imap"], timeout=10)
        t0 = time.monotonic()
        with self.assertRaises(imaplib.IMAP4.error):
            m.login(DEMO_USER, "wrong")
        self.assertGreaterEqual(time.monotonic() - t0,
                                FAIL_DELAY_MS / 1000 * 0.9)
        m.logout()


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
