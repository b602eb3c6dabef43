"""End to end in a real terminal: the installed app in tmux, drill into a unit, change a status, quit."""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed: no real terminal to drive"),
]

COLUMNS, LINES = 140, 40
UNIT = "市税务局"
USER = "e2e-督查"


def app_command() -> list[str]:
    """The installed console script, else the same entry point through the interpreter."""
    script = Path(sys.executable).with_name("supervise-tui")
    if script.exists():
        return [str(script)]
    found = shutil.which("supervise-tui")
    return [found] if found else [sys.executable, "-m", "supervise_tui"]


class Tmux:
    """One tmux server of our own (its own socket), one session, one pane."""

    def __init__(self):
        self.socket = f"supervise-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.session = "app"
        self.socket_path: str | None = None

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check,
                              timeout=15)

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", self.session, "-x", str(COLUMNS), "-y", str(LINES), command)
        self.socket_path = self.run("display-message", "-p", "-t", self.session, "#{socket_path}").stdout.strip()

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.session, *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session).stdout

    def alive(self) -> bool:
        return self.run("has-session", "-t", self.session, check=False).returncode == 0

    def wait_for(self, predicate, what: str, timeout: float = 15.0) -> str:
        """Poll the pane until ``predicate(text)`` holds; fail with the last screen otherwise."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            if not self.alive():
                raise AssertionError(f"the app exited while waiting for {what}; last screen:\n{text}")
            text = self.screen()
            if predicate(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; screen:\n{text}")

    def kill(self) -> None:
        """Stop our server (and the app, if still running) and remove its socket file."""
        self.run("kill-server", check=False)
        if self.socket_path:
            Path(self.socket_path).unlink(missing_ok=True)


def line_with(text: str, needle: str) -> str:
    return next((ln for ln in text.splitlines() if needle in ln), "")


def test_installed_app_in_tmux_drill_into_a_unit_set_done_and_quit(tmp_path):
    from supervise_tui.domain import queries

    db = tmp_path / "e2e.db"
    rc_file = tmp_path / "rc"
    env = {
        "SUPERVISE_TUI_DB": str(db),
        "SUPERVISE_TUI_DATA_DIR": str(tmp_path / "data"),
        "SUPERVISE_TUI_CONFIG": str(tmp_path / "settings.json"),
        "SUPERVISE_TUI_NOW": os.environ["SUPERVISE_TUI_NOW"],
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    app = " ".join(shlex.quote(part) for part in [*app_command(), "--user", USER])
    assigns = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    # -u: a COLUMNS/LINES inherited from the test run would override the real size of the pane.
    command = f"env -u COLUMNS -u LINES {assigns} {app}; echo $? > {shlex.quote(str(rc_file))}"
    tmux = Tmux()
    try:
        tmux.start(command)
        # the overview, with the counts the worker fills in
        tmux.wait_for(lambda s: "总览" in s and "提信心增预期" in s and "共 " in s, "the overview")

        tmux.keys("3")
        screen = tmux.wait_for(lambda s: "牵头工作" in s and UNIT in s, "the units")
        # where the unit is in the list the app shows (the same order, from the same store)
        conn = sqlite3.connect(db)
        conn.row_factory = sqlite3.Row
        try:
            names = [u["name"] for u in queries.unit_summary(conn, 1)]
        finally:
            conn.close()
        downs = names.index(UNIT)
        assert line_with(screen, names[0])  # the first row is where the cursor starts
        if downs:
            tmux.keys(*["Down"] * downs)
        tmux.keys("Enter")
        screen = tmux.wait_for(lambda s: f"责任单位 › {UNIT}" in s, f"the works of {UNIT}")
        assert "(一)强化财税政策保障" in screen  # W01, which it leads, comes first

        tmux.keys("Enter")
        screen = tmux.wait_for(lambda s: "W01-T01" in s and "共 19 项" in s, "the items of W01")
        assert "未启动" in line_with(screen, "W01-T01")

        tmux.keys("s")
        tmux.wait_for(lambda s: "设置状态" in s and "受阻" in s, "the status picker")
        tmux.keys("Down", "Down", "Enter")
        # on the row at once, and in the summary line once its count (a worker) is back
        tmux.wait_for(lambda s: "已完成" in line_with(s, "W01-T01") and "已完成 1" in s and "设置状态" not in s,
                      "已完成 on the row and in the counts")

        tmux.keys("q")
        deadline = time.monotonic() + 15
        while tmux.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not tmux.alive(), "the app did not exit on q"
    finally:
        tmux.kill()

    assert rc_file.read_text().strip() == "0"
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        state = dict(conn.execute("SELECT * FROM item_state WHERE round_id = 1 AND item_id = 'W01-T01'").fetchone())
        assert state["status"] == "done"
        assert state["updated_by"] == USER and state["version"] == 1
        edits = [dict(r) for r in conn.execute(
            "SELECT user, round_id, item_id, action, field, old, new FROM audit WHERE action <> 'load' "
            "AND item_id IS NOT NULL ORDER BY id")]
        assert edits == [{"user": USER, "round_id": 1, "item_id": "W01-T01", "action": "edit", "field": "status",
                          "old": "not_started", "new": "done"}]
        assert conn.execute("SELECT count(*) FROM item_state WHERE version > 0").fetchone()[0] == 1
    finally:
        conn.close()
