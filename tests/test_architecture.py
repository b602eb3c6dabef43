"""The domain layer and the command line import nothing from Textual; opening a store stays light."""

from __future__ import annotations

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
