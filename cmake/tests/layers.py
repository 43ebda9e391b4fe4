#!/usr/bin/env python3
"""layers.py - no source file in shim/ imports another in a circle, and
common/ imports nothing above it (ctest: lint.shim_layers).

The rule, kept simple so it can be checked by reading:
  * A unit is one .c file under shim/. A unit that defines main, wmain,
    WinMain or wWinMain is a program's unit (ceservicesd.c, ceservices.c,
    the ce_entry.c stub): each is linked into a program of its own, so
    programs may define the same names; every other unit is the DLL's.
  * A unit defines a function with a body, and a file-scope variable
    (function-pointer variables included, e.g. `void (*hook)(int) = f;`),
    that is not static, extern or typedef.
  * Unit A depends on unit B when A names a function or a variable that B
    defines: in A's own text, or in the body of a macro or of a function
    (static, inline, __inline, __forceinline alike) of a shim header A
    includes (at any depth) that A uses. Headers are only the way a name
    travels; what counts is the name, matched to the .c file that defines
    it: the DLL's unit if one defines it, else the one program unit that
    does. Comments and strings are not read; both sides of #if are.
  * Fails on a name defined by two or more of the DLL's units (the link
    would fail or pick one; both are dependencies then, so no circle hides
    behind it), on a circle between units (printed as a path, each step
    with the names it uses) and on a unit of common/ depending on a unit
    outside it.
  * Not seen, by design: a call made through a table or a pointer filled
    at run time (routing.c's capability table, svc_host_set_driver_model)
    is a dependency of the unit that fills it in, on the units it names,
    not of the unit that calls through it. Such registration is how a
    lower layer calls up without importing the upper one.

Usage: layers.py SHIM_DIR
"""
import os
import re
import sys


IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
INCLUDE_HEAD = re.compile(r"\s*#\s*include\s*$")
INCLUDE = re.compile(r'^\s*#\s*include\s+[<"]([^>"]+)[>"]', re.M)
PROGRAM_ENTRIES = {"main", "wmain", "WinMain", "wWinMain"}
NOT_NAMES = {"if", "for", "while", "switch", "return", "sizeof", "__attribute__", "__declspec",
             "defined", "WINAPI", "CALLBACK", "APIENTRY", "__stdcall", "__cdecl"}


def strip_comments_and_strings(text):
    """Blanks comments, string and character literals (lines kept); the
    name of an #include "..." is kept."""
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
            line = text[text.rfind("\n", 0, i) + 1:i]
            out.append(text[i:j + 1] if c == '"' and INCLUDE_HEAD.match(line) else c + c)
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
            macros[m.group(1)] = macros.get(m.group(1), "") + " " + m.group(3)  # both sides of #if
        if line.lstrip().startswith("#"):
            code.append("")
        else:
            code.append(line)
    return "\n".join(code), macros


def top_level_items(code):
    """Yields (head, body) per file-scope item: a function definition as its
    head and braced body; anything else ending in ';' as its text with the
    braced parts (struct members, initializers) left out, body None."""
    depth, start, flat, linkage = 0, 0, [], 0
    for i, c in enumerate(code):
        if c == "{" and depth == 0 and re.search(r"\bextern\s*\"\"\s*$", code[start:i]):
            linkage += 1  # extern "C" { ... }: its items are file-scope items
            start = i + 1
        elif c == "}" and depth == 0 and linkage:
            linkage -= 1
            start = i + 1
        elif c == "{":
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


ATTRIBUTES = re.compile(r"__declspec\s*\([^()]*\)|__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\)")
# '(' [calling convention] '*' [qualifiers] name, then ')' or '[': the
# declarator of a function-pointer variable (or an array of them).
FN_POINTER = re.compile(r"\(\s*(?:(?:WINAPI|CALLBACK|APIENTRY|__stdcall|__cdecl|__fastcall)\s+)*"
                        r"\*\s*(?:(?:const|volatile)\s+)*([A-Za-z_]\w*)\s*(?=[)\[])")


def variable_names(head):
    """The names a file-scope declaration (no body) declares as variables;
    none for a function prototype or a lone struct/union/enum."""
    decl = ATTRIBUTES.sub(" ", head)
    first = decl.split("=")[0]
    if "(" in first:
        m = FN_POINTER.search(first)
        # Only when the first '(' is the declarator's, not a parameter list.
        return [m.group(1)] if m and m.start() == first.index("(") else []
    if re.match(r"\s*(struct|union|enum)\s+\w+\s*$", first):
        return []
    # Declarators are split at the commas outside parentheses (int a = 1, b;).
    parts, depth, start = [], 0, 0
    for i, c in enumerate(decl):
        depth += (c == "(") - (c == ")")
        if c == "," and depth == 0:
            parts.append(decl[start:i])
            start = i + 1
    parts.append(decl[start:])
    names = []
    for i, part in enumerate(parts):
        ids = [w for w in IDENT.findall(part.split("=")[0].split("[")[0]) if w not in ("const", "volatile")]
        if len(ids) >= (2 if i == 0 else 1):
            names.append(ids[-1])
    return names


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
            if body is not None:
                fn = function_name(head)
                if fn:
                    # Both sides of an #if may define it: keep both bodies.
                    carried.setdefault(fn, set()).update(IDENT.findall(body))
        incs = [h for h in (resolve(i, rel) for i in INCLUDE.findall(text)) if h]
        header_info[rel] = (incs, carried)

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
            elif body is None:
                u.defines.update(variable_names(head))

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

    programs = {rel for rel, u in units.items() if u.defines & PROGRAM_ENTRIES}
    dll_definer, program_definer = {}, {}
    for rel, u in units.items():
        for d in u.defines:
            (program_definer if rel in programs else dll_definer).setdefault(d, []).append(rel)

    failures = 0
    # One definition per name in the DLL.
    for name, defs in sorted(dll_definer.items()):
        if len(defs) > 1:
            print(f"DUPLICATE: {name} is defined in {len(defs)} of the DLL's units: {' '.join(sorted(defs))}")
            failures += 1

    edges = {rel: {} for rel in units}
    for rel, u in units.items():
        for n in u.names - u.defines:
            defs = dll_definer.get(n) or program_definer.get(n, ())
            if n in dll_definer or len(defs) == 1:
                for d in defs:
                    edges[rel].setdefault(d, set()).add(n)

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
