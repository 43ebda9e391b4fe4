#!/usr/bin/env python3
"""layers.py - no source file in shim/ imports another in a circle, and
common/ imports nothing above it (ctest: lint.shim_layers).

The rule, kept simple so it can be checked by reading:
  * A unit is one .c file under shim/.
  * Unit A depends on unit B when A names a function or a variable that B
    defines with external linkage (not static): in A's own text, or in the
    body of a macro or inline function of a shim header A includes (at any
    depth) that A uses. Headers are only the way a name travels; what
    counts is the name, matched to the one .c file that defines it.
    Comments and strings are not read; both sides of #if are.
  * Fails on a circle between units (printed as a path, each step with the
    names it uses) and on a unit of common/ depending on a unit outside it.

Usage: layers.py SHIM_DIR
"""
import os
import re
import sys


IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
INCLUDE = re.compile(r'^\s*#\s*include\s+[<"]([^>"]+)[>"]', re.M)
NOT_NAMES = {"if", "for", "while", "switch", "return", "sizeof", "__attribute__", "__declspec",
             "defined", "WINAPI", "CALLBACK", "APIENTRY", "__stdcall", "__cdecl"}


def strip_comments_and_strings(text):
    """Blanks comments, string and character literals (lines kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def join_continuations(text):
    return text.replace("\\\n", " ")


def split_preprocessor(text):
    """(code without preprocessor lines, {macro name: body})."""
    code, macros = [], {}
    for line in text.split("\n"):
        m = re.match(r"\s*#\s*define\s+([A-Za-z_]\w*)(\([^)]*\))?(.*)", line)
        if m:
            macros[m.group(1)] = m.group(3)
        if line.lstrip().startswith("#"):
            code.append("")
        else:
            code.append(line)
    return "\n".join(code), macros


def top_level_items(code):
    """Yields (head, body) per file-scope item: a function definition as its
    head and braced body; anything else ending in ';' as its text with the
    braced parts (struct members, initializers) left out, body None."""
    depth, start, flat = 0, 0, []
    for i, c in enumerate(code):
        if c == "{":
            if depth == 0:
                flat.append(code[start:i])
                start = i
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                head = "".join(flat)
                if re.search(r"\)\s*$", head):
                    yield head, code[start:i + 1]
                    flat = []
                start = i + 1
        elif c == ";" and depth == 0:
            flat.append(code[start:i])
            yield "".join(flat), None
            flat, start = [], i + 1


def function_name(head):
    """The name a function definition's head defines, or None."""
    for m in re.finditer(r"([A-Za-z_]\w*)\s*\(", head):
        if m.group(1) not in NOT_NAMES:
            return m.group(1)
    return None


