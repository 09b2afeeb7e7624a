#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Integration tests for smtpd with clients none of us wrote: Python's
# smtplib, swaks, curl and msmtp. One throw-away smtpd (tern_server.py) on free
# loopback ports serves the whole module: mx (no AUTH, local domains),
# submission (STARTTLS + AUTH) and submissions (implicit TLS + AUTH).
# Checks delivery into the right Maildir, byte for byte under the trace
# headers, the relay and unknown-user refusals, big and wide messages,
# and the queue for remote recipients. Exits 77 (skip) when smtpd is not
# built. Run: tests/integration/smtpd_test.py [-v] [Test.name]

import base64
import glob
import os
import re
import shutil
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

# No __pycache__ in the source tree (or in a read-only distcheck).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tern_server  # noqa: E402
from tern_server import DEMO_PASSWORD, DEMO_USER, DOMAIN  # noqa: E402

N_WIDE = 200
WIDE_USERS = ["u%03d" % i for i in range(1, N_WIDE + 1)]
server = None


def setUpModule():
    global server
    server = tern_server.TernServer(extra_users=["alice"] + WIDE_USERS)
    server.start()


def tearDownModule():
    global server_log, sanitizer
    if server is not None:
        server.stop_daemon()
        server_log = server.log_text()
        sanitizer = server.sanitizer_report()
        server.stop()


server_log = ""
sanitizer = None


def token():
    return uuid.uuid4().hex


def make_message(tok, sender="sender@remote.example", to=DEMO_USER,
                 body=None):
    """A message as wire bytes (CRLF), with a unique Subject."""
    if body is None:
        body = b"Hello from the integration tests.\r\nLine two.\r\n"
    head = ("From: <%s>\r\nTo: <%s>\r\nSubject: it %s\r\n"
            "Message-ID: <%s@it.example>\r\n"
            "Date: Wed, 25 Nov 2026 12:00:00 +0000\r\n\r\n"
            % (sender, to, tok, tok)).encode()
    return head + body


def tls_context():
    ctx = ssl.create_default_context(cafile=server.cert)
    return ctx


def find_delivered(user, tok, timeout=5.0):
    """The Maildir new/ files of user whose Subject carries tok."""
    deadline = time.monotonic() + timeout
    pat = os.path.join(server.maildir(user), "new", "*")
    needle = ("Subject: it %s" % tok).encode()
    while True:
        hits = []
        for path in glob.glob(pat):
            with open(path, "rb") as f:
                if needle in f.read(65536):
                    hits.append(path)
        if hits or time.monotonic() > deadline:
            return hits
        time.sleep(0.05)


def split_trace(data):
    """(trace header lines, rest): the header lines before our From:."""
    i = data.find(b"From: <")
    return data[:i], data[i:]


def to_lf(b):
    return b.replace(b"\r\n", b"\n")


class Base(unittest.TestCase):
    def assertDelivered(self, user, tok, wire, sender):
        """Exactly one file in user's new/ has tok; under the trace
        headers it is the sent message byte for byte (line ends may be
        stored as LF, Dovecot's way)."""
        hits = find_delivered(user, tok)
        self.assertEqual(len(hits), 1, "files for %s in %s: %r" % (
            tok, server.maildir(user), hits))
        with open(hits[0], "rb") as f:
            data = f.read()
        trace, rest = split_trace(data)
        self.assertEqual(to_lf(rest), to_lf(wire))
        t = to_lf(trace).decode("utf-8", "replace")
        self.assertRegex(t, r"(?m)^Return-Path: <%s>$" % re.escape(sender))
        self.assertRegex(t, r"(?mi)^Delivered-To: <?%s>?$" % re.escape(user))
        self.assertRegex(t, r"(?m)^Received: ")
        # Maildir name: S= is the size on disk, W= the size with CRLF.
        name = os.path.basename(hits[0])
        m = re.search(r",S=(\d+)", name)
        if m:
            self.assertEqual(int(m.group(1)), len(data), name)
        m = re.search(r",W=(\d+)", name)
        if m:
            self.assertEqual(int(m.group(1)), len(to_lf(data)) +
                             to_lf(data).count(b"\n"), name)
        return hits[0]


