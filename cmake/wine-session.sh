#!/bin/sh
# wine-session.sh start|stop|ensure PREFIX  (or: has-wine32)
# start: a persistent wineserver for PREFIX, booted with its output detached.
#   Without it, the first Wine process of a test run starts wineserver and
#   Wine's own services with the test's stdout, and ctest waits for them to
#   exit (see shared WINE.md).
# stop: stops only the server of PREFIX.
# ensure: makes PREFIX fit the Wine installed now (start does this first;
#   wine-run.sh does it before each program).
#
# A prefix belongs to the Wine installation that made it. One made before
# wine32 was installed has no 32-bit system DLLs, and once wine32 is there
# even 64-bit programs fail in it ("could not load kernel32.dll, status
# c0000135"); `wineboot -u` cannot repair it, since it goes through the same
# failing loader. So each prefix records the installation that made it (in
# .ceshim-wine-stamp) and is made anew when that changes. Only ceshim's own
# prefixes (inside a build tree, or CESHIM_WINEPREFIX) get here.
set -u
action=$1
export WINEPREFIX="${CESHIM_WINEPREFIX:-${2:-}}"
# Wine takes absolute prefixes only.
case "$WINEPREFIX" in /* | "") ;; *) WINEPREFIX="$(pwd)/$WINEPREFIX" ;; esac
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="
stamp_file="$WINEPREFIX/.ceshim-wine-stamp"

# What identifies the Wine installation: its version and each of its
# architectures' kernel32.dll (size, time), which changes when wine32 or
# wine64 is added, removed or upgraded.
wine_stamp() {
    env -u WINEPREFIX wine --version 2>/dev/null || echo "no wine"
    for f in /usr/lib/wine/*-windows/kernel32.dll /usr/lib/*/wine/*-windows/kernel32.dll \
             /usr/local/lib/wine/*-windows/kernel32.dll /usr/local/lib/*/wine/*-windows/kernel32.dll \
             /opt/wine*/lib*/wine/*-windows/kernel32.dll; do
        [ -f "$f" ] && stat -L -c '%n %s %Y' "$f"
    done
    return 0
}

# A booted prefix (system.reg is written last) with 64-bit Windows but no
# 32-bit half, while wine32 is installed.
lacks_wow64() {
    [ -f "$WINEPREFIX/system.reg" ] && [ -d "$WINEPREFIX/drive_c/windows/system32" ] || return 1
    [ -e "$WINEPREFIX/drive_c/windows/syswow64/kernel32.dll" ] && return 1
    have_wine32
}

have_wine32() {
    for f in /usr/lib/*/wine/i386-windows/kernel32.dll /usr/lib/wine/i386-windows/kernel32.dll \
             /usr/local/lib/wine/i386-windows/kernel32.dll /opt/wine*/lib*/wine/i386-windows/kernel32.dll; do
        [ -f "$f" ] && return 0
    done
    return 1
}

ensure() {
    now=$(wine_stamp)
    # The common case, checked without a lock: a prefix that fits.
    if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$now" ] && ! lacks_wow64; then
        return 0
    fi
    # Parallel test programs may get here together: one remakes the prefix,
    # the others wait for it. A lock left by a killed run is broken after 2 min.
    lock="$WINEPREFIX.ceshim-lock"
    mkdir -p "$(dirname "$WINEPREFIX")"
    waited=0
    until mkdir "$lock" 2>/dev/null; do
        if [ $waited -ge 1200 ]; then rm -rf "$lock"; waited=0; continue; fi
        sleep 0.1
        waited=$((waited + 1))
    done
    if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$now" ] && ! lacks_wow64; then
        rmdir "$lock"
        return 0
    fi
    if [ -f "$WINEPREFIX/system.reg" ]; then
        if [ -f "$stamp_file" ]; then why="Wine changed since it was made"; else why="made by an unknown Wine"; fi
        lacks_wow64 && why="it has no 32-bit half but wine32 is installed"
        echo "wine-session: remaking $WINEPREFIX ($why)" >&2
        wineserver -k </dev/null >/dev/null 2>&1
        wineserver -w </dev/null >/dev/null 2>&1
        rm -rf "$WINEPREFIX"
    fi
    mkdir -p "$WINEPREFIX"
    # Written before the first boot: wine itself makes the prefix on first use.
    printf '%s\n' "$now" >"$stamp_file"
    rmdir "$lock"
}

case "$action" in
has-wine32)
    have_wine32
    exit $?
    ;;
ensure)
    ensure
    ;;
start)
    ensure
    wineserver -p 120 </dev/null >/dev/null 2>&1
    # Boots the prefix (first time ~6 s) and Wine's services, detached.
    wine cmd /c exit </dev/null >/dev/null 2>&1
    echo "wine session up: WINEPREFIX=$WINEPREFIX"
    ;;
stop)
    wineserver -k </dev/null >/dev/null 2>&1
    wineserver -w </dev/null >/dev/null 2>&1
    echo "wine session stopped: WINEPREFIX=$WINEPREFIX"
    ;;
*)
    echo "usage: $0 start|stop|ensure PREFIX, or $0 has-wine32" >&2
    exit 2
    ;;
esac
exit 0
