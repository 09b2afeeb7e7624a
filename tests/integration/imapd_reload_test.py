#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# SIGHUP reload of imapd, seen by Python's imaplib: a new APPENDLIMIT
# and a user added to the users file apply to sessions accepted after
# the signal; a broken file leaves the running configuration as it was;
# a listener moved to another port is bound there by the reload, and the
# old port closed. Exits 77 (skip) when imapd is not built.
# Run: tests/integration/imapd_reload_test.py [-v]

import imaplib
import os
import signal
import socket
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tern_imapd  # noqa: E402
import tern_server  # noqa: E402
from tern_server import DEMO_PASSWORD, DEMO_USER  # noqa: E402

server = None
sanitizer = None
NEW_USER = "newbie@" + tern_server.DOMAIN


def setUpModule():
    global server
    server = tern_imapd.ImapdServer(extra="max_literal_size = 100000;")
    server.start()


def tearDownModule():
    global sanitizer
    if server is not None:
        sanitizer = server.sanitizer_report()
        server.stop()


def login(user=DEMO_USER, password=DEMO_PASSWORD):
    m = imaplib.IMAP4("127.0.0.1", server.ports["imap"], timeout=10)
    m.login(user, password)
    return m


def appendlimit():
    m = login()
    try:
        typ, data = m.capability()
        for cap in data[0].decode().split():
            if cap.startswith("APPENDLIMIT="):
                return int(cap.split("=")[1])
        return None
    finally:
        m.logout()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def hup_and_wait(count):
    server.proc.send_signal(signal.SIGHUP)
    server.wait_log(r"reload result=", count)


class ReloadTest(unittest.TestCase):
    # One ordered scenario: each step depends on the previous one.
    def test_reload(self):
        with open(server.conf) as f:
            original = f.read()
        users = os.path.join(server.data, "users")
        self.assertEqual(appendlimit(), 100000)
        m = imaplib.IMAP4("127.0.0.1", server.ports["imap"], timeout=10)
        with self.assertRaises(imaplib.IMAP4.error):
            m.login(NEW_USER, "newbie-secret")
        m.logout()

        write(server.conf, original.replace("max_literal_size = 100000;",
                                            "max_literal_size = 200000;"))
        with open(users, "a") as f:
            f.write("%s:{SHA512-CRYPT}%s:::\n" % (
                NEW_USER, tern_server.sha512_crypt("newbie-secret")))
        hup_and_wait(1)
        self.assertIn("reload result=ok", server.log_text())
        self.assertEqual(appendlimit(), 200000)
        login(NEW_USER, "newbie-secret").logout()

        # A syntax error: the running configuration stays.
        write(server.conf, original.replace("max_literal_size = 100000;",
                                            "max_literal_size = ;"))
        hup_and_wait(2)
        self.assertIn("reload result=failed", server.log_text())
        self.assertEqual(appendlimit(), 200000)

        # The IMAP listener moved: bound by the reload, the old port
        # closed.
        old = server.ports["imap"]
        new = tern_server.free_port()
        write(server.conf, original.replace("port = %d;" % old,
                                            "port = %d;" % new))
        hup_and_wait(3)
        self.assertEqual(server.log_text().count("reload result=ok"), 2)
        server.ports["imap"] = new
        self.assertEqual(appendlimit(), 100000)
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", old), timeout=5).close()


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
