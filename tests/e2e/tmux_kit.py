"""Driving the installed app in a real terminal: a tmux server of the test's own, one pane."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

COLUMNS, LINES = 140, 40
requires_tmux = pytest.mark.skipif(shutil.which("tmux") is None,
                                   reason="tmux is not installed: no real terminal to drive")


def installed_app() -> list[str]:
    """The installed console script (next to this interpreter, else on PATH)."""
    script = Path(sys.executable).with_name("supervise-tui")
    if script.exists():
        return [str(script)]
    found = shutil.which("supervise-tui")
    if found is None:
        pytest.fail("the supervise-tui console script is not installed")
    return [found]


def app_command(tmp_path: Path, rc_file: Path, *args: str) -> str:
    """The shell command running the app on a store in tmp_path, writing its exit status to rc_file."""
    env = {
        "SUPERVISE_TUI_DB": str(tmp_path / "e2e.db"),
        "SUPERVISE_TUI_DATA_DIR": str(tmp_path / "data"),
        "SUPERVISE_TUI_CONFIG": str(tmp_path / "settings.json"),
        "SUPERVISE_TUI_NOW": os.environ["SUPERVISE_TUI_NOW"],
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    app = " ".join(shlex.quote(part) for part in [*installed_app(), *args])
    assigns = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    # -u: a COLUMNS/LINES inherited from the test run would override the real size of the pane.
    return f"env -u COLUMNS -u LINES {assigns} {app}; echo $? > {shlex.quote(str(rc_file))}"


class Pane:
    """One tmux server on a socket of our own, one session, one pane of a fixed size."""

    def __init__(self, cwd: Path):
        self.socket = f"supervise-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.cwd = cwd
        self.socket_path: str | None = None

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check,
                              timeout=15)

    def start(self, command: str, size: tuple[int, int] = (COLUMNS, LINES)) -> None:
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "app", "-x", str(size[0]), "-y", str(size[1]),
                  "-c", str(self.cwd), command)
        self.socket_path = self.tmux("display-message", "-p", "-t", "app", "#{socket_path}").stdout.strip()

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "app", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "app", "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "app").stdout

    def alive(self) -> bool:
        return self.tmux("has-session", "-t", "app", check=False).returncode == 0

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

    def wait_exit(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not self.alive(), f"the app did not exit; screen:\n{self.screen()}"

    def kill(self) -> None:
        """Stop our server (and the app, if still running) and remove its socket file."""
        self.tmux("kill-server", check=False)
        if self.socket_path:
            Path(self.socket_path).unlink(missing_ok=True)


def start_app(pane: Pane, tmp_path: Path, *args: str, size: tuple[int, int] = (COLUMNS, LINES)) -> Path:
    """Run the installed app on a store in tmp_path in ``pane``; wait for the overview's counts.

    Returns the file the app's exit status is written to when it quits.
    """
    rc_file = tmp_path / "rc"
    pane.start(app_command(tmp_path, rc_file, *args), size=size)
    first = pane.wait_for(lambda s: "首次使用" in s or "总览" in s, "the first screen")
    if "首次使用" in first:  # no store yet: the first choice is the inspector's, with the bundled list
        pane.keys("Enter")
    pane.wait_for(lambda s: "总览" in s and "提信心增预期" in s and "共 " in s, "the overview")
    return rc_file


def line_with(text: str, *needles: str) -> str:
    """The first line of the screen holding every needle ("" if none)."""
    return next((ln for ln in text.splitlines() if all(n in ln for n in needles)), "")
