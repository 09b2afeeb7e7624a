#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# SIGHUP reload of smtpd, seen by Python's smtplib: a new limit in the
# config file applies to the sessions accepted after the signal; a broken
# file or changed listeners leave the running configuration as it was.
# Exits 77 (skip) when smtpd is not built.
# Run: tests/integration/smtpd_reload_test.py [-v]

import os
import signal
import smtplib
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tern_server  # noqa: E402

server = None
sanitizer = None


def setUpModule():
    global server
    server = tern_server.TernServer(max_size=100000)
    server.start()


def tearDownModule():
    global sanitizer
    if server is not None:
        server.stop_daemon()
        sanitizer = server.sanitizer_report()
        server.stop()


def ehlo_size():
    with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=10) as s:
        s.ehlo("client.example")
        return int(s.esmtp_features["size"])


def write_conf(text):
    with open(server.conf, "w") as f:
        f.write(text)


def hup_and_wait(count):
    """SIGHUP, then wait until the log shows count reload results."""
    server.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 5
    while server.log_text().count("reload result=") < count:
        if time.monotonic() > deadline:
            raise AssertionError("no reload in the log:\n" +
                                 server.log_text())
        time.sleep(0.05)


class ReloadTest(unittest.TestCase):
    # One ordered scenario: each step depends on the previous one.
    def test_reload(self):
        with open(server.conf) as f:
            original = f.read()
        self.assertEqual(ehlo_size(), 100000)

        write_conf(original.replace("max_message_size = 100000;",
                                    "max_message_size = 200000;"))
        hup_and_wait(1)
        self.assertIn("reload result=ok", server.log_text())
        self.assertEqual(ehlo_size(), 200000)

        # A syntax error: the running configuration stays.
        write_conf(original.replace("max_message_size = 100000;",
                                    "max_message_size = ;"))
        hup_and_wait(2)
        self.assertIn("reload result=failed", server.log_text())
        self.assertEqual(ehlo_size(), 200000)

        # Listeners are bound once: a changed port is refused.
        port = str(server.ports["mx"])
        write_conf(original.replace("port = %s;" % port,
                                    "port = %d;" % tern_server.free_port()))
        hup_and_wait(3)
        self.assertIn("listeners changed", server.log_text())
        self.assertEqual(ehlo_size(), 200000)


def main():
    if not os.access(tern_server.smtpd_path(), os.X_OK):
        print("SKIP: %s is not built" % tern_server.smtpd_path())
        return 77
    prog = unittest.main(exit=False, verbosity=2)
    if sanitizer is not None:
        print("FAIL: a sanitizer reported an error in smtpd:\n" + sanitizer,
              file=sys.stderr)
        return 1
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
