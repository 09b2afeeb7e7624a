#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# mailcli is a standard client (issue #4): it sends through a private
# Postfix (postfix_server.py: submission with STARTTLS required and
# smtps, SASL through Dovecot's auth socket, virtual(8) into a Maildir)
# and reads that Maildir back from a private Dovecot (dovecot_server.py:
# IMAP with STARTTLS, IMAPS, POP3 with STLS, POP3S), all on free
# 127.0.0.1 ports with a self-signed certificate for localhost and
# 127.0.0.1. Checked: send with a UTF-8 subject, a text body and an
# attachment on both submission ports; the delivered file from mailcli's
# first header on is the exact message mailcli composed (Postfix only
# prepends trace headers); sendmail -t -i; refusals in Postfix's words
# (no TLS, no login, a wrong password); IMAP folders/list/read/fetch
# --raw (the exact bytes Dovecot serves), flag/move/delete, the Sent copy
# and IDLE; POP3 list/read/fetch --raw/delete and "pop fetch" twice (the
# second fetches nothing); the certificate refused without ca_file (exit
# 76) and accepted with it, for SMTP, IMAP and POP3; -v traces without
# the password. Exits 77 (skip) when mailcli is not built, or Postfix,
# Dovecot (imapd + pop3d) or root is missing; the reading tests skip
# while mailcli has no reading commands. Every server is stopped by its
# PID.
# Run: tests/integration/mailcli_interop_test.py [-v] [Test.name]

import base64
import email
import email.policy
import glob
import imaplib
import json
import os
import pwd
import re
import select
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dovecot_server  # noqa: E402
import postfix_server  # noqa: E402
import tern_server  # noqa: E402
from tern_server import DEMO_PASSWORD, DEMO_USER, DOMAIN  # noqa: E402

EX_DATAERR, EX_PROTOCOL, EX_NOPERM = 65, 76, 77
ALICE = "alice@" + DOMAIN
ALICE_PASSWORD = "other-secret"        # tern_server's extra users
TRACE_HEADERS = (b"Return-Path", b"X-Original-To", b"Delivered-To",
                 b"Received")

data = None         # tern_server.TernServer: users, certificate, mail root
dove = None
postfix = None
tmp = None
config = None


def mailcli_path():
    return os.environ.get("TERN_MAILCLI") or os.path.join(
        tern_server.builddir(), "mailcli", "mailcli")


def account(name, user, password_file, smtp, imap, pop3, ca=True,
            default=False, password=None, extra=""):
    """One account of the config file; smtp/imap/pop3: (host, port,
    tls)."""
    lines = ['{ name = "%s";' % name]
    if default:
        lines.append("  default = true;")
    if user is not None:
        lines.append('  user = "%s"; from = "Test User <%s>";' % (user,
                                                                 user))
    else:
        lines.append('  from = "Anonymous <%s>";' % DEMO_USER)
    if password is not None:
        lines.append('  password = "%s";' % password)
    elif password_file is not None:
        lines.append('  password_command = "cat %s";' % password_file)
    for proto, (host, port, tls) in (("smtp", smtp), ("imap", imap),
                                     ("pop3", pop3)):
        lines.append('  %s = { host = "%s"; port = %d; tls = "%s"; };' % (
            proto, host, port, tls))
    if ca:
        lines.append('  ca_file = "%s";' % data.cert)
    if extra:
        lines.append("  " + extra)
    lines.append("}")
    return "\n".join(lines)


