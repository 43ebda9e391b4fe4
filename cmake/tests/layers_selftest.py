#!/usr/bin/env python3
"""layers_selftest.py - layers.py catches the circles it should (ctest:
lint.shim_layers_selftest).

Each case is a tiny shim/ tree of its own, written to a temporary folder:
one hides a circle (or a duplicate definition) the way real code could,
and layers.py must fail on it naming what it found; the programs' case
must pass.

Usage: layers_selftest.py LAYERS_PY
"""
import os
import subprocess
import sys
import tempfile

FN_POINTER = {
    "a.c": "void (WINAPI *st_hook)(int) = 0;\nvoid st_b(void);\nvoid st_a(void) { st_b(); }\n",
    "b.c": "extern void (WINAPI *st_hook)(int);\nvoid st_b(void) { st_hook(1); }\n",
}


def header_case(keyword):
    return {
        "h.h": "void st_back(void);\n%s void st_poke(void)\n{\n    st_back();\n}\n" % keyword,
        "a.c": '#include "t/h.h"\nvoid st_a(void) { st_poke(); }\n',
        "b.c": "void st_a(void);\nvoid st_back(void) {}\nvoid st_b(void) { st_a(); }\n",
    }


DUPLICATE = {
    "a.c": "int st_twice(void) { return 0; }\n",
    "b.c": "int st_twice(void) { return 1; }\n",
}

PROGRAMS = {
    "p1.c": "void st_usage(void) {}\nint wmain(void) { st_usage(); return 0; }\n",
    "p2.c": "void st_usage(void) {}\nint wmain(void) { st_usage(); return 0; }\n",
}

CASES = [
    ("function-pointer variable", FN_POINTER, 1, "CIRCLE: 2 units: t/a.c t/b.c"),
    ("static inline in a header", header_case("static inline"), 1, "CIRCLE: 2 units: t/a.c t/b.c"),
    ("static __inline in a header", header_case("static __inline"), 1, "CIRCLE: 2 units: t/a.c t/b.c"),
    ("__forceinline in a header", header_case("static __forceinline"), 1, "CIRCLE: 2 units: t/a.c t/b.c"),
    ("static in a header", header_case("static"), 1, "CIRCLE: 2 units: t/a.c t/b.c"),
    ("one name in two DLL units", DUPLICATE, 1, "DUPLICATE: st_twice is defined in 2 of the DLL's units"),
    ("programs repeat names", PROGRAMS, 0, "0 failure(s)"),
]


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    failed = 0
    for title, files, want_rc, want_line in CASES:
        with tempfile.TemporaryDirectory() as shim:
            os.mkdir(os.path.join(shim, "t"))
            for name, text in files.items():
                with open(os.path.join(shim, "t", name), "w") as f:
                    f.write(text)
            run = subprocess.run([sys.executable, argv[1], shim], capture_output=True, text=True)
        ok = run.returncode == want_rc and want_line in run.stdout
        print(f"{'ok' if ok else 'FAILED'}: {title}: exit {run.returncode} (want {want_rc}), "
              f"want a line with '{want_line}'")
        if not ok:
            print("    " + run.stdout.replace("\n", "\n    ") + run.stderr)
            failed += 1
    print(f"{len(CASES) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
