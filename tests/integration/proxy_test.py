#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Listeners with proxy_protocol = true, behind a load balancer played by
# this test: the PROXY header (v1 text and v2 binary, as HAProxy sends
# them with send-proxy / send-proxy-v2) names the client, and smtpd's
# Received line and log, and imapd's log, show that client, not the
# balancer. A client the header puts off loopback is not "loopback" for
# plaintext AUTH even though the balancer connects from 127.0.0.1.
# LOCAL (a health check) keeps the connection's own address. A
# connection without a valid header is closed unanswered. Python's
# smtplib and imaplib speak the protocols once the header is sent.
# Exits 77 when smtpd or imapd is not built.
# Run: tests/integration/proxy_test.py [-v]

import imaplib
import os
import re
import smtplib
import socket
import struct
import sys
import time
import unittest
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imapd_server  # noqa: E402
import tern_server  # noqa: E402
from tern_server import DEMO_PASSWORD, DEMO_USER  # noqa: E402

V2_SIG = b"\r\n\r\n\x00\r\nQUIT\n"
srv = None


def v1(src, sport, dst="192.0.2.1", dport=25):
    fam = "TCP6" if ":" in src else "TCP4"
    return ("PROXY %s %s %s %d %d\r\n" % (fam, src, dst, sport,
                                          dport)).encode()


def v2(src, sport, dst="192.0.2.1", dport=25, local=False):
    if local:
        return V2_SIG + bytes([0x20, 0x00]) + struct.pack("!H", 0)
    body = (socket.inet_aton(src) + socket.inet_aton(dst) +
            struct.pack("!HH", sport, dport))
    return V2_SIG + bytes([0x21, 0x11]) + struct.pack("!H", len(body)) + body


class ProxiedSMTP(smtplib.SMTP):
    """smtplib with the balancer's header sent before the greeting."""

    def __init__(self, header, port):
        self.header = header
        super().__init__("127.0.0.1", port, timeout=15)

    def _get_socket(self, host, port, timeout):
        s = socket.create_connection((host, port), timeout)
        s.sendall(self.header)
        return s


class ProxiedIMAP(imaplib.IMAP4):
    def __init__(self, header, port):
        self.header = header
        super().__init__("127.0.0.1", port, timeout=15)

    def _create_socket(self, timeout):
        s = socket.create_connection((self.host, self.port), timeout)
        s.sendall(self.header)
        return s


def setUpModule():
    global srv
    srv = imapd_server.TernImap()
    srv.setup()
    with open(srv.server.conf) as f:
        text = f.read()
    # every listener of both daemons behind the balancer
    text = re.sub(r'(tls = "(?:starttls|implicit)";(?: auth = true;)?) }',
                  r"\1 proxy_protocol = true; }", text)
    with open(srv.server.conf, "w") as f:
        f.write(text)
    srv.start()


def tearDownModule():
    if srv is not None:
        srv.stop()


def log_text():
    out = ""
    for path in (srv.server.log_path, srv.log_path):
        with open(path, "rb") as f:
            out += f.read().decode("utf-8", "replace")
    return out


def delivered(tok):
    new = os.path.join(srv.maildir(), "new")
    for name in os.listdir(new):
        with open(os.path.join(new, name), "rb") as f:
            data = f.read()
        if tok.encode() in data:
            return data
    return None


class SmtpProxyTest(unittest.TestCase):

    def send(self, header):
        tok = uuid.uuid4().hex
        with ProxiedSMTP(header, srv.server.ports["mx"]) as s:
            s.sendmail("a@remote.example", DEMO_USER,
                       "Subject: %s\r\n\r\nbody\r\n" % tok)
        data = delivered(tok)
        self.assertIsNotNone(data)
        return data

    def test_v1_names_the_client(self):
        data = self.send(v1("203.0.113.7", 56324))
        self.assertRegex(data, rb"Received: from .*\[203\.0\.113\.7\]")
        self.assertIn("client=", log_text())
        self.assertRegex(log_text(), r"client=[^ ]*203\.0\.113\.7")

    def test_v2_names_the_client(self):
        data = self.send(v2("198.51.100.9", 40000))
        self.assertRegex(data, rb"Received: from .*\[198\.51\.100\.9\]")

    def test_v1_ipv6(self):
        data = self.send(v1("2001:db8::7", 40001, "2001:db8::1"))
        self.assertRegex(data, rb"Received: from .*2001:db8::7")

    def test_local_keeps_the_connection(self):
        data = self.send(v2(None, 0, local=True))
        self.assertRegex(data, rb"Received: from .*\[127\.0\.0\.1\]")

    def test_not_loopback_for_auth(self):
        # plaintext AUTH is allowed from loopback only; the balancer is
        # on loopback, the client it names is not
        with ProxiedSMTP(v1("203.0.113.8", 1234),
                         srv.server.ports["submission"]) as s:
            s.ehlo("client.example")
            self.assertNotIn("auth", s.esmtp_features)
            code, _ = s.docmd("AUTH", "PLAIN AGRlbW8AeA==")
            self.assertNotEqual(code, 235)
        with ProxiedSMTP(v1("127.0.0.1", 1234),
                         srv.server.ports["submission"]) as s:
            s.ehlo("client.example")
            self.assertIn("auth", s.esmtp_features)

    def test_no_header_is_closed_unanswered(self):
        for junk in (b"EHLO client.example\r\n", b"PROXY TCP4 x y 1 2\r\n",
                     V2_SIG + b"\x21\x11\xff\xff"):
            with socket.create_connection(
                    ("127.0.0.1", srv.server.ports["mx"]), timeout=15) as c:
                c.sendall(junk)
                try:
                    got = c.recv(100)
                except ConnectionResetError:     # closed with input
                    got = b""                     # unread: a reset
                self.assertEqual(got, b"", junk)
        self.assertIn("proxy peer=[127.0.0.1]", log_text())


class ImapProxyTest(unittest.TestCase):

    def test_login_from_the_named_client(self):
        m = ProxiedIMAP(v2("203.0.113.20", 50000, dport=143),
                        srv.ports["imap"])
        m.starttls(ssl_context=srv.tls_context())
        m.login(DEMO_USER, DEMO_PASSWORD)
        m.logout()
        deadline = time.monotonic() + 5
        while "203.0.113.20" not in log_text():
            self.assertLess(time.monotonic(), deadline, log_text())
            time.sleep(0.05)


if __name__ == "__main__":
    sys.exit(imapd_server.main())
