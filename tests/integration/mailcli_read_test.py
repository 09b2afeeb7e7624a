#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# mailcli's reading half against real servers on loopback: tern's smtpd +
# imapd (imapd_server.TernImap, STARTTLS and implicit TLS with a
# self-signed certificate), and a private Dovecot (dovecot_server.py)
# for IMAP and POP3 (Debian's dovecot-pop3d) to show that mailcli is a
# standard client. Messages are seeded with smtplib (through smtpd) and
# imaplib APPEND; mailcli folders/list/read/fetch --raw (byte-exact
# against what imaplib sees)/flag/move/delete/save/idle and --json are
# checked with imaplib and the json module; the certificate is refused
# without ca_file and accepted with it; --insecure warns. POP3: list,
# read, fetch --raw, delete, and "pop fetch" twice (the second fetches
# nothing). The account comes from MAILCLI_* variables (mailcli(1)).
# Exits 77 when mailcli, imapd or smtpd is not built; the Dovecot tests
# skip when Dovecot is not installed or the test is not root.
# Run: tests/integration/mailcli_read_test.py [-v]

import email
import imaplib
import json
import os
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dovecot_server  # noqa: E402
import imapd_server  # noqa: E402
import tern_server  # noqa: E402
from tern_server import DEMO_PASSWORD, DEMO_USER  # noqa: E402

EX_DATAERR, EX_NOHOST, EX_UNAVAILABLE = 65, 68, 69
EX_TEMPFAIL, EX_PROTOCOL, EX_NOPERM, EX_USAGE = 75, 76, 77, 64

srv = None
home = None


def mailcli_path():
    return os.environ.get("TERN_MAILCLI") or os.path.join(
        tern_server.builddir(), "mailcli", "mailcli")