def write_config():
    """The mailcli config (mode 0600) for the Postfix + Dovecot pair."""
    alice_pw = os.path.join(data.data, "alice-password")
    with open(alice_pw, "w") as f:
        f.write(ALICE_PASSWORD + "\n")
    demo_pw = os.path.join(data.data, "demo-password")
    sub = ("localhost", postfix.submission_port, "starttls")
    subs = ("localhost", postfix.submissions_port, "implicit")
    imap = ("127.0.0.1", dove.port, "starttls")
    imaps = ("127.0.0.1", dove.imaps_port, "implicit")
    pop3 = ("127.0.0.1", dove.pop3_port, "starttls")
    pop3s = ("127.0.0.1", dove.pop3s_port, "implicit")
    accounts = [
        account("starttls", DEMO_USER, demo_pw, sub, imap, pop3,
                default=True),
        account("implicit", DEMO_USER, demo_pw, subs, imaps, pop3s),
        account("alice", ALICE, alice_pw, sub, imap, pop3),
        account("alice-implicit", ALICE, alice_pw, subs, imaps, pop3s),
        account("noca", DEMO_USER, demo_pw, sub, imap, pop3, ca=False),
        account("noca-implicit", DEMO_USER, demo_pw, subs, imaps, pop3s,
                ca=False),
        account("badpw", DEMO_USER, None, sub, imap, pop3,
                password="not-the-password"),
        account("anon", None, None, sub, imap, pop3),
        account("sent", DEMO_USER, demo_pw, subs, imaps, pop3s,
                extra='sent_folder = "Sent";'),
        account("plain", DEMO_USER, demo_pw,
                ("127.0.0.1", postfix.submission_port, "none"), imap, pop3),
    ]
    path = os.path.join(tmp, "mailcli.conf")
    with open(path, "w") as f:
        f.write("accounts = (\n%s\n);\n" % ",\n".join(accounts))
    os.chmod(path, 0o600)
    return path


def setUpModule():
    global data, dove, postfix, tmp, config
    try:
        tmp = tempfile.mkdtemp(prefix="tern-mcinterop-")
        data = tern_server.TernServer(extra_users=["alice"])
        data.setup()                    # files only: smtpd is not started
        key = os.path.join(data.data, "tls", "key.pem")
        mail_root = os.path.join(data.data, "mail")
        dove = dovecot_server.DovecotServer(
            os.path.join(data.data, "users"), mail_root, pop3=True,
            tls=(data.cert, key), auth_socket="postfix")
        dove.start()
        nobody = pwd.getpwnam(dovecot_server.MAIL_USER)
        postfix = postfix_server.PostfixServer(
            [DEMO_USER, ALICE], data.cert, key, dove.auth_socket,
            mail_root, nobody.pw_uid, nobody.pw_gid)
        postfix.start()
        config = write_config()
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    global dove, postfix, data, tmp
    if postfix is not None:
        postfix.stop()
        postfix = None
    if dove is not None:
        dove.stop()
        dove = None
    if data is not None:
        data.stop()                     # removes the data dir
        data = None
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp = None


def mailcli_cmd(args, acct=None):
    """argv and environment: our config only, no MAILCLI_* variables."""
    cmd = [mailcli_path(), "--config", config]
    if acct is not None:
        cmd += ["--account", acct]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MAILCLI_")}
    env["HOME"] = tmp
    env.pop("XDG_CONFIG_HOME", None)
    env.pop("NETRC", None)
    return cmd + list(args), env


def mailcli(args, stdin=b"", acct=None, timeout=60):
    cmd, env = mailcli_cmd(args, acct)
    return subprocess.run(cmd, input=stdin, env=env, capture_output=True,
                          timeout=timeout)


def ok(args, stdin=b"", acct=None):
    r = mailcli(args, stdin, acct)
    assert r.returncode == 0, (args, acct, r.returncode,
                               r.stderr.decode("utf-8", "replace"))
    return r


def js(args, stdin=b"", acct=None):
    return json.loads(ok(["--json"] + list(args), stdin, acct).stdout)


def maildir(user):
    local, domain = user.split("@")
    return os.path.join(data.data, "mail", domain, local, "Maildir")


def find_file(tok, user=DEMO_USER, timeout=30):
    """(path, bytes) of the delivered message holding tok, in new/ or
    cur/ (Dovecot moves it); Postfix delivers after its 250."""
    deadline = time.monotonic() + timeout
    md = maildir(user)
    while True:
        for path in glob.glob(os.path.join(md, "new", "*")) + \
                glob.glob(os.path.join(md, "cur", "*")):
            try:
                with open(path, "rb") as f:
                    content = f.read()
            except FileNotFoundError:     # renamed new/ -> cur/ meanwhile
                continue
            if tok.encode() in content:
                return path, content
        if time.monotonic() > deadline:
            raise AssertionError("no message with %s in %s\n%s" % (
                tok, md, postfix.log_text()))
        time.sleep(0.05)


