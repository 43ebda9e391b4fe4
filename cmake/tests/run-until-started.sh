#!/bin/sh
# run-until-started.sh COMMAND [ARGS...]
# The emulator of ceshim's test programs (wine-tests/CMakeLists.txt puts it
# in front of wine-run.sh). It runs COMMAND once; when COMMAND fails and the
# test program's main() never ran, it runs COMMAND once more, and says so.
#
# Why: now and then, under a loaded test run, Wine 8 cannot start a process
# at all: `wine prog.exe` fails to map prog.exe, falls back to start.exe,
# whose CreateProcess fails too ("Application could not be started ...
# ShellExecuteEx failed: Internal error."), and the test fails in 0.05 s
# without one line of it having run (seen in CI; docs/decisions.md, "A test
# program Wine did not start"). Nothing of ceshim
# runs before main(), so such a failure says nothing about ceshim. A test
# that ran and failed is never run again: the runner marks that it started
# by creating $CESHIM_STARTED_MARKER first thing in main().
marker=$(mktemp "${TMPDIR:-/tmp}/ceshim-started.XXXXXX") || exit 1
rm -f "$marker"
# The program sees the file through Wine's Z: drive (the root of the Unix
# file system in every prefix Wine makes).
CESHIM_STARTED_MARKER="Z:$(printf '%s' "$marker" | tr '/' '\\')"
export CESHIM_STARTED_MARKER

"$@"
rc=$?
if [ "$rc" -ne 0 ] && [ ! -e "$marker" ]; then
    echo "run-until-started.sh: the program exited $rc before its main() ran (Wine did not start it); running it once more: $*" >&2
    "$@"
    rc=$?
fi
rm -f "$marker"
exit "$rc"