def base_env():
    """No config file (HOME is empty), no MAILCLI_* from the caller."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MAILCLI_")}
    env["HOME"] = home
    env.pop("XDG_CONFIG_HOME", None)
    return env


def tern_env(port_key="imap", tls="starttls", ca=True, **more):
    env = base_env()
    env.update(MAILCLI_HOST="127.0.0.1", MAILCLI_USER=DEMO_USER,
               MAILCLI_PASSWORD=DEMO_PASSWORD,
               MAILCLI_IMAP_PORT=str(srv.ports[port_key]),
               MAILCLI_IMAP_TLS=tls)
    if ca:
        env["MAILCLI_CA_FILE"] = srv.cert
    env.update(more)
    return env


def mailcli(*args, env=None, timeout=30):
    return subprocess.run([mailcli_path()] + list(args),
                          env=env if env is not None else tern_env(),
                          stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=timeout)


def ok(*args, **kw):
    p = mailcli(*args, **kw)
    assert p.returncode == 0, (args, p.returncode, p.stderr.decode())
    return p


def js(*args, **kw):
    return json.loads(ok("--json", *args, **kw).stdout)


def message(subject, body="Hello.\r\n", headers=""):
    return ("From: Bob <bob@remote.example>\r\nTo: <%s>\r\n"
            "Subject: %s\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\n"
            "Message-ID: <%s@remote.example>\r\n%s\r\n%s" % (
                DEMO_USER, subject, uuid.uuid4().hex, headers,
                body)).encode()


ATTACHED = (
    b"From: =?UTF-8?B?SsO8cmdlbg==?= <j@remote.example>\r\n"
    b"To: demo@example.test\r\n"
    b"Subject: =?iso-8859-1?q?R=E9sum=E9?= attached\r\n"
    b"Date: Wed, 25 Nov 2026 11:00:00 +0000\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
    b"--b1\r\nContent-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n"
    b"--b2\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    b"Gr=FC=DFe aus K=F6ln, see the CV.\r\n"
    b"--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b"<p>HTML version</p>\r\n--b2--\r\n"
    b"--b1\r\nContent-Type: application/pdf; name=\"cv.pdf\"\r\n"
    b"Content-Disposition: attachment; filename=\"../../cv.pdf\"\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n"
    b"JVBERi0xLjQKJcOkw7zDtsOfCg==\r\n"
    b"--b1--\r\n")

HTML_ONLY = (
    b"From: news@remote.example\r\nTo: demo@example.test\r\n"
    b"Subject: newsletter\r\nContent-Type: text/html; charset=utf-8\r\n"
    b"\r\n<html><head><style>p {color: red}</style></head><body>"
    b"<h1>News</h1><p>Read &amp; enjoy: <a href=\"https://x.example/a\">"
    b"the article</a></p></body></html>\r\n")


def imap_login():
    return srv.login()


def append(box, data, flags=None):
    m = imap_login()
    typ, resp = m.append(box, flags, None, data)
    assert typ == "OK", resp
    m.logout()


def uids(box="INBOX"):
    m = imap_login()
    m.select(box, readonly=True)
    typ, data = m.uid("SEARCH", None, "ALL")
    m.logout()
    return [int(x) for x in data[0].split()]


def flags_of(uid, box="INBOX"):
    m = imap_login()
    m.select(box, readonly=True)
    typ, data = m.uid("FETCH", str(uid), "(FLAGS)")
    m.logout()
    return tuple(f.decode() for f in imaplib.ParseFlags(data[0])
                 if f != b"\\Recent")


def body_of(uid, box="INBOX"):
    m = imap_login()
    m.select(box, readonly=True)
    typ, data = m.uid("FETCH", str(uid), "(BODY.PEEK[])")
    m.logout()
    return data[0][1]


def watch(test, env, box, deliver, *opts):
    """mailcli --json idle on box sees two messages that deliver(data)
    adds after it started, and exits after --count 2."""
    p = subprocess.Popen([mailcli_path(), "--json", "idle", "--folder",
                          box, "--count", "2", "--timeout", "30"] +
                         list(opts), env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = p.stderr.readline().decode()
        test.assertIn("watching", line)
        test.assertIn("polling" if "--poll" in opts else "IDLE", line)
        deliver(message("new one"))
        first = json.loads(p.stdout.readline())
        test.assertEqual(first["subject"], "new one")
        deliver(message("newer one"))
        second = json.loads(p.stdout.readline())
        test.assertEqual(second["subject"], "newer one")
        test.assertGreater(second["id"], first["id"])
        test.assertEqual(p.wait(10), 0)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stdout.close()
        p.stderr.close()


def setUpModule():
    global srv, home
    home = tempfile.mkdtemp(prefix="tern-mailcli-home-")
    srv = imapd_server.TernImap()
    srv.start()


def tearDownModule():
    if srv is not None:
        srv.stop()
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)


class TernImapTest(unittest.TestCase):
    """mailcli against tern's imapd; each test makes its own folder or
    messages so that the order does not matter."""

    def fresh_folder(self):
        name = "T" + uuid.uuid4().hex[:8]
        m = imap_login()
        m.create(name)
        m.logout()
        return name

    def test_folders(self):
        m = imap_login()
        m.create("Entw&APw-rfe")
        m.logout()
        append("INBOX", message("for folders"))
        rows = js("folders")
        names = {r["name"]: r for r in rows}
        self.assertIn("INBOX", names)
        self.assertIn("Entwürfe", names)     # mUTF-7 shown as UTF-8
        self.assertEqual(names["Entwürfe"]["wire_name"], "Entw&APw-rfe")
        self.assertGreaterEqual(names["INBOX"]["messages"], 1)
        self.assertGreaterEqual(names["INBOX"]["unseen"], 1)
        text = ok("folders").stdout.decode()
        self.assertRegex(text, r"(?m)^INBOX +\d+ +\d+$")
        self.assertIn("Entwürfe", text)
        # a UTF-8 name on the command line goes out as mUTF-7
        append("Entw&APw-rfe", message("draft"))
        self.assertIn("draft", [r["subject"] for r in js(
            "list", "--folder", "Entwürfe")])

    def test_list_newest_first_and_filters(self):
        box = self.fresh_folder()
        for i in range(3):
            append(box, message("list %d" % i))
        append(box, ATTACHED, flags="(\\Seen)")
        rows = js("list", "--folder", box)
        self.assertEqual([r["id"] for r in rows], [4, 3, 2, 1])
        self.assertEqual(rows[0]["subject"], "Résumé attached")
        self.assertEqual(rows[0]["from"], "Jürgen <j@remote.example>")
        self.assertTrue(rows[0]["seen"])
        self.assertEqual(rows[0]["size"], len(ATTACHED))
        self.assertEqual(rows[3]["subject"], "list 0")
        self.assertFalse(rows[3]["seen"])
        self.assertEqual(len(js("list", "--folder", box, "--limit", "2")),
                         2)
        self.assertEqual([r["id"] for r in js(
            "list", "--folder", box, "--unseen")], [3, 2, 1])
        self.assertEqual([r["id"] for r in js(
            "list", "--folder", box, "--search", "SUBJECT \"list 1\"")],
            [2])
        self.assertEqual(len(js("list", "--folder", box, "--since",
                                "2000-01-01")), 4)
        self.assertEqual(js("list", "--folder", box, "--since",
                            "2999-01-01"), [])
        text = ok("list", "--folder", box).stdout.decode()
        self.assertRegex(text.splitlines()[1], r"^ +4 .*Jürgen.*Résumé")
        p = mailcli("list", "--since", "yesterday")
        self.assertEqual(p.returncode, EX_USAGE)

    def test_read_decodes_and_sets_seen(self):
        box = self.fresh_folder()
        append(box, ATTACHED)
        r = js("read", "--peek", "--folder", box, "1")
        self.assertEqual(r["subject"], "Résumé attached")
        self.assertEqual(r["body_type"], "text/plain")
        self.assertEqual(r["text"].strip(),
                         "Grüße aus Köln, see the CV.")
        self.assertEqual(len(r["attachments"]), 1)
        att = r["attachments"][0]
        self.assertEqual(att["filename"], "cv.pdf")
        self.assertEqual(att["type"], "application/pdf")
        self.assertEqual(att["size"], 19)
        self.assertNotIn("\\Seen", flags_of(1, box))     # --peek
        out = ok("read", "--folder", box, "1").stdout.decode()
        self.assertIn("Subject: Résumé attached", out)
        self.assertIn("Grüße aus Köln", out)
        self.assertIn("cv.pdf", out)
        self.assertIn("\\Seen", flags_of(1, box))

    def test_read_html_only(self):
        box = self.fresh_folder()
        append(box, HTML_ONLY)
        r = js("read", "--folder", box, "1")
        self.assertEqual(r["body_type"], "text/html")
        self.assertEqual(r["text"],
                         "News\n\nRead & enjoy: the article "
                         "<https://x.example/a>\n")

    def test_fetch_raw_is_byte_exact(self):
        box = self.fresh_folder()
        raw = message("raw \u00e9".encode("utf-8").decode("latin-1"),
                      body="line 1\r\n.starts with a dot\r\n\r\n"
                      "8bit: \u00e9\u00e8\r\n")
        append(box, raw)
        append(box, ATTACHED)
        for uid in (1, 2):
            p = ok("fetch", "--raw", "--folder", box, str(uid))
            self.assertEqual(p.stdout, body_of(uid, box))
        self.assertEqual(ok("fetch", "--raw", "--folder", box,
                            "2").stdout, ATTACHED)
        self.assertEqual(flags_of(2, box), ())   # fetch does not set \Seen

    def test_smtpd_delivery_read_back(self):
        """A message submitted through tern's smtpd reads back byte-exact
        (the Received line smtpd adds included) and decoded."""
        subject = "via smtpd " + uuid.uuid4().hex[:6]
        before = set(uids())
        with smtplib.SMTP("127.0.0.1", srv.server.ports["submission"],
                          timeout=15) as c:
            c.starttls(context=srv.tls_context())
            c.login(DEMO_USER, DEMO_PASSWORD)
            c.sendmail(DEMO_USER, [DEMO_USER],
                       message(subject, body="sent through smtpd\r\n"))
        deadline = time.monotonic() + 10
        while not set(uids()) - before:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.1)
        uid = max(set(uids()) - before)
        self.assertEqual(ok("fetch", "--raw", str(uid)).stdout,
                         body_of(uid))
        r = js("read", str(uid))
        self.assertEqual(r["subject"], subject)
        self.assertEqual(r["text"], "sent through smtpd\n")
        self.assertIn(uid, [x["id"] for x in js("list", "--limit", "0")])

    def test_flag(self):
        box = self.fresh_folder()
        append(box, message("flag me"))
        append(box, message("flag me too"))
        ok("flag", "--folder", box, "1:2", "flagged", "seen")
        self.assertEqual(set(flags_of(1, box)), {"\\Flagged", "\\Seen"})
        self.assertEqual(set(flags_of(2, box)), {"\\Flagged", "\\Seen"})
        ok("flag", "--folder", box, "--clear", "1", "\\Seen")
        self.assertEqual(set(flags_of(1, box)), {"\\Flagged"})
        ok("flag", "--folder", box, "2", "todo")
        self.assertIn("todo", flags_of(2, box))
        p = mailcli("flag", "--folder", box, "9", "seen")
        self.assertEqual(p.returncode, EX_DATAERR)
        p = mailcli("flag", "--folder", box, "1", "bad flag")
        self.assertEqual(p.returncode, EX_USAGE)

    def test_move_and_delete(self):
        box, dest = self.fresh_folder(), self.fresh_folder()
        for i in range(3):
            append(box, message("move %d" % i))
        ok("move", "--folder", box, "1", dest)
        self.assertEqual(uids(box), [2, 3])
        self.assertEqual(len(uids(dest)), 1)
        p = mailcli("move", "--folder", box, "2", "NoSuchFolder")
        self.assertEqual(p.returncode, EX_DATAERR)
        self.assertEqual(uids(box), [2, 3])
        trash_before = len(uids("Trash"))
        ok("delete", "--folder", box, "2")
        self.assertEqual(uids(box), [3])
        self.assertEqual(len(uids("Trash")), trash_before + 1)
        ok("delete", "--folder", box, "--expunge", "3")
        self.assertEqual(uids(box), [])
        self.assertEqual(len(uids("Trash")), trash_before + 1)
        p = mailcli("delete", "--folder", box, "3")
        self.assertEqual(p.returncode, EX_DATAERR)

    def test_save_attachments(self):
        box = self.fresh_folder()
        append(box, ATTACHED)
        out = tempfile.mkdtemp(prefix="tern-mailcli-save-")
        try:
            rows = js("save", "--folder", box, "--attachments", out, "1")
            self.assertEqual([os.path.basename(r["path"]) for r in rows],
                             ["cv.pdf"])
            with open(os.path.join(out, "cv.pdf"), "rb") as f:
                self.assertEqual(f.read(),
                                 b"%PDF-1.4\n%\xc3\xa4\xc3\xbc\xc3\xb6"
                                 b"\xc3\x9f\n")
            # never overwrite, never follow a link
            os.symlink("/etc/passwd", os.path.join(out, "cv-1.pdf"))
            ok("save", "--folder", box, "--attachments", out, "1")
            self.assertEqual(sorted(os.listdir(out)),
                             ["cv-1.pdf", "cv-2.pdf", "cv.pdf"])
            self.assertTrue(os.path.islink(os.path.join(out, "cv-1.pdf")))
            self.assertFalse(os.path.exists(os.path.join(
                os.path.dirname(out), "cv.pdf")))
        finally:
            shutil.rmtree(out)

    def test_append(self):
        """mc_imap_append(), which "send" uses to keep a copy in Sent."""
        box = self.fresh_folder()
        data = message("appended", body="kept as sent\r\n")
        p = subprocess.run([mailcli_path(), "append", "--folder", box],
                           env=tern_env(), input=data, capture_output=True,
                           timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(uids(box), [1])
        self.assertEqual(body_of(1, box), data)
        self.assertIn("\\Seen", flags_of(1, box))
        p = subprocess.run([mailcli_path(), "append", "--folder",
                            "No/Such/Box"], env=tern_env(), input=data,
                           capture_output=True, timeout=30)
        self.assertEqual(p.returncode, EX_DATAERR, p.stderr)

    def test_missing_message_and_folder(self):
        self.assertEqual(mailcli("read", "99999").returncode, EX_DATAERR)
        self.assertEqual(mailcli("fetch", "--raw", "99999").returncode,
                         EX_DATAERR)
        p = mailcli("list", "--folder", "No/Such")
        self.assertEqual(p.returncode, EX_DATAERR)
        self.assertIn("No/Such", p.stderr.decode())
        self.assertEqual(mailcli("read", "x1").returncode, EX_USAGE)

    def test_idle_prints_new_mail(self):
        box = self.fresh_folder()
        append(box, message("old one"))
        watch(self, tern_env(), box, lambda data: append(box, data))

    def test_idle_polling(self):
        box = self.fresh_folder()
        watch(self, tern_env(), box, lambda data: append(box, data),
              "--poll", "--interval", "1")

    def test_idle_stops_on_sigint(self):
        p = subprocess.Popen([mailcli_path(), "idle"], env=tern_env(),
                             stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            self.assertIn("watching", p.stderr.readline().decode())
            p.send_signal(signal.SIGINT)
            self.assertEqual(p.wait(10), 0)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()
            p.stderr.close()


def proxy(listen_host, target_port):
    """A TCP relay from listen_host:<free port> to 127.0.0.1:target_port
    for one connection at a time, in a thread; returns the port."""
    ls = socket.socket()
    ls.bind((listen_host, 0))
    ls.listen(4)

    def pipe(a, b):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                b.sendall(d)
        except OSError:
            pass
        finally:
            for x in (a, b):
                try:
                    x.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def serve():
        while True:
            try:
                c, _ = ls.accept()
            except OSError:
                return
            u = socket.create_connection(("127.0.0.1", target_port))
            threading.Thread(target=pipe, args=(c, u), daemon=True).start()
            threading.Thread(target=pipe, args=(u, c), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return ls, ls.getsockname()[1]


def fake_imap(answer):
    """A one-connection IMAP server that offers STARTTLS and answers it
    with answer (the tag is prepended); returns (port, lines) where
    lines collects what the client sent."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    lines = []

    def serve():
        c, _ = ls.accept()
        ls.close()
        with c:
            c.sendall(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] fake\r\n")
            f = c.makefile("rb")
            for line in f:
                lines.append(line)
                tag = line.split(b" ", 1)[0]
                if b"STARTTLS" in line.upper():
                    c.sendall(tag + b" " + answer)
                elif b"LOGOUT" in line.upper():
                    c.sendall(b"* BYE\r\n" + tag + b" OK bye\r\n")
                    break
                else:
                    c.sendall(tag + b" BAD no\r\n")

    threading.Thread(target=serve, daemon=True).start()
    return ls.getsockname()[1], lines


