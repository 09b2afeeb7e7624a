#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install what tern needs to build and test on Debian 12: idempotent,
# non-interactive. Packages that come with a system service (postfix, for
# the benchmark's smtp-source; dovecot-imapd, which the interop tests and
# bench/imap-bench start privately) are installed under a policy-rc.d that
# forbids starting it.
set -euo pipefail

BUILD_PKGS="build-essential autoconf automake libtool pkg-config \
libssl-dev libconfig-dev libetpan-dev libcurl4-gnutls-dev check libcrypt-dev \
openssl ca-certificates"
TEST_PKGS="python3 swaks libnet-ssleay-perl curl clang libclang-rt-14-dev \
isync dovecot-imapd"

want="$BUILD_PKGS"
[ "${1:-}" = "--test" ] && want="$want $TEST_PKGS"

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
$SUDO apt-get update -q >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
