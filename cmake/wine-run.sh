#!/bin/sh
# wine-run.sh PREFIX PROGRAM [ARGS...]
# The CMAKE_CROSSCOMPILING_EMULATOR of ceshim's mingw builds: runs PROGRAM
# under Wine in the build tree's own prefix (CESHIM_WINEPREFIX overrides it).
prefix=$1
shift
export WINEPREFIX="${CESHIM_WINEPREFIX:-$prefix}"
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"
exec wine "$@"