class MxTest(Base):
    def test_plain_delivery(self):
        tok = token()
        wire = make_message(tok)
        with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=10) as s:
            code, _ = s.ehlo("client.example")
            self.assertEqual(code, 250)
            s.sendmail("sender@remote.example", [DEMO_USER], wire)
        self.assertDelivered(DEMO_USER, tok, wire, "sender@remote.example")

    def test_greeting_and_ehlo(self):
        with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=10) as s:
            code, _ = s.ehlo("client.example")
            self.assertEqual(code, 250)
            self.assertTrue(s.has_extn("pipelining"))
            self.assertTrue(s.has_extn("size"))
            self.assertTrue(s.has_extn("starttls"))

    def test_dot_stuffing(self):
        tok = token()
        body = b".leading dot\r\n..two dots\r\nend\r\n"
        wire = make_message(tok, body=body)
        with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=10) as s:
            s.sendmail("sender@remote.example", [DEMO_USER], wire)
        self.assertDelivered(DEMO_USER, tok, wire, "sender@remote.example")

    def test_relay_refused_without_auth(self):
        with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=10) as s:
            s.ehlo("client.example")
            code, _ = s.mail("sender@remote.example")
            self.assertEqual(code, 250)
            code, msg = s.rcpt("victim@elsewhere.example")
            self.assertEqual(code, 554, msg)
            self.assertTrue(msg.startswith(b"5.7.1"), msg)
        self.assertEqual(os.listdir(server.queue_new())
                         if os.path.isdir(server.queue_new()) else [], [])

    def test_unknown_user(self):
        with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=10) as s:
            s.ehlo("client.example")
            s.mail("sender@remote.example")
            code, msg = s.rcpt("nobody@" + DOMAIN)
            self.assertEqual(code, 550, msg)
            self.assertTrue(msg.startswith(b"5.1.1"), msg)

    def test_recipient_case_insensitive_domain(self):
        tok = token()
        wire = make_message(tok)
        with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=10) as s:
            s.sendmail("sender@remote.example", ["alice@EXAMPLE.TEST"], wire)
        self.assertEqual(len(find_delivered("alice@" + DOMAIN, tok)), 1)

    def test_ten_megabytes(self):
        tok = token()
        line = b"0123456789abcdefghijklmnopqrstuvwxyz" * 2 + b"\r\n"
        body = line * (10 * 1024 * 1024 // len(line) + 1)
        wire = make_message(tok, body=body)
        self.assertGreater(len(wire), 10 * 1024 * 1024)
        with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=60) as s:
            s.sendmail("sender@remote.example", [DEMO_USER], wire)
        self.assertDelivered(DEMO_USER, tok, wire, "sender@remote.example")

    def test_two_hundred_recipients(self):
        tok = token()
        rcpts = ["%s@%s" % (u, DOMAIN) for u in WIDE_USERS]
        wire = make_message(tok, to="list@" + DOMAIN)
        with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=60) as s:
            refused = s.sendmail("sender@remote.example", rcpts, wire)
        self.assertEqual(refused, {})
        for r in rcpts:
            self.assertDelivered(r, tok, wire, "sender@remote.example")

    def test_oversize_refused(self):
        with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=10) as s:
            s.ehlo("client.example")
            code, msg = s.mail("sender@remote.example",
                               ["SIZE=%d" % (server.max_size + 1)])
            self.assertEqual(code, 552, msg)
            self.assertTrue(msg.startswith(b"5.3.4"), msg)


