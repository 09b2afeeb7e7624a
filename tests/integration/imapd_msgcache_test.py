#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# imapd's FETCH cache (imapd/msgcache.c, the folder's "tern-cache"): the
# messages of tests/unit/messages (broken MIME, nested message/rfc822,
# CRLF and LF files, 8-bit headers) plus a message without a body, an
# empty one and one with a 300 KB header, dropped into a Maildir as
# they are; each FETCH a client like Thunderbird, mutt or Apple Mail
# sends gives the same bytes computed from the files (the cache deleted
# before each command), from the cache just filled, from a cache
# deleted, from a corrupted cache and from a garbage file. Also: the
# cache is really used (a second run appends nothing), the folder list
# does not show it, and two sessions filling it at once leave it valid.
# Exits 77 (skip) when imapd is not built.
# Run: tests/integration/imapd_msgcache_test.py [-v]

import glob
import os
import re
import socket
import sys
import threading
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tern_imapd  # noqa: E402
import tern_server  # noqa: E402
from tern_server import DEMO_PASSWORD, DEMO_USER  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(os.path.dirname(HERE), "unit", "messages")
TB_HEADERS = ("From To Cc Bcc Subject Date Message-ID Priority X-Priority "
              "References Newsgroups In-Reply-To Content-Type Reply-To "
              "Received")

COMMANDS = [
    # Thunderbird's first sync
    "UID FETCH 1:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (%s)])"
    % TB_HEADERS,
    "UID FETCH 1:* (BODYSTRUCTURE)",
    # mutt, Apple Mail, the macros
    "UID FETCH 1:* (BODY ENVELOPE)",
    "FETCH 1:* ALL",
    "FETCH 1:* FULL",
    "UID FETCH 1:* (ENVELOPE BODY.PEEK[HEADER] RFC822.HEADER "
    "BODY.PEEK[HEADER.FIELDS.NOT (Received Subject)] INTERNALDATE)",
    'UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS ("Subject" from)]<0.20> '
    "BODY.PEEK[HEADER]<5.30>)",
    # the cache and the file in one command
    "UID FETCH 1:* (BODY.PEEK[TEXT]<0.100> BODYSTRUCTURE "
    "BODY.PEEK[1.MIME] BODY.PEEK[HEADER.FIELDS (To)])",
    "UID FETCH 1:* (BODY.PEEK[1] ENVELOPE)",
]

server = None
inbox = None
cache_path = None


def extra_messages():
    hdr = b"".join(b"X-Filler-%d: %s\n" % (i, b"f" * 70)
                   for i in range(4000))
    return [
        b"From: a@example.test\nSubject: header only, no body\n",
        b"",
        b"From: big@example.test\nSubject: huge header\n" + hdr +
        b"\nbody\n",
        b"Subject: crlf\r\nFrom: c@example.test\r\n\r\nbody\r\n",
        b"\nbody without a header\n",
    ]


def setUpModule():
    global server, inbox, cache_path
    server = tern_imapd.ImapdServer()
    server.start()
    inbox = server.maildir()
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(inbox, sub), exist_ok=True)
    blobs = []
    for path in sorted(glob.glob(os.path.join(CORPUS, "*.eml"))):
        with open(path, "rb") as f:
            blobs.append(f.read())
    blobs += extra_messages()
    for i, blob in enumerate(blobs):
        name = "17000%05d.M%dP1.cachetest:2,S" % (i, i)
        with open(os.path.join(inbox, "cur", name), "wb") as f:
            f.write(blob)
        os.utime(os.path.join(inbox, "cur", name),
                 (1700000000 + i, 1700000000 + i))
    cache_path = os.path.join(inbox, "tern-cache")


def tearDownModule():
    global sanitizer
    if server is not None:
        sanitizer = server.sanitizer_report()
        server.stop()


sanitizer = None


class Client:
    """A raw IMAP client that returns each command's bytes as sent."""

    def __init__(self):
        self.sock = socket.create_connection(
            ("127.0.0.1", server.ports["imap"]), timeout=30)
        self.f = self.sock.makefile("rb")
        self.n = 0
        self.f.readline()
        self.cmd("LOGIN %s %s" % (DEMO_USER, DEMO_PASSWORD))
        self.cmd("SELECT INBOX")

    def cmd(self, text):
        self.n += 1
        tag = "c%d" % self.n
        self.sock.sendall(("%s %s\r\n" % (tag, text)).encode())
        out = []
        while True:
            line = self.f.readline()
            if not line:
                raise AssertionError("EOF after %r" % text)
            out.append(line)
            m = re.search(rb"\{(\d+)\}\r\n$", line)
            if m:
                out.append(self.f.read(int(m.group(1))))
                continue
            if line.startswith(tag.encode() + b" "):
                if not line.startswith(tag.encode() + b" OK"):
                    raise AssertionError("%r: %r" % (text, line))
                # the tag differs from run to run
                out[-1] = line[len(tag):]
                return b"".join(out)

    def close(self):
        try:
            self.cmd("LOGOUT")
        except (AssertionError, OSError):
            pass
        self.f.close()
        self.sock.close()


