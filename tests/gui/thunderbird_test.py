#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# The Thunderbird check, automated: a real Thunderbird (Debian's
# "thunderbird" package) under Xvfb against a throw-away smtpd + imapd.
#
#  1. smtpd and imapd (with -d: the protocol trace) on free loopback
#     ports and a fresh data dir; a test CA signs the server certificate.
#  2. Four messages by smtplib: different senders, subjects and dates, one
#     with an attachment.
#  3. A fresh profile: user.js with the IMAP account (STARTTLS, normal
#     password) and a second one for Alice on the implicit-TLS port
#     (imaps), first-run pages, telemetry, updates and remote content
#     off; the test CA in cert9.db (certutil); the password in logins.json,
#     encrypted with the profile's own key4.db (NSS SDR, empty primary
#     password) as Thunderbird itself stores it. Auth is never weakened.
#  4. Thunderbird under Xvfb (-displayfd: the first free display), with
#     MOZ_LOG=IMAP:5 (what it sent and read). Checks: login after
#     STARTTLS, and Alice's over imaps with her INBOX synced; LIST ...
#     RETURN (SPECIAL-USE) and the five special uses read; SELECT INBOX; the header FETCH brings every sender and
#     subject. A click on the Inbox row, then "n" (next unread) opens the
#     newest message: UID FETCH BODY[] (not PEEK) and \Seen in the
#     Maildir; Delete moves it to Trash (Maildir, and SEARCH over IMAP).
#     No BAD in either log, no alert window (each one is screenshotted
#     and closed).
#  5. Ctrl+Q, then Thunderbird's own databases (.msf, Mork): the folder
#     flags of Inbox/Drafts/Sent/Trash/Junk/Archive (what the folder pane
#     shows), and per INBOX row the sender, subject, date and attachment
#     flag (what the message list shows).
#
# Screenshots (1-inbox, 2-opened, 3-deleted, alert-N) and both sides'
# logs go to <builddir>/tests/gui/run-<time>/ and are printed; none is
# committed. Exit 0 when every check passed, 1 when one failed, 77 when a
# tool or a daemon is missing, TERN_SKIP_GUI=1 is set, or the only
# failures are commands imapd answers "NO [CANNOT] ... not implemented"
# (reported PENDING). Every process is stopped by its PID (Thunderbird
# with its own process group). About 30 s.
# Run: make check-gui, or tests/gui/thunderbird_test.py [--keep]

import base64
import calendar
import ctypes
import imaplib
import json
import os
import re
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from email.message import EmailMessage
from email.utils import formatdate

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "integration"))
import tern_server  # noqa: E402
from tern_server import DEMO_PASSWORD, DEMO_USER  # noqa: E402

TB = os.environ.get("TERN_THUNDERBIRD", "/usr/lib/thunderbird/thunderbird")
TOOLS = ("Xvfb", "xdotool", "certutil", "import", "openssl")
SCREEN = "1280x900x24"

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

# Sender display name, address, subject, date (UTC), attachment name.
MESSAGES = [
    ("Alice Archer", "alice@remote.example", "Quarterly figures",
     (2026, 11, 2, 9, 15), None),
    ("Bob Baker", "bob@other.example", "Lunch on Friday?",
     (2026, 11, 5, 12, 30), None),
    ("Carol Chen", "carol@third.example", "Re: Build failures on arm64",
     (2026, 11, 10, 17, 45), "figures.csv"),
    ("Dave Dunn", "dave@fourth.example", "Minutes of the Tuesday meeting",
     (2026, 11, 17, 8, 5), None),
]


def log(msg):
    print("gui: %s" % msg, flush=True)


def imapd_path():
    return os.environ.get("TERN_IMAPD") or os.path.join(
        tern_server.builddir(), "imapd", "imapd")


def missing_prereqs():
    miss = [t for t in TOOLS if shutil.which(t) is None]
    if not os.access(TB, os.X_OK):
        miss.append(TB)
    for p in (imapd_path(), tern_server.smtpd_path()):
        if not os.access(p, os.X_OK):
            miss.append(p)
    return miss


# ---------------------------------------------------------------- results

class Results:
    """PASS / FAIL / PENDING per check, printed as a table at the end."""

    def __init__(self):
        self.rows = []

    def add(self, name, status, detail=""):
        self.rows.append((name, status, detail))
        log("%-7s %s%s" % (status, name, (": " + detail) if detail else ""))

    def check(self, name, ok, detail="", pending=None):
        """ok: PASS; else PENDING when pending names the missing
        command, else FAIL."""
        if ok:
            self.add(name, "PASS", detail)
        elif pending:
            self.add(name, "PENDING", "needs %s (%s)" % (pending, detail))
        else:
            self.add(name, "FAIL", detail)
        return ok

    def status(self):
        s = {r[1] for r in self.rows}
        if "FAIL" in s:
            return 1
        if "PENDING" in s:
            return 77
        return 0

    def summary(self):
        print("\nThunderbird check summary:")
        for name, st, detail in self.rows:
            print("  %-7s %s" % (st, name))
        n = {k: sum(1 for r in self.rows if r[1] == k)
             for k in ("PASS", "FAIL", "PENDING")}
        print("  %d passed, %d failed, %d pending" % (
            n["PASS"], n["FAIL"], n["PENDING"]))


# ---------------------------------------------------------------- servers