def has_file(tok, user):
    md = maildir(user)
    for path in glob.glob(os.path.join(md, "*", "*")):
        try:
            with open(path, "rb") as f:
                if tok.encode() in f.read():
                    return True
        except (FileNotFoundError, IsADirectoryError):
            pass
    return False


def split_trace(delivered, composed):
    """Postfix's trace headers and the rest of a delivered file (LF
    lines), split at the first header mailcli wrote."""
    first = composed.split(b"\r\n", 1)[0].replace(b"\r", b"") + b"\n"
    i = delivered.find(first)
    assert i >= 0, (first, delivered[:600])
    return delivered[:i], delivered[i:]


def compose(args, stdin, acct=None):
    """The exact message "mailcli send" would submit (--dry-run)."""
    r = ok(["send", "--dry-run"] + list(args), stdin, acct)
    return r.stdout


def send_exact(args, body, acct=None):
    """Compose with --dry-run, then submit those bytes with send -t
    (nothing is added: Date, From and Message-ID are there)."""
    msg = compose(args, body, acct)
    ok(["send", "-t"], msg, acct)
    return msg


class PostfixSubmit(unittest.TestCase):
    """mailcli send through Postfix's submission ports."""

    def assert_authenticated_tls(self, delivered):
        # ESMTPSA: ESMTP with TLS (S) and AUTH (A), RFC 3848
        m = email.message_from_bytes(delivered)
        self.assertRegex(m["Received"], r"with ESMTPSA id")

    def test_starttls_utf8_subject_text_body(self):
        tok = uuid.uuid4().hex
        subject = "Gr\u00fc\u00dfe %s \u2603" % tok
        body = ("Hello %s\nline two with trailing space \n"
                "caf\u00e9 \u65e5\u672c\n" % tok).encode()
        r = mailcli(["send", "--to", DEMO_USER, "--subject", subject],
                    body)
        self.assertEqual(r.returncode, 0, r.stderr)
        _, delivered = find_file(tok)
        self.assert_authenticated_tls(delivered)
        m = email.message_from_bytes(delivered, policy=email.policy.default)
        self.assertEqual(m["Subject"], subject)
        self.assertEqual(m["From"], "Test User <%s>" % DEMO_USER)
        self.assertEqual(m.get_content().encode(), body)
        self.assertIn("sasl_username=%s" % DEMO_USER, postfix.log_text())

    def test_implicit_tls_attachment(self):
        tok = uuid.uuid4().hex
        blob = os.urandom(50000) + b"\x00\r\n.\r\n" + tok.encode()
        path = os.path.join(tmp, "data-%s.bin" % tok[:8])
        with open(path, "wb") as f:
            f.write(blob)
        res = js(["send", "--to", DEMO_USER, "--subject",
                  "\u00e9t\u00e9 " + tok, "--attach", path],
                 b"see attached\n", "implicit")
        self.assertTrue(res["server"].startswith("smtps://"), res)
        # tok is base64 and RFC 2047 here: look for the Message-ID
        _, delivered = find_file(res["message_id"])
        self.assert_authenticated_tls(delivered)
        m = email.message_from_bytes(delivered, policy=email.policy.default)
        self.assertEqual(m["Subject"], "\u00e9t\u00e9 " + tok)
        self.assertEqual(m["Message-ID"], res["message_id"])
        parts = list(m.iter_attachments())
        self.assertEqual(len(parts), 1)
        self.assertEqual(parts[0].get_filename(), os.path.basename(path))
        self.assertEqual(parts[0].get_content(), blob)
        self.assertEqual(m.get_body(("plain",)).get_content(),
                         "see attached\n")

    def test_delivered_bytes_are_what_mailcli_wrote(self):
        """Postfix prepends trace headers and stores LF lines; from
        mailcli's first header on, the file is the composed message."""
        for acct in ("starttls", "implicit"):
            tok = uuid.uuid4().hex
            att = os.path.join(tmp, "r\u00e9sum\u00e9-%s.txt" % tok[:6])
            with open(att, "wb") as f:
                f.write(("attachment %s \u00fc\n" % tok).encode())
            msg = send_exact(["--to", DEMO_USER, "--subject",
                              "exact \u00e9 " + tok, "--attach", att],
                             ("exact body %s\n\u00fcber\n" % tok).encode(),
                             acct)
            self.assertNotIn(b"\n", msg.replace(b"\r\n", b""))
            _, delivered = find_file(tok)
            trace, rest = split_trace(delivered, msg)
            self.assertEqual(rest, msg.replace(b"\r\n", b"\n"))
            names = re.findall(rb"(?m)^([^\s:]+):", trace)
            self.assertTrue(set(names) <= set(TRACE_HEADERS), names)

    def test_sendmail_t_i(self):
        tok = uuid.uuid4().hex
        msg = ("To: %s\nSubject: cron %s\n\n.\nafter a dot\n" % (
            DEMO_USER, tok)).encode()
        ok(["sendmail", "-t", "-i", "-f", DEMO_USER], msg)
        _, delivered = find_file(tok)
        self.assert_authenticated_tls(delivered)
        m = email.message_from_bytes(delivered)
        self.assertEqual(m.get_payload(), ".\nafter a dot\n")
        self.assertIsNotNone(m["Message-ID"])

    def test_plaintext_refused(self):
        """smtpd_tls_security_level = encrypt: no mail without TLS."""
        tok = uuid.uuid4().hex
        r = mailcli(["send", "--to", DEMO_USER, "--subject", tok], b"x\n",
                    "plain")
        self.assertEqual(r.returncode, EX_NOPERM, r.stderr)
        # the server's words, not those of its reply to QUIT
        self.assertIn(b"530 5.7.0 Must issue a STARTTLS command first",
                      r.stderr)
        self.assertFalse(has_file(tok, DEMO_USER))

    def test_without_auth_refused(self):
        """permit_sasl_authenticated, reject: no login, no relay."""
        tok = uuid.uuid4().hex
        r = mailcli(["send", "--to", DEMO_USER, "--subject", tok], b"x\n",
                    "anon")
        self.assertEqual(r.returncode, EX_DATAERR, r.stderr)
        self.assertIn(b"554 5.7.1", r.stderr)
        self.assertIn(b"Access denied", r.stderr)
        self.assertFalse(has_file(tok, DEMO_USER))


