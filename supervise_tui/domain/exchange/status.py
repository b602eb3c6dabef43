"""Where the exchange stands: per unit, its key, its package and its returns in a round; a liaison store's own."""

from __future__ import annotations

import sqlite3

from ..db import get_meta
from .review import open_rows


def unit_status(conn: sqlite3.Connection, round_id: int) -> list[dict]:
    """Every unit with works: enrolled or not, package issued when, returns received, open fields and conflicts.

    ``returned`` is None for a unit not enrolled (it is not in the exchange), else whether a
    return for the round was imported.
    """
    units = conn.execute(
        "SELECT u.id, u.name FROM units u WHERE EXISTS (SELECT 1 FROM work_units wu JOIN works w ON w.id = wu.work_id "
        "AND w.retired = 0 WHERE wu.unit_id = u.id) ORDER BY u.name").fetchall()
    names: dict[str, int] = {r["name"]: r["id"] for r in units}
    names.update((r["alias"], r["unit_id"]) for r in conn.execute("SELECT alias, unit_id FROM unit_aliases"))
    out = {r["id"]: {"unit": r["name"], "enrolled": None, "key": None, "package_at": None, "package": None,
                     "returns": 0, "last_seq": None, "last_at": None, "items": 0, "open": 0, "conflicts": 0,
                     "returned": None} for r in units}
    for r in conn.execute("SELECT unit, max(generation) AS key, min(created_at) AS since FROM exchange_keys "
                          "GROUP BY unit"):
        row = out.get(names.get(r["unit"], -1))
        if row is not None:
            row.update(enrolled=r["since"], key=r["key"], returned=False)
    for r in conn.execute("SELECT unit, max(issued_at) AS at, file_name FROM exchange_packages WHERE round_id = ? "
                          "GROUP BY unit", (round_id,)):
        row = out.get(names.get(r["unit"], -1))
        if row is not None:
            row.update(package_at=r["at"], package=r["file_name"])
    for r in conn.execute(
            "SELECT r.unit, count(DISTINCT r.id) AS returns, max(r.seq) AS seq, max(r.imported_at) AS at, "
            "count(DISTINCT c.item_id) AS items FROM exchange_returns r "
            "LEFT JOIN exchange_changes c ON c.return_id = r.id "
            "WHERE r.round_id = ? AND r.imported_at IS NOT NULL GROUP BY r.unit", (round_id,)):
        row = out.get(names.get(r["unit"], -1))
        if row is not None:
            row.update(returns=row["returns"] + r["returns"], last_seq=r["seq"], last_at=r["at"],
                       items=row["items"] + r["items"], returned=True)
    for r in open_rows(conn):
        row = out.get(names.get(r.unit, -1))
        if row is not None and r.round_id == round_id:
            row["open"] += 1
            row["conflicts"] += r.state == "conflict"
    # the units in the exchange first, those not yet returned at the top
    return sorted(out.values(), key=lambda r: (r["returned"] is None, bool(r["returned"]), r["unit"]))


def returned_units(conn: sqlite3.Connection, round_id: int) -> dict[str, bool]:
    """Enrolled unit → whether its return for the round came back (for the chase list)."""
    return {r["unit"]: r["returned"] for r in unit_status(conn, round_id) if r["returned"] is not None}


def chase_returns(conn: sqlite3.Connection, round_id: int, groups: list[dict]) -> int | None:
    """Mark each chase-list group (queries.chase_list) ``returned``: True, False, or None for a unit not in
    the exchange; returns how many enrolled units have not returned, or None when no unit is enrolled."""
    returned = returned_units(conn, round_id)
    for group in groups:
        group["returned"] = returned.get(group["unit"])
    return sum(not r for r in returned.values()) if returned else None


def liaison_status(conn: sqlite3.Connection) -> dict:
    """A liaison store's side: the last package opened, returns written, items changed since the base."""
    from .liaison import SEEN, changed_items

    package = conn.execute("SELECT id, serial, issued_at, opened_at, file_name FROM exchange_packages "
                           "ORDER BY serial DESC LIMIT 1").fetchone()
    current = get_meta(conn, "current_round")
    returns = [dict(r) for r in conn.execute(
        "SELECT seq, round_id, items, written_at, written_by, file_name FROM exchange_returns ORDER BY seq")]
    return {"package": dict(package) if package else None,
            "changed": changed_items(conn, int(current)) if current else [],
            "returns": returns, "seen": int(get_meta(conn, SEEN) or 0)}


def accepted_changes(conn: sqlite3.Connection, round_id: int) -> list[dict]:
    """The liaisons' changes accepted into a round from return files, in the order they were accepted:
    item, field, base and new value, the liaison who made it, the unit and return number, who accepted it."""
    return [dict(r) for r in conn.execute(
        "SELECT c.item_id AS id, i.text, c.field, c.base AS old, c.theirs AS new, c.author, r.unit, r.seq, "
        "c.decided_by AS accepted_by, c.decided_at AS accepted_at FROM exchange_returns r "
        "JOIN exchange_changes c ON c.return_id = r.id AND c.outcome = 'accepted' JOIN items i ON i.id = c.item_id "
        "WHERE r.round_id = ? AND r.imported_at IS NOT NULL ORDER BY c.decided_at, r.unit, r.seq, i.pos",
        (round_id,))]
