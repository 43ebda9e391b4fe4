#!/bin/sh
# wine-run.sh PREFIX PROGRAM [ARGS...]
# The CMAKE_CROSSCOMPILING_EMULATOR of ceshim's mingw builds: runs PROGRAM
# under Wine in the build tree's own prefix (CESHIM_WINEPREFIX overrides it),
# first making that prefix anew if the Wine installation changed since it
# was made (wine-session.sh ensure).
prefix=$1
shift
export WINEPREFIX="${CESHIM_WINEPREFIX:-$prefix}"
case "$WINEPREFIX" in /*) ;; *) WINEPREFIX="$(pwd)/$WINEPREFIX" ;; esac
"$(dirname "$0")/wine-session.sh" ensure "$WINEPREFIX"
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"
exec wine "$@"
