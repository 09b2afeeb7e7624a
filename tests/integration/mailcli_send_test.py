#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Integration tests for "mailcli send" and "mailcli sendmail" against
# servers none of us wrote and against tern's smtpd: a throw-away smtpd
# (tern_server.py) for submission with STARTTLS + AUTH and implicit TLS,
# the delivered Maildir file checked byte for byte (body, attachment,
# UTF-8 subject); the self-signed certificate refused without ca_file
# and accepted with it or with --insecure; python3-aiosmtpd as a foreign
# server; sendmail mode with -t -i -f and its exit codes. Exits 77 (skip)
# when smtpd or mailcli is not built.
# Run: tests/integration/mailcli_send_test.py [-v] [Test.name]

import email
import email.policy
import glob
import os
import shutil
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
import tern_server  # noqa: E402
from tern_server import DEMO_PASSWORD, DEMO_USER, DOMAIN  # noqa: E402

EX_USAGE, EX_DATAERR = 64, 65
EX_UNAVAILABLE, EX_TEMPFAIL, EX_PROTOCOL, EX_NOPERM, EX_CONFIG = \
    69, 75, 76, 77, 78
server = None
tmp = None


def mailcli_path():
    return os.environ.get("TERN_MAILCLI") or os.path.join(
        tern_server.builddir(), "mailcli", "mailcli")


def setUpModule():
    global server, tmp
    server = tern_server.TernServer(extra_users=["alice", "bob"])
    server.start()
    tmp = tempfile.mkdtemp(prefix="mailcli-it-")


def tearDownModule():
    if server is not None:
        server.stop()
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)


def write_config(name, body, mode=0o600):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(body)
    os.chmod(path, mode)
    return path


def demo_config(name="demo.conf", port=None, tls="starttls", ca=True,
                extra=""):
    port = port or server.ports["submission"]
    return write_config(name, """\
accounts = (
  {{ name = "demo"; default = true;
    from = "Demo User <{user}>";
    user = "{user}";
    password_command = "cat {data}/demo-password";
    smtp = {{ host = "localhost"; port = {port}; tls = "{tls}"; }};
    {ca}
    {extra}
  }}
);
""".format(user=DEMO_USER, data=server.data, port=port, tls=tls,
           ca='ca_file = "%s";' % server.cert if ca else "", extra=extra))


def mailcli(args, stdin=b"", env=None, config=None):
    cmd = [mailcli_path()]
    if config is not None:
        cmd += ["--config", config]
    e = dict(os.environ)
    for k in list(e):
        if k.startswith("MAILCLI_"):
            del e[k]
    e["HOME"] = tmp
    e.update(env or {})
    return subprocess.run(cmd + list(args), input=stdin,
                          capture_output=True, env=e, timeout=60)


def find_message(tok, user=DEMO_USER, timeout=10):
    """The bytes of the message in user's Maildir holding tok."""
    deadline = time.monotonic() + timeout
    pattern = os.path.join(server.maildir(user), "new", "*")
    while time.monotonic() < deadline:
        for path in glob.glob(pattern):
            with open(path, "rb") as f:
                data = f.read()
            if tok.encode() in data:
                return data
        time.sleep(0.05)
    raise AssertionError("no message with %s in %s" % (tok, pattern))