def unlink_cache():
    try:
        os.unlink(cache_path)
    except FileNotFoundError:
        pass


def cache_size():
    try:
        return os.path.getsize(cache_path)
    except FileNotFoundError:
        return 0


class MsgcacheTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # the answers computed from the files: no cache before each
        c = Client()
        cls.reference = []
        for text in COMMANDS:
            unlink_cache()
            cls.reference.append(c.cmd(text))
        c.close()
        unlink_cache()

    def run_all(self, c, what):
        for text, want in zip(COMMANDS, self.reference):
            got = c.cmd(text)
            self.assertEqual(got, want, "%s: %s" % (what, text))

    def test_01_reference_is_sane(self):
        n = len(glob.glob(os.path.join(inbox, "cur", "*")))
        self.assertEqual(self.reference[1].count(b" FETCH ("), n)
        self.assertIn(b"BODYSTRUCTURE (", self.reference[1])
        self.assertIn(b"huge header", self.reference[0])

    def test_02_filled_then_cached(self):
        unlink_cache()
        c = Client()
        self.run_all(c, "filling")
        size = cache_size()
        self.assertGreater(size, 32)
        self.run_all(c, "cached")
        # everything was there: nothing appended
        self.assertEqual(cache_size(), size)
        c.close()
        # a new session indexes the file anew
        c = Client()
        self.run_all(c, "cached, new session")
        self.assertEqual(cache_size(), size)
        c.close()

    def test_03_deleted_under_a_session(self):
        c = Client()
        self.run_all(c, "before")
        unlink_cache()
        self.run_all(c, "deleted")
        self.assertGreater(cache_size(), 32)
        c.close()

    def corrupt_and_check(self, damage):
        c = Client()
        self.run_all(c, "before damage")
        c.close()
        damage()
        c = Client()
        self.run_all(c, "damaged")
        self.run_all(c, "after damage")
        c.close()

    def test_04_corrupt_middle(self):
        def damage():
            size = cache_size()
            with open(cache_path, "r+b") as f:
                for off in range(size // 3, size, size // 7):
                    f.seek(off)
                    f.write(b"\x00garbage\xff")
        self.corrupt_and_check(damage)
        server.wait_log(r'cache file=".*tern-cache" rebuilt reason=')

    def test_05_torn_tail(self):
        def damage():
            os.truncate(cache_path, cache_size() - 3)
        self.corrupt_and_check(damage)

    def test_06_garbage_file(self):
        def damage():
            with open(cache_path, "wb") as f:
                f.write(b"TERNCACH" + os.urandom(5000))
        self.corrupt_and_check(damage)

    def test_07_header_only(self):
        def damage():
            with open(cache_path, "r+b") as f:
                f.truncate(32)
        self.corrupt_and_check(damage)

    def test_08_not_a_folder(self):
        c = Client()
        c.cmd("UID FETCH 1:* (BODYSTRUCTURE)")
        self.assertGreater(cache_size(), 32)
        listing = c.cmd('LIST "" "*"')
        self.assertNotIn(b"cache", listing.lower())
        c.close()

    def test_09_two_sessions_at_once(self):
        unlink_cache()
        errors = []
        bad = len(re.findall(r'rebuilt reason="bad', server.log_text()))

        def run():
            try:
                c = Client()
                self.run_all(c, "concurrent")
                c.close()
            except AssertionError as e:
                errors.append(e)
        threads = [threading.Thread(target=run) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        c = Client()
        size = cache_size()
        self.run_all(c, "after concurrent")
        c.close()
        self.assertEqual(len(re.findall(r'rebuilt reason="bad',
                                        server.log_text())), bad)
        self.assertGreater(size, 32)


def main():
    if not os.access(tern_imapd.imapd_path(), os.X_OK):
        print("imapd is not built; skipped")
        return 77
    prog = unittest.main(exit=False)
    if sanitizer:
        print("FAIL: a sanitizer reported an error:\n" + sanitizer,
              file=sys.stderr)
        return 1
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
