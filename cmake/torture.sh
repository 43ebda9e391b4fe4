#!/bin/sh
# cmake/torture.sh BUILD_DIR [CHANGES] - the hostile-memory torture run
# (`make torture`, through cmake/dev.sh torture): a hostile process flips a
# queue's shared fields between true and hostile values (CHANGES damages,
# 10^6 by default) while victim processes read and write into guarded
# buffers (wine-tests/faults/mq_flicker.c). Reports the rate and the
# victims that crashed, hung or leaked handles or views; exits non-zero if
# any did.
set -eu
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 BUILD_DIR [CHANGES]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
changes=${2:-${CESHIM_TORTURE_CHANGES:-1000000}}
exe="$build/bin/fault_tests.exe"
if [ ! -f "$exe" ]; then
    echo "torture.sh: $exe not found; build the fault_tests target first" >&2
    exit 1
fi
prefix="$build/wineprefix"
"$here/wine-session.sh" start "$prefix" >/dev/null
trap '"$here/wine-session.sh" stop "$prefix" >/dev/null' EXIT
trap 'exit 130' INT TERM
echo "mq_flicker torture under Wine: $changes hostile changes (WINEPREFIX=$prefix)"
CESHIM_FLICKER_CHANGES=$changes "$here/wine-run.sh" "$prefix" "$exe" --gtest_filter='mq_flicker.*'
