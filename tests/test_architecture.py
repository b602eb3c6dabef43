"""The domain layer and the command line import nothing from Textual; opening a store stays light."""

from __future__ import annotations

import ast
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import supervise_tui.domain

REPO = Path(__file__).resolve().parent.parent


def domain_modules() -> list[str]:
    return sorted(f"supervise_tui.domain.{m.name}" for m in pkgutil.iter_modules(supervise_tui.domain.__path__))


def cli_modules() -> list[str]:
    import supervise_tui.cli

    return sorted(f"supervise_tui.cli.{m.name}" for m in pkgutil.iter_modules(supervise_tui.cli.__path__))


def imported_after(code: str) -> set[str]:
    """Run ``code`` in a fresh interpreter; return the names in its sys.modules at the end."""
    script = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=dict(os.environ),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.splitlines()[-1]))


def top_level(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_the_domain_has_the_modules_we_expect():
    names = domain_modules()
    for module in ("db", "migrations", "sync", "tasklist", "yamlstrict", "queries", "formats"):
        assert f"supervise_tui.domain.{module}" in names


def test_domain_and_command_line_import_no_textual():
    modules = ["supervise_tui.domain", *domain_modules(), "supervise_tui.cli", *cli_modules()]
    loaded = imported_after("\n".join(f"import {m}" for m in modules))
    assert set(modules) <= loaded
    assert "textual" not in top_level(loaded)


def test_running_cli_commands_imports_no_textual(store):
    store.close()
    loaded = imported_after(
        "from supervise_tui.main import main\n"
        "for argv in (['list', '--format', 'json'], ['show', 'W01-M01'], ['units'], ['people', '--format', 'csv']):\n"
        "    assert main(argv) == 0\n"
    )
    assert "supervise_tui.cli.items" in loaded
    assert "textual" not in top_level(loaded)


def test_opening_an_up_to_date_store_is_the_fast_path(store, isolated_locations):
    store.close()
    loaded = imported_after(
        "from supervise_tui.domain.db import connect\n"
        f"conn = connect({str(isolated_locations)!r})\n"
        "assert conn.execute('SELECT count(*) FROM items').fetchone()[0] == 317\n"
    )
    assert "supervise_tui.domain.db" in loaded
    assert not top_level(loaded) & {"sqlite_utils", "yaml", "textual"}
    assert "supervise_tui.domain.migrations" not in loaded


def test_creating_a_store_does_use_the_migrations(tmp_path):
    loaded = imported_after(
        "from supervise_tui.domain.db import connect\n"
        f"connect({str(tmp_path / 'new.db')!r})\n"
    )
    assert "sqlite_utils" in top_level(loaded)


# --------------------------------------------------------------------------- import contracts, read statically

PACKAGE = REPO / "supervise_tui"

# layer → what it may not import (any depth, at module level or inside a function)
FORBIDDEN = {
    "supervise_tui.domain": ("textual", "rich", "supervise_tui.ui", "supervise_tui.cli", "supervise_tui.main"),
    "supervise_tui.cli": ("textual", "rich", "supervise_tui.ui", "supervise_tui.main"),
    "supervise_tui.ui": ("supervise_tui.cli", "supervise_tui.main"),
    # the modules every layer shares sit below all of them
    "supervise_tui.errors": ("textual", "rich", "supervise_tui.ui", "supervise_tui.cli", "supervise_tui.domain"),
    "supervise_tui.i18n": ("textual", "rich", "supervise_tui.ui", "supervise_tui.cli", "supervise_tui.domain"),
    "supervise_tui.textsafe": ("textual", "rich", "supervise_tui.ui", "supervise_tui.cli", "supervise_tui.domain"),
    "supervise_tui.locations": ("textual", "rich", "supervise_tui.ui", "supervise_tui.cli", "supervise_tui.domain"),
    "supervise_tui.startup": ("textual", "rich", "supervise_tui.ui", "supervise_tui.cli", "supervise_tui.domain"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute, wherever the import statement stands (TYPE_CHECKING too)."""
    import ast

    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names}  # `from . import x` imports x
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges = {}
    for name, path in modules.items():
        edges[name] = {m for m in imports_of(path) if m in modules and m != name}
    return edges


def test_each_layer_imports_only_what_is_below_it():
    broken = []
    for name, path in sorted((module_name(p), p) for p in PACKAGE.rglob("*.py")):
        for layer, forbidden in FORBIDDEN.items():
            if name == layer or name.startswith(layer + "."):
                for target in imports_of(path):
                    if any(target == f or target.startswith(f + ".") for f in forbidden):
                        broken.append(f"{name} imports {target}")
    assert broken == []


def test_the_checker_resolves_relative_and_lazy_imports(tmp_path):
    """The checker itself: relative imports resolve, and an import inside a function counts."""
    queries = imports_of(PACKAGE / "domain" / "queries.py")
    assert {"supervise_tui.domain.lights", "supervise_tui.errors"} <= queries
    launch = imports_of(PACKAGE / "ui" / "launch.py")
    assert "supervise_tui.domain.sync" in launch  # imported inside make_session


def test_there_are_no_import_circles():
    edges = graph()
    # a package imports its submodules' names through __init__ only if it says so; count module → module
    seen: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        seen[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if seen.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in seen:
                visit(nxt)
        stack.pop()
        seen[node] = 2

    for node in sorted(edges):
        if node not in seen:
            visit(node)
    # a package's __init__ and its modules are one room: `from . import x` from inside is not a circle
    real = [c for c in cycles if not all(m == c[0] or m.startswith(c[0] + ".") or c[0].startswith(m + ".")
                                        for m in c)]
    assert real == []


# Small rooms: a module or function past these has grown two jobs and should be split by meaning.
# The catalogue is data (one entry per message in two languages) and is exempt by design.
MODULE_LINES, FUNCTION_LINES = 750, 75
DATA_MODULES = {"supervise_tui/i18n.py"}


def test_rooms_stay_small():
    too_big = []
    for path in sorted((REPO / "supervise_tui").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        text = path.read_text(encoding="utf-8")
        if rel not in DATA_MODULES and len(text.splitlines()) > MODULE_LINES:
            too_big.append(f"{rel}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > FUNCTION_LINES:
                    too_big.append(f"{rel}:{node.lineno} {node.name}(): {length} lines")
    assert too_big == [], "split these by meaning:\n" + "\n".join(too_big)
