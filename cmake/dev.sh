#!/bin/sh
# cmake/dev.sh deps|wine32|demo|test|bench|torture|package - what `make demo`,
# `make test`, `make bench`, `make torture` and `make package` run. Each
# installs the Debian packages it needs first.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

say() { printf '\n==> %s\n' "$*"; }

# apt-get as root, or through sudo when there is one.
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
apt_install() {
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
    # python3 runs lint.shim_layers (cmake/tests/layers.py).
    command -v python3 >/dev/null 2>&1 || missing="$missing python3"
    # lld-link and llvm-lib link the entry library as MSVC would (cebase.msvc_entry).
    command -v lld-link >/dev/null 2>&1 || missing="$missing lld"
    command -v llvm-lib >/dev/null 2>&1 || missing="$missing llvm"
    if [ -n "$missing" ]; then
        say "installing Debian packages:$missing"
        # shellcheck disable=SC2086
        apt_install $missing
    fi
}

# wine32 runs the i686 tests. It needs the i386 architecture. On some days
# the mirror's i386 *security* index is mid-sync: amd64 libraries already
# installed from bookworm-security then have no i386 twin of the same version,
# and apt reports unmet dependencies. wine32_aligned_install handles that.
wine32_ready() {
    dpkg -s wine32:i386 >/dev/null 2>&1 && return 0
    if [ -z "$sudo" ] || command -v sudo >/dev/null 2>&1; then
        $sudo dpkg --add-architecture i386 >/dev/null 2>&1 || true
        {
            apt_install wine32:i386 || wine32_aligned_install
        } 3>&1 >/tmp/ceshim-wine32-install.log 2>&1 || true
    fi
    dpkg -s wine32:i386 >/dev/null 2>&1
}

# Retries the wine32 install preferring the release's own suite (whose i386
# index is whole) and pinning each library apt names as unresolvable to the
# version its i386 index has, on both architectures (multi-arch libraries
# must match). That can move an amd64 library back from its security update
# to the release's version: done only when apt's dry run removes nothing,
# and said on the console. CESHIM_NO_WINE32_ALIGN=1 turns it off.
wine32_aligned_install() {
    [ "${CESHIM_NO_WINE32_ALIGN:-0}" = 1 ] && { echo "wine32: aligned install turned off"; return 1; }
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [ -n "$codename" ] || return 1
    pins=""
    round=0
    while [ $round -lt 8 ]; do
        round=$((round + 1))
        # shellcheck disable=SC2086
        plan=$($sudo apt-get install -s --no-install-recommends --allow-downgrades -t "$codename" wine32:i386 $pins 2>&1)
        if echo "$plan" | grep -q '^Inst wine32:i386'; then
            if echo "$plan" | grep -q '^Remv '; then
                echo "wine32: the aligned install would remove packages; not done:"
                echo "$plan" | grep '^Remv '
                return 1
            fi
            downgraded=$(echo "$plan" | sed -n '/DOWNGRADED:/,/^[^ ]/p' | grep '^ ' | tr -s ' ' | tr '\n' ' ')
            # shellcheck disable=SC2086
            $sudo apt-get install -y -qq --no-install-recommends --allow-downgrades -t "$codename" wine32:i386 $pins ||
                return 1
            if [ -n "$downgraded" ]; then
                echo "dev.sh: wine32 installed with amd64 packages aligned to their i386 versions (moved back:$downgraded)" >&3
            fi
            return 0
        fi
        added=""
        for dep in $(echo "$plan" | grep -oE 'Depends: [a-z0-9][a-z0-9.+-]*:i386' | sed 's/^Depends: //; s/:i386$//' | sort -u); do
            case " $pins " in *" $dep:i386="*) continue ;; esac
            version=$(apt-cache policy "$dep:i386" | awk '/Candidate:/ { print $2 }')
            [ -n "$version" ] && [ "$version" != "(none)" ] || continue
            pins="$pins $dep:i386=$version"
            # The amd64 twin, where installed, must move to the same version.
            dpkg-query -W -f='${Status}' "$dep:amd64" 2>/dev/null | grep -q ' installed$' &&
                pins="$pins $dep:amd64=$version"
            added="$added $dep"
        done
        [ -n "$added" ] || { echo "$plan"; return 1; }
        echo "wine32: pinning to the i386 index's version:$added"
    done
    return 1
}

