"""The app-level import graph of gongkai, counting every import (module level and inside functions).

import-linter reads the same graph from the module level; this script also sees the imports written inside
functions (the usual way to hide a loop), so `make test` runs both.

    python scripts/app_graph.py            # edges (how many import statements), then the cycles
    python scripts/app_graph.py --sites    # the same with every importing line
    python scripts/app_graph.py --check    # exit 1 on a cycle or an import against the layer order

Tests (`tests/` packages, `test_*.py`, `conftest.py`) and migrations are left out: a test may reach any app.
An edge is counted once per import statement; `gongkai.<app>` is an app when it is a package with `apps.py`.

The layer order is the one in docs/architecture.md; within one layer the apps do not import each other.
ALLOWED lists import lines that are known to break the order while the code is being moved; each key is
"<importing module> -> <imported module>" (the same lines as the import-linter layers contract's ignore_imports
in pyproject.toml), the value says what replaces it. An entry must still match an import: a stale one fails too.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "gongkai"

# Lowest first; the apps of one layer are peers and must not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("accounts",),
    ("organs",),
    ("workdays",),
    ("signoff", "sensitive", "notify", "letters", "credentials"),
    ("catalogue",),
    ("search",),
    ("applications",),
    ("interaction",),
    ("webhealth",),
    ("reports",),
    ("portal", "workspace", "api", "demo", "ops"),
]

# Known imports against the layer order, left for the code that moves them (none today).
ALLOWED: dict[str, str] = {}

# The shells a subject's screens are built on. A subject app's `views` package is part of the face layer (each
# subject owns its screens, docs/architecture.md): it may use the shells' page kit (layout context, page cache,
# parameters, API mixins and serializers), which no domain module of any app may import.
SHELLS = {"portal", "api"}


def is_screen(module: str) -> bool:
    """`gongkai.<app>.views` and the modules below it."""
    parts = module.split(".")
    return len(parts) >= 3 and parts[2] == "views"


def app_names() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / PACKAGE).glob("*/apps.py"))


def is_left_out(path: Path) -> bool:
    parts = path.relative_to(ROOT / PACKAGE).parts
    return (
        "migrations" in parts
        or "tests" in parts
        or path.name.startswith("test_")
        or path.name == "conftest.py"
    )


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, absolute module) for every import statement in the file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from pkg import x`: x may be a submodule; naming it keeps the edge precise.
            found.extend((node.lineno, f"{target}.{alias.name}") for alias in node.names)
    return found


def app_of(module: str, apps: set[str]) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == PACKAGE and parts[1] in apps:
        return parts[1]
    return None


def collect() -> dict[tuple[str, str], list[tuple[str, int, str]]]:
    """(from app, to app) -> [(importing module, line, imported name)]."""
    apps = set(app_names())
    edges: dict[tuple[str, str], list[tuple[str, int, str]]] = defaultdict(list)
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        if is_left_out(path):
            continue
        module = module_name(path)
        source = app_of(module, apps)
        if source is None:
            continue
        for line, name in imported_modules(path, module):
            target = app_of(name, apps)
            if target is not None and target != source:
                edges[(source, target)].append((module, line, name))
    return edges


def cycles(nodes: list[str], edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components with more than one app (Tarjan)."""
    successors: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(edges):
        successors[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in successors[node]:
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in nodes:
        if node not in index:
            visit(node)
    return found


def layer_of() -> dict[str, int]:
    return {app: rank for rank, layer in enumerate(LAYERS) for app in layer}


def imported_module(name: str, apps: set[str]) -> str:
    """`gongkai.organs.models.Organ` -> `gongkai.organs.models` when that module exists (for ALLOWED keys)."""
    parts = name.split(".")
    while len(parts) > 2:
        candidate = ROOT.joinpath(*parts)
        if candidate.with_suffix(".py").exists() or (candidate / "__init__.py").exists():
            return ".".join(parts)
        parts.pop()
    return ".".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 on a cycle or an import against the layers")
    parser.add_argument("--quiet", action="store_true", help="print only problems")
    parser.add_argument("--sites", action="store_true", help="print every importing line under its edge")
    args = parser.parse_args(argv)

    apps = set(app_names())
    edges = collect()
    rank = layer_of()
    unplaced = sorted(apps - rank.keys())
    problems: list[str] = [f"app {app} has no place in LAYERS" for app in unplaced]

    allowed_used: set[str] = set()
    kept: set[tuple[str, str]] = set()
    against: list[str] = []
    for (source, target), sites in sorted(edges.items()):
        upward = rank.get(source, -1) <= rank.get(target, -1)
        remaining = []
        for module, line, name in sites:
            if target in SHELLS and is_screen(module):
                continue  # a subject's screens on the shells' page kit: within the face layer
            key = f"{module} -> {imported_module(name, apps)}"
            if upward and key in ALLOWED:
                allowed_used.add(key)
                continue
            remaining.append((module, line, name))
        if remaining:
            kept.add((source, target))
        if upward:
            for module, line, name in remaining:
                against.append(f"{source} -> {target}: {module}:{line} imports {name}")
        if not args.quiet:
            print(f"{source} -> {target} ({len(sites)})")
            for module, line, name in sites if args.sites else []:
                print(f"    {module}:{line} {name}")

    found = cycles(sorted(apps), kept)
    if not args.quiet:
        print()
        print("cycles:" if found else "cycles: none")
    for component in found:
        problems.append("cycle among " + ", ".join(component))
    problems.extend(f"against the layer order: {line}" for line in against)
    problems.extend(f"stale ALLOWED entry (no such import any more): {key}" for key in sorted(ALLOWED.keys() - allowed_used))

    for problem in problems:
        print(problem, file=sys.stderr if args.check else sys.stdout)
    if args.check and problems:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