class ConcurrencyTest(Base):
    def test_parallel_sessions(self):
        """20 clients at once, 5 messages each over one connection:
        every message arrives once, under its own Maildir name."""
        import threading
        tok = token()
        errors = []

        def client(i):
            try:
                with smtplib.SMTP("127.0.0.1", server.ports["mx"],
                                  timeout=30) as s:
                    for j in range(5):
                        wire = make_message("%s-%d-%d" % (tok, i, j),
                                            to="alice@" + DOMAIN)
                        s.sendmail("sender@remote.example",
                                   ["alice@" + DOMAIN], wire)
            except Exception as e:  # noqa: BLE001 (reported below)
                errors.append("client %d: %r" % (i, e))

        threads = [threading.Thread(target=client, args=(i,))
                   for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        for i in range(20):
            for j in range(5):
                self.assertEqual(len(find_delivered(
                    "alice@" + DOMAIN, "%s-%d-%d" % (tok, i, j), 1)), 1)


class SubmissionTest(Base):
    def login_and_send(self, s, mech=None, rcpt=DEMO_USER):
        if mech is None:
            s.login(DEMO_USER, DEMO_PASSWORD)
        else:
            s.user, s.password = DEMO_USER, DEMO_PASSWORD
            code, msg = s.auth(mech, getattr(s, "auth_" + mech.lower()))
            self.assertEqual(code, 235, msg)
        tok = token()
        wire = make_message(tok, sender=DEMO_USER, to=rcpt)
        refused = s.sendmail(DEMO_USER, [rcpt], wire)
        self.assertEqual(refused, {})
        return tok, wire

    def test_starttls_auth_plain(self):
        with smtplib.SMTP("127.0.0.1", server.ports["submission"],
                          timeout=10) as s:
            s.ehlo("client.example")
            self.assertTrue(s.has_extn("starttls"))
            code, _ = s.starttls(context=tls_context())
            self.assertEqual(code, 220)
            s.ehlo("client.example")
            self.assertIn("PLAIN", s.esmtp_features.get("auth", "").upper())
            tok, wire = self.login_and_send(s, "PLAIN")
        self.assertDelivered(DEMO_USER, tok, wire, DEMO_USER)

    def test_starttls_auth_login(self):
        with smtplib.SMTP("127.0.0.1", server.ports["submission"],
                          timeout=10) as s:
            s.starttls(context=tls_context())
            s.ehlo("client.example")
            tok, wire = self.login_and_send(s, "LOGIN")
        self.assertDelivered(DEMO_USER, tok, wire, DEMO_USER)

    def test_smtps_implicit_tls(self):
        with smtplib.SMTP_SSL("127.0.0.1", server.ports["submissions"],
                              timeout=10, context=tls_context()) as s:
            s.ehlo("client.example")
            self.assertFalse(s.has_extn("starttls"))
            tok, wire = self.login_and_send(s)
        self.assertDelivered(DEMO_USER, tok, wire, DEMO_USER)

    def sent_headers(self, s, head, auth):
        """Send head + a body and return the delivered header section
        below the trace headers (From: first), LF line ends."""
        tok = token()
        wire = (("From: <%s>\r\nTo: <%s>\r\nSubject: it %s\r\n" %
                 (DEMO_USER, DEMO_USER, tok)).encode() + head +
                b"\r\nbody\r\n")
        if auth:
            s.login(DEMO_USER, DEMO_PASSWORD)
        self.assertEqual(s.sendmail(DEMO_USER, [DEMO_USER], wire), {})
        hits = find_delivered(DEMO_USER, tok)
        self.assertEqual(len(hits), 1)
        with open(hits[0], "rb") as f:
            _, rest = split_trace(f.read())
        head_out, _, body = to_lf(rest).partition(b"\n\n")
        self.assertEqual(body, b"body\n")
        return head_out.decode()

    def test_missing_date_and_message_id_added(self):
        # RFC 6409 8.2, 8.3: the MSA adds what an authenticated client
        # left out, inside the header section
        with smtplib.SMTP_SSL("127.0.0.1", server.ports["submissions"],
                              timeout=10, context=tls_context()) as s:
            head = self.sent_headers(s, b"", True)
        self.assertEqual(len(re.findall(r"(?m)^Date: ", head)), 1, head)
        self.assertRegex(head, r"(?m)^Date: \w{3}, \d+ \w{3} \d{4} "
                         r"\d\d:\d\d:\d\d [+-]\d{4}$")
        self.assertEqual(len(re.findall(r"(?mi)^Message-ID: ", head)), 1)
        self.assertRegex(head, r"(?m)^Message-ID: <[^<>@ ]+@[^<>@ ]+>$")

    def test_present_date_and_message_id_kept(self):
        with smtplib.SMTP_SSL("127.0.0.1", server.ports["submissions"],
                              timeout=10, context=tls_context()) as s:
            head = self.sent_headers(
                s, b"date: Wed, 25 Nov 2026 12:00:00 +0000\r\n", True)
        self.assertEqual(re.findall(r"(?mi)^Date: .*$", head),
                         ["date: Wed, 25 Nov 2026 12:00:00 +0000"])
        self.assertEqual(len(re.findall(r"(?mi)^Message-ID: ", head)), 1)

    def test_mx_adds_nothing(self):
        # unauthenticated mail from another MTA is passed on as it came
        with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=10) as s:
            s.ehlo("client.example")
            head = self.sent_headers(s, b"", False)
        self.assertNotRegex(head, r"(?mi)^(Date|Message-ID):")

    def test_wrong_password(self):
        with smtplib.SMTP_SSL("127.0.0.1", server.ports["submissions"],
                              timeout=10, context=tls_context()) as s:
            s.ehlo("client.example")
            with self.assertRaises(smtplib.SMTPAuthenticationError) as cm:
                s.login(DEMO_USER, "wrong-password")
            self.assertEqual(cm.exception.smtp_code, 535)
            self.assertTrue(cm.exception.smtp_error.startswith(b"5.7.8"))

    def test_mail_needs_auth(self):
        with smtplib.SMTP_SSL("127.0.0.1", server.ports["submissions"],
                              timeout=10, context=tls_context()) as s:
            s.ehlo("client.example")
            code, msg = s.mail(DEMO_USER)
            self.assertEqual(code, 530, msg)
            self.assertTrue(msg.startswith(b"5.7.0"), msg)

    def test_remote_recipient_is_queued(self):
        before = set(os.listdir(server.queue_new())) \
            if os.path.isdir(server.queue_new()) else set()
        with smtplib.SMTP_SSL("127.0.0.1", server.ports["submissions"],
                              timeout=10, context=tls_context()) as s:
            s.ehlo("client.example")
            tok, wire = self.login_and_send(s, rcpt="friend@remote.example")
        after = set(os.listdir(server.queue_new()))
        new = after - before
        self.assertEqual(len(new), 1, "queue/new: %r" % sorted(after))
        with open(os.path.join(server.queue_new(), new.pop()), "rb") as f:
            data = f.read()
        self.assertIn(("Subject: it %s" % tok).encode(), data)
        self.assertIn(b"friend@remote.example", data)


