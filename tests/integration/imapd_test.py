#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Integration tests for imapd with a client none of us wrote: Python's
# imaplib. One throw-away smtpd (tern_server.py) plus an imapd on the
# same data dir and config (an "imapd" group with free loopback ports
# added): login over STARTTLS and over implicit TLS, LIST, CREATE, RENAME,
# DELETE, SELECT of a message smtpd delivered, its byte-exact FETCH,
# APPEND, FETCH, STORE, COPY, MOVE and EXPUNGE as imaplib drives them,
# SEARCH, and IDLE (raw, as imaplib 3.11 has no idle()): a delivery and
# an expunge by another process reach the idling session within a
# second. Exits 77 (skip) when
# imapd or smtpd is not built. Run: tests/integration/imapd_test.py [-v]

import imaplib
import os
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import time
import unittest
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tern_server  # noqa: E402
from tern_server import DEMO_PASSWORD, DEMO_USER  # noqa: E402

IMAPD_GROUP = """
imapd = {{
	listeners = (
		{{ name = "imap"; address = "127.0.0.1"; port = {imap};
		  tls = "starttls"; }},
		{{ name = "imaps"; address = "127.0.0.1"; port = {imaps};
		  tls = "implicit"; }}
	);
}};
"""

server = None
imapd = None
imapd_log = None
ports = {}


def imapd_path():
    return os.environ.get("TERN_IMAPD") or os.path.join(
        tern_server.builddir(), "imapd", "imapd")


def setUpModule():
    global server, imapd, imapd_log
    server = tern_server.TernServer()
    server.setup()
    ports["imap"] = tern_server.free_port()
    ports["imaps"] = tern_server.free_port()
    with open(server.conf, "a") as f:
        f.write(IMAPD_GROUP.format(**ports))
    server.start()
    imapd_log = open(os.path.join(server.data, "imapd.log"), "wb")
    imapd = subprocess.Popen([imapd_path(), "-c", server.conf, "--data",
                              server.data], stdin=subprocess.DEVNULL,
                             stdout=imapd_log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    for port in ports.values():
        while True:
            if imapd.poll() is not None:
                raise RuntimeError("imapd exited: %s" % imapd.returncode)
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)


def tearDownModule():
    if imapd is not None and imapd.poll() is None:
        imapd.send_signal(signal.SIGTERM)
        try:
            imapd.wait(5)
        except subprocess.TimeoutExpired:
            imapd.kill()
            imapd.wait()
    if imapd_log is not None:
        imapd_log.close()
    if server is not None:
        server.stop()


def tls_context():
    return ssl.create_default_context(cafile=server.cert)


def starttls_login():
    m = imaplib.IMAP4("127.0.0.1", ports["imap"], timeout=10)
    m.starttls(ssl_context=tls_context())
    m.login(DEMO_USER, DEMO_PASSWORD)
    return m