class Send(unittest.TestCase):
    def test_starttls_auth_body_exact(self):
        tok = uuid.uuid4().hex
        body = ("Hello %s\nline two with trailing space \n"
                "caf\u00e9 \u65e5\u672c\n" % tok).encode()
        r = mailcli(["send", "--to", DEMO_USER, "--subject",
                     "Gr\u00fc\u00dfe %s \u2603" % tok], body,
                    config=demo_config())
        self.assertEqual(r.returncode, 0, r.stderr)
        # the Maildir holds LF lines (the wire's CRLF is checked
        # against aiosmtpd below)
        data = find_message(tok)
        for line in data.split(b"\n"):
            self.assertLessEqual(len(line), 998)
        m = email.message_from_bytes(data, policy=email.policy.default)
        self.assertEqual(m["Subject"], "Gr\u00fc\u00dfe %s \u2603" % tok)
        self.assertEqual(m["From"], "Demo User <%s>" % DEMO_USER)
        self.assertEqual(m.get_content().encode(), body)
        self.assertTrue(m["Message-ID"].startswith("<"))
        self.assertIsNotNone(m["Date"])

    def test_implicit_tls_attachment_exact(self):
        tok = uuid.uuid4().hex
        blob = os.urandom(100000) + b"\x00\r\n.\r\n" + tok.encode()
        path = os.path.join(tmp, "data %s.bin" % tok[:6])
        with open(path, "wb") as f:
            f.write(blob)
        pdf = os.path.join(tmp, "r\u00e9sum\u00e9.pdf")
        with open(pdf, "wb") as f:
            f.write(b"%PDF-1.4\n")
        r = mailcli(["--json", "send", "--to", "Alice <alice@%s>" % DOMAIN,
                     "--cc", DEMO_USER, "--bcc", "bob@" + DOMAIN,
                     "--subject", "attach " + tok, "--attach", path,
                     "--attach", pdf], b"see attached\n",
                    config=demo_config("implicit.conf",
                                       server.ports["submissions"],
                                       "implicit"))
        self.assertEqual(r.returncode, 0, r.stderr)
        import json
        res = json.loads(r.stdout)
        self.assertEqual(sorted(res["recipients"]),
                         sorted(["alice@" + DOMAIN, DEMO_USER,
                                 "bob@" + DOMAIN]))
        self.assertTrue(res["server"].startswith("smtps://"))
        for user in (DEMO_USER, "alice@" + DOMAIN, "bob@" + DOMAIN):
            data = find_message(tok, user)
            m = email.message_from_bytes(data, policy=email.policy.default)
            self.assertIsNone(m["Bcc"])
            self.assertEqual(m["Message-ID"], res["message_id"])
            parts = list(m.iter_attachments())
            self.assertEqual(len(parts), 2)
            self.assertEqual(parts[0].get_filename(), os.path.basename(path))
            self.assertEqual(parts[0].get_content(), blob)
            self.assertEqual(parts[1].get_content_type(), "application/pdf")
            self.assertEqual(parts[1].get_filename(),
                             "r\u00e9sum\u00e9.pdf")
            self.assertEqual(m.get_body(("plain",)).get_content(),
                             "see attached\n")
        # Bcc is in no header of the delivered copies
        data = find_message(tok, DEMO_USER)
        head = data.split(b"\n\n")[0]
        self.assertNotIn(b"Bcc", head)
        self.assertNotIn(b"bob@", head.split(b"\nDate: ")[1])

    def test_long_line_becomes_qp(self):
        tok = uuid.uuid4().hex
        body = (tok + "x" * 5000 + "\n").encode()
        r = mailcli(["send", "--to", DEMO_USER, "--subject", tok], body,
                    config=demo_config())
        self.assertEqual(r.returncode, 0, r.stderr)
        data = find_message(tok)
        m = email.message_from_bytes(data, policy=email.policy.default)
        self.assertEqual(m["Content-Transfer-Encoding"], "quoted-printable")
        self.assertEqual(m.get_content().encode(), body)

    def test_self_signed_refused_without_ca(self):
        r = mailcli(["send", "--to", DEMO_USER, "--subject", "x"], b"x\n",
                    config=demo_config("noca.conf", ca=False))
        self.assertEqual(r.returncode, EX_PROTOCOL, r.stderr)
        self.assertIn(b"certificate", r.stderr)

    def test_insecure_works_and_warns(self):
        tok = uuid.uuid4().hex
        r = mailcli(["--insecure", "send", "--to", DEMO_USER, "--subject",
                     tok], b"insecure\n",
                    config=demo_config("noca2.conf", ca=False))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"WARNING", r.stderr)
        self.assertIn(b"insecure", r.stderr)
        find_message(tok)

    def test_wrong_host_name_refused(self):
        # the certificate names localhost and 127.0.0.1, not 127.0.0.2
        cfg = demo_config("badname.conf").replace("x", "x")
        with open(cfg) as f:
            text = f.read().replace('"localhost"', '"127.0.0.2"')
        cfg = write_config("badname.conf", text)
        r = mailcli(["send", "--to", DEMO_USER, "--subject", "x"], b"x\n",
                    config=cfg)
        self.assertIn(r.returncode, (EX_PROTOCOL, EX_UNAVAILABLE), r.stderr)

    def test_verbose_hides_password(self):
        """-v -v traces the dialogue, not the AUTH payload (sent after
        the server's 334, since libcurl sends no initial response)."""
        import base64
        r = mailcli(["-v", "-v", "send", "--to", DEMO_USER, "--subject",
                     "trace"], b"x\n", config=demo_config())
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"C: AUTH ***", r.stderr)
        plain = b"\0%s\0%s" % (DEMO_USER.encode(), DEMO_PASSWORD.encode())
        for secret in (DEMO_PASSWORD.encode(), base64.b64encode(plain),
                       base64.b64encode(DEMO_PASSWORD.encode())):
            self.assertNotIn(secret, r.stderr)

    def test_wrong_password(self):
        r = mailcli(["send", "--to", DEMO_USER, "--subject", "x"], b"x\n",
                    config=demo_config(), env={"MAILCLI_PASSWORD": "nope"})
        self.assertEqual(r.returncode, EX_NOPERM, r.stderr)
        self.assertIn(b"535", r.stderr)

    def test_unknown_recipient_shows_reply(self):
        r = mailcli(["send", "--to", "nobody@" + DOMAIN, "--subject", "x"],
                    b"x\n", config=demo_config())
        self.assertEqual(r.returncode, EX_DATAERR, r.stderr)
        # the refusal's text, not the reply to the QUIT that follows
        self.assertIn(b"550 5.1.1", r.stderr)
        self.assertNotIn(b"221", r.stderr)

    def test_no_server(self):
        r = mailcli(["send", "--to", DEMO_USER, "--subject", "x"], b"x\n",
                    config=demo_config("closed.conf",
                                       tern_server.free_port()))
        self.assertEqual(r.returncode, EX_UNAVAILABLE, r.stderr)

    def test_config_readable_with_password_refused(self):
        cfg = demo_config("open.conf", extra="").replace("x", "x")
        with open(cfg) as f:
            text = f.read().replace(
                'password_command = "cat %s/demo-password";' % server.data,
                'password = "%s";' % DEMO_PASSWORD)
        cfg = write_config("open.conf", text, 0o644)
        r = mailcli(["send", "--to", DEMO_USER, "--subject", "x"], b"x\n",
                    config=cfg)
        self.assertEqual(r.returncode, EX_CONFIG, r.stderr)
        self.assertIn(b"chmod 600", r.stderr)
        os.chmod(cfg, 0o600)
        tok = uuid.uuid4().hex
        r = mailcli(["send", "--to", DEMO_USER, "--subject", tok], b"x\n",
                    config=cfg)
        self.assertEqual(r.returncode, 0, r.stderr)
        find_message(tok)

    def test_environment_and_netrc(self):
        """No config file: MAILCLI_* and a ~/.netrc say everything."""
        tok = uuid.uuid4().hex
        netrc = os.path.join(tmp, "netrc")
        with open(netrc, "w") as f:
            f.write("machine localhost login %s password %s\n"
                    % (DEMO_USER, DEMO_PASSWORD))
        os.chmod(netrc, 0o600)
        r = mailcli(["send", "--to", DEMO_USER, "--subject", tok], b"env\n",
                    env={"MAILCLI_HOST": "localhost",
                         "MAILCLI_SMTP_PORT": str(server.ports["submission"]),
                         "MAILCLI_USER": DEMO_USER,
                         "MAILCLI_CA_FILE": server.cert,
                         "NETRC": netrc,
                         "XDG_CONFIG_HOME": os.path.join(tmp, "none")})
        self.assertEqual(r.returncode, 0, r.stderr)
        m = email.message_from_bytes(find_message(tok))
        self.assertEqual(m["From"], DEMO_USER)

    def test_t_takes_recipients_and_drops_bcc(self):
        tok = uuid.uuid4().hex
        msg = ("To: alice@{d}\nBcc: bob@{d}\nSubject: t {t}\n\n"
               "body {t}\n").format(d=DOMAIN, t=tok).encode()
        r = mailcli(["send", "-t"], msg, config=demo_config())
        self.assertEqual(r.returncode, 0, r.stderr)
        for user in ("alice@" + DOMAIN, "bob@" + DOMAIN):
            data = find_message(tok, user)
            self.assertNotIn(b"Bcc:", data)
            m = email.message_from_bytes(data)
            self.assertEqual(m["From"], "Demo User <%s>" % DEMO_USER)

    def test_usage_errors(self):
        r = mailcli(["send", "--subject", "x"], b"x\n", config=demo_config())
        self.assertEqual(r.returncode, EX_USAGE)
        r = mailcli(["send", "--to", "not an address"], b"x\n",
                    config=demo_config())
        self.assertEqual(r.returncode, EX_USAGE)
        r = mailcli(["send", "--help"])
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"--attach", r.stdout)