def have(prog):
    return shutil.which(prog) is not None


def swaks_has_tls():
    if not have("swaks"):
        return False
    out = subprocess.run(["swaks", "--support"], capture_output=True)
    return b"=== TLS supported" in out.stdout + out.stderr


class SwaksTest(Base):
    def swaks(self, port, *extra):
        tok = token()
        cmd = ["swaks", "--server", "127.0.0.1", "--port", str(port),
               "--from", "sender@remote.example", "--to", DEMO_USER,
               "--helo", "swaks.example", "--header",
               "Subject: it %s" % tok, "--body", "swaks body " + tok,
               "--timeout", "20"] + list(extra)
        out = subprocess.run(cmd, capture_output=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout.decode() +
                         out.stderr.decode())
        hits = find_delivered(DEMO_USER, tok)
        self.assertEqual(len(hits), 1)
        with open(hits[0], "rb") as f:
            self.assertIn(("swaks body " + tok).encode(), f.read())
        return out

    @unittest.skipUnless(have("swaks"), "swaks is not installed")
    def test_plain(self):
        self.swaks(server.ports["mx"])

    @unittest.skipUnless(swaks_has_tls(), "swaks without TLS (Net::SSLeay)")
    def test_starttls_auth(self):
        self.swaks(server.ports["submission"], "--tls", "--auth", "PLAIN",
                   "--auth-user", DEMO_USER, "--auth-password",
                   DEMO_PASSWORD)

    @unittest.skipUnless(swaks_has_tls(), "swaks without TLS (Net::SSLeay)")
    def test_tls_on_connect_auth_login(self):
        self.swaks(server.ports["submissions"], "--tls-on-connect",
                   "--auth", "LOGIN", "--auth-user", DEMO_USER,
                   "--auth-password", DEMO_PASSWORD)

    @unittest.skipUnless(have("swaks"), "swaks is not installed")
    def test_pipelining(self):
        self.swaks(server.ports["mx"], "--pipeline")


