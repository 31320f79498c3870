#!/usr/bin/env python3
"""Architecture checks (issue 15), over the workspace's Rust sources as text:

1. No import cycles between source files within a crate: every `crate::…`, `super::…` and
   `self::…` path a file names (in `use` items and in code) is resolved to the module file it
   lands in; the file graph must have no cycle (a file naming its own submodules' items and the
   submodule naming the parent's is a cycle too).
2. Nothing points upwards in antom-checkout: each file belongs to a layer, and may only name
   files of its own layer or lower ones.
3. No Antom result-code string literal in the server or the simulator outside antom-client:
   `"ORDER_NOT_EXIST"` and friends are spelled in antom-client only.

Exit status 1 with one line per finding; 0 and a summary when clean.
"""
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CRATES = {
    "antom-client": "crates/antom-client/src",
    "domain": "crates/domain/src",
    "antom-sim": "crates/antom-sim/src",
    "antom-checkout": "crates/antom-checkout/src",
    "bench": "crates/bench/src",
    "migration": "migrations/src",
}

# antom-checkout's layers, top first. A file may name its own layer and the ones below.
LAYERS = [
    ("entry", ["lib.rs", "main.rs", "startup.rs", "simulator_cli.rs"]),
    ("routes", ["routes/"]),
    ("services", ["services/"]),
    ("state", ["state.rs", "keys_store.rs"]),
    ("persistence", ["persistence/"]),
    ("base", ["config.rs", "metrics.rs", "tokens.rs", "rate_limit.rs", "telemetry.rs"]),
]

# Antom's result codes that must be spelled only in antom-client.
RESULT_CODES = [
    "ORDER_NOT_EXIST", "PAYMENT_IN_PROCESS", "CAPTURE_IN_PROCESS", "REFUND_IN_PROCESS",
    "VERIFICATION_IN_PROCESS", "VAULTING_NOT_EXIST", "ORDER_IS_CLOSED", "REPEAT_REQ_INCONSISTENT",
    "UNKNOWN_EXCEPTION", "PROCESS_FAIL", "INVALID_SIGNATURE", "KEY_NOT_FOUND", "CLIENT_INVALID",
    "PARAM_ILLEGAL", "VERIFICATION_FAIL", "ORDER_STATUS_INVALID", "AUTH_NOT_FOUND",
    "CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT", "REFUND_AMOUNT_EXCEED", "DO_NOT_HONOR",
    "USER_BALANCE_NOT_ENOUGH", "USER_PAYMENT_VERIFICATION_FAILED", "AUTH_EXPIRED", "AUTH_CANCELLED",
    "ORDER_IS_CANCELED", "CURRENCY_NOT_SUPPORT", "REQUEST_TRAFFIC_EXCEED_LIMIT",
    "CANCEL_WINDOW_EXCEED", "MULTI_CAPTURE_NOT_SUPPORTED", "ORDER_IS_EXPIRED", "RISK_REJECT",
    "INVALID_CARD", "INVALID_EXPIRATION_DATE", "CARD_NOT_SUPPORTED", "SESSION_EXPIRED",
]
CODE_CHECKED = ["antom-checkout", "antom-sim"]

PATH_RE = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE_RE = re.compile(r"\buse\s+(crate|super|self)::([^;]*);", re.S)


def module_files(src):
    """{module path tuple: relative file} for every .rs file under src."""
    modules = {}
    for dirpath, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), src)
            parts = rel[:-3].split(os.sep)
            if parts[-1] in ("mod", "lib", "main"):
                parts = parts[:-1]
            if rel in ("main.rs",) and () in modules:
                continue  # the binary's root; lib.rs is the crate root
            modules[tuple(parts)] = rel
    return modules


