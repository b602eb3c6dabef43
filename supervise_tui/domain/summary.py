"""Status counts for any scope of items, for the summary line of a view."""

from __future__ import annotations

import sqlite3

from .queries import STATUS_SUMS, Scope, _ints, _where, light_params, page_items


def scope_counts(conn: sqlite3.Connection, round_id: int, scope: Scope) -> dict:
    """Items, done, in progress, behind or blocked, not started and red in a scope."""
    where, params = _where(scope)
    sql = (f"SELECT {STATUS_SUMS} FROM items i JOIN works w ON w.id = i.work_id "
           f"LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id{where}")
    return _ints(conn.execute(sql, {"round": round_id, **light_params(conn, round_id), **params}).fetchone())


def red_items(conn: sqlite3.Connection, round_id: int, limit: int) -> list[dict]:
    """The first red items of a round, in task-list order."""
    return page_items(conn, round_id, Scope(light="red"), 0, limit)