class CurlTest(Base):
    def curl(self, url, *extra):
        tok = token()
        wire = make_message(tok)
        with tempfile.NamedTemporaryFile(suffix=".eml") as f:
            f.write(wire)
            f.flush()
            cmd = ["curl", "-sS", "--max-time", "30", url,
                   "--mail-from", "sender@remote.example",
                   "--mail-rcpt", DEMO_USER, "-T", f.name] + list(extra)
            out = subprocess.run(cmd, capture_output=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr.decode())
        self.assertDelivered(DEMO_USER, tok, wire, "sender@remote.example")

    @unittest.skipUnless(have("curl"), "curl is not installed")
    def test_smtp(self):
        self.curl("smtp://127.0.0.1:%d/client.example" % server.ports["mx"])

    @unittest.skipUnless(have("curl"), "curl is not installed")
    def test_submission_starttls(self):
        self.curl("smtp://127.0.0.1:%d/client.example"
                  % server.ports["submission"], "--ssl-reqd",
                  "--cacert", server.cert, "--user",
                  "%s:%s" % (DEMO_USER, DEMO_PASSWORD))

    @unittest.skipUnless(have("curl"), "curl is not installed")
    def test_smtps(self):
        self.curl("smtps://127.0.0.1:%d/client.example"
                  % server.ports["submissions"], "--cacert", server.cert,
                  "--user", "%s:%s" % (DEMO_USER, DEMO_PASSWORD))


class MsmtpTest(Base):
    """msmtp, the sendmail replacement many desktops and cron jobs use:
    submission with STARTTLS or implicit TLS, the certificate verified,
    AUTH; the message delivered as sent."""

    def msmtp(self, port, starttls, password=DEMO_PASSWORD):
        tok = token()
        wire = make_message(tok, sender=DEMO_USER)
        with tempfile.TemporaryDirectory() as d:
            conf = os.path.join(d, "msmtprc")
            with open(os.open(conf, os.O_WRONLY | os.O_CREAT, 0o600),
                      "w") as f:
                f.write("account default\nhost 127.0.0.1\nport %d\n"
                        "tls on\ntls_starttls %s\ntls_trust_file %s\n"
                        "auth on\nuser %s\npassword %s\nfrom %s\n"
                        "timeout 20\nlogfile %s/log\n" % (
                            port, "on" if starttls else "off",
                            server.cert, DEMO_USER, password, DEMO_USER,
                            d))
            out = subprocess.run(["msmtp", "-C", conf, DEMO_USER],
                                 input=wire, capture_output=True,
                                 timeout=60)
        return tok, wire, out

    @unittest.skipUnless(have("msmtp"), "msmtp is not installed")
    def test_starttls(self):
        tok, wire, out = self.msmtp(server.ports["submission"], True)
        self.assertEqual(out.returncode, 0, out.stderr.decode())
        self.assertDelivered(DEMO_USER, tok, wire, DEMO_USER)

    @unittest.skipUnless(have("msmtp"), "msmtp is not installed")
    def test_implicit_tls(self):
        tok, wire, out = self.msmtp(server.ports["submissions"], False)
        self.assertEqual(out.returncode, 0, out.stderr.decode())
        self.assertDelivered(DEMO_USER, tok, wire, DEMO_USER)

    @unittest.skipUnless(have("msmtp"), "msmtp is not installed")
    def test_wrong_password(self):
        tok, wire, out = self.msmtp(server.ports["submission"], True,
                                    password="not-" + DEMO_PASSWORD)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn(b"535", out.stderr)
        self.assertEqual(find_delivered(DEMO_USER, tok), [])


