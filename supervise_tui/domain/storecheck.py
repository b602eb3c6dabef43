"""Checking a store and copying it: SQLite's integrity check, the app's own invariants, the backup.

Every finding is a ``Msg`` (one line in the user's language); an empty list means the store is sound.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from ..errors import StoreError, store_error
from ..i18n import Msg

FIELDS = ("status", "progress", "note", "evidence", "value", "light", "light_reason", "comment", "closed_out")
SHOWN = 50  # findings of one kind listed before "and N more"


def check_store(conn: sqlite3.Connection) -> list[Msg]:
    """SQLite's integrity and foreign-key checks, then the app's invariants, one finding a line.

    Damage bad enough to stop a check is a finding too, and the other checks still run.
    """
    findings: list[Msg] = []
    for check in (_integrity, _foreign_keys, _states, _audit):
        try:
            findings += check(conn)
        except sqlite3.DatabaseError as exc:
            findings.append(Msg("check.stopped", detail=str(exc)))
    return findings


def _integrity(conn: sqlite3.Connection) -> list[Msg]:
    return [Msg("check.sqlite", detail=row[0]) for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]


def _foreign_keys(conn: sqlite3.Connection) -> list[Msg]:
    return [Msg("check.foreign_key", table=row[0], rowid=row[1], parent=row[2])
            for row in conn.execute("PRAGMA foreign_key_check")]


def _states(conn: sqlite3.Connection) -> list[Msg]:
    """Every state row has its item and its round; every open round has a state for every item."""
    return _capped("check.state_without_item", conn.execute(
        "SELECT s.round_id, s.item_id FROM item_state s LEFT JOIN items i ON i.id = s.item_id "
        "WHERE i.id IS NULL ORDER BY s.round_id, s.item_id"), ("round", "item")) + \
        _capped("check.state_without_round", conn.execute(
            "SELECT DISTINCT s.round_id FROM item_state s LEFT JOIN rounds r ON r.id = s.round_id "
            "WHERE r.id IS NULL ORDER BY s.round_id"), ("round",)) + \
        _capped("check.open_round_missing_item", conn.execute(
            "SELECT r.name, i.id FROM rounds r JOIN items i ON i.retired = 0 "
            "LEFT JOIN item_state s ON s.round_id = r.id AND s.item_id = i.id "
            "WHERE r.closed_at IS NULL AND s.item_id IS NULL ORDER BY r.id, i.pos"), ("round", "item"))


def _audit(conn: sqlite3.Connection) -> list[Msg]:
    """The audit trail agrees with the state: its last word on each field, and a record of every edit."""
    return _capped("check.audit_mismatch", conn.execute(_AUDIT_MISMATCH), ("round", "item", "field", "audit",
                                                                             "state")) + \
        _capped("check.edited_without_audit", conn.execute(
            "SELECT s.round_id, s.item_id FROM item_state s WHERE s.version > 0 AND NOT EXISTS "
            "(SELECT 1 FROM audit a WHERE a.round_id = s.round_id AND a.item_id = s.item_id "
            "AND a.field IS NOT NULL) ORDER BY s.round_id, s.item_id"), ("round", "item"))


# The last audited value of each field of each item in each round, against the state row:
# an edit writes both in one transaction, so they can only differ if something else wrote.
_AUDIT_MISMATCH = f"""
WITH last AS (
    SELECT round_id, item_id, field, new, max(id) FROM audit
    WHERE item_id IS NOT NULL AND round_id IS NOT NULL AND field IN ({", ".join(f"'{f}'" for f in FIELDS)})
    GROUP BY round_id, item_id, field)
SELECT last.round_id, last.item_id, last.field, last.new,
       CASE last.field {" ".join(f"WHEN '{f}' THEN CAST(s.{f} AS TEXT)" for f in FIELDS)} END AS now
FROM last JOIN item_state s ON s.round_id = last.round_id AND s.item_id = last.item_id
WHERE now IS NOT last.new
ORDER BY last.round_id, last.item_id, last.field
"""


def _capped(key: str, rows, names: tuple[str, ...]) -> list[Msg]:
    """One finding per row, up to SHOWN, then one that says how many more there are."""
    out: list[Msg] = []
    more = 0
    for row in rows:
        if len(out) < SHOWN:
            out.append(Msg(key, **{name: _short(value) for name, value in zip(names, row)}))
        else:
            more += 1
    if more:
        out.append(Msg("check.more", count=more))
    return out


def _short(value: object) -> object:
    """A value as a finding quotes it: long texts cut, so every finding stays one readable line."""
    if isinstance(value, str) and len(value) > 60:
        return value[:60] + "…"
    return value


def backup_store(conn: sqlite3.Connection, target: Path) -> Path:
    """Copy the store to ``target`` with SQLite's backup API, check the copy, and only then name it.

    Safe while others use the store: the copy is one consistent snapshot. It is written to a
    temporary file beside ``target``, opened and checked there, and renamed into place, so
    ``target`` is never a half copy. An existing file is never overwritten.
    """
    from .db import connect

    target = Path(target)
    if target.exists():
        raise StoreError("error.backup.exists", path=str(target))
    source = getattr(conn, "path", None)
    if source is not None and Path(source).resolve() == target.resolve():
        raise StoreError("error.backup.exists", path=str(target))
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        exc.filename = exc.filename or str(target)
        raise
    os.close(fd)
    tmp = Path(name)
    try:
        copy = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.backup(copy)
            # One self-contained file (no -wal beside it), readable from read-only media as it is.
            copy.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.Error as exc:
            raise store_error(exc, target) from exc
        finally:
            copy.close()
        _verify(tmp, target, connect)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp made it 0600; a copy gets the user's usual rights
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _verify(tmp: Path, target: Path, connect) -> None:
    """Open the copy as the app opens a store and check it whole; a bad copy is never kept."""
    try:
        copy = connect(tmp, migrate=False, create=False, read_only=True)
    except StoreError as exc:
        raise StoreError("error.backup.bad_copy", path=str(target), detail=exc) from exc
    try:
        problems = check_store(copy)
        copy.execute("SELECT count(*) FROM items").fetchone()  # the first query the app runs
    except sqlite3.Error as exc:
        raise StoreError("error.backup.bad_copy", path=str(target), detail=store_error(exc, target)) from exc
    finally:
        copy.close()
    if problems:
        raise StoreError("error.backup.bad_copy", path=str(target), detail=problems[0])


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
