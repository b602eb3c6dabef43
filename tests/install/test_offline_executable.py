"""The single-file executable: with no Python, no network and an empty environment, every subcommand
does what the installed app does, and the TUI opens in a real terminal."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from supervise_tui import __version__
from supervise_tui.cli.parser import build_parser
from tests.e2e.tmux_kit import Pane, requires_tmux
from tests.install.offline_kit import open_tui

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]

# Each subcommand once, in an order that builds on the last; a new subcommand must be added here.
SESSION = [
    ("load",),
    ("validate", str(REPO / "supervise_tui" / "data" / "tasklist.yaml")),
    ("list", "--unit", "市公安", "--format", "json"),
    ("show", "W05-M03"),
    ("units", "--format", "csv"),
    ("people",),
    ("round", "new", "2024年第一季度", "--period", "2024-Q1"),
    ("set", "W05-M03", "--status", "推进中", "--progress", "40", "--note", "已对接 12 家银行"),
    ("light", "W05-M03", "red", "--reason", "融资担保余额未达序时进度"),
    ("close-out", "W01-M01", "--reason", "现场核查已办结"),
    ("chase", "--format", "csv"),
    ("diff", "1", "2", "--format", "md"),
    ("export", "--format", "html", "--by", "unit", "--out", "exports"),
    ("synth", "--items", "300", "--rounds", "2", "--db", "synth.db"),
    ("check",),
    ("backup", "backup.db"),
    ("exchange", "enrol", "市税务局"),
    ("exchange", "issue", "市税务局", "--out", "usb"),
]
# Lines that name where a file is, or a unit's fresh random key, which differ between the two runs by design.
WHERE = ("load", "export", "check", "backup", "exchange")


def subcommands() -> set[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return set(action.choices)


def run(argv: list[str], folder: Path, prefix: list[str] = ()) -> subprocess.CompletedProcess:
    """In ``folder``, with an environment holding only the store's location and the pinned clock."""
    env = {"SUPERVISE_TUI_DB": str(folder / "store.db"), "SUPERVISE_TUI_DATA_DIR": str(folder / "data"),
           "SUPERVISE_TUI_CONFIG": str(folder / "settings.json"), "SUPERVISE_TUI_NOW": os.environ["SUPERVISE_TUI_NOW"],
           "LOGNAME": "tester"}
    return subprocess.run([*prefix, "env", "-i", *(f"{k}={v}" for k, v in env.items()), *argv], cwd=folder,
                          capture_output=True, timeout=120)


def test_the_session_covers_every_subcommand():
    assert {argv[0] for argv in SESSION} | {"selfcheck"} >= subcommands()


def test_its_selfcheck_passes_with_an_empty_environment_and_no_network(executable, offline, tmp_path):
    proc = subprocess.run([*offline, "env", "-i", str(executable), "selfcheck"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    lines = proc.stdout.splitlines()
    assert [line[:7] for line in lines[:-1]] == ["[通过] 载入", "[通过] 查询", "[通过] 修改", "[通过] 对比", "[通过] 导出"]
    assert lines[-1].startswith("自检通过")
    assert list(tmp_path.iterdir()) == []  # nothing left where it ran


def test_every_subcommand_gives_what_the_installed_app_gives(executable, offline, tmp_path):
    exe_dir, app_dir = tmp_path / "exe", tmp_path / "app"
    exe_dir.mkdir(), app_dir.mkdir()
    for argv in SESSION:
        got = run([str(executable), *argv], exe_dir, offline)
        want = run([sys.executable, "-m", "supervise_tui", *argv], app_dir)
        assert (got.returncode, got.stderr) == (0, b""), (argv, got.stderr.decode())
        assert want.returncode == 0, (argv, want.stderr.decode())
        if argv[0] not in WHERE:
            assert got.stdout == want.stdout, argv
    assert json.loads(run([str(executable), "list", "--format", "json"], exe_dir, offline).stdout)[0]["id"] == "W01-T01"
    bulletin = next((exe_dir / "exports").glob("*.html")).read_bytes()
    assert bulletin == next((app_dir / "exports").glob("*.html")).read_bytes()


def test_the_executable_needs_no_python_nor_anything_from_the_environment(executable, offline, tmp_path):
    proc = subprocess.run([*offline, "env", "-i", str(executable), "--version"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"supervise-tui {__version__}\n", "")


@requires_tmux
def test_the_tui_opens_from_the_executable(executable, offline, tmp_path):
    rc_file = tmp_path / "rc"
    env = {"SUPERVISE_TUI_DB": str(tmp_path / "e2e.db"), "SUPERVISE_TUI_DATA_DIR": str(tmp_path / "data"),
           "SUPERVISE_TUI_CONFIG": str(tmp_path / "settings.json"), "TERM": "xterm-256color", "LANG": "C.UTF-8"}
    command = shlex.join([*offline, "env", "-i", *(f"{k}={v}" for k, v in env.items()), str(executable)])
    pane = Pane(tmp_path)
    try:
        open_tui(pane, command, rc_file)
        pane.keys("q")
        pane.wait_exit()
    finally:
        pane.kill()
    assert rc_file.read_text().strip() == "0"