class SlowDataTest(unittest.TestCase):
    """min_data_rate: a message that trickles in after data_timeout is
    cut (421 or a close) and not delivered; one at speed arrives."""

    def test_trickle_is_cut(self):
        srv = tern_server.TernServer()
        srv.setup()
        with open(srv.conf) as f:
            text = f.read()
        with open(srv.conf, "w") as f:
            f.write(text.replace("max_sessions = ", "data_timeout = 2;\n"
                                 "\tmin_data_rate = 100;\n\tmax_sessions = ",
                                 1))
        srv.start()
        try:
            with socket.create_connection(("127.0.0.1", srv.ports["mx"]),
                                          timeout=20) as c:
                f = c.makefile("rb")
                self.assertTrue(f.readline().startswith(b"220 "))
                for cmd in (b"EHLO slow.example", b"MAIL FROM:<s@remote."
                            b"example>", b"RCPT TO:<%s>" %
                            DEMO_USER.encode(), b"DATA"):
                    c.sendall(cmd + b"\r\n")
                    while True:
                        line = f.readline()
                        if line[3:4] == b" ":
                            break
                self.assertTrue(line.startswith(b"354 "))
                c.sendall(b"Subject: slow\r\n\r\n")
                t0 = time.monotonic()
                closed = False
                while time.monotonic() - t0 < 10:
                    try:
                        c.sendall(b"x")     # 2 bytes a second
                    except OSError:
                        closed = True
                        break
                    time.sleep(0.5)
                    c.setblocking(False)
                    try:
                        got = c.recv(200)
                    except BlockingIOError:
                        got = None
                    except OSError:
                        got = b""
                    c.setblocking(True)
                    if got is not None and (got == b"" or
                                            got.startswith(b"421")):
                        closed = True
                        break
                self.assertTrue(closed, "the trickle was not cut")
                self.assertLess(time.monotonic() - t0, 6)
            new = os.path.join(srv.maildir(), "new")
            self.assertEqual(os.listdir(new) if os.path.isdir(new) else [],
                             [])
            # at speed, a message still arrives
            with smtplib.SMTP("127.0.0.1", srv.ports["mx"],
                              timeout=10) as s:
                s.sendmail("a@remote.example", DEMO_USER,
                           "Subject: fast\r\n\r\n" + "y" * 300000)
            self.assertEqual(len(os.listdir(new)), 1)
        finally:
            report = srv.sanitizer_report()
            srv.stop()
        self.assertIsNone(report)


class RawTest(Base):
    """What smtplib will not send."""

    def test_auth_plain_initial_response(self):
        with smtplib.SMTP_SSL("127.0.0.1", server.ports["submissions"],
                              timeout=10, context=tls_context()) as s:
            s.ehlo("client.example")
            ir = base64.b64encode(("\0%s\0%s" % (DEMO_USER, DEMO_PASSWORD))
                                  .encode()).decode()
            code, msg = s.docmd("AUTH", "PLAIN " + ir)
            self.assertEqual(code, 235, msg)
            self.assertTrue(msg.startswith(b"2.7.0"), msg)


def main():
    if not os.access(tern_server.smtpd_path(), os.X_OK):
        print("SKIP: %s is not built" % tern_server.smtpd_path())
        return 77
    for prog in ("openssl",):
        if not have(prog):
            print("SKIP: %s is missing" % prog)
            return 77
    prog = unittest.main(exit=False, verbosity=2)
    if sanitizer is not None:
        print("FAIL: a sanitizer reported an error in smtpd:\n" + sanitizer,
              file=sys.stderr)
        return 1
    if not prog.result.wasSuccessful():
        print("smtpd log (tail):\n" + server_log, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