def make_ca_and_cert(tlsdir):
    """A test CA and a server certificate for 127.0.0.1 signed by it:
    NSS does not take a self-signed CA certificate as the server's own,
    so the profile trusts the CA and the server shows the leaf."""
    def run(*args):
        subprocess.run(args, check=True, capture_output=True, cwd=tlsdir)
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
        "-subj", "/CN=tern test CA", "-keyout", "ca.key", "-out", "ca.pem")
    run("openssl", "req", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=127.0.0.1",
        "-keyout", "key.pem", "-out", "leaf.csr")
    with open(os.path.join(tlsdir, "leaf.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=serverAuth\n"
                "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n")
    run("openssl", "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem",
        "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
        "-extfile", "leaf.ext", "-out", "leaf.pem")
    with open(os.path.join(tlsdir, "cert.pem"), "w") as f:
        for name in ("leaf.pem", "ca.pem"):
            with open(os.path.join(tlsdir, name)) as g:
                f.write(g.read())
    os.chmod(os.path.join(tlsdir, "key.pem"), 0o600)


class Imapd:
    def __init__(self, server):
        self.server = server
        self.ports = {"imap": tern_server.free_port(),
                      "imaps": tern_server.free_port()}
        with open(server.conf, "a") as f:
            f.write(IMAPD_GROUP.format(**self.ports))
        self.log_path = os.path.join(server.data, "imapd.log")
        self.proc = None

    def start(self):
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [imapd_path(), "-d", "-c", self.server.conf, "--data",
             self.server.data], stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        for port in self.ports.values():
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError("imapd exited: %s\n%s" % (
                        self.proc.returncode, self.text()[-3000:]))
                try:
                    socket.create_connection(("127.0.0.1", port), 1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)

    def text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None:
            self.log.close()
        self.proc = None

# Alice reads over implicit TLS (imaps); tern_server gives extra users
# this password.
ALICE_USER = "alice@" + DEMO_USER.split("@")[1]
ALICE_PASSWORD = "other-secret"
ALICE_SUBJECT = "For Alice over imaps"

# Delivered while Thunderbird IDLEs in the INBOX.
LATE = ("Erin Evans", "erin@fifth.example", "Arrived during IDLE",
        (2026, 11, 20, 14, 0), None)


def deliver(server, messages=MESSAGES, to=DEMO_USER):
    with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=10) as s:
        for name, addr, subject, date, attach in messages:
            m = EmailMessage()
            m["From"] = "%s <%s>" % (name, addr)
            m["To"] = "Demo <%s>" % to
            m["Subject"] = subject
            m["Date"] = formatdate(calendar.timegm(date + (0,)))
            m["Message-ID"] = "<%s@%s>" % (uuid.uuid4().hex,
                                           addr.split("@")[1])
            m.set_content("Hello Demo,\n\nthis is %s writing about "
                          "\"%s\".\n\n-- \n%s\n" % (name, subject, name))
            if attach:
                m.add_attachment("quarter,revenue\nQ3,1200\nQ4,1350\n",
                                 subtype="csv", filename=attach)
            s.send_message(m)


# ---------------------------------------------------------------- profile

class SECItem(ctypes.Structure):
    _fields_ = [("type", ctypes.c_uint), ("data", ctypes.c_void_p),
                ("len", ctypes.c_uint)]


def sdr_encrypt(profile, values):
    """Encrypt each string with the profile's key4.db (NSS Secret
    Decoder Ring, empty primary password), base64, as logins.json has
    them. Uses the system libnss3, as certutil does."""
    nss = ctypes.CDLL("libnss3.so")
    nss.PK11_GetInternalKeySlot.restype = ctypes.c_void_p
    nss.PK11_NeedUserInit.argtypes = [ctypes.c_void_p]
    nss.PK11_InitPin.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                 ctypes.c_char_p]
    nss.PK11_Authenticate.argtypes = [ctypes.c_void_p, ctypes.c_int,
                                      ctypes.c_void_p]
    nss.PK11_FreeSlot.argtypes = [ctypes.c_void_p]
    nss.PK11SDR_Encrypt.argtypes = [ctypes.POINTER(SECItem)] * 3 + [
        ctypes.c_void_p]
    nss.SECITEM_ZfreeItem.argtypes = [ctypes.POINTER(SECItem), ctypes.c_int]
    if nss.NSS_InitReadWrite(("sql:" + profile).encode()) != 0:
        raise RuntimeError("NSS_InitReadWrite(%s) failed" % profile)
    out = []
    try:
        slot = nss.PK11_GetInternalKeySlot()
        if nss.PK11_NeedUserInit(slot):
            nss.PK11_InitPin(slot, None, b"")
        if nss.PK11_Authenticate(slot, 1, None) != 0:
            raise RuntimeError("PK11_Authenticate failed")
        for v in values:
            raw = v.encode()
            buf = ctypes.create_string_buffer(raw, len(raw))
            data = SECItem(0, ctypes.cast(buf, ctypes.c_void_p), len(raw))
            keyid = SECItem(0, None, 0)
            res = SECItem(0, None, 0)
            if nss.PK11SDR_Encrypt(ctypes.byref(keyid), ctypes.byref(data),
                                   ctypes.byref(res), None) != 0:
                raise RuntimeError("PK11SDR_Encrypt failed")
            out.append(base64.b64encode(ctypes.string_at(
                res.data, res.len)).decode())
            nss.SECITEM_ZfreeItem(ctypes.byref(res), 0)
        nss.PK11_FreeSlot(slot)
    finally:
        nss.NSS_Shutdown()
    return out


