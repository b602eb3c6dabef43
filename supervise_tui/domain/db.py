"""Opening the SQLite store: WAL, one IMMEDIATE transaction per action, schema guard, read-only media.

The start path uses only ``sqlite3``: sqlite-utils (and its migrations) is
imported only when the schema must be created or moved forward.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import MIN_SQLITE
from ..errors import FrozenRound, StoreError, disk_full, store_error
from ..i18n import Msg

__all__ = ["SCHEMA_VERSION", "FrozenRound", "Store", "StoreError", "connect", "get_meta", "set_meta",
           "transaction"]

# How many steps migrations.py holds; a store stamped with a higher number is refused.
SCHEMA_VERSION = 5
# The oldest schema the queries can read as it is: a store on read-only media cannot be
# moved forward, so it is read as it stands if it is at least this version. A step that
# adds or renames something the queries read must raise this to its own number.
READABLE_FROM = 4  # m004_goals: the item queries read items.goal and items.deadline
# The tables that make a file a supervise-tui store, whatever its user_version says
# (a copy made with `sqlite3 .dump` loses the version but keeps these).
STORE_TABLES = frozenset({"meta", "pillars", "works", "items", "rounds", "item_state", "audit",
                          "_sqlite_migrations"})
BUSY_TIMEOUT = 10.0  # seconds a write waits for another program's write to finish


class Store(sqlite3.Connection):
    """A connection that knows its file and whether, and why, it is read-only.

    ``read_only`` is None for a writable store, else the catalogue key of the reason:
    the folder or medium cannot be written, the file itself is read-only, or the disk is full.
    """

    path: Path
    read_only: str | None = None


def connect(path: str | os.PathLike, *, migrate: bool = True, create: bool = True,
            read_only: bool = False) -> Store:
    """Open the store and bring its schema up to date.

    ``create``: a missing file is created (only ``load`` and the first run on the default
    location ask for that); otherwise it is an error naming the path. ``read_only``: open it
    for reading only, whatever the disk allows. A store whose folder cannot be written (a CD,
    a write-protected stick) or whose disk is full is opened read-only on its own.
    """
    # An older SQLite (and no sqlean.py to stand in, see the package's __init__) would fail at its first
    # query of the store with a bare syntax error.
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        raise StoreError("error.sqlite.too_old", found=sqlite3.sqlite_version,
                         needed=".".join(map(str, MIN_SQLITE)))
    path = Path(path)
    memory = str(path) == ":memory:"
    if not memory and not path.exists():
        if not create:
            raise StoreError("error.store.missing", path=str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
    reason = None if memory else _read_only_reason(path, asked=read_only)
    conn = _open(path, reason)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        conn.close()
        if reason is None and disk_full(path):  # the shared-memory file could not be made
            return connect(path, migrate=migrate, create=False, read_only=True)
        raise store_error(exc, path) from None
    try:
        return _ready(conn, path, version, migrate)
    except BaseException:
        conn.close()
        raise


def _ready(conn: Store, path: Path, version: int, migrate: bool) -> Store:
    """Check the schema version, switch to WAL and migrate: the store as the queries expect it."""
    # Checked before anything is changed: switching to WAL rewrites the file's header.
    if version > SCHEMA_VERSION:
        raise StoreError("error.store.too_new", path=str(path), version=version, supported=SCHEMA_VERSION)
    if version == 0 and migrate:
        _refuse_foreign(conn, path)
    if conn.read_only is not None:
        if version < READABLE_FROM:
            raise StoreError("error.store.needs_upgrade", path=str(path), reason=Msg(conn.read_only))
        return conn
    if str(path) != ":memory:":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            raise store_error(exc, path) from None
    if version < SCHEMA_VERSION and migrate:
        from .migrations import migrate as run_migrations

        try:
            run_migrations(conn, SCHEMA_VERSION)
        except sqlite3.Error as exc:
            raise store_error(exc, path) from None
    return conn


def _open(path: Path, reason: str | None) -> Store:
    """The connection: plain when writable, ``mode=ro`` for a read-only file, ``immutable=1``
    where SQLite could not write its shared-memory file beside the store."""
    try:
        if reason is None:
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT, factory=Store)
        else:
            query = "mode=ro" if reason in ("store.ro.file", "store.ro.asked") else "mode=ro&immutable=1"
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?{query}", uri=True, isolation_level=None,
                                   timeout=BUSY_TIMEOUT, factory=Store)
    except sqlite3.Error as exc:
        raise store_error(exc, path) from None
    conn.path, conn.read_only = path, reason
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _read_only_reason(path: Path, *, asked: bool) -> str | None:
    """Why the store must be opened read-only (a catalogue key), or None.

    A folder that cannot be written means SQLite cannot make the WAL's files beside the
    store, so it is read as an unchanging file; the store's own WAL must then be empty, or
    what it holds would be missed.
    """
    folder = path.parent
    if path.exists() and not os.access(folder, os.W_OK):
        reason = "store.ro.media"
    elif path.exists() and disk_full(path) and not _wal_pending(path):
        reason = "store.ro.full"
    elif path.exists() and not os.access(path, os.W_OK):
        reason = "store.ro.file"
    elif asked:
        return "store.ro.asked"
    else:
        return None
    if reason != "store.ro.file" and _wal_pending(path):
        raise StoreError("error.store.wal_pending", path=str(path))
    return reason


def _wal_pending(path: Path) -> bool:
    """Whether the store's write-ahead log holds changes not yet copied into the store."""
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def _refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    """Never add our tables to another program's database (a mistyped --db).

    A store recognised by its tables (a copy that lost its user_version) is ours: the
    migrations table in it says which steps it has, and the rest are applied.
    """
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    if not tables or STORE_TABLES <= set(tables):
        return
    shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
    raise StoreError("error.store.foreign", path=str(path), tables=shown)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken with BEGIN IMMEDIATE so it never fails half-way on BUSY.

    A store error (locked past the busy timeout, disk full, read-only, damaged) is raised as
    a StoreError that names the file and says what to do; the store is left as it was.
    Inside another transaction (an import applies many edits as one) it is a savepoint: a
    refusal undoes this part only, and the whole is committed or rolled back by the outer one.
    """
    if conn.in_transaction:
        with savepoint(conn):
            yield conn
        return
    path = getattr(conn, "path", "")
    reason = getattr(conn, "read_only", None)
    if reason is not None:
        raise StoreError("error.store.full" if reason == "store.ro.full" else "error.store.read_only",
                         path=str(path), reason=Msg(reason))
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise store_error(exc, path) from exc
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as exc:
        # Some errors (disk full, I/O) end the transaction themselves; a second
        # ROLLBACK would then raise and hide the error that matters.
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        if isinstance(exc, sqlite3.Error):
            raise store_error(exc, path) from exc
        raise


@contextmanager
def savepoint(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A part of the transaction in progress that is undone alone if it fails."""
    conn.execute("SAVEPOINT part")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK TO part")
            conn.execute("RELEASE part")
        raise
    else:
        conn.execute("RELEASE part")


def holds_no_items(conn: sqlite3.Connection) -> bool:
    """Whether the store has no task list yet: one row looked for, not every item counted (at each open)."""
    return bool(conn.execute("SELECT NOT EXISTS (SELECT 1 FROM items)").fetchone()[0])


def get_meta(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_meta(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