class Logins(unittest.TestCase):
    """A wrong password is refused by Postfix and Dovecot alike (exit
    77); -v traces the protocol without the password."""

    def test_wrong_password(self):
        r = mailcli(["send", "--to", DEMO_USER, "--subject", "x"], b"x\n",
                    "badpw")
        self.assertEqual(r.returncode, EX_NOPERM, r.stderr)
        self.assertIn(b"535", r.stderr)
        need_reading()
        for args in (["folders"], ["list", "--protocol", "pop3"]):
            r = mailcli(args, acct="badpw")
            self.assertEqual(r.returncode, EX_NOPERM, (args, r.stderr))

    def test_trace_hides_password(self):
        secrets = [DEMO_PASSWORD.encode()] + [base64.b64encode(x) for x in (
            DEMO_PASSWORD.encode(),
            b"\0%s\0%s" % (DEMO_USER.encode(), DEMO_PASSWORD.encode()),
            b"%s\0%s\0%s" % (DEMO_USER.encode(), DEMO_USER.encode(),
                              DEMO_PASSWORD.encode()))]
        runs = [(["-v", "-v", "send", "--to", DEMO_USER, "--subject",
                  "trace"], b"x\n", "starttls"),
                (["-v", "-v", "send", "--to", DEMO_USER, "--subject",
                  "trace"], b"x\n", "implicit")]
        if has_reading():
            runs += [(["-v", "-v", "folders"], b"", "starttls"),
                     (["-v", "-v", "list", "--protocol", "pop3"], b"",
                      "implicit")]
        for args, stdin, acct in runs:
            r = ok(args, stdin, acct)
            self.assertIn(b"C: ", r.stderr, args)       # a trace
            for secret in secrets:
                self.assertNotIn(secret, r.stderr, args)
                self.assertNotIn(secret, r.stdout, args)


