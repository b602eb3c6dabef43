"""Who is behind in a round: the lead units ranked by red, not-reported and overdue items, and the red
items most severe first — the overview's answer to an inspector's first question."""

from __future__ import annotations

import sqlite3

from .lights import basis_for_round, overdue_sql, red_severity_sql
from .queries import ITEM_SELECT, LIGHT, NOT_REPORTED, STAGES, light_params, with_reasons

OVERDUE = overdue_sql()


def units_behind(conn: sqlite3.Connection, round_id: int, limit: int | None = None) -> list[dict]:
    """Lead units with any red, not-reported or overdue item, most red first, then most not reported,
    then most overdue: each with ``red``, ``not_reported``, ``overdue`` and its ``items`` as lead."""
    sql = f"""
    WITH {STAGES}
    SELECT un.id, un.name, count(i.id) AS items,
      coalesce(sum({LIGHT} = 'red'), 0) AS red,
      coalesce(sum({NOT_REPORTED}), 0) AS not_reported,
      coalesce(sum({OVERDUE}), 0) AS overdue
    FROM units un
    JOIN work_units wu ON wu.unit_id = un.id AND wu.role = 'lead'
    JOIN works w ON w.id = wu.work_id AND w.retired = 0 JOIN ls ON ls.work_id = w.id
    JOIN items i ON i.work_id = w.id AND i.retired = 0
    LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id
    GROUP BY un.id HAVING red + not_reported + overdue > 0
    ORDER BY red DESC, not_reported DESC, overdue DESC, un.name
    LIMIT :limit"""
    params = {"round": round_id, "limit": -1 if limit is None else limit, **light_params(conn, round_id)}
    return [dict(r) for r in conn.execute(sql, params)]


def red_items(conn: sqlite3.Connection, round_id: int, limit: int | None = None) -> list[dict]:
    """The round's red items, most severe first (see ``red_severity_sql``), then in list order; item rows
    as ``queries.page_items`` gives them, with ``light_reason``."""
    basis = basis_for_round(conn, round_id)
    sql = (f"{ITEM_SELECT} WHERE i.retired = 0 AND {LIGHT} = 'red' "
           f"ORDER BY {red_severity_sql()}, i.pos LIMIT :limit")
    params = {"round": round_id, "limit": -1 if limit is None else limit, **basis.params()}
    return with_reasons([dict(r) for r in conn.execute(sql, params)], basis)
