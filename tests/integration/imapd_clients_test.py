#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# imapd with real clients none of us wrote, on loopback: Python's imaplib
# (every command it has that tern offers, and the ones tern does not
# offer answered without losing the session), mbsync (isync) syncing the
# user's folders both ways, twice, with nothing to do the second time,
# curl's imap:// (LIST, fetch by UID, byte-exact), and s-nail (mailx)
# reading, marking read and deleting over IMAP with STARTTLS and over
# IMAPS, the certificate verified. One throw-away
# smtpd + imapd (imapd_server.py). Commands that main does not have yet
# (still NO [CANNOT] in imapd/cmd_todo.c) skip the tests that need them,
# naming the command. Exits 77 when imapd or smtpd is not built.
# Run: tests/integration/imapd_clients_test.py [-v]

import imaplib
import os
import re
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imapd_server  # noqa: E402
from tern_server import DEMO_PASSWORD, DEMO_USER  # noqa: E402

MBSYNC = shutil.which("mbsync")
CURL = shutil.which("curl")
SNAIL = shutil.which("s-nail")

srv = None
missing = set()


def setUpModule():
    global srv, missing
    srv = imapd_server.TernImap()
    srv.start()
    missing = imapd_server.missing_commands(srv)


def tearDownModule():
    if srv is not None:
        srv.stop()


def need(test, *cmds):
    lack = sorted(set(cmds) & missing)
    if lack:
        test.skipTest("imapd does not implement %s yet" % ", ".join(lack))


def message(subject, body="Hello.\r\n", extra=""):
    return ("From: Alice <alice@remote.example>\r\n"
            "To: <%s>\r\n"
            "Subject: %s\r\n"
            "Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n"
            "Message-ID: <%s@remote.example>\r\n"
            "%s"
            "\r\n%s" % (DEMO_USER, subject, uuid.uuid4().hex, extra,
                        body)).encode()


def fetch_map(m, uidset="1:*", items="(FLAGS)"):
    """{uid: response bytes} of a UID FETCH."""
    typ, data = m.uid("FETCH", uidset, items)
    assert typ == "OK", data
    out = {}
    for d in data:
        line = d[0] if isinstance(d, tuple) else d
        if not line:
            continue
        mm = re.search(rb"UID (\d+)", line)
        if mm:
            out[int(mm.group(1))] = d
    return out


def flags_of(resp):
    line = resp[0] if isinstance(resp, tuple) else resp
    mm = re.search(rb"FLAGS \(([^)]*)\)", line)
    # \Recent belongs to one session; the rest must match
    return set(mm.group(1).split()) - {b"\\Recent"} if mm else set()