# build PRESET [quiet] [CMAKE-ARGS...]: configure and build; "quiet" keeps
# the build's output in a log shown only on failure.
build() {
    preset=$1
    quiet=${2:-}
    [ $# -ge 2 ] && shift 2 || shift $#
    log="build-$preset.log"
    say "configure + build: $preset"
    cmake --preset "$preset" "$@" >"$log" 2>&1 || { cat "$log"; exit 1; }
    if [ "$quiet" = quiet ]; then
        cmake --build --preset "$preset" >>"$log" 2>&1 || { cat "$log"; exit 1; }
        echo "built without warnings or errors (-Wall -Wextra -Werror)"
    else
        cmake --build --preset "$preset"
    fi
    rm -f "$log"
}

# package: the release archives, build/package/ceshim-<version>-win64.zip and
# -win32.zip (cpack ZIP of the installed package), each from its own Release
# build without tests (build/package-x64, build/package-x86), then the
# archive test: each archive unpacked into a fresh folder, a CE project
# (cmake/tests/consumer) built against it alone and run under Wine, and the
# 64-bit consumer as client of the 32-bit archive's services host.
package_archives() {
    version=$(sed -n 's/^ *VERSION \([0-9][0-9.]*\)$/\1/p' CMakeLists.txt | head -n 1)
    out="$root/build/package"
    mkdir -p "$out"
    for bits in 64 32; do
        if [ $bits = 64 ]; then dir=package-x64 tc=mingw-w64-x86_64.cmake; else dir=package-x86 tc=mingw-w64-i686.cmake; fi
        say "release archive: win$bits"
        log="build-$dir.log"
        {
            cmake -S . -B "build/$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
                  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/$tc" \
                  -DCESHIM_BUILD_TESTS=OFF -DCESHIM_BUILD_SAMPLES=OFF &&
            cmake --build "build/$dir" &&
            (cd "build/$dir" && cpack -G ZIP -B "$out")
        } >"$log" 2>&1 || { cat "$log"; exit 1; }
        rm -f "$log"
        rm -rf "$out/_CPack_Packages"
        ls -l "$out/ceshim-$version-win$bits.zip"
    done
    package_test "$version"
}

# package_test VERSION: the archive test (cmake/tests/package-test.cmake with
# ARCHIVE=), each bitness with the other as its cross peer. Without wine32
# the 32-bit archive is built but not tested, and the run says so.
package_test() {
    version=$1
    have32=0
    wine32_ready && have32=1
    failed=""
    for bits in 64 32; do
        if [ $bits = 64 ]; then dir=package-x64 peer=package-x86 peer_bits=32
        else dir=package-x86 peer=package-x64 peer_bits=64; fi
        prefix="$root/build/$dir/wineprefix"
        work="$root/build/package/test-win$bits"
        args="-DBUILD_DIR=$root/build/$dir -DWORK_DIR=$work
              -DARCHIVE=$root/build/package/ceshim-$version-win$bits.zip
              -DCONSUMER_SOURCE=$root/cmake/tests/consumer -DGENERATOR=Ninja -DBITS=$bits
              -DEMULATOR=$root/cmake/wine-run.sh|$prefix"
        scenarios="version queue notify services"
        if [ $have32 = 1 ]; then
            args="$args -DPEER_BUILD_DIR=$root/build/$peer
                  -DPEER_ARCHIVE=$root/build/package/ceshim-$version-win$peer_bits.zip"
            scenarios="$scenarios cross"
        fi
        if [ $bits = 32 ] && [ $have32 = 0 ]; then
            echo "win32 ARCHIVE TEST NOT RUN: wine32 is not installed (the archive was built, not checked)."
            continue
        fi
        say "archive test: win$bits"
        cmake/wine-session.sh start "$prefix" >/dev/null
        for step in build $scenarios; do
            if [ $step = build ]; then set -- -DSTEP=build; else set -- -DSTEP=run -DSCENARIO=$step; fi
            # shellcheck disable=SC2086
            if cmake $args "$@" -P cmake/tests/package-test.cmake >"$work.$step.log" 2>&1; then
                echo "win$bits $step: passed"
            else
                echo "win$bits $step: FAILED (log: $work.$step.log)"; tail -n 30 "$work.$step.log"
                failed="$failed win$bits.$step"
                [ $step = build ] && break
            fi
        done
        cmake/wine-session.sh stop "$prefix" >/dev/null
    done
    [ -z "$failed" ] || { echo "archive test failed:$failed"; exit 1; }
    echo "archive test passed"
}

case "${1:-}" in
deps)
    deps
    ;;
