#!/bin/sh
# prefix-remake.sh WORK_DIR PROGRAM
# The README's order as a test: a Wine prefix made by another Wine
# installation (`make demo` before `make test` installed wine32) must be
# made anew by the build's emulator (cmake/wine-run.sh), so that PROGRAM
# still runs in it. Two kinds of stale prefix:
#  1. a booted prefix with no 32-bit half while wine32 is installed (what a
#     prefix made before wine32 looks like; skipped, and said, without wine32);
#  2. a prefix whose recorded Wine installation differs from the one now.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
work=$1
program=$2
prefix=$work/wineprefix
failed=0
fail() { echo "FAIL: $*"; failed=1; }

stop() { WINEPREFIX=$prefix wineserver -k >/dev/null 2>&1; WINEPREFIX=$prefix wineserver -w >/dev/null 2>&1; }
run_program() {
    out=$("$here/wine-run.sh" "$prefix" "$program" --gtest_list_tests 2>&1 </dev/null)
    rc=$?
    [ $rc -eq 0 ] || fail "$1: $program exited $rc: $(echo "$out" | tail -n 3)"
    echo "$out" | grep -q 'could not load' && fail "$1: $(echo "$out" | grep 'could not load')"
}

rm -rf "$work"
mkdir -p "$work"
"$here/wine-session.sh" start "$prefix" >/dev/null 2>&1
run_program "fresh prefix"
stop

if "$here/wine-session.sh" has-wine32; then
    rm -rf "$prefix/drive_c/windows/syswow64"
    touch "$prefix/made-before"
    run_program "prefix without its 32-bit half"
    [ -e "$prefix/made-before" ] && fail "the prefix without a 32-bit half was not made anew"
    [ -e "$prefix/drive_c/windows/syswow64/kernel32.dll" ] || fail "the remade prefix has no syswow64/kernel32.dll"
    stop
    echo "case 1 (no 32-bit half, wine32 installed): checked"
else
    echo "case 1 NOT RUN: wine32 is not installed here, so a prefix cannot lack its 32-bit half"
fi

touch "$prefix/made-before"
sed -i '1s/.*/wine-0.0 (another installation)/' "$prefix/.ceshim-wine-stamp"
run_program "prefix of another Wine installation"
[ -e "$prefix/made-before" ] && fail "the prefix of another Wine installation was not made anew"
grep -q "^$(wine --version)\$" "$prefix/.ceshim-wine-stamp" || fail "the remade prefix does not record this Wine: $(head -n 1 "$prefix/.ceshim-wine-stamp")"
echo "case 2 (another Wine installation): checked"
stop
rm -rf "$work"
[ $failed -eq 0 ] && echo "prefix remake: OK"
exit $failed
