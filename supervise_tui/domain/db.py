"""Opening the SQLite store: WAL, one IMMEDIATE transaction per action, schema guard.

The start path uses only ``sqlite3``: sqlite-utils (and its migrations) is
imported only when the schema must be created or moved forward.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

SCHEMA_VERSION = 1


class StoreError(Exception):
    """A problem with the database file itself (too new, unreadable, locked)."""


class FrozenRound(StoreError):
    """The round is closed, so its state cannot change."""


def connect(path: str | os.PathLike, *, migrate: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) the store and bring its schema up to date."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=10.0)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        if str(path) != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open database: {exc}") from None
    if version > SCHEMA_VERSION:
        conn.close()
        raise StoreError(
            f"{path}: database schema version {version} is newer than this supervise-tui "
            f"understands ({SCHEMA_VERSION}); upgrade the app instead of opening it with an older one"
        )
    if version < SCHEMA_VERSION and migrate:
        from .migrations import migrate as run_migrations

        run_migrations(conn)
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken with BEGIN IMMEDIATE so it never fails half-way on BUSY."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def get_meta(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_meta(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
