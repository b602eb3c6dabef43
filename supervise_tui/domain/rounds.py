"""Reporting rounds: create (carrying every item's state forward), switch, close, reopen.

Each action is one IMMEDIATE transaction with one audit row: ``round_new``, ``round_use``,
``round_close`` or ``reopen`` (the reason in ``new``, the closing time undone in ``old``).
Only an inspector changes the store's current round (the round everyone's edits go to by
default): opening one, switching to one, closing, reopening.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import date

from ..errors import EditRefused, NotFound
from ..i18n import Msg
from .actor import Actor
from .clock import now
from .db import get_meta, set_meta, transaction

NAME_LIMIT = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# A period is a year (2024), a quarter (2024-Q1) or a month (2024-03).
_PERIOD = re.compile(r"(?P<year>\d{4})(?:-(?:[Qq](?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?")

# The state a new round starts from: the previous round's, field for field, but
# not yet updated by anyone in this round (updated_by/updated_at NULL, version 0).
CARRIED = ("status", "progress", "note", "evidence", "value", "light", "light_reason", "comment",
           "closed_out", "closed_at", "closed_by")


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
        raise NotFound("error.no_round", ref=text)
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
        raise NotFound("error.no_rounds_yet")
    return _round(row)


def previous_round(conn: sqlite3.Connection, round_id: int) -> Round | None:
    """The round opened just before this one, if any."""
    row = conn.execute("SELECT * FROM rounds WHERE id < ? ORDER BY id DESC LIMIT 1", (round_id,)).fetchone()
    return _round(row) if row else None


def round_overview(conn: sqlite3.Connection) -> list[dict]:
    """Every round with its item count, how many were updated in it, done, and which is current."""
    current = current_round(conn).id if conn.execute("SELECT 1 FROM rounds").fetchone() else None
    rows = conn.execute(
        "SELECT r.*, count(s.item_id) AS items, count(s.updated_at) AS updated, "
        "coalesce(sum(s.status = 'done'), 0) AS done "
        "FROM rounds r LEFT JOIN item_state s ON s.round_id = r.id GROUP BY r.id ORDER BY r.id")
    return [dict(r) | {"current": r["id"] == current} for r in rows]


def _inspector(actor: Actor, what: str) -> None:
    """Refuse anyone but an inspector; ``what`` is a ``what.*`` catalogue key."""
    if actor.role != "inspector":
        raise EditRefused("error.inspector_only", what=Msg(what))


def check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise EditRefused("error.round.name_blank")
    if name.isdigit():
        raise EditRefused("error.round.name_digits", name=name)
    if len(name) > NAME_LIMIT or _CONTROL.search(name):
        raise EditRefused("error.round.name_long", limit=NAME_LIMIT)
    return name


def check_period(period: str | None) -> str | None:
    """A round's period as written 2024, 2024-Q1 or 2024-03 (the quarter's Q upper-cased); None if blank."""
    text = (period or "").strip()
    if not text:
        return None
    match = _PERIOD.fullmatch(text)
    if match is None:
        raise EditRefused("error.round.bad_period", period=text)
    return text.upper()


def check_due(due: str | None) -> str | None:
    if due is None or not due.strip():
        return None
    try:
        return date.fromisoformat(due.strip()).isoformat()
    except ValueError:
        raise EditRefused("error.round.bad_due", due=due) from None


def _audit(conn: sqlite3.Connection, at: str, user: str, round_id: int, action: str,
           old: str | None = None, new: str | None = None, field: str | None = None) -> None:
    conn.execute("INSERT INTO audit(at, user, round_id, action, field, old, new) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (at, user, round_id, action, field, old, new))


def create_round(conn: sqlite3.Connection, actor: Actor, name: str, *, period: str | None = None,
                 due: str | None = None, close_previous: bool = False) -> Round:
    """Open a round that starts from every item's state in the previous one, and make it current.

    With ``close_previous`` the previous round, if open, is closed in the same transaction.
    """
    _inspector(actor, "what.open_round")
    name, period, due = check_name(name), check_period(period), check_due(due)
    stamp = now()
    with transaction(conn):
        if conn.execute("SELECT 1 FROM rounds WHERE name = ?", (name,)).fetchone():
            raise EditRefused("error.round.name_taken", name=name)
        prev = conn.execute("SELECT id, name, closed_at FROM rounds ORDER BY id DESC LIMIT 1").fetchone()
        if close_previous and prev is not None and prev["closed_at"] is None:
            conn.execute("UPDATE rounds SET closed_at = ? WHERE id = ?", (stamp, prev["id"]))
            _audit(conn, stamp, actor.user, prev["id"], "round_close", field="closed_at", new=stamp)
        new_id = conn.execute(
            "INSERT INTO rounds(name, period, due, opened_at, created_by) VALUES (?, ?, ?, ?, ?)",
            (name, period, due, stamp, actor.user)).lastrowid
        assert new_id is not None
        columns = ", ".join(CARRIED)
        if prev is not None:
            conn.execute(
                f"INSERT INTO item_state(round_id, item_id, {columns}, updated_by, updated_at, version) "
                f"SELECT ?, s.item_id, {', '.join('s.' + c for c in CARRIED)}, NULL, NULL, 0 "
                "FROM item_state s JOIN items i ON i.id = s.item_id AND i.retired = 0 WHERE s.round_id = ?",
                (new_id, prev["id"]))
            # Headline goals' values and evidence carry forward too, not yet updated in this round.
            conn.execute(
                "INSERT INTO indicator_state(round_id, indicator_id, value, evidence) "
                "SELECT ?, s.indicator_id, s.value, s.evidence FROM indicator_state s "
                "JOIN indicators g ON g.id = s.indicator_id AND g.retired = 0 WHERE s.round_id = ?",
                (new_id, prev["id"]))
        # Items with no state in the previous round start from the defaults.
        conn.execute("INSERT OR IGNORE INTO item_state(round_id, item_id) SELECT ?, id FROM items "
                     "WHERE retired = 0", (new_id,))
        set_meta(conn, "current_round", str(new_id))
        _audit(conn, stamp, actor.user, new_id, "round_new", new=json.dumps(
            {"name": name, "period": period, "due": due, "from": prev["name"] if prev else None},
            ensure_ascii=False))
    return get_round(conn, new_id)


def newest_round(conn: sqlite3.Connection) -> Round | None:
    """The round opened last, if any (the one a new round follows)."""
    row = conn.execute("SELECT * FROM rounds ORDER BY id DESC LIMIT 1").fetchone()
    return _round(row) if row else None


def use_round(conn: sqlite3.Connection, actor: Actor, ref: str | int) -> Round:
    """Make a round the current one (where everyone's edits and views go by default): an inspector only."""
    _inspector(actor, "what.use_round")
    stamp = now()
    with transaction(conn):
        rnd = get_round(conn, ref)
        old = get_meta(conn, "current_round")
        set_meta(conn, "current_round", str(rnd.id))
        _audit(conn, stamp, actor.user, rnd.id, "round_use", old=old, new=str(rnd.id))
    return rnd


def close_round(conn: sqlite3.Connection, actor: Actor, ref: str | int | None = None) -> Round:
    """Freeze a round (the current one by default): its state refuses every later edit."""
    _inspector(actor, "what.close_round")
    stamp = now()
    with transaction(conn):
        rnd = get_round(conn, ref) if ref is not None else current_round(conn)
        if rnd.closed:
            raise EditRefused("error.round.already_closed", name=rnd.name)
        conn.execute("UPDATE rounds SET closed_at = ? WHERE id = ?", (stamp, rnd.id))
        _audit(conn, stamp, actor.user, rnd.id, "round_close", field="closed_at", new=stamp)
    return get_round(conn, rnd.id)


def reopen_round(conn: sqlite3.Connection, actor: Actor, ref: str | int, reason: str) -> Round:
    """Unfreeze a closed round; an inspector only, with a reason kept in the audit log."""
    _inspector(actor, "what.reopen_round")
    reason = (reason or "").strip()
    if not reason:
        raise EditRefused("error.round.reason_needed")
    stamp = now()
    with transaction(conn):
        rnd = get_round(conn, ref)
        if not rnd.closed:
            raise EditRefused("error.round.not_closed", name=rnd.name)
        conn.execute("UPDATE rounds SET closed_at = NULL WHERE id = ?", (rnd.id,))
        # Items added to the task list while it was closed get a state row, as in any open round.
        conn.execute("INSERT OR IGNORE INTO item_state(round_id, item_id) SELECT ?, id FROM items "
                     "WHERE retired = 0", (rnd.id,))
        _audit(conn, stamp, actor.user, rnd.id, "reopen", field="reason", old=rnd.closed_at, new=reason)
    return get_round(conn, rnd.id)
