"""Failing disks for tests: a folder on a read-only bind mount, a tiny tmpfs that fills up, a held write lock.

Mounting needs root (CI runs as root); where it is impossible the test is skipped with the reason.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*argv: str) -> None:
    try:
        subprocess.run(["mount", *argv], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = exc.stderr.decode(errors="replace").strip() if isinstance(exc, subprocess.CalledProcessError) \
            else str(exc)
        pytest.skip(f"cannot mount here (mounting needs root): {detail}")


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True)


def checkpointed(db: Path) -> None:
    """Fold the WAL into the store file, so the file alone is the whole store (as after a clean close)."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    finally:
        conn.close()


@contextmanager
def read_only_mount(folder: Path) -> Iterator[Path]:
    """``folder`` seen through a read-only bind mount (a CD, a write-protected stick)."""
    target = folder.with_name(folder.name + "-ro")
    target.mkdir()
    _mount("--bind", str(folder), str(target))
    try:
        _mount("-o", "remount,bind,ro", str(target))
        yield target
    finally:
        _umount(target)
        target.rmdir()


@contextmanager
def tiny_disk(folder: Path, size: str = "2m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder``."""
    folder.mkdir(exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        _umount(folder)


def fill(folder: Path) -> Path:
    """Write a file into ``folder`` until the disk is full; returns it (unlink it to free the space)."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError:
            pass
    for _ in range(64):  # and the last few bytes, so not even one page fits
        try:
            with open(filler, "ab", buffering=0) as out:
                out.write(b"\0" * 512)
        except OSError:
            break
    assert shutil.disk_usage(folder).free < 4096
    return filler


def put_on(db: Path, folder: Path) -> Path:
    """A copy of the store ``db`` in ``folder``, as a cleanly closed store is: one file, no WAL beside it."""
    checkpointed(db)
    copy = folder / db.name
    shutil.copy(db, copy)
    return copy


class LockHolder:
    """Another process that holds the store's write lock (BEGIN IMMEDIATE) until released."""

    def __init__(self, db: Path):
        script = ("import sqlite3, sys\n"
                  "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                  "conn.execute('BEGIN IMMEDIATE')\n"
                  "print('locked', flush=True)\n"
                  "sys.stdin.read()\n"
                  "conn.execute('ROLLBACK')\n")
        self.proc = subprocess.Popen([sys.executable, "-c", script, str(db)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        assert self.proc.stdout is not None and self.proc.stdout.readline() == b"locked\n"

    def release(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


def damage_page(db: Path, name: str) -> None:
    """Overwrite the root page of table or index ``name`` with garbage, as a failing disk might."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
    conn.close()
    with open(db, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xa5" * page_size)
