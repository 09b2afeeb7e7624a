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
#     password), first-run pages, telemetry, updates and remote content
#     off; the test CA in cert9.db (certutil); the password in logins.json,
#     encrypted with the profile's own key4.db (NSS SDR, empty primary
#     password) as Thunderbird itself stores it. Auth is never weakened.
#  4. Thunderbird under Xvfb. Checks, from the imapd trace: login,
#     LIST with special-use, SELECT INBOX, the header FETCH with the
#     senders and subjects; "n" (next unread) opens a message (UID FETCH
#     BODY[], \Seen on disk); Delete moves it to Trash (checked over IMAP
#     and on disk); no BAD anywhere in the trace.
#
# Screenshots and logs go to <builddir>/tests/gui/<run>/ (printed).
# Exit 0 when every check passed, 1 when one failed, 77 when a tool or a
# daemon is missing or when the only failures are commands imapd still
# answers with "NO [CANNOT] ... not implemented yet" (reported PENDING).
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
     (2026, 11, 2, 9, 15), "figures.csv"),
    ("Bob Baker", "bob@other.example", "Lunch on Friday?",
     (2026, 11, 5, 12, 30), None),
    ("Carol Chen", "carol@third.example", "Re: Build failures on arm64",
     (2026, 11, 10, 17, 45), None),
    ("Dave Dunn", "dave@fourth.example", "Minutes of the Tuesday meeting",
     (2026, 11, 17, 8, 5), None),
]
OPENED = MESSAGES[0]    # oldest unread: what "n" opens first


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


def deliver(server):
    with smtplib.SMTP("127.0.0.1", server.ports["mx"], timeout=10) as s:
        for name, addr, subject, date, attach in MESSAGES:
            m = EmailMessage()
            m["From"] = "%s <%s>" % (name, addr)
            m["To"] = "Demo <%s>" % DEMO_USER
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


def user_js(imap_port, smtp_port):
    p = {
        # The account: IMAP with STARTTLS, normal password.
        "mail.accountmanager.accounts": "account1,account2",
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
        "security.sandbox.content.level": 0,
    }
    lines = []
    for k, v in p.items():
        lines.append("user_pref(%s, %s);" % (json.dumps(k), json.dumps(v)))
    return "\n".join(lines) + "\n"


def make_profile(profile, ca_pem, imap_port, smtp_port):
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
    for i, (origin, user) in enumerate((("imap://127.0.0.1", DEMO_USER),
                                        ("smtp://127.0.0.1", DEMO_USER))):
        eu, ep = sdr_encrypt(profile, [user, DEMO_PASSWORD])
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
        f.write(user_js(imap_port, smtp_port))


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
                 MOZ_LOG="IMAP:5,timestamp",
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


# ---------------------------------------------------------------- trace