class Certificates(unittest.TestCase):
    """The self-signed certificate is refused without ca_file (exit 76,
    a message naming the certificate) and accepted with it."""

    def assert_refused(self, r):
        self.assertEqual(r.returncode, EX_PROTOCOL, r.stderr)
        self.assertIn(b"certificate", r.stderr)

    def test_smtp(self):
        for bad, good in (("noca", "starttls"),
                          ("noca-implicit", "implicit")):
            tok = uuid.uuid4().hex
            self.assert_refused(mailcli(
                ["send", "--to", DEMO_USER, "--subject", tok], b"x\n", bad))
            ok(["send", "--to", DEMO_USER, "--subject", tok], b"x\n", good)
            find_file(tok)

    def test_imap(self):
        need_reading()
        for bad, good in (("noca", "starttls"),
                          ("noca-implicit", "implicit")):
            self.assert_refused(mailcli(["folders"], acct=bad))
            ok(["folders"], acct=good)

    def test_pop3(self):
        need_reading()
        for bad, good in (("noca", "starttls"),
                          ("noca-implicit", "implicit")):
            self.assert_refused(mailcli(["list", "--protocol", "pop3"],
                                        acct=bad))
            ok(["list", "--protocol", "pop3"], acct=good)


_reading = None


def has_reading():
    """Whether this mailcli has its reading commands (branch mcread)."""
    global _reading
    if _reading is None:
        r = subprocess.run([mailcli_path(), "list", "--help"],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=30)
        _reading = r.returncode == 0
    return _reading


def need_reading():
    if not has_reading():
        raise unittest.SkipTest("mailcli has no reading commands yet")


def imap_login(user=DEMO_USER, password=DEMO_PASSWORD):
    """imaplib logged in to Dovecot over STARTTLS."""
    m = imaplib.IMAP4("127.0.0.1", dove.port, timeout=30)
    m.starttls(ssl.create_default_context(cafile=data.cert))
    m.login(user, password)
    return m


def imap_body(uid, box="INBOX"):
    """BODY.PEEK[] of uid, seen by imaplib."""
    m = imap_login()
    try:
        m.select(box, readonly=True)
        typ, resp = m.uid("FETCH", str(uid), "(BODY.PEEK[])")
        assert typ == "OK", resp
        return resp[0][1]
    finally:
        m.logout()


def imap_create(*boxes):
    m = imap_login()
    try:
        for box in boxes:
            m.create(box)           # NO [ALREADYEXISTS] is fine
    finally:
        m.logout()


def read_line(f, timeout=60):
    """A line from a child's pipe, or AssertionError after timeout."""
    r, _, _ = select.select([f], [], [], timeout)
    if not r:
        raise AssertionError("no output in %d s" % timeout)
    return f.readline()


