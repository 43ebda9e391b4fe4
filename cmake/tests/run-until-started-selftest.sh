#!/bin/sh
# run-until-started-selftest.sh WRAPPER WORK EMULATOR... TEST_PROGRAM
# Checks cmake/tests/run-until-started.sh: a program that failed before its
# main() ran is run once more; one that started is never run again, whether
# it passed or failed; and the real test runner (TEST_PROGRAM under
# EMULATOR) marks that it started.
set -u
wrapper=$1 work=$2
shift 2
rm -rf "$work" && mkdir -p "$work" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# A stand-in program: counts its runs in $work/runs; on the runs listed in
# START_ON it creates the marker (as main() does) and exits with EXIT; on
# the others it exits 7 without it (as when Wine did not start a program).
cat > "$work/prog.sh" <<'PROG'
#!/bin/sh
runs=$(($(cat "$WORK/runs" 2>/dev/null || echo 0) + 1))
echo "$runs" > "$WORK/runs"
case " $START_ON " in *" $runs "*)
    unix=$(printf '%s' "${CESHIM_STARTED_MARKER#Z:}" | tr '\\' '/')
    : > "$unix"
    exit "$EXIT" ;;
esac
exit 7
PROG
chmod +x "$work/prog.sh"

# case NAME START_ON EXIT WANT_RC WANT_RUNS
case_() {
    rm -f "$work/runs"
    WORK=$work START_ON=$2 EXIT=$3 sh "$wrapper" "$work/prog.sh" > "$work/$1.out" 2>&1
    rc=$?
    runs=$(cat "$work/runs" 2>/dev/null || echo 0)
    echo "$1: exit $rc (want $4), runs $runs (want $5)"
    [ "$rc" = "$4" ] && [ "$runs" = "$5" ] || fail "$1"
}
case_ not_started_then_passes "2" 0 0 2
grep -q "before its main() ran" "$work/not_started_then_passes.out" || fail "the retry is not said"
case_ never_starts "" 0 7 2
case_ started_and_failed "1" 1 1 1
case_ started_and_passed "1" 0 0 1
grep -q "before its main() ran" "$work/started_and_failed.out" && fail "a started program was said to be retried"

# The real runner makes the marker: run it through the wrapper in a command
# that then fails; a second run would mean the marker was not made.
WORK=$work sh "$wrapper" sh -c '"$@"; echo run >> "$WORK/real-runs"; exit 1' sh "$@" --gtest_list_tests \
    > "$work/real.out" 2>&1
rc=$?
real_runs=$(wc -l < "$work/real-runs" 2>/dev/null || echo 0)
echo "real runner: exit $rc (want 1), runs $real_runs (want 1)"
[ "$rc" = 1 ] && [ "$real_runs" = 1 ] || { fail "the test runner did not mark its start"; cat "$work/real.out"; }

[ "$failures" = 0 ] && echo "run-until-started: all cases passed" && exit 0
exit 1
