#!/usr/bin/env python3
"""Architecture checks (issue 15), over the workspace's Rust sources as text:

1. No import cycles between source files within a crate: every path a file names (in `use`
   items and in code: `crate::…`, `super::…`, `self::…`, a child module's name, or a name a
   `use` brought in) is resolved to the module file the item lives in, following `pub use`
   re-exports to their source; the file graph must have no cycle (a file naming its own
   submodules' items and the submodule naming the parent's is a cycle too). `mod` declarations
   are not edges.
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
    ("entry", ["lib.rs", "main.rs", "startup.rs", "simulator_cli.rs", "embedded_simulator.rs", "sdk_file.rs"]),
    ("routes", ["routes/", "api_doc/"]),
    ("services", ["services/"]),
    ("state", ["state.rs", "keys_store.rs"]),
    ("persistence", ["persistence/"]),
    ("base", ["config.rs", "metrics.rs", "tokens.rs", "rate_limit.rs", "telemetry.rs", "response_audit.rs", "request_id.rs"]),
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

PATH_RE = re.compile(r"(?<![A-Za-z0-9_:])([A-Za-z_][A-Za-z0-9_]*)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE_RE = re.compile(r"\b(pub(?:\([^)]*\))?\s+)?use\s+([A-Za-z_][A-Za-z0-9_]*)::([^;]*);", re.S)
MOD_RE = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+([A-Za-z_][A-Za-z0-9_]*)\s*;", re.M)


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
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    text = re.sub(r"pub\(in [^)]*\)", "pub", text)  # a visibility names a module, not an import
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


def expand_use(tree):
    """`a::b, c::{d, e as f}` → [('b', ['a','b']), ('d', ['c','d']), ('f', ['c','e'])]."""
    tree = re.sub(r"\s+", " ", tree).strip()
    results = []

    def split_top(t):
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
        return [i.strip() for i in items if i.strip()]

    def walk(base, t):
        for item in split_top(t):
            if "{" in item:
                head, rest = item.split("{", 1)
                head = [x for x in head.strip().strip(":").split("::") if x]
                walk(base + head, rest.rsplit("}", 1)[0])
            else:
                alias = None
                if " as " in item:
                    item, alias = [x.strip() for x in item.split(" as ")]
                segs = [x for x in item.split("::") if x]
                if segs == ["*"]:
                    continue
                if segs and segs[-1] == "self":
                    segs = segs[:-1]
                path = base + segs
                if path:
                    results.append((alias or path[-1], path))

    walk([], tree)
    return results


class Crate:
    """The crate's module files, each file's child modules, `use` aliases and re-exports."""

    def __init__(self, src):
        self.src = src
        self.modules = module_files(src)
        self.texts, self.children, self.aliases, self.reexports = {}, {}, {}, {}
        for mod, rel in self.modules.items():
            text = strip_tests_and_comments(open(os.path.join(src, rel), encoding="utf8").read())
            self.texts[mod] = text
            self.children[mod] = set(MOD_RE.findall(text))
            aliases, reexports = {}, {}
            for m in USE_RE.finditer(text):
                for alias, path in expand_use(m.group(2) + "::" + m.group(3)):
                    aliases[alias] = path
                    if m.group(1):
                        reexports[alias] = path
            self.aliases[mod], self.reexports[mod] = aliases, reexports

    def absolute(self, here, path):
        """The absolute module path `path` (as written in module `here`) names, or None when it
        leaves the crate (std, another crate)."""
        head, rest = path[0], path[1:]
        if head == "crate":
            base = []
        elif head == "self":
            base = list(here)
        elif head == "super":
            base = list(here[:-1])
            while rest and rest[0] == "super":
                base, rest = base[:-1], rest[1:]
        elif head in self.children.get(here, ()):
            base, rest = list(here) + [head], rest
        else:
            return None
        return base + [s for s in rest if s != "self"]

    def resolve(self, here, path, depth=0):
        """The module file the item named by `path` (written in `here`) lives in."""
        absolute = self.absolute(here, path)
        if absolute is None:
            alias = self.aliases.get(here, {}).get(path[0])
            if alias is None or depth > 8 or alias[0] == path[0] and len(path) == 1:
                return None
            return self.resolve(here, alias + path[1:], depth + 1)
        for n in range(len(absolute), -1, -1):
            module = tuple(absolute[:n])
            if module in self.modules:
                rest = absolute[n:]
                target = self.reexports.get(module, {}).get(rest[0]) if rest else None
                if target is not None and depth <= 8:
                    followed = self.resolve(module, target + rest[1:], depth + 1)
                    if followed is not None:
                        return followed
                return module
        return None

    def edges(self):
        edges = {}
        for mod, rel in self.modules.items():
            text = self.texts[mod]
            targets = set()
            paths = []
            for m in USE_RE.finditer(text):
                paths += [p for _, p in expand_use(m.group(2) + "::" + m.group(3))]
            code = USE_RE.sub("", text)
            code = MOD_RE.sub("", code)
            paths += [[m.group(1)] + m.group(2).split("::")[1:] for m in PATH_RE.finditer(code)]
            for p in paths:
                target = self.resolve(mod, p)
                if target is not None and self.modules[target] != rel:
                    targets.add(self.modules[target])
            edges[rel] = targets
        return edges


def graph_of(src):
    return Crate(src).edges()


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


def without_comment(line):
    """The line up to a `//` that is not inside a string literal."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"' and (i == 0 or line[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted and line.startswith("//", i):
            return line[:i]
    return line