class ImaplibTest(unittest.TestCase):
    """Every imaplib command, one scenario each."""

    def setUp(self):
        self.m = srv.login()
        self.box = "t-" + uuid.uuid4().hex[:8]

    def tearDown(self):
        try:
            if self.m.state == "SELECTED":
                self.m.unselect()
            self.m.delete(self.box)
            self.m.logout()
        except (imaplib.IMAP4.error, OSError):
            self.m.shutdown()

    def test_any_state(self):
        m = self.m
        typ, data = m.capability()
        self.assertEqual(typ, "OK")
        caps = data[0].split()
        self.assertIn(b"IMAP4rev1", caps)
        self.assertNotIn(b"STARTTLS", caps)     # already on TLS
        self.assertEqual(m.noop()[0], "OK")
        typ, data = m.namespace()
        self.assertEqual(typ, "OK")
        self.assertTrue(data[0].startswith(b'(("" "'), data)
        typ, data = m.xatom("ID", '("name" "imaplib")')
        self.assertEqual(typ, "OK")
        self.assertIn(b"name", b" ".join(m.untagged_responses.pop(
            "ID", [b""])))
        self.assertEqual(m.enable("UTF8=ACCEPT")[0], "OK")

    def test_authenticate_plain(self):
        m = imaplib.IMAP4("127.0.0.1", srv.ports["imap"], timeout=10)
        m.starttls(ssl_context=srv.tls_context())
        typ, data = m.authenticate(
            "PLAIN", lambda _: b"\0%s\0%s" % (DEMO_USER.encode(),
                                              DEMO_PASSWORD.encode()))
        self.assertEqual(typ, "OK")
        self.assertIn(b"CAPABILITY", data[0])   # what Thunderbird reads
        self.assertEqual(m.logout()[0], "BYE")

    def test_imaps_and_plain_loopback(self):
        m = imaplib.IMAP4_SSL("127.0.0.1", srv.ports["imaps"],
                              ssl_context=srv.tls_context(), timeout=10)
        self.assertEqual(m.login(DEMO_USER, DEMO_PASSWORD)[0], "OK")
        m.logout()
        m = srv.login(tls=False)                # plaintext_auth=loopback
        self.assertEqual(m.noop()[0], "OK")
        m.logout()

    def test_mailbox_commands(self):
        m = self.m
        self.assertEqual(m.create(self.box)[0], "OK")
        self.assertEqual(m.create(self.box)[0], "NO")
        self.assertEqual(m.subscribe(self.box)[0], "OK")
        typ, data = m.lsub('""', self.box)
        self.assertEqual(typ, "OK")
        self.assertIn(self.box.encode(), data[0])
        self.assertEqual(m.unsubscribe(self.box)[0], "OK")
        typ, data = m.lsub('""', self.box)
        self.assertEqual([d for d in data if d], [])
        typ, data = m.list('""', "*")
        self.assertIn(b'"%s"' % self.box.encode(), b"\n".join(data))
        self.assertEqual(m.rename(self.box, self.box + "x")[0], "OK")
        typ, data = m.status(self.box + "x",
                             "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN)")
        self.assertEqual(typ, "OK")
        self.assertIn(b"MESSAGES 0", data[0])
        self.assertEqual(m.rename(self.box + "x", self.box)[0], "OK")
        typ, data = m.select(self.box)
        self.assertEqual((typ, data), ("OK", [b"0"]))
        for key in ("FLAGS", "UIDVALIDITY", "UIDNEXT"):
            self.assertIn(key, m.untagged_responses, key)
        self.assertEqual(m.check()[0], "OK")
        self.assertEqual(m.unselect()[0], "OK")
        typ, data = m.select(self.box, readonly=True)     # EXAMINE
        self.assertEqual(typ, "OK")
        self.assertIn("READ-ONLY", m.untagged_responses)
        self.assertEqual(m.close()[0], "OK")
        self.assertEqual(m.delete(self.box)[0], "OK")
        self.assertEqual(m.status(self.box, "(MESSAGES)")[0], "NO")

    def test_not_offered(self):
        """imaplib commands for extensions tern does not advertise: a
        BAD or NO, and the session goes on."""
        m = self.m
        caps = set(m.capabilities)
        m.select("INBOX", readonly=True)
        calls = [("ACL", lambda: m.getacl("INBOX")),
                 ("ACL", lambda: m.myrights("INBOX")),
                 ("QUOTA", lambda: m.getquotaroot("INBOX")),
                 ("SORT", lambda: m.sort("(DATE)", "UTF-8", "ALL")),
                 ("THREAD", lambda: m.thread("REFERENCES", "UTF-8",
                                             "ALL")),
                 ("METADATA", lambda: m.getannotation("INBOX", "*",
                                                       "value.priv")),
                 (None, lambda: m.proxyauth("other@example.test")),
                 (None, lambda: m.partial("1", "BODY[]", "0", "10"))]
        for cap, call in calls:
            if cap is not None and cap in caps:
                continue
            try:
                typ, _ = call()
                self.assertEqual(typ, "NO")
            except imaplib.IMAP4.error:
                pass                            # BAD
            self.assertEqual(m.noop()[0], "OK")

    def test_append_fetch_store(self):
        need(self, "APPEND", "FETCH", "STORE")
        m = self.m
        m.create(self.box)
        raw = message("append-1", "Line one.\r\nLine two.\r\n")
        when = imaplib.Time2Internaldate(1764064800)
        typ, data = m.append(self.box, r"(\Flagged $Work)", when, raw)
        self.assertEqual(typ, "OK")
        m.append(self.box, None, None, message("append-2"))
        typ, data = m.select(self.box)
        self.assertEqual(data, [b"2"])
        typ, data = m.fetch("1", "(FLAGS INTERNALDATE RFC822.SIZE "
                            "BODY.PEEK[] BODY.PEEK[HEADER.FIELDS "
                            "(Subject)])")
        self.assertEqual(typ, "OK")
        blob = b"".join(p if isinstance(p, bytes) else b"".join(p)
                        for p in data)
        self.assertIn(raw, blob)
        self.assertIn(b"RFC822.SIZE %d" % len(raw), blob)
        self.assertIn(b"Subject: append-1", blob)
        self.assertIn(b"$Work", blob)
        self.assertIn(b"\\Flagged", blob)
        self.assertEqual(imaplib.Internaldate2tuple(data[0][0])[:6],
                         time.localtime(1764064800)[:6])
        typ, data = m.store("1:2", "+FLAGS", r"(\Seen $Done)")
        self.assertEqual(typ, "OK")
        self.assertEqual(len([d for d in data if d]), 2)
        typ, data = m.store("2", "-FLAGS.SILENT", r"(\Seen)")
        self.assertEqual((typ, [d for d in data if d]), ("OK", []))
        fl = fetch_map(m)
        self.assertEqual(flags_of(fl[min(fl)]),
                         {b"\\Flagged", b"\\Seen", b"$Work", b"$Done"})
        self.assertEqual(flags_of(fl[max(fl)]), {b"$Done"})
        # Not PEEK: sets \Seen, and the FETCH says so.
        typ, data = m.fetch("2", "(BODY[TEXT])")
        self.assertIn(b"\\Seen", b"".join(
            p if isinstance(p, bytes) else b"".join(p) for p in data))

    def test_uid_search_copy_move_expunge(self):
        need(self, "APPEND", "FETCH", "STORE", "SEARCH", "COPY", "MOVE",
             "EXPUNGE")
        m = self.m
        m.create(self.box)
        m.create(self.box + "-to")
        for i in range(5):
            m.append(self.box, r"(\Seen)" if i % 2 else None, None,
                     message("msg-%d" % i, "token%d body\r\n" % i))
        m.select(self.box)
        typ, data = m.search(None, "UNSEEN")
        self.assertEqual(data[0].split(), [b"1", b"3", b"5"])
        typ, data = m.search(None, "BODY", "token3")
        self.assertEqual(data[0].split(), [b"4"])
        typ, data = m.uid("SEARCH", "SUBJECT", "msg-2")
        uids = [int(u) for u in data[0].split()]
        self.assertEqual(len(uids), 1)
        typ, data = m._simple_command("UID", "COPY", str(uids[0]),
                                      self.box + "-to")
        self.assertEqual(typ, "OK")
        self.assertIn(b"COPYUID", data[-1])
        typ, data = m.copy("1", self.box + "-to")
        self.assertEqual(typ, "OK")
        typ, data = m.uid("MOVE", str(uids[0] + 1), self.box + "-to")
        self.assertEqual(typ, "OK")
        self.assertEqual(m.status(self.box + "-to", "(MESSAGES)")[1][0]
                         .split(b"MESSAGES ")[1][:1], b"3")
        # after the MOVE: 4 messages; delete seq 1 and the last one
        m.store("1", "+FLAGS.SILENT", r"(\Deleted)")
        typ, data = m.uid("FETCH", "*", "(UID)")
        last = int(re.search(rb"UID (\d+)", data[-1]).group(1))
        m.uid("STORE", str(last), "+FLAGS.SILENT", r"(\Deleted)")
        typ, data = m.uid("EXPUNGE", str(last))      # UIDPLUS
        self.assertEqual(typ, "OK")
        self.assertEqual(len(fetch_map(m)), 3)
        m.untagged_responses.pop("EXPUNGE", None)   # MOVE's, UID EXPUNGE's
        typ, data = m.expunge()
        self.assertEqual(typ, "OK")
        self.assertEqual(data, [b"1"])
        self.assertEqual(len(fetch_map(m)), 2)
        m.unselect()
        self.assertEqual(m.delete(self.box + "-to")[0], "OK")

    def test_close_expunges(self):
        need(self, "APPEND", "STORE")
        m = self.m
        m.create(self.box)
        m.append(self.box, r"(\Deleted)", None, message("gone"))
        m.append(self.box, None, None, message("stays"))
        m.select(self.box)
        self.assertEqual(m.close()[0], "OK")
        typ, data = m.status(self.box, "(MESSAGES)")
        self.assertIn(b"MESSAGES 1", data[0])

    def test_idle_sees_delivery(self):
        need(self, "IDLE")
        m = self.m
        m.select("INBOX")
        tag = m._new_tag()
        m.send(tag + b" IDLE\r\n")
        self.assertTrue(m.readline().startswith(b"+"))
        with smtplib.SMTP("127.0.0.1", srv.server.ports["mx"],
                          timeout=10) as s:
            s.sendmail("x@remote.example", [DEMO_USER],
                       message("idle-" + uuid.uuid4().hex[:6]))
        m.sock.settimeout(5)
        line = m.readline()
        self.assertRegex(line, rb"^\* \d+ (EXISTS|RECENT)")
        m.send(b"DONE\r\n")
        while True:
            line = m.readline()
            if line.startswith(tag):
                break
        self.assertIn(b" OK", line)