class DovecotImap(unittest.TestCase):
    """Read what Postfix delivered from Dovecot over IMAP (STARTTLS and
    IMAPS)."""

    @classmethod
    def setUpClass(cls):
        need_reading()
        cls.tok = uuid.uuid4().hex
        cls.subject = "Gr\u00fc\u00dfe aus K\u00f6ln %s \u2603" % cls.tok
        cls.body = "Hello %s,\n\ncaf\u00e9 \u65e5\u672c.\n" % cls.tok
        att = os.path.join(tmp, "notes-%s.txt" % cls.tok[:6])
        with open(att, "wb") as f:
            f.write(b"attached notes\n")
        cls.att = att
        cls.msg = send_exact(["--to", DEMO_USER, "--subject", cls.subject,
                              "--attach", att], cls.body.encode())
        find_file(cls.tok)

    def row(self, acct="starttls"):
        rows = js(["list", "--limit", "0"], acct=acct)
        mine = [r for r in rows if r["subject"] == self.subject]
        self.assertEqual(len(mine), 1, rows)
        return mine[0]

    def test_folders(self):
        for acct in ("starttls", "implicit"):
            rows = js(["folders"], acct=acct)
            inbox = [r for r in rows if r["name"] == "INBOX"]
            self.assertEqual(len(inbox), 1, rows)
            self.assertGreaterEqual(inbox[0]["messages"], 1)
            self.assertRegex(ok(["folders"], acct=acct).stdout.decode(),
                             r"(?m)^INBOX\b")

    def test_list(self):
        for acct in ("starttls", "implicit"):
            r = self.row(acct)
            self.assertEqual(r["from"], "Test User <%s>" % DEMO_USER)
            text = ok(["list", "--limit", "0"], acct=acct).stdout.decode()
            self.assertIn(self.tok, text)

    def test_read(self):
        uid = self.row()["id"]
        r = js(["read", "--peek", str(uid)])
        self.assertEqual(r["subject"], self.subject)
        self.assertEqual(r["text"], self.body)
        self.assertEqual([a["filename"] for a in r["attachments"]],
                         ["notes-%s.txt" % self.tok[:6]])
        out = ok(["read", str(uid)], acct="implicit").stdout.decode()
        self.assertIn(self.subject, out)
        self.assertIn(self.body, out)

    def test_save_attachments(self):
        uid = self.row()["id"]
        out = os.path.join(tmp, "save-" + self.tok[:8])
        os.mkdir(out)
        rows = js(["save", "--attachments", out, str(uid)])
        self.assertEqual([os.path.basename(r["path"]) for r in rows],
                         [os.path.basename(self.att)])
        with open(os.path.join(out, os.path.basename(self.att)), "rb") as f:
            self.assertEqual(f.read(), b"attached notes\n")

    def test_large_message(self):
        """3 MB through Postfix; the same bytes over IMAP and POP3."""
        tok = uuid.uuid4().hex
        blob = os.urandom(3 * 1024 * 1024)
        path = os.path.join(tmp, "big-%s.bin" % tok[:6])
        with open(path, "wb") as f:
            f.write(blob)
        res = js(["send", "--to", DEMO_USER, "--subject", "big " + tok,
                  "--attach", path], ("big %s\n" % tok).encode(),
                 "implicit")
        _, stored = find_file(res["message_id"])
        wire = stored.replace(b"\n", b"\r\n")
        uid = [r["id"] for r in js(["list", "--limit", "0"])
               if r["subject"] == "big " + tok][0]
        self.assertEqual(ok(["fetch", "--raw", str(uid)]).stdout, wire)
        n = [r["id"] for r in js(["list", "--protocol", "pop3", "--limit",
                                  "0"], acct="implicit")
             if r["subject"] == "big " + tok][0]
        self.assertEqual(ok(["fetch", "--protocol", "pop3", "--raw",
                             str(n)], acct="implicit").stdout, wire)
        out = os.path.join(tmp, "save-" + tok[:8])
        os.mkdir(out)
        ok(["save", "--attachments", out, str(uid)])
        with open(os.path.join(out, os.path.basename(path)), "rb") as f:
            self.assertEqual(f.read(), blob)

    def test_fetch_raw(self):
        """The exact bytes Dovecot serves: the Maildir file with CRLF
        lines, and from mailcli's first header on, what mailcli sent."""
        uid = self.row()["id"]
        for acct in ("starttls", "implicit"):
            raw = ok(["fetch", "--raw", str(uid)], acct=acct).stdout
            _, stored = find_file(self.tok)
            self.assertEqual(raw, stored.replace(b"\n", b"\r\n"))
            self.assertEqual(raw, imap_body(uid))
            self.assertTrue(raw.endswith(self.msg), raw[-300:])
            trace = raw[:-len(self.msg)]
            names = re.findall(rb"(?m)^([^\s:]+):", trace)
            self.assertTrue(set(names) <= set(TRACE_HEADERS), names)