def check(root, crates, layered="antom-checkout", code_checked=CODE_CHECKED):
    """Every finding for the crates (`{name: src dir relative to root}`), and the file count."""
    findings = []
    files = 0
    for crate, src in crates.items():
        src = os.path.join(root, src)
        edges = graph_of(src)
        files += len(edges)
        for comp in cycles(edges):
            findings.append(f"{crate}: import cycle: {' -> '.join(comp)}")
        if crate == layered:
            for a, targets in edges.items():
                ra, na = layer_of(a)
                if ra is None:
                    findings.append(f"{crate}: {a} is in no layer (add it to LAYERS)")
                    continue
                for b in targets:
                    rb, nb = layer_of(b)
                    if rb is not None and rb < ra:
                        findings.append(f"{crate}: {a} ({na}) imports {b} ({nb}), a higher layer")
        if crate in code_checked:
            for dirpath, _, names in os.walk(src):
                for name in names:
                    if not name.endswith(".rs"):
                        continue
                    path = os.path.join(dirpath, name)
                    for n, line in enumerate(open(path, encoding="utf8"), 1):
                        line = without_comment(line)
                        for code in RESULT_CODES:
                            if f'"{code}"' in line:
                                findings.append(
                                    f"{crate}: {os.path.relpath(path, root)}:{n} spells Antom's {code}"
                                )
    return findings, files


def self_test():
    """The checker must find what it is for: a tree with a sibling cycle, a parent/child cycle
    (the parent re-exports its child, the child names the parent's own item), an upward import
    and a result-code literal, next to clean files."""
    import tempfile

    files = {
        "lib.rs": "pub mod routes;\npub mod services;\npub mod persistence;\npub mod clean;\n",
        "routes/mod.rs": "pub mod a;\npub mod b;\npub use a::Handler;\npub fn helper_in_parent() {}\n",
        "routes/a.rs": "use super::helper_in_parent;\npub struct Handler;\n",
        "routes/b.rs": "use crate::services::x::run;\n",
        "services/mod.rs": "pub mod x;\npub mod y;\n",
        "services/x.rs": "use super::y::other;\npub fn run() {}\n",
        "services/y.rs": "use super::x::run;\npub fn other() { let _ = \"ORDER_NOT_EXIST\"; }\n",
        "persistence/mod.rs": "pub mod store;\n",
        "persistence/store.rs": "use crate::services::x::run;\n",
        "clean.rs": "// \"ORDER_NOT_EXIST\" in a comment names no code\nuse crate::routes::Handler;\n",
    }
    with tempfile.TemporaryDirectory() as root:
        for rel, text in files.items():
            path = os.path.join(root, "src", rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf8") as f:
                f.write(text)
        saved = list(LAYERS)
        LAYERS[:] = [("entry", ["lib.rs", "clean.rs"]), ("routes", ["routes/"]),
                     ("services", ["services/"]), ("persistence", ["persistence/"])]
        try:
            findings, _ = check(root, {"fake": "src"}, layered="fake", code_checked=["fake"])
        finally:
            LAYERS[:] = saved
    text = "\n".join(findings)
    expected = [
        "import cycle: routes/a.rs -> routes/mod.rs",
        "import cycle: services/x.rs -> services/y.rs",
        "persistence/store.rs (persistence) imports services/x.rs (services), a higher layer",
        "src/services/y.rs:2 spells Antom's ORDER_NOT_EXIST",
    ]
    missing = [e for e in expected if e not in text]
    if missing or len(findings) != len(expected):
        print("architecture self-test FAILED")
        print("found:\n  " + "\n  ".join(findings))
        print("missing:\n  " + "\n  ".join(missing))
        return 1
    print(f"architecture self-test: the {len(expected)} planted faults are found, nothing else")
    return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    findings, files = check(ROOT, CRATES)
    for f in findings:
        print(f)
    if findings:
        print(f"architecture: {len(findings)} finding(s)")
        return 1
    print(f"architecture: {files} files, no import cycles, no upward imports, no Antom codes outside antom-client")
    return 0


if __name__ == "__main__":
    sys.exit(main())