def strip_tests_and_comments(text):
    """Drops `#[cfg(test)] mod … { … }` blocks, comments and string literals' contents."""
    text = re.sub(r"//[^\n]*", "", text)
    out, i = [], 0
    marker = re.compile(r"#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{")
    while True:
        m = marker.search(text, i)
        if not m:
            out.append(text[i:])
            break
        out.append(text[i:m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    return "".join(out)


def expand_use(prefix, tree):
    """`use crate::{a::b, c::{d, e}}` → ['a::b', 'c::d', 'c::e'] (after the prefix)."""
    tree = re.sub(r"\s+", "", tree)
    results = []

    def walk(base, t):
        depth, start, items = 0, 0, []
        for k, ch in enumerate(t):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                items.append(t[start:k])
                start = k + 1
        items.append(t[start:])
        for item in items:
            if not item:
                continue
            if "{" in item:
                head, rest = item.split("{", 1)
                walk(base + head, rest[:-1])
            else:
                results.append(base + item.split(" as ")[0])

    walk("", tree)
    return [prefix + "::" + r for r in results]


def resolve(current, kind, segments, modules):
    """The module file a path lands in (the longest existing module prefix)."""
    cur = list(current)
    if kind == "crate":
        base = []
    elif kind == "self":
        base = cur
    else:  # super, possibly repeated
        base = cur[:-1]
        while segments and segments[0] == "super":
            base = base[:-1]
            segments = segments[1:]
    path = base + [s for s in segments if s != "self"]
    for n in range(len(path), -1, -1):
        if tuple(path[:n]) in modules:
            return tuple(path[:n])
    return ()


def file_module(rel):
    parts = rel[:-3].split(os.sep)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def graph_of(src):
    modules = module_files(src)
    edges = {}
    for mod, rel in modules.items():
        text = strip_tests_and_comments(open(os.path.join(src, rel), encoding="utf8").read())
        text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
        targets = set()
        paths = []
        for m in USE_RE.finditer(text):
            paths += expand_use(m.group(1), m.group(2))
        text_wo_use = USE_RE.sub("", text)
        paths += [m.group(1) + m.group(2) for m in PATH_RE.finditer(text_wo_use)]
        here = file_module(rel)
        for p in paths:
            kind, *segments = p.split("::")
            target = resolve(here, kind, segments, modules)
            target_file = modules.get(target)
            if target_file and target_file != rel:
                targets.add(target_file)
        edges[rel] = targets
    return edges


def cycles(edges):
    """Strongly connected components with more than one file (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
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
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in edges:
        if v not in index:
            strong(v)
    return out


def layer_of(rel):
    for rank, (name, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if rel == p or (p.endswith("/") and rel.startswith(p)):
                return rank, name
    return None, None


def main():
    findings = []
    files = 0
    for crate, src in CRATES.items():
        src = os.path.join(ROOT, src)
        edges = graph_of(src)
        files += len(edges)
        for comp in cycles(edges):
            findings.append(f"{crate}: import cycle: {' -> '.join(comp)}")
        if crate == "antom-checkout":
            for a, targets in edges.items():
                ra, na = layer_of(a)
                if ra is None:
                    findings.append(f"{crate}: {a} is in no layer (add it to LAYERS)")
                    continue
                for b in targets:
                    rb, nb = layer_of(b)
                    if rb is not None and rb < ra:
                        findings.append(f"{crate}: {a} ({na}) imports {b} ({nb}), a higher layer")
        if crate in CODE_CHECKED:
            for dirpath, _, names in os.walk(src):
                for name in names:
                    if not name.endswith(".rs"):
                        continue
                    path = os.path.join(dirpath, name)
                    for n, line in enumerate(open(path, encoding="utf8"), 1):
                        for code in RESULT_CODES:
                            if f'"{code}"' in line:
                                findings.append(
                                    f"{crate}: {os.path.relpath(path, ROOT)}:{n} spells Antom's {code}"
                                )
    for f in findings:
        print(f)
    if findings:
        print(f"architecture: {len(findings)} finding(s)")
        return 1
    print(f"architecture: {files} files, no import cycles, no upward imports, no Antom codes outside antom-client")
    return 0


if __name__ == "__main__":
    sys.exit(main())
