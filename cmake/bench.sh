#!/bin/sh
# cmake/bench.sh BUILD_DIR - runs the message-queue benchmark, then the
# services benchmark, a service and a stream driver (BUILD_DIR/bin/mq_bench.exe
# and svc_bench.exe, built from wine-tests/bench/) under Wine, in
# the build tree's own prefix, with a persistent wineserver started detached
# and stopped on exit (see shared WINE.md). `make bench` gets here through
# cmake/dev.sh bench. The benchmarks report; the exit code says only whether
# every measurement ran.
set -eu
if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
exe="$build/bin/mq_bench.exe"
if [ ! -f "$exe" ]; then
    echo "bench.sh: $exe not found; build the mq_bench target first" >&2
    exit 1
fi
prefix="$build/wineprefix"

"$here/wine-session.sh" start "$prefix" >/dev/null
trap '"$here/wine-session.sh" stop "$prefix" >/dev/null' EXIT
trap 'exit 130' INT TERM
echo "mq_bench under Wine (WINEPREFIX=$prefix)"
status=0
"$here/wine-run.sh" "$prefix" "$exe" || status=$?
svc="$build/bin/svc_bench.exe"
echo
if [ -f "$svc" ]; then
    echo "svc_bench under Wine (WINEPREFIX=$prefix)"
    "$here/wine-run.sh" "$prefix" "$svc" || status=$?
else
    echo "bench.sh: $svc not found; build the svc_bench target first" >&2
    status=1
fi
exit "$status"
