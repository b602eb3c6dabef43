"""Ctrl+C during a command: one line on stderr, exit 130, the store as it was."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_ctrl_c_during_load_is_one_line_exit_130_and_the_store_is_as_it_was(store, isolated_locations, tmp_path,
                                                                            bundled_yaml):
    before = [tuple(r) for r in store.execute("SELECT id, retired FROM items ORDER BY id")]
    audit = store.execute("SELECT count(*) FROM audit").fetchone()[0]
    fifo = tmp_path / "tasklist.yaml"
    os.mkfifo(fifo)  # the load reads the task list from a pipe we feed: it is running, mid-read, when we stop it
    child = subprocess.Popen([sys.executable, "-m", "supervise_tui", "load", str(fifo), "--retire"], cwd=REPO,
                             env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with open(fifo, "wb") as pipe:  # opens once the child has opened the other end
        pipe.write(bundled_yaml[: len(bundled_yaml) // 2])
        pipe.flush()
        child.send_signal(signal.SIGINT)
    # The pipe is closed: had the signal come just before the child's read began, that read
    # returns now and the interrupt is raised then, before anything is parsed or written.
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130, err.decode()
    assert err.decode("utf-8") == "supervise-tui: 已中断,数据库保持原样\n"
    assert out == b""
    check = sqlite3.connect(isolated_locations)
    assert [tuple(r) for r in check.execute("SELECT id, retired FROM items ORDER BY id")] == before
    assert check.execute("SELECT count(*) FROM audit").fetchone()[0] == audit
    check.close()


def test_an_interrupt_in_process_is_one_line_130_and_leaves_ctrl_c_working(run_cli, monkeypatch):
    import supervise_tui.main as entry

    def interrupted(argv):
        raise KeyboardInterrupt

    monkeypatch.setattr(entry, "_main", interrupted)
    before = signal.getsignal(signal.SIGINT)
    result = run_cli("list")
    assert (result.code, result.err) == (130, "supervise-tui: 已中断,数据库保持原样\n")
    assert signal.getsignal(signal.SIGINT) is before


def holds_open(pid: int, path: Path) -> bool:
    """Whether process ``pid`` has the file ``path`` open (Linux's /proc)."""
    try:
        return any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:  # a descriptor closed while we looked
        return False


def test_ctrl_c_during_round_new_waiting_for_the_write_lock_leaves_no_round(store, isolated_locations):
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to see the child open the store")
    rounds = [tuple(r) for r in store.execute("SELECT id, name FROM rounds")]
    audit = store.execute("SELECT count(*) FROM audit").fetchone()[0]
    other = sqlite3.connect(isolated_locations, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program is writing: the child's round waits for the lock
    child = subprocess.Popen([sys.executable, "-m", "supervise_tui", "round", "new", "第二轮"], cwd=REPO,
                             env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        while not holds_open(child.pid, isolated_locations) and child.poll() is None:
            time.sleep(0.01)  # polled, not timed: only until the child has the store open
        child.send_signal(signal.SIGINT)
    finally:
        other.execute("ROLLBACK")  # the lock goes; an interrupted child must still write nothing
        other.close()
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130, err.decode()
    assert err.decode("utf-8") == "supervise-tui: 已中断,数据库保持原样\n"
    check = sqlite3.connect(isolated_locations)
    assert [tuple(r) for r in check.execute("SELECT id, name FROM rounds")] == rounds
    assert check.execute("SELECT count(*) FROM audit").fetchone()[0] == audit
    check.close()