# --- mbsync --------------------------------------------------------------

MBSYNCRC = """\
IMAPAccount tern
Host localhost
Port {port}
User {user}
Pass {password}
SSLType STARTTLS
CertificateFile {cert}

IMAPStore tern-far
Account tern

MaildirStore near
Path {near}/
Inbox {near}/INBOX
SubFolders Verbatim

Channel tern
Far :tern-far:
Near :near:
Patterns *
Create Both
Expunge Both
SyncState *
"""


def maildir_snapshot(root):
    """{(folder, name-without-flags): flags} of every message file below
    a Maildir root (either layout: .Folder or Folder/)."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        if os.path.basename(dirpath) not in ("cur", "new"):
            continue
        folder = os.path.relpath(os.path.dirname(dirpath), root)
        for n in files:
            base, _, fl = n.partition(":2,")
            out[(folder, re.sub(r",U=\d+", "", base))] = (
                os.path.basename(dirpath), fl)
    return out


@unittest.skipIf(MBSYNC is None, "mbsync (isync) is not installed")
class MbsyncTest(unittest.TestCase):

    def setUp(self):
        need(self, "APPEND", "FETCH", "STORE", "EXPUNGE")
        self.dir = tempfile.mkdtemp(prefix="tern-mbsync-")
        self.near = os.path.join(self.dir, "near")
        self.rc = os.path.join(self.dir, "mbsyncrc")
        with open(self.rc, "w") as f:
            f.write(MBSYNCRC.format(port=srv.ports["imap"], user=DEMO_USER,
                                    password=DEMO_PASSWORD, cert=srv.cert,
                                    near=self.near))

    def tearDown(self):
        if hasattr(self, "dir"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def mbsync(self):
        r = subprocess.run([MBSYNC, "-V", "-c", self.rc, "-a"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr +
                         srv.log_text())
        self.assertNotIn("rror", r.stderr)
        return r.stdout

    def server_state(self, folders):
        m = srv.login()
        state = {}
        try:
            for f in folders:
                typ, data = m.select(f, readonly=True)
                self.assertEqual(typ, "OK", f)
                uv = m.untagged_responses["UIDVALIDITY"][-1]
                state[f] = (uv, {u: flags_of(r) for u, r in
                                 fetch_map(m).items()}) \
                    if int(data[0]) else (uv, {})
                m.close()
        finally:
            m.logout()
        return state

    def test_sync_both_ways_twice(self):
        tag = uuid.uuid4().hex[:6]
        far_box = "Far-" + tag
        near_box = "Near-" + tag
        m = srv.login()
        m.create(far_box)
        m.append(far_box, r"(\Seen \Flagged)", None,
                 message("far-1 " + tag))
        m.append(far_box, None, None, message("far-2 " + tag))
        m.append("INBOX", r"(\Answered)", None, message("far-in " + tag))
        m.logout()
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(self.near, near_box, sub))
            os.makedirs(os.path.join(self.near, "INBOX", sub))
        raws = {}
        for i, fl in enumerate(("S", "FS", "")):
            raw = message("near-%d %s" % (i, tag))
            raws[i] = raw
            name = "%d.M%dP1.near:2,%s" % (1764000000 + i, i, fl)
            with open(os.path.join(self.near, near_box, "cur", name),
                      "wb") as f:
                f.write(raw)

        out1 = self.mbsync()
        self.assertIn("Creating far side box %s" % near_box, out1)
        self.assertIn("Creating near side box %s" % far_box, out1)
        # Both sides now hold the same messages with the same flags.
        near_snap = maildir_snapshot(self.near)
        self.assertEqual(len([k for k in near_snap if k[0] == far_box]), 2)
        self.assertEqual(len([k for k in near_snap
                              if k[0] == "INBOX"]), self.inbox_count())
        state1 = self.server_state([far_box, near_box, "INBOX"])
        self.assertEqual(sorted(map(sorted, state1[near_box][1].values())),
                         sorted([[], [b"\\Seen"],
                                 [b"\\Flagged", b"\\Seen"]]))
        m = srv.login()
        m.select(near_box, readonly=True)
        typ, data = m.uid("SEARCH", "SUBJECT", "near-1")
        uid = data[0].split()[0]
        got = fetch_map(m, uid.decode(), "(BODY.PEEK[])")[int(uid)]
        # mbsync 1.4 adds X-TUID to what it uploads (its own marker)
        self.assertEqual(re.sub(rb"X-TUID: \S+\r\n", b"", got[1]), raws[1])
        m.logout()

        # The second run: nothing to do on either side.
        out2 = self.mbsync()
        self.assertNotIn("Creating", out2)
        self.assertEqual(maildir_snapshot(self.near), near_snap)
        self.assertEqual(self.server_state([far_box, near_box, "INBOX"]),
                         state1)

        # A change on each side travels, then nothing again.
        m = srv.login()
        m.select(far_box)
        m.uid("STORE", str(min(state1[far_box][1])), "+FLAGS",
              r"(\Answered)")
        m.logout()
        for k, (sub, fl) in near_snap.items():
            if k[0] == near_box and fl == "":
                d = os.path.join(self.near, near_box, sub)
                gone = [n for n in os.listdir(d)
                        if re.sub(r",U=\d+", "", n).startswith(k[1] + ":")]
                self.assertEqual(len(gone), 1, gone)
                os.unlink(os.path.join(d, gone[0]))
                break
        self.mbsync()
        state3 = self.server_state([far_box, near_box, "INBOX"])
        self.assertEqual(len(state3[near_box][1]), 2)
        self.assertIn(b"\\Answered",
                      state3[far_box][1][min(state1[far_box][1])])
        near3 = maildir_snapshot(self.near)
        self.assertTrue(any(k[0] == far_box and "R" in fl for k, (_, fl)
                            in near3.items()))
        self.mbsync()
        self.assertEqual(maildir_snapshot(self.near), near3)
        self.assertEqual(self.server_state([far_box, near_box, "INBOX"]),
                         state3)
        m = srv.login()
        m.delete(far_box)
        m.delete(near_box)
        m.logout()

    def inbox_count(self):
        m = srv.login()
        typ, data = m.select("INBOX", readonly=True)
        m.logout()
        return int(data[0])


# --- curl ----------------------------------------------------------------

@unittest.skipIf(CURL is None, "curl is not installed")
class CurlTest(unittest.TestCase):

    def curl(self, url, *extra):
        r = subprocess.run([CURL, "-sS", "--ssl-reqd", "--cacert",
                            srv.cert, "--user",
                            "%s:%s" % (DEMO_USER, DEMO_PASSWORD)] +
                           list(extra) + [url], capture_output=True,
                           timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def base(self):
        return "imap://localhost:%d" % srv.ports["imap"]

    def test_list(self):
        out = self.curl(self.base() + "/")
        for name in (b'"INBOX"', b"Sent", b"Trash"):
            self.assertIn(name, out)
        self.assertTrue(all(line.startswith(b"* LIST ")
                            for line in out.splitlines()), out)

    def test_fetch_by_uid(self):
        need(self, "APPEND", "FETCH")
        box = "curl-" + uuid.uuid4().hex[:6]
        raw = message("curl", "".join("line %d of the body\r\n" % i
                                      for i in range(300)),
                      "Content-Type: text/plain; charset=utf-8\r\n")
        m = srv.login()
        m.create(box)
        typ, data = m.append(box, None, None, raw)
        uid = int(re.search(rb"APPENDUID \d+ (\d+)", data[0]).group(1))
        m.logout()
        self.assertEqual(self.curl("%s/%s;UID=%d" % (self.base(), box,
                                                     uid)), raw)
        # a section
        got = self.curl("%s/%s;UID=%d;SECTION=HEADER.FIELDS%%20(SUBJECT)"
                        % (self.base(), box, uid))
        self.assertEqual(got, b"Subject: curl\r\n\r\n")
        m = srv.login()
        m.delete(box)
        m.logout()


@unittest.skipUnless(SNAIL, "s-nail is not installed")
class SnailTest(unittest.TestCase):
    """s-nail, the mailx of Debian, as a user reads mail from a shell."""

    def snail(self, scheme, port, folder, commands, starttls=True):
        user = DEMO_USER.replace("@", "%40")
        # the certificate names localhost (s-nail does not match IPs)
        url = "%s://%s@localhost:%d/%s" % (scheme, user, port, folder)
        opts = ["-Sv15-compat", "-Stls-ca-file=" + srv.cert,
                "-Spassword=" + DEMO_PASSWORD, "-Sheadline=%m|%f|%s"]
        if starttls:
            opts.append("-Simap-use-starttls")
        with tempfile.TemporaryDirectory() as home:
            r = subprocess.run([SNAIL, "-#", "-:/"] + opts + ["-f", url],
                               input=commands.encode(),
                               capture_output=True, timeout=60,
                               env=dict(os.environ, HOME=home))
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.decode("utf-8", "replace")

    def test_read_mark_and_delete(self):
        box = "snail-" + uuid.uuid4().hex[:6]
        m = srv.login()
        m.create(box)
        for i in range(3):
            m.append(box, None, None, message("snail %d" % i,
                                              "body of snail %d\r\n" % i))
        m.logout()
        out = self.snail("imap", srv.ports["imap"], box,
                         "headers\nprint 2\ndelete 3\nquit\n")
        rows = [[f.strip(" >\u25b8NU") for f in ln.split("|")]
                for ln in out.splitlines() if "|" in ln]
        self.assertEqual([(r[0], r[2]) for r in rows],
                         [("1", "snail 0"), ("2", "snail 1"),
                          ("3", "snail 2")], out)
        self.assertTrue(all(r[1].startswith("alice@remote.exam")
                            for r in rows), out)
        self.assertIn("body of snail 1", out)
        m = srv.login()
        m.select(box)
        typ, data = m.uid("SEARCH", "ALL")
        self.assertEqual(data, [b"1 2"])        # 3 deleted and expunged
        self.assertIn(b"\\Seen", fetch_map(m, "2")[2])
        self.assertNotIn(b"\\Seen", fetch_map(m, "1")[1])
        m.logout()
        # the same over IMAPS (implicit TLS)
        out = self.snail("imaps", srv.ports["imaps"], box, "headers\n"
                         "quit\n", starttls=False)
        self.assertIn("snail 1", out)
        self.assertNotIn("snail 2", out)


if __name__ == "__main__":
    sys.exit(imapd_server.main())
