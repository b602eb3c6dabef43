"""Opening the SQLite store: WAL, one IMMEDIATE transaction per action, schema guard.

The start path uses only ``sqlite3``: sqlite-utils (and its migrations) is
imported only when the schema must be created or moved forward.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import FrozenRound, StoreError

__all__ = ["SCHEMA_VERSION", "FrozenRound", "StoreError", "connect", "get_meta", "set_meta", "transaction"]

# How many steps migrations.py holds; a store stamped with a higher number is refused.
SCHEMA_VERSION = 1


def connect(path: str | os.PathLike, *, migrate: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) the store and bring its schema up to date."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=10.0)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StoreError("error.store.cannot_open", path=str(path), detail=str(exc)) from None
    # Checked before anything is changed: switching to WAL rewrites the file's header.
    if version > SCHEMA_VERSION:
        conn.close()
        raise StoreError("error.store.too_new", path=str(path), version=version, supported=SCHEMA_VERSION)
    if version == 0 and migrate:
        _refuse_foreign(conn, path)
    if str(path) != ":memory:":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError("error.store.cannot_open", path=str(path), detail=str(exc)) from None
    if version < SCHEMA_VERSION and migrate:
        from .migrations import migrate as run_migrations

        run_migrations(conn, SCHEMA_VERSION)
    return conn


def _refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    """Never add our tables to another program's database (a mistyped --db)."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    if tables:
        conn.close()
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        raise StoreError("error.store.foreign", path=str(path), tables=shown)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken with BEGIN IMMEDIATE so it never fails half-way on BUSY."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        # Some errors (disk full, I/O) end the transaction themselves; a second
        # ROLLBACK would then raise and hide the error that matters.
        if conn.in_transaction:
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