class DovecotImapChanges(unittest.TestCase):
    """Change Dovecot's mailbox with mailcli: flags, move, delete to
    Trash and expunge, the Sent copy of send (APPEND), and IDLE waking
    up for a message Postfix delivered."""

    @classmethod
    def setUpClass(cls):
        need_reading()

    def deliver(self, subject, acct="starttls"):
        """Send subject to demo through Postfix; its UID in INBOX."""
        tok = subject.split()[-1]
        ok(["send", "--to", DEMO_USER, "--subject", subject],
           ("body %s\n" % tok).encode(), acct)
        find_file(tok)
        return self.uid_of(subject)

    def uid_of(self, subject, box="INBOX"):
        rows = js(["list", "--folder", box, "--limit", "0"])
        mine = [r["id"] for r in rows if r["subject"] == subject]
        return mine[0] if mine else None

    def flags(self, uid, box="INBOX"):
        rows = js(["list", "--folder", box, "--limit", "0"])
        return [r["flags"] for r in rows if r["id"] == uid][0]

    def test_flag_move_delete(self):
        tok = uuid.uuid4().hex
        subject = "changes " + tok
        uid = self.deliver(subject)
        ok(["flag", str(uid), "flagged", "seen"])
        self.assertEqual(set(self.flags(uid)) & {"\\Seen", "\\Flagged"},
                         {"\\Seen", "\\Flagged"})
        ok(["flag", "--clear", str(uid), "seen"])
        self.assertNotIn("\\Seen", self.flags(uid))
        box = "Archive-" + tok[:8]
        imap_create(box, "Trash")
        ok(["move", str(uid), box])
        self.assertIsNone(self.uid_of(subject))
        uid = self.uid_of(subject, box)
        self.assertIsNotNone(uid)
        self.assertIn("\\Flagged", self.flags(uid, box))
        ok(["delete", "--folder", box, str(uid)])
        self.assertIsNone(self.uid_of(subject, box))
        uid = self.uid_of(subject, "Trash")
        self.assertIsNotNone(uid)
        ok(["delete", "--folder", "Trash", str(uid)])
        self.assertIsNone(self.uid_of(subject, "Trash"))
        self.assertFalse(has_file(tok, DEMO_USER))

    def test_sent_copy(self):
        """send keeps the exact message it submitted in Sent, \\Seen."""
        imap_create("Sent")
        tok = uuid.uuid4().hex
        msg = send_exact(["--to", DEMO_USER, "--subject",
                          "sent copy " + tok], b"keep me\n", "sent")
        uid = self.uid_of("sent copy " + tok, "Sent")
        self.assertIsNotNone(uid)
        self.assertEqual(ok(["fetch", "--raw", "--folder", "Sent",
                             str(uid)]).stdout, msg)
        self.assertIn("\\Seen", self.flags(uid, "Sent"))
        _, delivered = find_file(tok)
        self.assertEqual(split_trace(delivered, msg)[1],
                         msg.replace(b"\r\n", b"\n"))

    def test_idle_sees_delivery(self):
        cmd, env = mailcli_cmd(["--json", "idle", "--count", "1",
                                "--timeout", "60"], "implicit")
        p = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            self.assertIn(b"watching", read_line(p.stderr))
            tok = uuid.uuid4().hex
            ok(["send", "--to", DEMO_USER, "--subject", "idle " + tok],
               b"wake up\n")
            row = json.loads(read_line(p.stdout))
            self.assertEqual(row["subject"], "idle " + tok)
            self.assertEqual(p.wait(30), 0)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()
            p.stderr.close()


