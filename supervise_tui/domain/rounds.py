"""Reporting rounds: which one is current, and finding one by id or name."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from .db import get_meta
from .queries import NotFound


@dataclass(frozen=True)
class Round:
    id: int
    name: str
    period: str | None
    due: str | None
    opened_at: str
    closed_at: str | None
    created_by: str

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


def _round(row: sqlite3.Row) -> Round:
    return Round(**{k: row[k] for k in row.keys()})


def list_rounds(conn: sqlite3.Connection) -> list[Round]:
    return [_round(r) for r in conn.execute("SELECT * FROM rounds ORDER BY id")]


def get_round(conn: sqlite3.Connection, ref: str | int) -> Round:
    """A round by its id or its name."""
    text = str(ref).strip()
    row = conn.execute("SELECT * FROM rounds WHERE name = ?", (text,)).fetchone()
    if row is None and text.isdigit():
        row = conn.execute("SELECT * FROM rounds WHERE id = ?", (int(text),)).fetchone()
    if row is None:
        raise NotFound(f"no round {text!r} (see `supervise-tui round list`)")
    return _round(row)


def current_round(conn: sqlite3.Connection) -> Round:
    """The round edits go to; the newest round when none was chosen."""
    ref = get_meta(conn, "current_round")
    if ref is not None:
        row = conn.execute("SELECT * FROM rounds WHERE id = ?", (int(ref),)).fetchone()
        if row is not None:
            return _round(row)
    row = conn.execute("SELECT * FROM rounds ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        raise NotFound("there is no reporting round yet: load a task list first (`supervise-tui load`)")
    return _round(row)