class ImapdTest(unittest.TestCase):

    def test_starttls_login(self):
        m = imaplib.IMAP4("127.0.0.1", ports["imap"], timeout=10)
        self.assertIn("STARTTLS", m.capabilities)
        m.starttls(ssl_context=tls_context())
        typ, _ = m.login(DEMO_USER, DEMO_PASSWORD)
        self.assertEqual(typ, "OK")
        self.assertEqual(m.logout()[0], "BYE")

    def test_imaps_login(self):
        m = imaplib.IMAP4_SSL("127.0.0.1", ports["imaps"],
                              ssl_context=tls_context(), timeout=10)
        self.assertEqual(m.login(DEMO_USER, DEMO_PASSWORD)[0], "OK")
        m.logout()

    def test_wrong_password(self):
        m = imaplib.IMAP4_SSL("127.0.0.1", ports["imaps"],
                              ssl_context=tls_context(), timeout=10)
        with self.assertRaises(imaplib.IMAP4.error):
            m.login(DEMO_USER, "wrong")
        m.logout()

    def test_list_create_rename_delete(self):
        m = starttls_login()
        typ, data = m.list()
        self.assertEqual(typ, "OK")
        names = b"\n".join(data)
        for special in (b"\\Sent", b"\\Drafts", b"\\Trash", b"\\Junk",
                        b"\\Archive"):
            self.assertIn(special, names)
        self.assertIn(b'"INBOX"', names)
        name = "it-" + uuid.uuid4().hex[:8]
        self.assertEqual(m.create(name + "/child")[0], "OK")
        self.assertEqual(m.rename(name, name + "-new")[0], "NO")
        self.assertEqual(m.create(name)[0], "OK")
        self.assertEqual(m.rename(name, name + "-new")[0], "OK")
        typ, data = m.list('""', name + "-new*")
        self.assertEqual(len([d for d in data if d]), 2)
        self.assertTrue(os.path.isdir(os.path.join(
            server.maildir(), ".%s-new.child" % name, "cur")))
        self.assertEqual(m.delete(name + "-new/child")[0], "OK")
        self.assertEqual(m.delete(name + "-new")[0], "OK")
        typ, data = m.list('""', name + "*")
        self.assertEqual([d for d in data if d], [])
        m.logout()

    def test_select_delivered(self):
        tok = uuid.uuid4().hex
        m = starttls_login()
        typ, data = m.select("INBOX")
        self.assertEqual(typ, "OK")
        before = int(data[0])
        msg = ("From: <x@remote.example>\r\nTo: <%s>\r\nSubject: %s\r\n"
               "\r\nbody\r\n" % (DEMO_USER, tok))
        with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=10) as s:
            s.sendmail("x@remote.example", [DEMO_USER], msg)
        # NOOP announces the new message
        typ, data = m.noop()
        self.assertEqual(typ, "OK")
        self.assertEqual(int(m.untagged_responses.get("EXISTS",
                                                      [b"0"])[-1]),
                         before + 1)
        m.close()
        typ, data = m.status("INBOX", "(MESSAGES UNSEEN)")
        self.assertEqual(typ, "OK")
        self.assertIn(b"MESSAGES %d" % (before + 1), data[0])
        typ, data = m.select("INBOX", readonly=True)
        self.assertEqual(int(data[0]), before + 1)
        m.logout()

    def test_search(self):
        tok = uuid.uuid4().hex
        m = starttls_login()
        m.select("INBOX")
        msg = ("From: <x@remote.example>\r\nTo: <%s>\r\nSubject: =?UTF-8?Q?"
               "Gr=C3=BC=C3=9Fe_%s?=\r\n\r\nbody\r\n" % (DEMO_USER, tok))
        with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=10) as s:
            s.sendmail("x@remote.example", [DEMO_USER], msg)
        m.noop()
        # the UTF-8 string goes as a literal (imaplib's m.literal)
        m.literal = ("grüße %s" % tok.upper()).encode("utf-8")
        typ, data = m.uid("SEARCH", "CHARSET", "UTF-8", "SUBJECT")
        self.assertEqual(typ, "OK")
        self.assertEqual(len(data[0].split()), 1)
        typ, data = m.search(None, "CHARSET", "KOI8-R", "ALL")
        self.assertEqual(typ, "NO")
        m.logout()

    def test_idle_sees_delivery_and_expunge(self):
        tok = uuid.uuid4().hex
        m = starttls_login()
        typ, data = m.select("INBOX")
        count = int(data[0])
        sock = m.socket()
        sock.sendall(b"i1 IDLE\r\n")
        self.assertEqual(m.readline(), b"+ idling\r\n")
        msg = ("From: <x@remote.example>\r\nTo: <%s>\r\nSubject: idle %s"
               "\r\n\r\nbody\r\n" % (DEMO_USER, tok))
        with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=10) as s:
            s.sendmail("x@remote.example", [DEMO_USER], msg)
        sock.settimeout(1.5)
        t0 = time.monotonic()
        self.assertEqual(m.readline(), b"* %d EXISTS\r\n" % (count + 1))
        self.assertLess(time.monotonic() - t0, 1.5)
        # another process expunges it: remove the file from the Maildir
        # (what a second session's EXPUNGE does on disk)
        md = server.maildir()
        found = []
        for sub in ("new", "cur"):
            for name in os.listdir(os.path.join(md, sub)):
                path = os.path.join(md, sub, name)
                with open(path, "rb") as f:
                    if tok.encode() in f.read():
                        found.append(path)
        self.assertEqual(len(found), 1)
        os.unlink(found[0])
        t0 = time.monotonic()
        line = m.readline()
        while line.startswith(b"* ") and b"RECENT" in line:
            line = m.readline()
        self.assertEqual(line, b"* %d EXPUNGE\r\n" % (count + 1))
        self.assertLess(time.monotonic() - t0, 1.5)
        sock.settimeout(10)
        # DONE with a command pipelined in the same packet (iOS)
        sock.sendall(b"DONE\r\ni2 NOOP\r\n")
        line = m.readline()
        while line.startswith(b"* "):
            line = m.readline()
        self.assertEqual(line, b"i1 OK Idle completed\r\n")
        line = m.readline()
        while line.startswith(b"* "):
            line = m.readline()
        self.assertEqual(line, b"i2 OK NOOP completed\r\n")

    def test_fetch_delivered_byte_exact(self):
        tok = uuid.uuid4().hex
        body = "".join("line %d of %s with some text\r\n" % (i, tok)
                       for i in range(2000))
        msg = ("From: <x@remote.example>\r\nTo: <%s>\r\nSubject: %s\r\n"
               "\r\n%s" % (DEMO_USER, tok, body))
        with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=10) as s:
            s.sendmail("x@remote.example", [DEMO_USER], msg)
        m = starttls_login()
        m.select("INBOX")
        typ, data = m.fetch("1:*", "(UID BODY.PEEK[HEADER.FIELDS (Subject)])")
        self.assertEqual(typ, "OK")
        uid = None
        for d in data:
            if isinstance(d, tuple) and tok.encode() in d[1]:
                uid = d[0].split(b"UID ")[1].split()[0].decode()
        self.assertIsNotNone(uid)
        typ, data = m.uid("FETCH", uid, "(RFC822.SIZE BODY.PEEK[])")
        self.assertEqual(typ, "OK")
        full = data[0][1]
        # smtpd adds a Received line on top; the rest comes back as sent
        self.assertTrue(full.endswith(msg.encode()), full[:300])
        self.assertIn(b"RFC822.SIZE %d" % len(full), data[0][0])
        # Thunderbird's slices put together give the same bytes
        got = b""
        while True:
            typ, data = m.uid("FETCH", uid, "(BODY.PEEK[]<%d.16384>)"
                              % len(got))
            chunk = data[0][1] if isinstance(data[0], tuple) else b""
            got += chunk
            if len(chunk) < 16384:
                break
        self.assertEqual(got, full)
        # BODY[] without PEEK sets \Seen and says so in the same FETCH
        typ, data = m.uid("FETCH", uid, "(BODY[TEXT])")
        self.assertIn(b"\\Seen", data[0][0])
        self.assertEqual(data[0][1], body.encode())
        m.logout()

    def test_append_fetch_store_expunge(self):
        name = "it-" + uuid.uuid4().hex[:8]
        m = starttls_login()
        self.assertEqual(m.create(name)[0], "OK")
        msg = b"From: a@example.test\r\nSubject: appended\r\n\r\nhello\r\n"
        date = imaplib.Time2Internaldate(1700000000)
        typ, data = m.append(name, "(\\Flagged $Work)", date, msg)
        self.assertEqual(typ, "OK")
        self.assertIn(b"APPENDUID", data[0])
        typ, data = m.capability()
        for cap in (b"UIDPLUS", b"MOVE", b"BINARY", b"APPENDLIMIT="):
            self.assertIn(cap, data[0])
        typ, data = m.select(name)
        self.assertEqual(int(data[0]), 1)
        typ, data = m.fetch("1", "(FLAGS INTERNALDATE RFC822)")
        self.assertEqual(data[0][1], msg)
        flags = imaplib.ParseFlags(data[0][0])
        self.assertIn(b"\\Flagged", flags)
        self.assertIn(b"$Work", flags)
        self.assertIn(b"\\Seen", flags)
        self.assertEqual(imaplib.Internaldate2tuple(data[0][0]),
                         time.localtime(1700000000))
        typ, data = m.store("1", "+FLAGS", "(\\Deleted)")
        self.assertEqual(typ, "OK")
        self.assertIn(b"\\Deleted", data[0])
        typ, data = m.expunge()
        self.assertEqual(typ, "OK")
        self.assertEqual(data, [b"1"])
        typ, data = m.select(name)
        self.assertEqual(int(data[0]), 0)
        m.close()
        self.assertEqual(m.delete(name)[0], "OK")
        m.logout()

    def test_copy_move(self):
        src = "it-" + uuid.uuid4().hex[:8]
        dst = src + "-dst"
        m = starttls_login()
        for n in (src, dst):
            self.assertEqual(m.create(n)[0], "OK")
        for i in range(3):
            m.append(src, "(\\Seen)" if i == 0 else None, None,
                     b"Subject: %d\r\n\r\nbody %d\r\n" % (i, i))
        m.select(src)
        typ, data = m.copy("1:2", dst)
        self.assertEqual(typ, "OK")
        self.assertIn(b"COPYUID", data[0])
        typ, data = m.uid("MOVE", "3", dst)
        self.assertEqual(typ, "OK")
        # RFC 6851: the COPYUID comes untagged before the tagged OK
        self.assertTrue(any(b"COPYUID" in r for r in
                            m.untagged_responses.get("OK", [])))
        typ, data = m.select(src)
        self.assertEqual(int(data[0]), 2)
        typ, data = m.copy("1", src + "-missing")
        self.assertEqual(typ, "NO")
        typ, data = m.select(dst)
        self.assertEqual(int(data[0]), 3)
        typ, data = m.fetch("1:*", "(FLAGS BODY.PEEK[TEXT])")
        texts = [d[1] for d in data if isinstance(d, tuple)]
        self.assertEqual(texts, [b"body 0\r\n", b"body 1\r\n",
                                 b"body 2\r\n"])
        self.assertIn(b"\\Seen", data[0][0])
        m.close()
        for n in (src, dst):
            self.assertEqual(m.delete(n)[0], "OK")
        m.logout()


if __name__ == "__main__":
    if not os.access(imapd_path(), os.X_OK) or \
            not os.access(tern_server.smtpd_path(), os.X_OK):
        print("imapd or smtpd is not built; skipped")
        sys.exit(77)
    unittest.main()