def user_js(imap_port, smtp_port, imaps_port):
    p = {
        # The account: IMAP with STARTTLS, normal password.
        "mail.accountmanager.accounts": "account1,account2,account3",
        "mail.accountmanager.defaultaccount": "account1",
        "mail.accountmanager.localfoldersserver": "server2",
        "mail.account.account1.server": "server1",
        "mail.account.account1.identities": "id1",
        "mail.account.account2.server": "server2",
        "mail.server.server1.type": "imap",
        "mail.server.server1.hostname": "127.0.0.1",
        "mail.server.server1.port": imap_port,
        "mail.server.server1.socketType": 2,
        "mail.server.server1.authMethod": 3,
        "mail.server.server1.userName": DEMO_USER,
        "mail.server.server1.name": "tern demo",
        "mail.server.server1.directory-rel": "[ProfD]ImapMail/127.0.0.1",
        "mail.server.server1.login_at_startup": True,
        "mail.server.server1.check_new_mail": True,
        "mail.server.server1.check_time": 1,
        "mail.server.server1.delete_model": 1,
        "mail.server.server1.trash_folder_name": "Trash",
        # Bodies only when a message is opened: the open must show as
        # a UID FETCH BODY[] in the trace.
        "mail.server.server1.autosync_offline_stores": False,
        "mail.server.server1.offline_download": False,
        "mail.server.default.autosync_offline_stores": False,
        "mail.server.default.offline_download": False,
        "mail.server.default.check_new_mail": True,
        "mail.imap.expunge_after_delete": True,
        "mail.server.server2.type": "none",
        "mail.server.server2.hostname": "Local Folders",
        "mail.server.server2.userName": "nobody",
        "mail.server.server2.name": "Local Folders",
        "mail.server.server2.directory-rel": "[ProfD]Mail/Local Folders",
        # A second account, Alice's, on the implicit-TLS port (imaps,
        # socketType 3): both ways into TLS are covered, and it syncs
        # beside the first without touching Demo's folders.
        "mail.account.account3.server": "server3",
        "mail.account.account3.identities": "id2",
        "mail.identity.id2.fullName": "Alice",
        "mail.identity.id2.useremail": ALICE_USER,
        "mail.identity.id2.valid": True,
        "mail.identity.id2.smtpServer": "smtp1",
        "mail.server.server3.type": "imap",
        "mail.server.server3.hostname": "127.0.0.1",
        "mail.server.server3.port": imaps_port,
        "mail.server.server3.socketType": 3,
        "mail.server.server3.authMethod": 3,
        "mail.server.server3.userName": ALICE_USER,
        "mail.server.server3.name": "tern alice imaps",
        "mail.server.server3.directory-rel": "[ProfD]ImapMail/imaps",
        "mail.server.server3.login_at_startup": True,
        "mail.server.server3.check_new_mail": True,
        "mail.server.server3.check_time": 1,
        "mail.server.server3.autosync_offline_stores": False,
        "mail.server.server3.offline_download": False,
        "mail.identity.id1.fullName": "Demo",
        "mail.identity.id1.useremail": DEMO_USER,
        "mail.identity.id1.valid": True,
        "mail.identity.id1.smtpServer": "smtp1",
        "mail.smtpservers": "smtp1",
        "mail.smtp.defaultserver": "smtp1",
        "mail.smtpserver.smtp1.hostname": "127.0.0.1",
        "mail.smtpserver.smtp1.port": smtp_port,
        "mail.smtpserver.smtp1.try_ssl": 2,
        "mail.smtpserver.smtp1.authMethod": 3,
        "mail.smtpserver.smtp1.username": DEMO_USER,
        # No first-run wizard, account hub, start page, what's new,
        # donation appeal, default-client question, telemetry, updates,
        # remote content, indexing or network look-ups.
        "mail.provider.enabled": False,
        "mail.accounthub.enabled": False,
        "mail.startup.enabledMailCheckOnce": True,
        "mailnews.start_page.enabled": False,
        "mailnews.start_page.url": "about:blank",
        "mailnews.start_page_override.mstone": "ignore",
        "browser.startup.homepage_override.mstone": "ignore",
        "app.donation.eoy.version.viewed": 999,
        "mail.inappnotifications.enabled": False,
        "mail.shell.checkDefaultClient": False,
        "mail.rights.override": True,
        "mail.winsearch.firstRunDone": True,
        "mail.spotlight.firstRunDone": True,
        "app.update.disabledForTesting": True,
        "app.update.auto": False,
        "app.update.enabled": False,
        "extensions.update.enabled": False,
        "extensions.getAddons.cache.enabled": False,
        "datareporting.policy.dataSubmissionEnabled": False,
        "datareporting.healthreport.uploadEnabled": False,
        "datareporting.policy.firstRunURL": "",
        "toolkit.telemetry.enabled": False,
        "toolkit.telemetry.unified": False,
        "toolkit.telemetry.server": "",
        "toolkit.startup.max_resumed_crashes": -1,
        "app.normandy.enabled": False,
        "services.settings.server": "http://127.0.0.1:9/",
        "network.connectivity-service.enabled": False,
        "network.captive-portal-service.enabled": False,
        "browser.safebrowsing.malware.enabled": False,
        "browser.safebrowsing.phishing.enabled": False,
        "mail.phishing.detection.enabled": False,
        "mailnews.message_display.disable_remote_image": True,
        "mailnews.database.global.indexer.enabled": False,
        "mail.biff.show_alert": False,
        "mail.biff.show_tray_icon": False,
        "mail.biff.use_system_alert": False,
        "mail.cloud_files.enabled": False,
        "calendar.integration.notify": False,
        "signon.rememberSignons": True,
        "ui.prefersReducedMotion": 1,
        # Classic layout, message list as a table: sender, subject,
        # date and attachment columns side by side in the screenshots.
        "mail.pane_config.dynamic": 0,
        "mail.threadpane.listview": 1,
        "security.sandbox.content.level": 0,
    }
    lines = []
    for k, v in p.items():
        lines.append("user_pref(%s, %s);" % (json.dumps(k), json.dumps(v)))
    return "\n".join(lines) + "\n"


def make_profile(profile, ca_pem, imap_port, smtp_port, imaps_port):
    os.makedirs(profile)
    pw = os.path.join(profile, ".empty-pw")
    with open(pw, "w") as f:
        f.write("\n")
    subprocess.run(["certutil", "-N", "-d", "sql:" + profile, "-f", pw],
                   check=True, capture_output=True)
    os.unlink(pw)
    subprocess.run(["certutil", "-A", "-d", "sql:" + profile, "-n",
                    "tern test CA", "-t", "C,,", "-i", ca_pem],
                   check=True, capture_output=True)
    now = int(time.time() * 1000)
    logins = []
    for i, (origin, user, pw) in enumerate((
            ("imap://127.0.0.1", DEMO_USER, DEMO_PASSWORD),
            ("smtp://127.0.0.1", DEMO_USER, DEMO_PASSWORD),
            ("imap://127.0.0.1", ALICE_USER, ALICE_PASSWORD))):
        eu, ep = sdr_encrypt(profile, [user, pw])
        logins.append({
            "id": i + 1, "hostname": origin, "httpRealm": origin,
            "formSubmitURL": None, "usernameField": "",
            "passwordField": "", "encryptedUsername": eu,
            "encryptedPassword": ep, "guid": "{%s}" % uuid.uuid4(),
            "encType": 1, "timeCreated": now, "timeLastUsed": now,
            "timePasswordChanged": now, "timesUsed": 0,
            "syncCounter": 0, "everSynced": False,
            "encryptedUnknownFields": None})
    with open(os.path.join(profile, "logins.json"), "w") as f:
        json.dump({"nextId": len(logins) + 1, "logins": logins,
                   "potentiallyVulnerablePasswords": [],
                   "dismissedBreachAlertsByLoginGUID": {},
                   "version": 3}, f)
    with open(os.path.join(profile, "user.js"), "w") as f:
        f.write(user_js(imap_port, smtp_port, imaps_port))


# ---------------------------------------------------------------- X