wine32)
    wine32_ready && echo "wine32 ready" || { echo "wine32 not installable; see /tmp/ceshim-wine32-install.log"; exit 1; }
    ;;
test)
    deps
    build clang-x64 quiet  # compiler hygiene: the same code, -Werror, under clang
    # With wine32, each bitness's bitness_tests runs the other's build as
    # its peer; without, the bitness suite is not built.
    x86_peer="" x64_peer=""
    if wine32_ready; then
        have_wine32=1 x86_peer="$root/build/wine-x64" x64_peer="$root/build/wine-x86"
    else
        have_wine32=0
    fi
    build wine-x86 loud "-DCESHIM_PEER_BUILD_DIR=$x86_peer"
    build wine-x64 loud "-DCESHIM_PEER_BUILD_DIR=$x64_peer"
    if [ "$have_wine32" = 1 ]; then
        say "tests: i686 under wine32"
        # Boot the prefix before ctest: test discovery (PRE_TEST) runs the
        # test programs under Wine before the session fixture would.
        cmake/wine-session.sh start "$root/build/wine-x86/wineprefix" >/dev/null
        ctest --preset wine-x86
    else
        if grep -qE 'unmet dependencies|generated breaks|held broken' /tmp/ceshim-wine32-install.log 2>/dev/null; then
            why="apt cannot resolve its i386 dependencies"
        else
            why=$(grep -m1 -oE 'Unable to locate package [^ ]+' /tmp/ceshim-wine32-install.log 2>/dev/null ||
                  echo "not installable")
        fi
        why="$why; apt's output is in /tmp/ceshim-wine32-install.log"
        echo "i686 TESTS NOT RUN: wine32:i386 could not be installed ($why); the i686 build above compiled and linked."
        echo "BITNESS TESTS NOT RUN (32- and 64-bit processes together): they need wine32 too."
    fi
    say "tests: x86_64 under Wine"
    cmake/wine-session.sh start "$root/build/wine-x64/wineprefix" >/dev/null
    ctest --preset wine-x64
    ;;
demo)
    deps
    build wine-x64
    "$root/cmake/demo.sh" "$root/build/wine-x64"
    ;;
package)
    deps
    package_archives
    ;;
bench)
    deps
    [ -d /usr/include/boost/interprocess ] || apt_install libboost-dev
    build wine-x64
    "$root/cmake/bench.sh" "$root/build/wine-x64"
    ;;
torture)
    deps
    build wine-x64
    status=0
    "$root/cmake/torture.sh" "$root/build/wine-x64" || status=1
    if wine32_ready; then
        build wine-x86
        "$root/cmake/torture.sh" "$root/build/wine-x86" || status=1
    else
        echo "i686 TORTURE NOT RUN: wine32:i386 could not be installed (see /tmp/ceshim-wine32-install.log)"
        status=1
    fi
    exit $status
    ;;
*)
    echo "usage: $0 deps|wine32|demo|test|bench|torture|package" >&2
    exit 2
    ;;
esac
