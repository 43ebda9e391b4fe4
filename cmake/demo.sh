#!/bin/sh
# cmake/demo.sh BUILD_DIR - runs the samples under Wine (or natively on
# Windows shells), with a line of explanation before each.
set -eu
build=$1
bin=$build/bin
prefix=$build/wineprefix
run() { "$(dirname "$0")/wine-run.sh" "$prefix" "$@"; }

"$(dirname "$0")/wine-session.sh" start "$prefix" >/dev/null
trap '"$(dirname "$0")/wine-session.sh" stop "$prefix" >/dev/null' EXIT

printf '\n--- ceshim: which build, where it runs\n'
run "$bin/hello.exe"