class DovecotPop3(unittest.TestCase):
    """Read alice's mail from Dovecot over POP3 (STLS and POP3S); the
    tests run in name order (list, then fetch and delete)."""

    @classmethod
    def setUpClass(cls):
        need_reading()
        cls.toks = [uuid.uuid4().hex for _ in range(2)]
        cls.subjects = ["pop \u00e9 %d %s" % (i, t)
                        for i, t in enumerate(cls.toks)]
        cls.bodies = ["pop body %s\n\u00fcml\u00e4ut\n" % t
                      for t in cls.toks]
        cls.msgs = [send_exact(["--to", ALICE, "--subject", s], b.encode(),
                               "alice")
                    for s, b in zip(cls.subjects, cls.bodies)]
        for t in cls.toks:
            find_file(t, ALICE)

    def rows(self, acct="alice"):
        return js(["list", "--protocol", "pop3", "--limit", "0"], acct=acct)

    def number(self, i, acct="alice"):
        mine = [r for r in self.rows(acct) if r["subject"] ==
                self.subjects[i]]
        self.assertEqual(len(mine), 1)
        return mine[0]["id"]

    def test_a_list_read_fetch(self):
        for acct in ("alice", "alice-implicit"):
            subjects = [r["subject"] for r in self.rows(acct)]
            for s in self.subjects:
                self.assertIn(s, subjects)
            text = ok(["list", "--protocol", "pop3", "--limit", "0"],
                      acct=acct)
            self.assertIn(self.toks[0], text.stdout.decode())
            for i in range(2):
                n = self.number(i, acct)
                r = js(["read", "--protocol", "pop3", str(n)], acct=acct)
                self.assertEqual(r["subject"], self.subjects[i])
                self.assertEqual(r["text"], self.bodies[i])
                raw = ok(["fetch", "--protocol", "pop3", "--raw", str(n)],
                         acct=acct).stdout
                _, stored = find_file(self.toks[i], ALICE)
                self.assertEqual(raw, stored.replace(b"\n", b"\r\n"))
                self.assertTrue(raw.endswith(self.msgs[i]))

    def test_b_pop_fetch_twice_then_delete(self):
        md = os.path.join(tmp, "pop-Maildir")
        r = js(["pop", "fetch", "--maildir", md], acct="alice")
        self.assertGreaterEqual(r["fetched"], 2)
        got = {}
        for path in glob.glob(os.path.join(md, "new", "*")):
            with open(path, "rb") as f:
                content = f.read()
            for i, t in enumerate(self.toks):
                if t.encode() in content:
                    got[i] = content
        self.assertEqual(sorted(got), [0, 1])
        for i in range(2):
            _, stored = find_file(self.toks[i], ALICE)
            self.assertEqual(got[i].replace(b"\r\n", b"\n"), stored)
        nfiles = len(os.listdir(os.path.join(md, "new")))
        # the second run fetches nothing (UIDLs are remembered per
        # user@host), nor does one over POP3S on the other port
        r = js(["pop", "fetch", "--maildir", md], acct="alice")
        self.assertEqual(r["fetched"], 0)
        r = js(["pop", "fetch", "--maildir", md], acct="alice-implicit")
        self.assertEqual(r["fetched"], 0)
        with open(os.path.join(md, ".mailcli-uidl")) as f:
            keys = {ln.split("\t")[0] for ln in f if ln.strip()}
        self.assertEqual(keys, {ALICE + "@127.0.0.1"})
        self.assertEqual(len(os.listdir(os.path.join(md, "new"))), nfiles)
        # delete over POP3: gone from the server's Maildir
        ok(["delete", "--protocol", "pop3", str(self.number(0))],
           acct="alice")
        subjects = [x["subject"] for x in self.rows()]
        self.assertNotIn(self.subjects[0], subjects)
        self.assertIn(self.subjects[1], subjects)
        self.assertFalse(has_file(self.toks[0], ALICE))
        self.assertTrue(has_file(self.toks[1], ALICE))


def main():
    if not os.access(mailcli_path(), os.X_OK):
        print("SKIP: %s is not built" % mailcli_path())
        return 77
    if shutil.which("openssl") is None:
        print("SKIP: openssl is missing")
        return 77
    if not dovecot_server.pop3_available():
        print("SKIP: Dovecot (dovecot-imapd, dovecot-pop3d) is not "
              "installed, or not root")
        return 77
    if not postfix_server.available():
        print("SKIP: Postfix is not installed, or not root")
        return 77
    prog = unittest.main(exit=False, verbosity=2)
    if not prog.result.wasSuccessful():
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
