#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# SIGHUP reload of smtpd, seen by Python's smtplib: a new limit in the
# config file applies to the sessions accepted after the signal; a broken
# file, or a port that cannot be bound, leaves the running configuration
# as it was; a listener moved to another port is bound there, and the
# old port closed, by the reload.
# Started as root with run_user, sessions run as that user while the
# master stays root: a renewed certificate whose key only root may read
# (as certbot leaves it) is taken by a SIGHUP, and mail still arrives.
# Exits 77 (skip) when smtpd is not built.
# Run: tests/integration/smtpd_reload_test.py [-v]

import os
import pwd
import signal
import smtplib
import socket
import ssl
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

        # A port another process holds: the reload fails as a whole.
        old = server.ports["mx"]
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", 0))
            holder.listen(1)
            write_conf(original.replace(
                "port = %d;" % old,
                "port = %d;" % holder.getsockname()[1]).replace(
                "max_message_size = 100000;", "max_message_size = 300000;"))
            hup_and_wait(3)
            self.assertEqual(server.log_text().count("reload result=failed"),
                             2)
            self.assertEqual(ehlo_size(), 200000)

        # A new port for the MX listener: bound by the reload, the old
        # one closed, the other listeners kept as they were.
        new = tern_server.free_port()
        write_conf(original.replace("port = %d;" % old, "port = %d;" % new))
        hup_and_wait(4)
        self.assertEqual(server.log_text().count("reload result=ok"), 2)
        server.ports["mx"] = new
        self.assertEqual(ehlo_size(), 100000)
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", old), timeout=5).close()
        self.assertIn("kept=yes", server.log_text())
        with smtplib.SMTP("127.0.0.1", server.ports["submission"],
                          timeout=10) as s:
            self.assertEqual(s.ehlo("client.example")[0], 250)


def session_cert_der(srv):
    """The certificate the submission port presents after STARTTLS."""
    ctx = ssl.create_default_context(cafile=os.path.join(srv.data, "tls",
                                                         "cert.pem"))
    with smtplib.SMTP("127.0.0.1", srv.ports["submission"],
                      timeout=10) as s:
        s.starttls(context=ctx)
        return s.sock.getpeercert(binary_form=True)


@unittest.skipUnless(os.geteuid() == 0, "needs root")
class RunUserTest(unittest.TestCase):

    def test_root_only_key_renewed(self):
        nobody = pwd.getpwnam("nobody")
        srv = tern_server.TernServer()
        srv.setup()
        try:
            with open(srv.conf, "a") as f:
                f.write('run_user = "nobody";\n')
            os.chmod(srv.data, 0o755)
            for d in ("mail", "queue"):
                for root, dirs, files in os.walk(os.path.join(srv.data,
                                                              d)):
                    os.chown(root, nobody.pw_uid, nobody.pw_gid)
            tls = os.path.join(srv.data, "tls")
            srv.start()
            before = session_cert_der(srv)
            # mail is written by a session, as nobody
            tok = "runuser-%d" % time.monotonic_ns()
            with smtplib.SMTP("127.0.0.1", srv.ports["mx"],
                              timeout=10) as s:
                s.sendmail("a@remote.example", tern_server.DEMO_USER,
                           "Subject: %s\r\n\r\nbody\r\n" % tok)
            new = os.path.join(srv.maildir(), "new")
            names = os.listdir(new)
            self.assertEqual(len(names), 1)
            self.assertEqual(os.stat(os.path.join(new, names[0])).st_uid,
                             nobody.pw_uid)
            # a renewed certificate; the key readable by root only
            os.rename(os.path.join(tls, "cert.pem"),
                      os.path.join(tls, "old.pem"))
            tern_server.make_cert(tls)
            os.chmod(os.path.join(tls, "key.pem"), 0o600)
            self.assertEqual(os.stat(os.path.join(tls, "key.pem")).st_uid, 0)
            srv.proc.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 5
            while "reload result=" not in srv.log_text():
                self.assertLess(time.monotonic(), deadline, srv.log_text())
                time.sleep(0.05)
            self.assertIn("reload result=ok", srv.log_text())
            after = session_cert_der(srv)
            self.assertNotEqual(before, after)
            with open(os.path.join(tls, "cert.pem")) as f:
                self.assertEqual(after, ssl.PEM_cert_to_DER_cert(f.read()))
        finally:
            report = srv.sanitizer_report()
            srv.stop()
        self.assertIsNone(report)


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
