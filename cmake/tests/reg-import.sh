#!/bin/sh
# reg-import.sh SOURCE_DIR PREFIX PROBE_EXE BITS
# The README's registry advice as a test: a .reg file imported with the
# command the README and the sample .reg give for Wine
# (`wine reg import FILE.reg /reg:BITS`) lands where a service of that
# bitness reads, for HKLM\Software (redirected for 32-bit programs) and for
# HKCU\Services. `wine regedit /S` ran 32-bit regedit where wine32 is
# installed, and 64-bit services then saw nothing.
set -u
src=$1 prefix=$2 probe=$3 bits=$4
run() { "$src/cmake/wine-run.sh" "$prefix" "$@"; }
failed=0
fail() { printf "FAIL: %s\n" "$*"; failed=1; }

for doc in README.md samples/services/echo_service.reg; do
    grep -q 'wine reg import [^ `]*\.reg /reg:64' "$src/$doc" || fail "$doc does not give 'wine reg import FILE.reg /reg:64'"
    grep -q 'regedit /S' "$src/$doc" && fail "$doc still gives 'regedit /S'"
done

dir=$(mktemp -d)
key="ceshim-test-reg-import-$$"
printf 'REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\Software\\%s]\r\n"Value"="hklm-%s"\r\n\r\n[HKEY_CURRENT_USER\\Services\\%s]\r\n"Value"="hkcu-%s"\r\n' \
    "$key" "$bits" "$key" "$bits" >"$dir/test.reg"
winfile="Z:$(echo "$dir/test.reg" | tr / '\\')"
run reg import "$winfile" "/reg:$bits" </dev/null || fail "wine reg import $winfile /reg:$bits failed"
out=$(run "$probe" HKLM "Software\\$key" Value </dev/null 2>&1)
printf "%s\n" "$out"
printf "%s\n" "$out" | grep -q "hklm-$bits" || fail "a $bits-bit program does not see HKLM\\Software\\$key"
out=$(run "$probe" HKCU "Services\\$key" Value </dev/null 2>&1)
printf "%s\n" "$out"
printf "%s\n" "$out" | grep -q "hkcu-$bits" || fail "a $bits-bit program does not see HKCU\\Services\\$key"
run reg delete "HKLM\\Software\\$key" /f "/reg:$bits" >/dev/null 2>&1 </dev/null
run reg delete "HKCU\\Services\\$key" /f "/reg:$bits" >/dev/null 2>&1 </dev/null
rm -rf "$dir"
[ $failed -eq 0 ] && echo "reg import: OK"
exit $failed
