#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The one test command (README, .ci/run): install what is needed, build,
# run every test (make check), then build and run the same tests again
# under AddressSanitizer + UndefinedBehaviorSanitizer, then run each fuzz
# target briefly. Ends with one "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

scripts/deps.sh --test --gui
if [ ! -x configure ] || [ configure.ac -nt configure ] \
    || [ -n "$(find . -name '*.am' -newer configure -print -quit)" ]; then
    ./autogen.sh >/dev/null 2>&1 || ./autogen.sh
fi

passed=0
failed=0

# run_suite DIR CONFIGURE-ARGS...: build in DIR and run make check there.
run_suite() {
    local dir=$1
    shift
    echo "== $dir: configure $*"
    mkdir -p "$top/$dir"
    cd "$top/$dir"
    "$top/configure" --enable-werror "$@" >configure.out 2>&1 \
        || { tail -30 configure.out; exit 1; }
    make -j"$(nproc)" >make.out 2>&1 || { tail -60 make.out; exit 1; }
    local rc=0
    make -j"$(nproc)" check >check.out 2>&1 || rc=$?
    grep -E '^(PASS|FAIL|ERROR|SKIP|XPASS):' check.out || true
    if [ -f test-suite.log ]; then
        local p f
        p=$(sed -n 's/^# PASS: *//p' test-suite.log | head -1)
        f=$(( $(sed -n 's/^# FAIL: *//p' test-suite.log | head -1) \
            + $(sed -n 's/^# ERROR: *//p' test-suite.log | head -1) ))
        passed=$((passed + ${p:-0}))
        failed=$((failed + f))
    fi
    if [ "$rc" -ne 0 ]; then
        echo "== $dir: make check failed; test-suite.log:"
        cat test-suite.log 2>/dev/null | head -200
        failed=$((failed + 1))
    fi
    cd "$top"
}

run_suite build
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite build-asan --enable-sanitizers

if [ -x tests/fuzz/run ]; then
    echo "== fuzz: short runs of every target"
    if tests/fuzz/run "${FUZZ_SECONDS:-10}"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