class TernTlsTest(unittest.TestCase):

    def test_starttls_and_implicit_tls_with_ca(self):
        append("INBOX", message("tls"))
        for key, tls in (("imap", "starttls"), ("imaps", "implicit")):
            rows = js("folders", env=tern_env(key, tls))
            self.assertIn("INBOX", [r["name"] for r in rows])

    def test_self_signed_refused_without_ca(self):
        for key, tls in (("imap", "starttls"), ("imaps", "implicit")):
            p = mailcli("folders", env=tern_env(key, tls, ca=False))
            self.assertEqual(p.returncode, EX_PROTOCOL, p.stderr)
            self.assertIn("certificate verify failed: self-signed "
                          "certificate", p.stderr.decode())
            self.assertEqual(p.stdout, b"")

    def test_wrong_ca_refused(self):
        other = tempfile.mkdtemp(prefix="tern-mailcli-ca-")
        try:
            tern_server.make_cert(other)
            p = mailcli("folders", env=tern_env(
                ca=False, MAILCLI_CA_FILE=os.path.join(other, "cert.pem")))
            self.assertEqual(p.returncode, EX_PROTOCOL)
            self.assertIn("certificate verify failed", p.stderr.decode())
        finally:
            shutil.rmtree(other)

    def test_wrong_host_name_refused(self):
        """The certificate names localhost, 127.0.0.1 and ::1: the same
        server reached as 127.0.0.2 (through a relay) is refused."""
        ls, port = proxy("127.0.0.2", srv.ports["imaps"])
        try:
            p = mailcli("folders", env=tern_env(
                "imaps", "implicit", MAILCLI_HOST="127.0.0.2",
                MAILCLI_IMAP_PORT=str(port)))
            self.assertEqual(p.returncode, EX_PROTOCOL, p.stderr)
            self.assertIn("certificate verify failed", p.stderr.decode())
            self.assertIn("mismatch", p.stderr.decode())
            # and by name: localhost is in the certificate
            ok("folders", env=tern_env("imaps", "implicit",
                                       MAILCLI_HOST="localhost"))
        finally:
            ls.close()

    def test_starttls_injection_refused(self):
        """Plaintext after the STARTTLS OK (CVE-2011-0411's class) is
        refused, and no password is sent."""
        port, lines = fake_imap(b"OK go\r\n* OK injected\r\n")
        p = mailcli("folders", env=tern_env(MAILCLI_IMAP_PORT=str(port)))
        self.assertEqual(p.returncode, EX_PROTOCOL, p.stderr)
        self.assertIn("after its STARTTLS reply", p.stderr.decode())
        self.assertFalse([x for x in lines if b"LOGIN" in x.upper()])

    def test_no_starttls_no_login(self):
        port, lines = fake_imap(b"NO not today\r\n")
        p = mailcli("folders", env=tern_env(MAILCLI_IMAP_PORT=str(port)))
        self.assertEqual(p.returncode, EX_PROTOCOL, p.stderr)
        self.assertIn("STARTTLS", p.stderr.decode())
        self.assertFalse([x for x in lines if b"LOGIN" in x.upper()])

    def test_endless_reply_is_cut(self):
        """A server that never ends a reply cannot make mailcli hold
        more than MAILCLI_REPLY_MAX bytes of it."""
        ls = socket.socket()
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)

        def serve():
            c, _ = ls.accept()
            ls.close()
            with c:
                try:
                    c.sendall(b"* OK ")
                    for _ in range(256):        # 16 MB at most
                        c.sendall(b"a" * 65536)
                except OSError:
                    pass

        threading.Thread(target=serve, daemon=True).start()
        p = mailcli("folders", env=tern_env(
            MAILCLI_IMAP_PORT=str(ls.getsockname()[1]),
            MAILCLI_REPLY_MAX="100000"))
        self.assertEqual(p.returncode, EX_PROTOCOL, p.stderr)
        self.assertIn("reply over 100000 bytes", p.stderr.decode())

    def test_insecure_warns(self):
        p = mailcli("--insecure", "folders", env=tern_env(ca=False))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("WARNING", p.stderr.decode())
        self.assertIn("NOT checked", p.stderr.decode())

    def test_trace_hides_password(self):
        p = ok("-v", "folders")
        err = p.stderr.decode()
        self.assertIn("C: ", err)
        self.assertIn("S: ", err)
        self.assertNotIn(DEMO_PASSWORD, err)

    def test_login_refused(self):
        p = mailcli("folders", env=tern_env(MAILCLI_PASSWORD="wrong"))
        self.assertEqual(p.returncode, EX_NOPERM)
        self.assertIn("refused", p.stderr.decode())

    def test_no_server(self):
        env = tern_env(MAILCLI_IMAP_PORT=str(tern_server.free_port()))
        self.assertEqual(mailcli("folders", env=env).returncode,
                         EX_UNAVAILABLE)
        env = tern_env(MAILCLI_HOST="no-such-host.invalid")
        self.assertIn(mailcli("folders", env=env).returncode,
                      (EX_NOHOST, EX_TEMPFAIL))

    def test_config_file_account(self):
        """The account from a config file (mailcli(1)) rather than the
        environment, with the password from password_command."""
        cfg = os.path.join(home, "read.conf")
        with open(cfg, "w") as f:
            f.write("""accounts = (
  { name = "demo"; default = true; user = "%s";
    password_command = "cat %s/demo-password";
    ca_file = "%s";
    imap = { host = "localhost"; port = %d; tls = "implicit"; }; }
);
""" % (DEMO_USER, srv.data, srv.cert, srv.ports["imaps"]))
        rows = js("--config", cfg, "folders", env=base_env())
        self.assertIn("INBOX", [r["name"] for r in rows])

    def test_send_then_read_sent_copy(self):
        """mailcli send through smtpd keeps a copy in Sent (APPEND); the
        delivered message and the copy read back with mailcli agree."""
        subject = "sent " + uuid.uuid4().hex[:8]
        before = set(uids())
        env = tern_env(MAILCLI_SMTP_PORT=str(srv.server.ports["submission"]),
                       MAILCLI_SMTP_TLS="starttls", MAILCLI_FROM=DEMO_USER,
                       MAILCLI_SENT_FOLDER="Sent")
        p = subprocess.run([mailcli_path(), "send", "--to", DEMO_USER,
                            "--subject", subject], env=env,
                           input="Grüße from mailcli\n".encode(),
                           capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        deadline = time.monotonic() + 10
        while not set(uids()) - before:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.1)
        uid = max(set(uids()) - before)
        inbox = ok("fetch", "--raw", str(uid)).stdout
        sent = [r for r in js("list", "--folder", "Sent", "--limit", "0")
                if r["subject"] == subject]
        self.assertEqual(len(sent), 1)
        self.assertTrue(sent[0]["seen"])
        copy = ok("fetch", "--raw", "--folder", "Sent",
                  str(sent[0]["id"])).stdout
        # smtpd adds its Received line on top, nothing else
        self.assertTrue(inbox.endswith(copy), (inbox[:300], copy[:300]))
        r = js("read", str(uid))
        self.assertEqual(r["subject"], subject)
        self.assertEqual(r["text"], "Grüße from mailcli\n")

    def test_help(self):
        for cmd in ("folders", "list", "read", "save", "fetch", "flag",
                    "move", "delete", "idle", "watch", "pop", "append"):
            p = ok(cmd, "--help", env=base_env())
            self.assertIn(b"usage: mailcli", p.stdout)