class Unit:
    def __init__(self, path):
        self.path = path
        self.defines = set()      # external functions and variables
        self.names = set()        # every identifier it names
        self.includes = []


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return join_continuations(strip_comments_and_strings(f.read()))


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    shim = os.path.abspath(argv[1])
    units, headers = {}, {}
    for root, _, files in os.walk(shim):
        for name in sorted(files):
            rel = os.path.relpath(os.path.join(root, name), shim).replace(os.sep, "/")
            if name.endswith(".c"):
                units[rel] = Unit(rel)
            elif name.endswith(".h"):
                headers[rel] = None

    def resolve(inc, from_rel):
        for cand in (inc, os.path.normpath(os.path.join(os.path.dirname(from_rel), inc)).replace(os.sep, "/")):
            if cand in headers:
                return cand
        return None

    # Headers: their includes and the names used by their macros and inline
    # functions (what travels into a unit that uses those).
    header_info = {}
    for rel in headers:
        text = read(os.path.join(shim, rel))
        code, macros = split_preprocessor(text)
        carried = {k: set(IDENT.findall(v)) for k, v in macros.items()}
        for head, body in top_level_items(code):
            if body is not None and re.search(r"\binline\b", head):
                fn = function_name(head)
                if fn:
                    carried[fn] = set(IDENT.findall(body))
        incs = [h for h in (resolve(i, rel) for i in INCLUDE.findall(text)) if h]
        header_info[rel] = (incs, carried)

    variables = {}
    for rel, u in units.items():
        text = read(os.path.join(shim, rel))
        code, macros = split_preprocessor(text)
        u.includes = [h for h in (resolve(i, rel) for i in INCLUDE.findall(text)) if h]
        u.names = set(IDENT.findall(code)) | {n for v in macros.values() for n in IDENT.findall(v)}
        for head, body in top_level_items(code):
            words = set(IDENT.findall(head))
            if "static" in words or "typedef" in words or "extern" in words:
                continue
            if body is not None and re.search(r"\)\s*$", head.strip()):
                fn = function_name(head)
                if fn:
                    u.defines.add(fn)
            elif "(" not in head:
                # A file-scope variable: the last name before '=' or '['.
                decl = head.split("=")[0].split("[")[0]
                ids = [w for w in IDENT.findall(decl) if w not in ("const", "volatile")]
                if len(ids) >= 2 and not re.match(r"\s*(struct|union|enum)\s+\w+\s*$", decl):
                    variables[ids[-1]] = rel
                    u.defines.add(ids[-1])

    # Names carried by headers: a unit using a macro or inline function of a
    # header it includes names what that body names, to any depth.
    for u in units.values():
        seen, todo = set(), list(u.includes)
        carried = {}
        while todo:
            h = todo.pop()
            if h in seen:
                continue
            seen.add(h)
            incs, c = header_info[h]
            carried.update(c)
            todo.extend(incs)
        pending = [n for n in u.names if n in carried]
        while pending:
            n = pending.pop()
            for m in carried.pop(n, ()):
                if m not in u.names:
                    u.names.add(m)
                    if m in carried:
                        pending.append(m)

    definer = {}
    for rel, u in units.items():
        for d in u.defines:
            definer.setdefault(d, []).append(rel)
    edges = {rel: {} for rel in units}
    for rel, u in units.items():
        for n in u.names:
            for d in definer.get(n, ()):
                if d != rel and len(definer[n]) == 1:
                    edges[rel].setdefault(d, set()).add(n)

    failures = 0
    # common/ depends on nothing above it.
    for rel in sorted(units):
        if not rel.startswith("common/"):
            continue
        for dep, names in sorted(edges[rel].items()):
            if not dep.startswith("common/"):
                print(f"LAYER: {rel} (common/) depends on {dep}: {', '.join(sorted(names))}")
                failures += 1

    # Circles: strongly connected components (Tarjan), each shown as one
    # concrete circle through its units.
    index, low, stack, on, comps = {}, {}, [], set(), []

    def strong(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(units):
        if v not in index:
            strong(v)

    def circle(comp):
        members, start = set(comp), comp[0]
        prev, todo = {start: None}, [start]
        while todo:  # breadth first from start, back to start
            nxt = []
            for v in todo:
                for w in sorted(edges[v]):
                    if w == start:
                        path = [v]
                        while prev[path[-1]] is not None:
                            path.append(prev[path[-1]])
                        return list(reversed(path)) + [start]
                    if w in members and w not in prev:
                        prev[w] = v
                        nxt.append(w)
            todo = nxt
        return comp

    for comp in comps:
        print(f"CIRCLE: {len(comp)} units: {' '.join(comp)}")
        path = circle(comp)
        for a, b in zip(path, path[1:]):
            print(f"    {a} -> {b}  ({', '.join(sorted(edges[a][b])[:6])})")
        print("  all dependencies inside it:")
        for a in comp:
            for b in sorted(set(edges[a]) & set(comp)):
                print(f"    {a} -> {b}  ({', '.join(sorted(edges[a][b])[:6])})")
        failures += 1

    n_edges = sum(len(e) for e in edges.values())
    print(f"{len(units)} units, {n_edges} dependencies, {len(comps)} circle(s), {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
