#!/bin/sh
# cmake/torture.sh BUILD_DIR [CHANGES [KILLS]] - the long fault runs
# (`make torture`, through cmake/dev.sh torture), against the *installed*
# package: BUILD_DIR is installed into BUILD_DIR/torture-prefix and the
# fault tests run from its bin/, beside the installed ceshim.dll.
#  1. mq_flicker: a hostile process flips a queue's shared fields between
#     true and hostile values (CHANGES damages, 10^6 by default) while
#     victim processes read and write into guarded buffers; reports the
#     rate and the victims that crashed, hung or leaked handles or views.
#  2. mq_kill: readers and writers of a bounded and an unbounded queue
#     killed at random (KILLS per queue, 1000 by default), every message
#     checked, no call wedged.
# Exits non-zero if either found anything.
set -eu
if [ $# -lt 1 ] || [ $# -gt 3 ]; then
    echo "usage: $0 BUILD_DIR [CHANGES [KILLS]]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
changes=${2:-${CESHIM_TORTURE_CHANGES:-1000000}}
kills=${3:-${CESHIM_TORTURE_KILLS:-1000}}
if [ ! -f "$build/bin/fault_tests.exe" ]; then
    echo "torture.sh: $build/bin/fault_tests.exe not found; build the fault_tests target first" >&2
    exit 1
fi
installed="$build/torture-prefix"
rm -rf "$installed"
cmake --install "$build" --prefix "$installed" >/dev/null
cp "$build/bin/fault_tests.exe" "$installed/bin/"
exe="$installed/bin/fault_tests.exe"
prefix="$build/wineprefix"
"$here/wine-session.sh" start "$prefix" >/dev/null
trap '"$here/wine-session.sh" stop "$prefix" >/dev/null' EXIT
trap 'exit 130' INT TERM
status=0
echo "torture under Wine, installed package $installed (WINEPREFIX=$prefix)"
echo "--- mq_flicker: $changes hostile changes"
CESHIM_FLICKER_CHANGES=$changes "$here/wine-run.sh" "$prefix" "$exe" --gtest_filter='mq_flicker.*' || status=1
echo "--- mq_kill: $kills kills per queue"
CESHIM_KILLS=$kills "$here/wine-run.sh" "$prefix" "$exe" --gtest_filter='mq_kill.*' || status=1
exit $status