class Sendmail(unittest.TestCase):
    def test_t_i_f(self):
        tok = uuid.uuid4().hex
        msg = ("To: alice@{d}\nSubject: cron {t}\n\n.\nline after a dot\n"
               ).format(d=DOMAIN, t=tok).encode()
        r = mailcli(["sendmail", "-t", "-i", "-f", DEMO_USER], msg,
                    config=demo_config())
        self.assertEqual(r.returncode, 0, r.stderr)
        m = email.message_from_bytes(find_message(tok, "alice@" + DOMAIN))
        self.assertEqual(m.get_payload(), ".\nline after a dot\n")
        self.assertIsNotNone(m["Date"])
        self.assertIsNotNone(m["Message-ID"])

    def test_dot_ends_without_i(self):
        tok = uuid.uuid4().hex
        msg = ("Subject: dot {t}\n\nbefore\n.\nafter\n").format(
            t=tok).encode()
        r = mailcli(["sendmail", "-oem", "bob@" + DOMAIN], msg,
                    config=demo_config())
        self.assertEqual(r.returncode, 0, r.stderr)
        data = find_message(tok, "bob@" + DOMAIN)
        self.assertIn(b"\n\nbefore\n", data)
        self.assertNotIn(b"after", data)

    def test_named_sendmail(self):
        """A link called sendmail behaves as "mailcli sendmail"."""
        link = os.path.join(tmp, "sendmail")
        if not os.path.exists(link):
            os.symlink(mailcli_path(), link)
        tok = uuid.uuid4().hex
        cfgdir = os.path.join(tmp, "xdg", "mailcli")
        os.makedirs(cfgdir, exist_ok=True)
        shutil.copy(demo_config(), os.path.join(cfgdir, "config"))
        os.chmod(os.path.join(cfgdir, "config"), 0o600)
        e = dict(os.environ, HOME=tmp,
                 XDG_CONFIG_HOME=os.path.join(tmp, "xdg"))
        r = subprocess.run([link, "-t"], input=(
            "To: %s\nSubject: link %s\n\nhi\n" % (DEMO_USER, tok)).encode(),
            capture_output=True, env=e, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        find_message(tok)

    def test_exit_codes(self):
        r = mailcli(["sendmail", "nobody@" + DOMAIN], b"Subject: x\n\nx\n",
                    config=demo_config())
        self.assertEqual(r.returncode, EX_DATAERR, r.stderr)
        r = mailcli(["sendmail"], b"Subject: x\n\nx\n", config=demo_config())
        self.assertEqual(r.returncode, EX_USAGE, r.stderr)
        r = mailcli(["sendmail", "-bs"], b"", config=demo_config())
        self.assertEqual(r.returncode, EX_USAGE, r.stderr)
        r = mailcli(["sendmail", DEMO_USER], b"Subject: x\n\nx\n",
                    config=demo_config("closed2.conf",
                                       tern_server.free_port()))
        self.assertEqual(r.returncode, EX_UNAVAILABLE, r.stderr)


def have_aiosmtpd():
    try:
        import aiosmtpd  # noqa: F401
        return True
    except ImportError:
        return False


@unittest.skipUnless(have_aiosmtpd(), "python3-aiosmtpd is not installed")
class Aiosmtpd(unittest.TestCase):
    """A foreign SMTP server (no TLS: tls = "none", no user) receives."""

    def test_receive(self):
        from aiosmtpd.controller import Controller

        got = []

        class Handler:
            async def handle_DATA(self, srv, session, envelope):
                got.append(envelope)
                return "250 OK"

        port = tern_server.free_port()
        c = Controller(Handler(), hostname="127.0.0.1", port=port)
        c.start()
        try:
            cfg = write_config("aio.conf", """\
accounts = ( { name = "aio"; from = "Sender <sender@example.org>";
  smtp = { host = "127.0.0.1"; port = %d; tls = "none"; }; } );
""" % port)
            tok = uuid.uuid4().hex
            body = "unicode \u00e9 %s\n" % tok
            r = mailcli(["send", "--to", "a@example.net", "--cc",
                         "b@example.net", "--bcc", "c@example.net",
                         "--subject", "\u00e9t\u00e9 " + tok],
                        body.encode(), config=cfg)
            self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            c.stop()
        self.assertEqual(len(got), 1)
        env = got[0]
        self.assertEqual(env.mail_from, "sender@example.org")
        self.assertEqual(sorted(env.rcpt_tos),
                         ["a@example.net", "b@example.net", "c@example.net"])
        m = email.message_from_bytes(env.original_content,
                                     policy=email.policy.default)
        self.assertEqual(m["Subject"], "\u00e9t\u00e9 " + tok)
        self.assertIsNone(m["Bcc"])
        self.assertEqual(m.get_content().replace("\r\n", "\n"), body)
        # on the wire: CRLF only, no line over 998 octets
        raw = env.original_content
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""))
        self.assertNotIn(b"\r", raw.replace(b"\r\n", b""))
        for line in raw.split(b"\r\n"):
            self.assertLessEqual(len(line), 998)


def main():
    for prog in (tern_server.smtpd_path(), mailcli_path()):
        if not os.access(prog, os.X_OK):
            print("SKIP: %s is not built" % prog)
            return 77
    if shutil.which("openssl") is None:
        print("SKIP: openssl is missing")
        return 77
    prog = unittest.main(exit=False, verbosity=2)
    if not prog.result.wasSuccessful():
        if server is not None:
            print("smtpd log (tail):\n" + server.log_text(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