@unittest.skipUnless(dovecot_server.pop3_available(),
                     "Dovecot (imapd + pop3d) is not installed, or not root")
class DovecotTest(unittest.TestCase):
    """The same client against Dovecot: IMAP, and POP3 (tls = none,
    explicitly, on loopback)."""

    @classmethod
    def setUpClass(cls):
        cls.mail_root = tempfile.mkdtemp(prefix="tern-mailcli-dove-")
        # TLS with tern's self-signed certificate, for STARTTLS and STLS
        tls = "ssl = yes\nssl_cert = <%s\nssl_key = <%s\n" % (
            srv.cert, os.path.join(srv.data, "tls", "key.pem"))
        cls.dove = dovecot_server.DovecotServer(
            os.path.join(srv.data, "users"), cls.mail_root, pop3=True,
            extra_conf=tls)
        cls.dove.start()
        cls.msgs = [message("pop %d" % i, body="body %d\r\n" % i)
                    for i in range(3)] + [ATTACHED]
        m = cls.imap()
        for data in cls.msgs:
            m.append("INBOX", None, None, data)
        m.create("Trash")
        m.logout()

    @classmethod
    def tearDownClass(cls):
        cls.dove.stop()
        shutil.rmtree(cls.mail_root, ignore_errors=True)

    @classmethod
    def imap(cls):
        m = imaplib.IMAP4("127.0.0.1", cls.dove.port, timeout=15)
        m.login(DEMO_USER, DEMO_PASSWORD)
        return m

    def env(self, **more):
        env = base_env()
        env.update(MAILCLI_HOST="127.0.0.1", MAILCLI_USER=DEMO_USER,
                   MAILCLI_PASSWORD=DEMO_PASSWORD,
                   MAILCLI_IMAP_PORT=str(self.dove.port),
                   MAILCLI_IMAP_TLS="none",
                   MAILCLI_POP3_PORT=str(self.dove.pop3_port),
                   MAILCLI_POP3_TLS="none")
        env.update(more)
        return env

    def test_a_imap(self):
        env = self.env()
        names = [r["name"] for r in js("folders", env=env)]
        self.assertIn("INBOX", names)
        rows = js("list", env=env)
        self.assertEqual([r["subject"] for r in rows][:2],
                         ["Résumé attached", "pop 2"])
        for r, data in zip(reversed(rows), self.msgs):
            self.assertEqual(ok("fetch", "--raw", str(r["id"]),
                                env=env).stdout, data)
        r = js("read", "--peek", str(rows[0]["id"]), env=env)
        self.assertEqual(r["text"].strip(), "Grüße aus Köln, see the CV.")
        self.assertEqual(r["attachments"][0]["filename"], "cv.pdf")
        ok("flag", str(rows[1]["id"]), "flagged", env=env)
        self.assertIn("\\Flagged", js("list", env=env)[1]["flags"])

    def test_a_imap_idle(self):
        m = self.imap()
        m.create("Watched")
        m.logout()

        def deliver(data):
            m = self.imap()
            m.append("Watched", None, None, data)
            m.logout()
        watch(self, self.env(), "Watched", deliver)
        self.assertEqual(len(js("list", "--folder", "Watched",
                                env=self.env())), 2)

    def test_b_pop3_list_read(self):
        env = self.env()
        rows = js("list", "--protocol", "pop3", env=env)
        self.assertEqual([r["id"] for r in rows], [4, 3, 2, 1])
        self.assertEqual([r["subject"] for r in rows],
                         ["Résumé attached", "pop 2", "pop 1", "pop 0"])
        self.assertEqual(len({r["uidl"] for r in rows}), 4)
        self.assertEqual(rows[0]["from"], "Jürgen <j@remote.example>")
        for i, data in enumerate(self.msgs):
            p = ok("fetch", "--protocol", "pop3", "--raw", str(i + 1),
                   env=env)
            self.assertEqual(p.stdout, data)
        r = js("read", "--protocol", "pop3", "4", env=env)
        self.assertEqual(r["text"].strip(), "Grüße aus Köln, see the CV.")
        text = ok("list", "--protocol", "pop3", env=env).stdout.decode()
        self.assertRegex(text, r"(?m)^ +1 .*pop 0$")
        p = mailcli("read", "--protocol", "pop3", "99", env=env)
        self.assertEqual(p.returncode, EX_DATAERR)

    def test_c_pop_fetch_once_then_delete(self):
        local = tempfile.mkdtemp(prefix="tern-mailcli-pop-")
        try:
            md = os.path.join(local, "Maildir")
            r = js("pop", "fetch", "--maildir", md, env=self.env())
            self.assertEqual(r["fetched"], 4)
            files = sorted(os.listdir(os.path.join(md, "new")))
            self.assertEqual(len(files), 4)
            got = set()
            for n in files:
                with open(os.path.join(md, "new", n), "rb") as f:
                    got.add(f.read())
            # stored the Maildir way: LF line ends
            self.assertEqual(got, {d.replace(b"\r\n", b"\n")
                                   for d in self.msgs})
            self.assertTrue(os.path.exists(os.path.join(
                md, ".mailcli-uidl")))
            out = ok("pop", "fetch", "--maildir", md,
                     env=self.env()).stdout.decode()
            self.assertIn("0 new messages", out)
            self.assertEqual(len(os.listdir(os.path.join(md, "new"))), 4)
            # a new message is fetched, the old ones are not
            m = self.imap()
            m.append("INBOX", None, None, message("pop late"))
            m.logout()
            self.assertEqual(js("pop", "fetch", "--maildir", md,
                                env=self.env())["fetched"], 1)
            # delete over POP3
            ok("delete", "--protocol", "pop3", "1", env=self.env())
            rows = js("list", "--protocol", "pop3", env=self.env())
            self.assertEqual(len(rows), 4)
            self.assertNotIn("pop 0", [r["subject"] for r in rows])
            self.assertEqual(js("pop", "fetch", "--maildir", md,
                                env=self.env())["fetched"], 0)
            # --delete empties the server once stored
            self.assertEqual(js("pop", "fetch", "--maildir", md, "--delete",
                                env=self.env())["fetched"], 0)
            p = mailcli("delete", "--protocol", "pop3", "99",
                        env=self.env())
            self.assertEqual(p.returncode, EX_DATAERR)
        finally:
            shutil.rmtree(local)

    def test_d_starttls_and_stls(self):
        """Dovecot with the self-signed certificate: STARTTLS (IMAP) and
        STLS (POP3) work with ca_file and are refused without it."""
        tls = dict(MAILCLI_IMAP_TLS="starttls", MAILCLI_POP3_TLS="starttls")
        env = self.env(MAILCLI_CA_FILE=srv.cert, **tls)
        self.assertIn("INBOX", [r["name"] for r in js("folders", env=env)])
        self.assertEqual(len(js("list", "--protocol", "pop3", env=env)),
                         len(js("list", "--protocol", "pop3",
                                env=self.env())))
        for args in (["folders"], ["list", "--protocol", "pop3"]):
            p = mailcli(*args, env=self.env(**tls))
            self.assertEqual(p.returncode, EX_PROTOCOL, p.stderr)
            self.assertIn("certificate verify failed", p.stderr.decode())


def main():
    if not os.access(mailcli_path(), os.X_OK):
        print("mailcli is not built; skipped")
        return 77
    return imapd_server.main()


if __name__ == "__main__":
    sys.exit(main())
