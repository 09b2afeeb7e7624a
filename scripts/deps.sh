#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install what tern needs to build and test on Debian 12: idempotent,
# non-interactive. Packages that come with a system service (postfix, for
# the benchmark's smtp-source and mailcli's interop test; dovecot-imapd and
# dovecot-pop3d, which the interop tests, mailcli's POP3 tests and
# bench/imap-bench start privately) are installed under a policy-rc.d that
# forbids starting it.
set -euo pipefail

BUILD_PKGS="build-essential autoconf automake libtool pkg-config \
libssl-dev libconfig-dev libetpan-dev libcurl4-gnutls-dev check libcrypt-dev \
libargon2-dev openssl ca-certificates"
TEST_PKGS="python3 swaks libnet-ssleay-perl curl clang libclang-rt-14-dev \
isync msmtp s-nail dovecot-imapd dovecot-pop3d postfix python3-aiosmtpd"
# The Thunderbird check (tests/gui/, "make check-gui"): about 300 MB, so
# only with --gui; scripts/test.sh (CI) asks for it.
GUI_PKGS="thunderbird xvfb xauth xdotool imagemagick x11-apps \
libnss3-tools fonts-dejavu-core"

# deps.sh [--test] [--gui]: the build packages, plus the test or GUI ones.
want="$BUILD_PKGS"
for arg in "$@"; do
    case "$arg" in
    --test) want="$want $TEST_PKGS" ;;
    --gui) want="$want $TEST_PKGS $GUI_PKGS" ;;
    *) echo "usage: deps.sh [--test] [--gui]" >&2; exit 2 ;;
    esac
done

missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
        || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "deps: installing$missing"
if [ ! -e /usr/sbin/policy-rc.d ]; then
    # Never start a distribution service as a side effect of our installs.
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
fi
export DEBIAN_FRONTEND=noninteractive
# Postfix unconfigured: the tests give their private instances their own
# main.cf; the system one is never used.
if command -v debconf-set-selections >/dev/null; then
    echo "postfix postfix/main_mailer_type select No configuration" |
        $SUDO debconf-set-selections
fi
$SUDO apt-get update -q >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