def wait_for(pred, timeout, step=0.5, alive=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        if alive is not None and not alive():
            return pred()
        time.sleep(step)
    return pred()


def trace_lines(imapd):
    """(direction, line) pairs of the imapd protocol trace."""
    out = []
    for line in imapd.text().splitlines():
        m = re.search(r"\b([CS]): (.*)$", line)
        if m and "trace" in line:
            out.append((m.group(1), m.group(2)))
    return out


def client_cmds(imapd, word):
    """Client lines whose command (after the tag, "UID " skipped) is
    word, case-insensitive."""
    res = []
    for d, line in trace_lines(imapd):
        if d != "C":
            continue
        parts = line.split(None, 3)
        if len(parts) < 2:
            continue
        cmd = parts[1].upper()
        if cmd == "UID" and len(parts) > 2:
            cmd = parts[2].upper()
        if cmd == word.upper():
            res.append(line)
    return res


def reply_to(imapd, line):
    """The tagged reply to client line (the first after it with its
    tag), or None."""
    tr = trace_lines(imapd)
    tag = line.split(None, 1)[0]
    seen = False
    for d, l in tr:
        if d == "C" and l == line:
            seen = True
            continue
        if seen and d == "S" and l.startswith(tag + " "):
            return l
    return None


def not_implemented(imapd, cmd):
    """cmd if imapd answered it with NO [CANNOT] ... not implemented."""
    for line in client_cmds(imapd, cmd):
        r = reply_to(imapd, line) or ""
        if "[CANNOT]" in r and "not implemented" in r:
            return cmd
    return None


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


# ---------------------------------------------------------------- the run

def run(outdir, keep):
    res = Results()
    server = tern_server.TernServer(keep=keep)
    server.setup()
    make_ca_and_cert(os.path.join(server.data, "tls"))
    imapd = Imapd(server)
    disp = Display(outdir)
    home = tempfile.mkdtemp(prefix="tern-gui-home-")
    profile = os.path.join(home, "profile")
    tb = None
    try:
        server.start()
        imapd.start()
        log("data %s, imap port %d, smtpd log %s, imapd log %s" % (
            server.data, imapd.ports["imap"], server.log_path,
            imapd.log_path))
        deliver(server)
        ok = wait_for(lambda: len(maildir_find(server.maildir(), "INBOX",
                                               "")) >= len(MESSAGES), 10)
        res.check("smtpd delivered %d messages" % len(MESSAGES), ok)
        make_profile(profile, os.path.join(server.data, "tls", "ca.pem"),
                     imapd.ports["imap"], server.ports["submission"])
        display = disp.start()
        log("Xvfb on %s, profile %s" % (display, profile))
        tb = Thunderbird(profile, display, outdir, home)
        tb.start()
        win = main_window(display)
        res.check("Thunderbird opens its main window", win is not None)
        if win:
            xdo(display, "windowmove", win, "0", "0")
            xdo(display, "windowsize", win, "1280", "900")
            xdo(display, "windowfocus", win)

        def logged_in():
            for cmd in ("AUTHENTICATE", "LOGIN"):
                for line in client_cmds(imapd, cmd):
                    r = reply_to(imapd, line)
                    if r and " OK" in r:
                        return line
            return None
        line = wait_for(logged_in, 60, alive=tb.alive)
        res.check("Thunderbird logs in over STARTTLS", line is not None,
                  line or "no successful AUTHENTICATE/LOGIN in the trace")
        starttls = client_cmds(imapd, "STARTTLS")
        res.check("STARTTLS before login", bool(starttls))

        lists = wait_for(lambda: [l for l in client_cmds(imapd, "LIST")
                                  if "special-use" in l.lower()] or
                         client_cmds(imapd, "LIST"), 30, alive=tb.alive)
        res.check("LIST (special-use)", bool(lists),
                  lists[0] if lists else "no LIST")
        tr = trace_lines(imapd)
        want = {"\\Drafts": "Drafts", "\\Sent": "Sent", "\\Trash": "Trash",
                "\\Junk": "Junk", "\\Archive": "Archive"}
        got = [a for a in want if any(
            d == "S" and l.startswith("* LIST") and a in l and
            want[a] in l for d, l in tr)]
        res.check("LIST replies carry the special uses",
                  len(got) == len(want), " ".join(sorted(got)))

        sel = wait_for(lambda: [l for l in client_cmds(imapd, "SELECT")
                                if "inbox" in l.lower()], 60,
                       alive=tb.alive)
        res.check("SELECT INBOX", bool(sel) and
                  " OK" in (reply_to(imapd, sel[0]) or ""),
                  sel[0] if sel else "no SELECT INBOX")

        def header_fetch():
            for l in client_cmds(imapd, "FETCH"):
                if "HEADER.FIELDS" in l.upper():
                    r = reply_to(imapd, l)
                    if r:
                        return (l, r)
            return None
        hf = wait_for(header_fetch, 60, alive=tb.alive)
        text = imapd.text()
        heads_ok = all(addr in text and subj in text
                       for _, addr, subj, _, _ in MESSAGES)
        pend = not_implemented(imapd, "FETCH")
        res.check("FETCH of the header fields returns every sender and "
                  "subject", bool(hf) and " OK" in hf[1] and heads_ok,
                  hf[0] if hf else "no header FETCH", pending=pend)
        time.sleep(3)
        shot1 = screenshot(display, os.path.join(outdir, "1-start.png"))

        # Select the Inbox in the folder pane, then "n": the next unread
        # message, shown in the message pane.
        if win:
            xdo(display, "windowfocus", win)
            xdo(display, "key", "--window", win, "n")
        opened = wait_for(lambda: [l for l in client_cmds(imapd, "FETCH")
                                   if re.search(r"BODY\[\]",
                                                l, re.I)], 30,
                          alive=tb.alive)
        res.check("opening a message fetches BODY[] (not PEEK)",
                  bool(opened), opened[0] if opened else "no BODY[] fetch",
                  pending=not_implemented(imapd, "FETCH"))
        seen = wait_for(lambda: any(
            "S" in fl for _, fl in maildir_find(server.maildir(), "INBOX",
                                                OPENED[2])), 15)
        res.check("the opened message is \\Seen on the server", seen,
                  OPENED[2], pending=not_implemented(imapd, "FETCH") or
                  not_implemented(imapd, "STORE"))
        time.sleep(2)
        shot2 = screenshot(display, os.path.join(outdir, "2-opened.png"))

        if win:
            xdo(display, "key", "--window", win, "Delete")
        moved = wait_for(lambda: maildir_find(server.maildir(), "Trash",
                                              OPENED[2]) and not
                         maildir_find(server.maildir(), "INBOX",
                                      OPENED[2]), 30, alive=tb.alive)
        time.sleep(2)
        shot3 = screenshot(display, os.path.join(outdir, "3-deleted.png"))
        pend = (not_implemented(imapd, "MOVE") or
                not_implemented(imapd, "COPY") or
                not_implemented(imapd, "STORE") or
                not_implemented(imapd, "EXPUNGE"))
        imap_ok, detail = imap_check_moved(server, imapd)
        res.check("Delete moves the message to Trash (on disk)",
                  bool(moved), OPENED[2], pending=pend)
        res.check("Delete moves the message to Trash (over IMAP)", imap_ok,
                  detail, pending=pend)

        bads = [l for d, l in trace_lines(imapd)
                if d == "S" and re.match(r"\S+ BAD\b", l)]
        res.check("imapd never answered BAD", not bads,
                  "; ".join(bads[:3]))
        res.check("Thunderbird still runs", tb.alive())
        log("screenshots: %s %s %s" % (shot1, shot2, shot3))
    except Exception as e:  # report, then clean up
        res.add("harness", "FAIL", "%s: %s" % (type(e).__name__, e))
    finally:
        for path in (imapd.log_path, server.log_path):
            if os.path.exists(path):
                shutil.copy(path, outdir)
        if tb is not None:
            tb.stop()
        disp.stop()
        imapd.stop()
        for path in (imapd.log_path, server.log_path):
            if os.path.exists(path):
                shutil.copy(path, outdir)
        server.stop()
        if keep:
            log("kept data %s and home %s" % (server.data, home))
        else:
            shutil.rmtree(home, ignore_errors=True)
    log("logs and screenshots in %s" % outdir)
    res.summary()
    return res.status()


def imap_check_moved(server, imapd):
    """Over IMAP as Thunderbird's user: Trash has the opened message's
    subject, INBOX does not. Uses SEARCH when imapd has it, else the
    message counts from SELECT."""
    try:
        ctx = ssl.create_default_context(
            cafile=os.path.join(server.data, "tls", "ca.pem"))
        m = imaplib.IMAP4("127.0.0.1", imapd.ports["imap"], timeout=10)
        m.starttls(ssl_context=ctx)
        m.login(DEMO_USER, DEMO_PASSWORD)
        counts = {}
        hits = {}
        for box in ("INBOX", "Trash"):
            typ, data = m.select(box, readonly=True)
            counts[box] = int(data[0]) if typ == "OK" else -1
            typ, data = m.search(None, "SUBJECT", '"%s"' % OPENED[2])
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
    miss = missing_prereqs()
    if miss:
        print("gui: skipped, missing %s (scripts/deps.sh --gui; make)" %
              " ".join(miss))
        return 77
    outdir = os.path.join(tern_server.builddir(), "tests", "gui",
                          time.strftime("run-%Y%m%d-%H%M%S"))
    os.makedirs(outdir, exist_ok=True)
    return run(outdir, keep)


if __name__ == "__main__":
    sys.exit(main())
