#!/bin/sh
# cmake/dev.sh deps|demo|test|bench - what `make demo`, `make test` and
# `make bench` run. Each installs the Debian packages it needs first.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

say() { printf '\n==> %s\n' "$*"; }

# apt-get as root, or through sudo when there is one.
apt_install() {
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    # An index that fails to refresh (a mirror mid-sync) is not fatal: the
    # install below says whether what we need is still reachable.
    $sudo apt-get update -qq || echo "dev.sh: apt-get update reported errors; trying the install anyway" >&2
    $sudo apt-get install -y -qq --no-install-recommends "$@"
}

deps() {
    missing=""
    command -v cmake >/dev/null 2>&1 || missing="$missing cmake"
    command -v ninja >/dev/null 2>&1 || missing="$missing ninja-build"
    command -v make >/dev/null 2>&1 || missing="$missing make"
    command -v x86_64-w64-mingw32-gcc-posix >/dev/null 2>&1 || missing="$missing mingw-w64"
    command -v i686-w64-mingw32-gcc-posix >/dev/null 2>&1 || missing="$missing mingw-w64"
    command -v wine >/dev/null 2>&1 || missing="$missing wine wine64"
    [ -d /usr/lib/wine ] || missing="$missing wine64"
    [ -f /usr/src/googletest/googletest/src/gtest-all.cc ] || missing="$missing googletest"
    command -v clang >/dev/null 2>&1 || missing="$missing clang"
    # libFuzzer and the sanitizers' runtime, for the fuzz test.
    ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
        missing="$missing libclang-rt-14-dev"
    if [ -n "$missing" ]; then
        say "installing Debian packages:$missing"
        # shellcheck disable=SC2086
        apt_install $missing
    fi
}

# wine32 runs the i686 tests. It needs the i386 architecture; on some days
# Debian's i386 security index is mid-sync and it cannot be installed.
wine32_ready() {
    dpkg -s wine32:i386 >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1; then
        s=""; [ "$(id -u)" = 0 ] || s=sudo
        $s dpkg --add-architecture i386 >/dev/null 2>&1 || true
        apt_install wine32:i386 >/tmp/ceshim-wine32-install.log 2>&1 || true
    fi
    dpkg -s wine32:i386 >/dev/null 2>&1
}

# build PRESET [quiet]: configure and build; "quiet" keeps the build's
# output in a log shown only on failure.
build() {
    preset=$1
    log="build-$preset.log"
    say "configure + build: $preset"
    cmake --preset "$preset" >"$log" 2>&1 || { cat "$log"; exit 1; }
    if [ "${2:-}" = quiet ]; then
        cmake --build --preset "$preset" >>"$log" 2>&1 || { cat "$log"; exit 1; }
        echo "built without warnings or errors (-Wall -Wextra -Werror)"
    else
        cmake --build --preset "$preset"
    fi
    rm -f "$log"
}

case "${1:-}" in
deps)
    deps
    ;;
test)
    deps
    build clang-x64 quiet  # compiler hygiene: the same code, -Werror, under clang
    build wine-x86
    if wine32_ready; then
        say "tests: i686 under wine32"
        cmake/wine-session.sh start "$root/build/wine-x86/wineprefix" >/dev/null
        ctest --preset wine-x86
    else
        if grep -qE 'unmet dependencies|generated breaks' /tmp/ceshim-wine32-install.log 2>/dev/null; then
            why="apt cannot resolve its i386 dependencies"
        else
            why=$(grep -m1 -oE 'Unable to locate package [^ ]+' /tmp/ceshim-wine32-install.log 2>/dev/null ||
                  echo "not installable")
        fi
        why="$why; apt's output is in /tmp/ceshim-wine32-install.log"
        echo "i686 TESTS NOT RUN: wine32:i386 could not be installed ($why); the i686 build above compiled and linked."
    fi
    build wine-x64
    say "tests: x86_64 under Wine"
    # Boot the prefix before ctest: test discovery (PRE_TEST) runs the test
    # programs under Wine before the session fixture would.
    cmake/wine-session.sh start "$root/build/wine-x64/wineprefix" >/dev/null
    ctest --preset wine-x64
    ;;
demo)
    deps
    build wine-x64
    "$root/cmake/demo.sh" "$root/build/wine-x64"
    ;;
bench)
    deps
    [ -d /usr/include/boost/interprocess ] || apt_install libboost-dev
    build wine-x64
    "$root/cmake/bench.sh" "$root/build/wine-x64"
    ;;
*)
    echo "usage: $0 deps|demo|test|bench" >&2
    exit 2
    ;;
esac
