#!/bin/sh
# wine-session.sh start|stop PREFIX
# A persistent wineserver for PREFIX, booted with its output detached.
# Without it, the first Wine process of a test run starts wineserver and
# Wine's own services with the test's stdout, and ctest waits for them to
# exit (see shared WINE.md). Stops only the server of PREFIX.
set -u
action=$1
export WINEPREFIX="${CESHIM_WINEPREFIX:-$2}"
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="
case "$action" in
start)
    mkdir -p "$WINEPREFIX"
    wineserver -p 120 </dev/null >/dev/null 2>&1
    # Boots the prefix (first time ~6 s) and Wine's services, detached.
    wine cmd /c exit </dev/null >/dev/null 2>&1
    # A prefix made before wine32 was installed has no 32-bit system DLLs,
    # and wineboot skips an update whose timestamp it has seen: clear it.
    if [ -x /usr/lib/wine/wine ] && [ ! -e "$WINEPREFIX/drive_c/windows/syswow64/kernel32.dll" ]; then
        rm -f "$WINEPREFIX/.update-timestamp"
        wine wineboot -u </dev/null >/dev/null 2>&1
    fi
    echo "wine session up: WINEPREFIX=$WINEPREFIX"
    ;;
stop)
    wineserver -k </dev/null >/dev/null 2>&1
    wineserver -w </dev/null >/dev/null 2>&1
    echo "wine session stopped: WINEPREFIX=$WINEPREFIX"
    ;;
*)
    echo "usage: $0 start|stop PREFIX" >&2
    exit 2
    ;;
esac
exit 0