class Display:
    """Xvfb on the first free display (-displayfd), stopped by PID."""

    def __init__(self, logdir):
        self.logdir = logdir
        self.proc = None
        self.name = None

    def start(self):
        r, w = os.pipe()
        self.log = open(os.path.join(self.logdir, "xvfb.log"), "wb")
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(w), "-screen", "0", SCREEN,
             "-nolisten", "tcp"],
            pass_fds=(w,), stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT)
        os.close(w)
        num = b""
        deadline = time.monotonic() + 20
        while not num.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(r, 16)
            if not chunk:
                break
            num += chunk
        os.close(r)
        if not num.strip():
            raise RuntimeError("Xvfb did not start")
        self.name = ":" + num.decode().strip()
        return self.name

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class Thunderbird:
    def __init__(self, profile, display, logdir, home):
        self.profile = profile
        self.display = display
        self.logdir = logdir
        self.home = home
        self.proc = None

    def env(self):
        e = dict(os.environ)
        e.update(DISPLAY=self.display, HOME=self.home,
                 XDG_CONFIG_HOME=os.path.join(self.home, ".config"),
                 XDG_CACHE_HOME=os.path.join(self.home, ".cache"),
                 MOZ_CRASHREPORTER_DISABLE="1",
                 MOZ_DISABLE_AUTO_SAFE_MODE="1",
                 MOZ_LOG="IMAP:5,timestamp,sync",
                 MOZ_LOG_FILE=os.path.join(self.logdir, "thunderbird-imap"),
                 LANG="en_US.UTF-8", LC_ALL="C.UTF-8",
                 NO_AT_BRIDGE="1")
        e.pop("WAYLAND_DISPLAY", None)
        e.pop("DBUS_SESSION_BUS_ADDRESS", None)
        return e

    def start(self):
        self.log = open(os.path.join(self.logdir, "thunderbird.log"), "wb")
        # Its own process group, so its helper processes can be stopped
        # with it (by this PID only).
        self.proc = subprocess.Popen(
            [TB, "--profile", self.profile, "--no-remote"],
            env=self.env(), stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def quit(self, win, timeout=20):
        """Ctrl+Q, as a user quits: Thunderbird writes its folder
        databases (.msf) on the way out."""
        if self.alive() and win:
            xdo(self.display, "windowfocus", win)
            xdo(self.display, "key", "--window", win, "ctrl+q")
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        return not self.alive()

    def stop(self):
        if self.proc is None:
            return
        pgid = self.proc.pid
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        try:
            os.killpg(pgid, signal.SIGKILL)   # leftovers of that group
        except ProcessLookupError:
            pass
        self.log.close()
        self.proc = None


def xdo(display, *args, check=False):
    r = subprocess.run(["xdotool"] + list(args), capture_output=True,
                       env=dict(os.environ, DISPLAY=display), timeout=20)
    if check and r.returncode != 0:
        raise RuntimeError("xdotool %s: %s" % (args, r.stderr.decode()))
    return r.stdout.decode().strip()


def screenshot(display, path):
    subprocess.run(["import", "-display", display, "-window", "root", path],
                   check=True, capture_output=True, timeout=30)
    log("screenshot %s" % path)
    return path


def main_window(display, timeout=60):
    """The Thunderbird 3-pane window id, once mapped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = xdo(display, "search", "--onlyvisible", "--name",
                  "Thunderbird")
        ids = [w for w in out.split() if w]
        if ids:
            return ids[-1]
        time.sleep(0.5)
    return None


# ---------------------------------------------------------------- traces

def unescape(s):
    return re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)),
                  s)


class Trace:
    """Both sides' protocol logs. imapd -d logs "<session>: trace C: ..."
    and "trace S: ..."; Thunderbird (MOZ_LOG=IMAP:5) logs "SendData: ..."
    and every line it received ("CreateNewLineFromSocket: ..."). The
    imapd trace names the commands and their tagged replies; the client
    log has what Thunderbird really read (imapd's trace leaves out LIST
    data lines)."""

    IMAPD_RE = re.compile(r"^\S+: (\S+): trace ([CS]): ?(.*)$")
    TB_RE = re.compile(r"I/IMAP (\w+):[^:\s]*:[^:\s]*:"
                       r"(SendData|CreateNewLineFromSocket): ?(.*)$")

    def __init__(self, imapd, tb_log):
        self.imapd = imapd
        self.tb_log = tb_log

    def server_side(self):
        """(session, "C"|"S", line) from imapd's trace."""
        out = []
        for line in self.imapd.text().splitlines():
            m = self.IMAPD_RE.match(line)
            if m:
                out.append((m.group(1), m.group(2), unescape(m.group(3))))
        return out

    def client_side(self):
        """(connection, "C"|"S", line) from Thunderbird's log."""
        out = []
        try:
            with open(self.tb_log, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return out
        for line in text.splitlines():
            m = self.TB_RE.search(line)
            if m:
                out.append((m.group(1), "C" if m.group(2) == "SendData"
                            else "S", m.group(3).rstrip("\r")))
        return out

    def commands(self, word):
        """(session, line) of client commands named word ("UID" skipped),
        any case."""
        res = []
        for sess, d, line in self.server_side():
            parts = line.split(None, 3)
            if d != "C" or len(parts) < 2:
                continue
            cmd = parts[1].upper()
            if cmd == "UID" and len(parts) > 2:
                cmd = parts[2].upper()
            if cmd == word.upper():
                res.append((sess, line))
        return res

    def reply(self, sess, line):
        """The tagged reply to that command in that session, or None."""
        tag = line.split(None, 1)[0]
        seen = False
        for s, d, l in self.server_side():
            if s != sess:
                continue
            if d == "C" and l == line:
                seen = True
            elif seen and d == "S" and l.startswith(tag + " "):
                return l
        return None

    def answered(self, word, status="OK", pred=None):
        """The first command named word (matching pred) answered
        status, as (line, reply), or None."""
        for sess, line in self.commands(word):
            if pred is not None and not pred(line):
                continue
            r = self.reply(sess, line)
            if r is not None and r.split(None, 2)[1:2] == [status]:
                return line, r
        return None

    def implicit_tls_sessions(self):
        """Sessions that connected to the implicit-TLS listener."""
        return [m.group(1) for m in re.finditer(
            r"(?m)^\S+: (\S+): connect client=\S+ listener=imaps tls=yes",
            self.imapd.text())]

    def answered_in(self, sess, word, status="OK", pred=None):
        """Like answered(), in one session."""
        for s, line in self.commands(word):
            if s != sess or (pred is not None and not pred(line)):
                continue
            r = self.reply(s, line)
            if r is not None and r.split(None, 2)[1:2] == [status]:
                return line, r
        return None

    def not_implemented(self, *words):
        """The first of words imapd answered NO [CANNOT] ... not
        implemented, or None."""
        for w in words:
            for sess, line in self.commands(w):
                r = self.reply(sess, line) or ""
                if "[CANNOT]" in r and "not implemented" in r:
                    return w
        return None

    def received(self):
        """Every line Thunderbird read from imapd, as one string."""
        return "\n".join(l for _, d, l in self.client_side() if d == "S")

    def subjects(self):
        """{UID: Subject} from the FETCH data Thunderbird read on Demo's
        connections (Alice's imaps account has UIDs of its own)."""
        by_conn = {}
        for conn, d, line in self.client_side():
            if d == "S":
                by_conn.setdefault(conn, []).append(line)
        lines = [ln for ls in by_conn.values()
                 if not any(ALICE_SUBJECT in ln for ln in ls) for ln in ls]
        out = {}
        uid = None
        for line in lines:
            m = re.match(r"\* \d+ FETCH \(.*\bUID (\d+)", line, re.I)
            if m:
                uid = int(m.group(1))
            elif uid is not None and line.lower().startswith("subject: "):
                out.setdefault(uid, line[9:].strip())
        return out

    def bads(self):
        both = [l for _, d, l in self.server_side() if d == "S"] + \
            [l for _, d, l in self.client_side() if d == "S"]
        return sorted({l for l in both if re.match(r"\S+ BAD\b", l)})

    def refusals(self):
        """Tagged NO replies imapd gave, with their commands."""
        out = []
        last = {}
        for sess, d, l in self.server_side():
            if d == "C":
                last[(sess, l.split(None, 1)[0])] = l
            elif re.match(r"\S+ NO\b", l) and not l.startswith("* "):
                cmd = last.get((sess, l.split(None, 1)[0]), "?")
                out.append("%s -> %s" % (cmd, l))
        return out


def sanitizer_report(path):
    """The first lines of an ASan/UBSan report in a log, or None."""
    try:
        with open(path, "rb") as f:
            text = f.read()
    except OSError:
        return None
    m = re.search(rb"ERROR: (Address|Leak|Memory)Sanitizer|runtime error: ",
                  text)
    if m is None:
        return None
    start = text.rfind(b"\n", 0, m.start()) + 1
    return text[start:start + 2000].decode("utf-8", "replace")


# ---------------------------------------------------------------- mork

MSG_READ = 0x1
MSG_HAS_RE = 0x10
MSG_ATTACHMENT = 0x10000000
FOLDER_FLAGS = {"Inbox": 0x1000, "Drafts": 0x400, "Sent": 0x200,
                "Trash": 0x100, "Junk": 0x40000000, "Archive": 0x4000}
TOKEN_RE = re.compile(r"""
    (?P<meta><\s*\(a=c\)\s*>)
  | (?P<dstart><)
  | (?P<dend>>)
  | (?P<tmeta>\{\([^}]*\})
  | (?P<tstart>\{-?([0-9A-Fa-f]+)(?::(\^?[0-9A-Za-z:]+))?)
  | (?P<tend>\})
  | (?P<rstart>\[(-?)([0-9A-Fa-f]+)(?::(\^?[0-9A-Za-z:]+))?)
  | (?P<rend>\])
  | (?P<cell>\(((?:\\.|[^)\\])*)\))
""", re.X | re.S)


def mork_value(v):
    v = re.sub(r"\\\r?\n", "", v)
    v = re.sub(r"\\(.)", r"\1", v)
    b = re.sub(rb"\$([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]),
               v.encode("latin-1"))
    return b.decode("utf-8", "replace")


def mork_rows(path):
    """A small reader of Thunderbird's folder databases (.msf, Mork):
    {(scope name, row id): {column: value}}, later updates applied."""
    with open(path, encoding="latin-1") as f:
        text = "\n".join(l for l in f.read().splitlines()
                         if not l.startswith("//"))
    text = re.sub(r"@\$\$\{[0-9A-Fa-f]+\{@|@\$\$\}[^@]*@", "", text)
    cols, atoms, rows = {}, {}, {}
    in_dict = kind = None
    table_scope = row = None

    def scope_name(s, default):
        if not s:
            return default
        s = s.lstrip("^")
        return cols.get(s, s)
    for m in TOKEN_RE.finditer(text):
        g = m.lastgroup
        if g == "meta":
            kind = "col"
        elif g == "dstart":
            in_dict, kind = True, "atom"
        elif g == "dend":
            in_dict = False
        elif g == "tstart":
            table_scope = scope_name(m.group(7), table_scope)
        elif g == "tend":
            table_scope = None
        elif g == "rstart":
            key = (scope_name(m.group(12), table_scope), m.group(11).upper())
            if m.group(10) == "-" or key not in rows:
                rows[key] = {}
            row = rows[key]
        elif g == "rend":
            row = None
        elif g == "cell":
            body = m.group(15)
            if in_dict:
                if "=" in body:
                    k, v = body.split("=", 1)
                    (cols if kind == "col" else atoms)[k.strip().upper()] = \
                        mork_value(v)
            elif row is not None:
                cm = re.match(r"\s*\^?([0-9A-Za-z]+)\s*([=^])(.*)$", body,
                              re.S)
                if cm:
                    col = cols.get(cm.group(1).upper(), cm.group(1))
                    val = (atoms.get(cm.group(3).upper(), "")
                           if cm.group(2) == "^" else mork_value(cm.group(3)))
                    row[col] = val
    return rows


def msf_messages(path):
    return [r for (scope, _), r in mork_rows(path).items()
            if scope.endswith("scope:msgs:all") and "subject" in r]


def msf_folder_flags(path):
    for (scope, _), r in mork_rows(path).items():
        if scope.endswith("scope:dbfolderinfo:all") and "flags" in r:
            return int(r["flags"], 16)
    return None


# ---------------------------------------------------------------- the run

def wait_for(pred, timeout, step=0.5, give_up=None):
    """pred's first true value within timeout seconds; stops early when
    give_up() is true (Thunderbird died, imapd refused the command)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        if give_up is not None and give_up():
            break
        time.sleep(step)
    return pred()


def maildir_find(maildir, folder, subject):
    """(path, flags) of the messages with that subject in folder."""
    base = maildir if folder == "INBOX" else os.path.join(maildir,
                                                          "." + folder)
    found = []
    for sub in ("new", "cur"):
        d = os.path.join(base, sub)
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            with open(os.path.join(d, name), "rb") as f:
                head = f.read(8192)
            if ("Subject: %s" % subject).encode() in head:
                flags = name.split(":2,", 1)[1] if ":2," in name else ""
                found.append((os.path.join(d, name), flags))
    return found


class Run:
    def __init__(self, outdir, keep):
        self.outdir = outdir
        self.keep = keep
        self.res = Results()
        self.shots = []
        self.alerts = 0
        self.opened = None
        self.late = False

    def shot(self, name):
        p = screenshot(self.display, os.path.join(self.outdir, name))
        self.shots.append(p)
        return p

    def dismiss_alerts(self):
        """Screenshot and close every alert Thunderbird shows (it shows
        one for each NO it gets); returns how many."""
        n = 0
        for _ in range(5):
            ids = xdo(self.display, "search", "--onlyvisible", "--name",
                      "^Alert$").split()
            if not ids:
                break
            for w in ids:
                self.alerts += 1
                n += 1
                self.shot("alert-%d.png" % self.alerts)
                xdo(self.display, "windowfocus", w)
                xdo(self.display, "key", "--window", w, "Return")
            time.sleep(1)
        if n and self.win:
            xdo(self.display, "windowfocus", self.win)
        return n

    def title(self):
        return xdo(self.display, "getwindowname", self.win) if self.win \
            else ""

    def run(self):
        res = self.res
        server = self.server = tern_server.TernServer(
            extra_users=[ALICE_USER.split("@")[0]], keep=self.keep)
        server.setup()
        make_ca_and_cert(os.path.join(server.data, "tls"))
        imapd = self.imapd = Imapd(server)
        disp = Display(self.outdir)
        home = tempfile.mkdtemp(prefix="tern-gui-home-")
        profile = os.path.join(home, "profile")
        tb = None
        self.win = None
        try:
            server.start()
            imapd.start()
            log("data %s, imap port %d, imapd log %s" % (
                server.data, imapd.ports["imap"], imapd.log_path))
            deliver(server)
            deliver(server, [("Bob Brown", "bob@second.example",
                              ALICE_SUBJECT, (2026, 11, 19, 9, 0), None)],
                    to=ALICE_USER)
            ok = wait_for(lambda: len(maildir_find(
                server.maildir(), "INBOX", "")) >= len(MESSAGES), 10)
            res.check("smtpd delivered %d messages" % len(MESSAGES), ok)
            make_profile(profile, os.path.join(server.data, "tls",
                                               "ca.pem"),
                         imapd.ports["imap"], server.ports["submission"],
                         imapd.ports["imaps"])
            self.display = disp.start()
            log("Xvfb on %s, profile %s" % (self.display, profile))
            tb = Thunderbird(profile, self.display, self.outdir, home)
            tb.start()
            self.trace = Trace(imapd, os.path.join(
                self.outdir, "thunderbird-imap.moz_log"))
            self.win = main_window(self.display)
            res.check("Thunderbird opens its main window", bool(self.win))
            if self.win:
                xdo(self.display, "windowmove", self.win, "0", "0")
                xdo(self.display, "windowsize", self.win, "1280", "900")
            self.drive(tb, profile)
        except Exception as e:  # report it, then clean up
            res.add("harness", "FAIL", "%s: %s" % (type(e).__name__, e))
        finally:
            if tb is not None:
                quit_ok = tb.quit(self.win)
                tb.stop()
                res.check("Thunderbird quits on Ctrl+Q", quit_ok)
                self.check_msf(profile)
                mail = os.path.join(profile, "ImapMail")
                if os.path.isdir(mail):   # the .msf files, to look at
                    shutil.copytree(mail, os.path.join(self.outdir,
                                                       "ImapMail"))
            disp.stop()
            imapd.stop()
            for path in (imapd.log_path, server.log_path):
                if os.path.exists(path):
                    shutil.copy(path, self.outdir)
            imapd.log_path = os.path.join(self.outdir, "imapd.log")
            server.stop()
            if self.keep:
                log("kept data %s and profile %s" % (server.data, profile))
            else:
                shutil.rmtree(home, ignore_errors=True)
        refusals = self.trace.refusals() if hasattr(self, "trace") else []
        for r in refusals:
            log("imapd said NO: %s" % r)
        log("screenshots: %s" % " ".join(self.shots))
        log("logs: %s" % self.outdir)
        res.summary()
        return res.status()

    def drive(self, tb, profile):
        res, tr, server = self.res, self.trace, self.server
        alive = tb.alive

        def dead():
            return not alive()
        li = wait_for(lambda: tr.answered("AUTHENTICATE") or
                      tr.answered("LOGIN"), 60, give_up=dead)
        res.check("Thunderbird logs in (normal password)", bool(li),
                  li[0] if li else "no AUTHENTICATE/LOGIN answered OK")
        # Every session that logged in had said STARTTLS first, or
        # came in on the implicit-TLS listener.
        plain = [("tls", sess) for sess in tr.implicit_tls_sessions()]
        for sess, d, line in tr.server_side():
            parts = line.split(None, 2)
            if d != "C" or len(parts) < 2:
                continue
            if parts[1].upper() == "STARTTLS":
                plain.append(("tls", sess))
            elif parts[1].upper() in ("AUTHENTICATE", "LOGIN") and \
                    ("tls", sess) not in plain:
                plain.append(("plain", sess))
        plain = [sess for kind, sess in plain if kind == "plain"]
        res.check("logins only after STARTTLS or on imaps",
                  bool(li) and not plain,
                  "sessions %s logged in without TLS" % plain if plain
                  else "")
        # The second account: implicit TLS from the first byte.
        imaps = wait_for(lambda: [s for s in tr.implicit_tls_sessions()
                                  if tr.answered_in(s, "AUTHENTICATE") or
                                  tr.answered_in(s, "LOGIN")], 60,
                         give_up=dead)
        res.check("Thunderbird logs in over implicit TLS (imaps)",
                  bool(imaps), "no login answered OK on imaps")
        got = wait_for(lambda: imaps and any(
            tr.answered_in(s, "SELECT", pred=lambda l: "inbox" in
                           l.lower()) for s in tr.implicit_tls_sessions())
            and ALICE_SUBJECT in tr.received(), 60, give_up=dead)
        res.check("the imaps account syncs its INBOX", bool(got),
                  "no SELECT INBOX and header FETCH over imaps")
        lst = wait_for(lambda: tr.answered(
            "LIST", pred=lambda l: "special-use" in l.lower()), 30,
            give_up=dead)
        res.check("LIST ... RETURN (SPECIAL-USE)", bool(lst),
                  lst[0] if lst else "no such LIST answered OK")

        def uses():
            got = set()
            for line in tr.received().splitlines():
                m = re.match(r"\* LIST \(([^)]*)\) \S+ (.*)$", line)
                if not m:
                    continue
                for use in ("Drafts", "Sent", "Trash", "Junk", "Archive"):
                    if "\\" + use in m.group(1).split() and \
                            use in m.group(2):
                        got.add(use)
            return got
        # Thunderbird's log may lag imapd's a moment.
        got = wait_for(lambda: len(uses()) == 5 and uses(), 10) or uses()
        res.check("Thunderbird read the special uses in LIST",
                  len(got) == 5, " ".join(sorted(got)))
        sel = wait_for(lambda: tr.answered(
            "SELECT", pred=lambda l: "inbox" in l.lower()), 60,
            give_up=dead)
        res.check("SELECT INBOX", bool(sel),
                  sel[0] if sel else "no SELECT INBOX answered OK")

        def fetch_pending():
            return tr.not_implemented("FETCH") or dead()
        hf = wait_for(lambda: tr.answered(
            "FETCH", pred=lambda l: "HEADER.FIELDS" in l.upper()), 60,
            give_up=fetch_pending)

        def missing_heads():
            got = tr.received()
            return [s for _, a, s, _, _ in MESSAGES
                    if a not in got or s not in got]
        missing = missing_heads()
        if hf and missing:     # Thunderbird's log may lag a moment
            missing = not wait_for(lambda: not missing_heads(), 5) and \
                missing_heads()
        res.check("header FETCH brings every sender and subject",
                  bool(hf) and not missing,
                  (hf[0] if hf else "no header FETCH answered OK") +
                  ("; missing %s" % missing if missing else ""),
                  pending=tr.not_implemented("FETCH"))
        time.sleep(3)
        self.dismiss_alerts()
        # Select the Inbox (its row in the folder pane of a 1280x900
        # window), then "n": the next unread message, shown in the
        # message pane.
        xdo(self.display, "mousemove", "128", "141", "click", "1")
        wait_for(lambda: "Inbox" in self.title(), 10)
        time.sleep(2)
        self.dismiss_alerts()
        res.check("the Inbox is selected", "Inbox" in self.title(),
                  "window title %r" % self.title())
        self.shot("1-inbox.png")
        xdo(self.display, "windowfocus", self.win)
        xdo(self.display, "key", "--window", self.win, "n")
        opened = wait_for(lambda: tr.answered(
            "FETCH", pred=lambda l: re.search(r"[ (]BODY\[\]", l, re.I)),
            30, give_up=fetch_pending)
        res.check("opening a message fetches BODY[] (not PEEK)",
                  bool(opened), opened[0] if opened else "no BODY[] FETCH",
                  pending=tr.not_implemented("FETCH"))
        # Which one: the UID of that FETCH, its Subject from the header
        # FETCH Thunderbird read.
        subj = self.opened = None
        if opened:
            m = re.search(r"fetch (\d+) ", opened[0], re.I)
            subj = m and tr.subjects().get(int(m.group(1)))
        for msg in MESSAGES:
            if msg[2] == subj:
                self.opened = msg
        res.check("the opened message is one of ours", self.opened,
                  repr(subj), pending=tr.not_implemented("FETCH"))
        subj = subj or MESSAGES[-1][2]
        seen = wait_for(lambda: any(
            "S" in fl for _, fl in maildir_find(server.maildir(), "INBOX",
                                                subj)), 10,
            give_up=fetch_pending)
        res.check("the opened message is \\Seen on the server", seen, subj,
                  pending=tr.not_implemented("FETCH", "STORE"))
        time.sleep(2)
        self.dismiss_alerts()
        self.shot("2-opened.png")
        log("window title after n: %r" % self.title())
        xdo(self.display, "windowfocus", self.win)
        xdo(self.display, "key", "--window", self.win, "Delete")
        pend = tr.not_implemented("MOVE", "COPY", "STORE", "EXPUNGE",
                                  "FETCH")
        moved = wait_for(lambda: maildir_find(server.maildir(), "Trash",
                                              subj) and not
                         maildir_find(server.maildir(), "INBOX", subj), 30,
                         give_up=lambda: dead() or tr.not_implemented(
                             "MOVE", "COPY", "STORE", "EXPUNGE", "FETCH"))
        time.sleep(2)
        self.dismiss_alerts()
        self.shot("3-deleted.png")
        pend = tr.not_implemented("MOVE", "COPY", "STORE", "EXPUNGE",
                                  "FETCH")
        res.check("Delete moves it to Trash (Maildir)", bool(moved), subj,
                  pending=pend)
        ok, detail = imap_check_moved(server, self.imap_port(), subj)
        res.check("Delete moves it to Trash (over IMAP)", ok, detail,
                  pending=pend)
        self.idle_delivery(res, tr, server, dead)
        san = [r for r in (server.sanitizer_report(),
                           sanitizer_report(self.imapd.log_path)) if r]
        res.check("no sanitizer report from smtpd or imapd", not san,
                  "; ".join(san)[:2000])
        bads = tr.bads()
        res.check("imapd never answered BAD", not bads, "; ".join(bads[:3]))
        res.check("Thunderbird showed no alert", self.alerts == 0,
                  "%d alert(s), see alert-*.png" % self.alerts,
                  pending=pend or tr.not_implemented("FETCH"))
        res.check("Thunderbird still runs", alive())

    def idle_delivery(self, res, tr, server, dead):
        """A message arrives while Thunderbird IDLEs: imapd must tell it
        (EXISTS during IDLE), and Thunderbird fetches its headers at once
        rather than at its next poll a minute later."""
        def idling():
            last = {}
            alice = set(tr.implicit_tls_sessions())  # not Demo's INBOX
            for sess, d, line in tr.server_side():
                if sess in alice:
                    continue
                if d == "C":
                    last[sess] = line
                elif d == "S" and sess in last and \
                        line.startswith(last[sess].split(None, 1)[0] + " "):
                    last[sess] = None          # answered
            return any(l and l.split(None, 2)[1:2] == ["IDLE"]
                       for l in last.values())
        idle = wait_for(idling, 20, give_up=dead)
        res.check("Thunderbird IDLEs in the INBOX", idle)
        sent = time.monotonic()
        deliver(server, [LATE])
        got = wait_for(lambda: LATE[2] in tr.received(), 30, give_up=dead)
        res.check("a message delivered during IDLE shows up at once", got,
                  "%.1f s" % (time.monotonic() - sent) if got else
                  "Thunderbird did not fetch it within 30 s",
                  pending=tr.not_implemented("IDLE"))
        self.late = got
        time.sleep(2)
        self.shot("4-idle.png")

    def imap_port(self):
        with open(self.server.conf) as f:
            return int(re.search(r'name = "imap"; address = "[^"]*"; '
                                 r'port = (\d+)', f.read()).group(1))

    def folder_flag_problems(self, profile):
        """Thunderbird's folder flags, from folderCache.json (what the
        folder pane shows; written when it quits), else from the .msf
        files (which do not always have them: once Archive.msf did not
        under load)."""
        d = os.path.join(profile, "ImapMail", "127.0.0.1")
        try:
            with open(os.path.join(profile, "folderCache.json")) as f:
                cache = json.load(f)
        except (OSError, ValueError):
            cache = {}
        bad = []
        for name, flag in FOLDER_FLAGS.items():
            path = os.path.join(d, ("INBOX" if name == "Inbox" else name) +
                                ".msf")
            fl = cache.get(path, {}).get("flags")
            try:
                fl = fl if fl is not None else msf_folder_flags(path)
            except OSError:
                fl = None
            if fl is None or not fl & flag:
                bad.append("%s=%s" % (name, fl if fl is None else hex(fl)))
        return bad

    def check_msf(self, profile):
        """What Thunderbird stored for its folder pane and message list:
        the special-use folder flags and the INBOX rows."""
        res = self.res
        d = os.path.join(profile, "ImapMail", "127.0.0.1")
        bad = self.folder_flag_problems(profile)
        res.check("folder pane: Inbox Drafts Sent Trash Junk Archive with "
                  "their special uses", not bad, " ".join(bad))
        path = os.path.join(d, "INBOX.msf")
        msgs = msf_messages(path) if os.path.exists(path) else []
        pend = self.trace.not_implemented("FETCH")
        want = [m for m in MESSAGES if m is not self.opened]
        if self.late:
            want.append(LATE)
        rows = {}
        for r in msgs:
            for m in want:
                if m[2].endswith(r.get("subject", "\0")):
                    rows[m[2]] = r
        problems = []
        for name, addr, subject, date, attach in want:
            r = rows.get(subject)
            if r is None:
                problems.append("%r: no row" % subject)
                continue
            flags = int(r.get("flags", "0"), 16)
            if addr not in r.get("sender", ""):
                problems.append("%r: sender %r" % (subject, r.get("sender")))
            if int(r.get("date", "0"), 16) != calendar.timegm(date + (0,)):
                problems.append("%r: date %r" % (subject, r.get("date")))
            if bool(flags & MSG_ATTACHMENT) != bool(attach):
                problems.append("%r: attachment flag %s" % (
                    subject, bool(flags & MSG_ATTACHMENT)))
        res.check("message list (INBOX.msf): senders, subjects, dates, "
                  "attachment marks", not problems, "; ".join(problems),
                  pending=pend)


def imap_check_moved(server, port, subject):
    """Over IMAP as Thunderbird's user: Trash has the opened message's
    subject, INBOX does not. Uses SEARCH when imapd has it, else the
    message counts from SELECT."""
    try:
        ctx = ssl.create_default_context(
            cafile=os.path.join(server.data, "tls", "ca.pem"))
        m = imaplib.IMAP4("127.0.0.1", port, timeout=10)
        m.starttls(ssl_context=ctx)
        m.login(DEMO_USER, DEMO_PASSWORD)
        counts = {}
        hits = {}
        for box in ("INBOX", "Trash"):
            typ, data = m.select(box, readonly=True)
            counts[box] = int(data[0]) if typ == "OK" else -1
            typ, data = m.search(None, "SUBJECT", '"%s"' % subject)
            hits[box] = len(data[0].split()) if typ == "OK" else None
        m.logout()
    except (OSError, imaplib.IMAP4.error) as e:
        return False, str(e)
    detail = "INBOX %d, Trash %d messages" % (counts["INBOX"],
                                              counts["Trash"])
    if hits["INBOX"] is not None and hits["Trash"] is not None:
        detail += "; SEARCH SUBJECT: INBOX %d, Trash %d" % (hits["INBOX"],
                                                            hits["Trash"])
        return hits["INBOX"] == 0 and hits["Trash"] == 1, detail
    return (counts["INBOX"] == len(MESSAGES) - 1 and
            counts["Trash"] == 1), detail + " (no SEARCH yet)"


def main():
    keep = "--keep" in sys.argv[1:]
    if os.environ.get("TERN_SKIP_GUI") == "1":
        print("gui: skipped (TERN_SKIP_GUI=1)")
        return 77
    miss = missing_prereqs()
    if miss:
        print("gui: skipped, missing %s (scripts/deps.sh --gui; make)" %
              " ".join(miss))
        return 77
    top = os.path.join(tern_server.builddir(), "tests", "gui")
    os.makedirs(top, exist_ok=True)
    # Keep the last ten runs' screenshots and logs.
    for old in sorted(d for d in os.listdir(top)
                      if d.startswith("run-"))[:-9]:
        shutil.rmtree(os.path.join(top, old), ignore_errors=True)
    outdir = tempfile.mkdtemp(prefix=time.strftime("run-%Y%m%d-%H%M%S-"),
                              dir=top)
    return Run(outdir, keep).run()


if __name__ == "__main__":
    sys.exit(main())
