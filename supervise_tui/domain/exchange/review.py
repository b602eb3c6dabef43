"""Reviewing received returns: base · theirs · ours per field, conflicts, and the inspector's decisions.

A field is in conflict when the inspector's value ("ours") is neither the liaison's value
("theirs") nor the base the liaison started from, and was not written by an earlier import of
the same unit: someone changed it in the inspector's store since the package. Status and
progress go together (已完成 ⇔ 100 %): a conflict on one holds the other back too. Conflicts are
worked out when asked, so an edit made between the import and the review counts.

Every decision is one transaction and goes through ``edits.apply_many``, the edit path's own
checks. Taking theirs writes the liaison's value as the liaison's (author), with the return
file as its source and the inspector as who accepted it; an inspector's own value ("edit")
is theirs to answer for.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from ...errors import EditRefused
from ..clock import now
from ..db import transaction
from ..edits import Actor, apply_many
from ..queries import resolve_unit
from .keys import unit_names
from .storekind import require_inspector

COUPLED = ("status", "progress")
FIELD_ORDER = ("status", "progress", "note", "evidence", "value")


@dataclass(frozen=True)
class Row:
    """One changed field of one item in a received return, with the inspector's value now."""

    return_id: str
    seq: int
    unit: str
    round_id: int
    item_id: str
    text: str
    field: str
    base_version: int
    base: object
    theirs: object
    ours: object
    author: str
    state: str  # conflict | clean | same


@dataclass
class Decided:
    """What a decision did: fields written, fields left as they were, refusals by item."""

    accepted: int = 0
    kept: int = 0
    same: int = 0
    refused: dict[str, str] = field(default_factory=dict)


def ours(conn: sqlite3.Connection, round_id: int, items: list[str]) -> dict[str, sqlite3.Row]:
    """The inspector's state of these items in the round, by item."""
    out: dict[str, sqlite3.Row] = {}
    for n in range(0, len(items), 500):
        chunk = items[n:n + 500]
        out.update((r["item_id"], r) for r in conn.execute(
            f"SELECT * FROM item_state WHERE round_id = ? AND item_id IN ({', '.join('?' for _ in chunk)})",
            [round_id, *chunk]))
    return out


def own_import(conn: sqlite3.Connection, names: list[str], round_id: int, item_id: str, field_: str) -> bool:
    """Whether the field's last writer in the round was an accepted import from this same unit."""
    last = conn.execute("SELECT action, source FROM audit WHERE item_id = ? AND round_id = ? AND field = ? "
                        "ORDER BY id DESC LIMIT 1", (item_id, round_id, field_)).fetchone()
    if last is None or last["action"] != "import" or last["source"] is None:
        return False
    marks = ", ".join("?" for _ in names)
    return conn.execute(f"SELECT 1 FROM exchange_returns WHERE id = ? AND unit IN ({marks})",
                        [last["source"], *names]).fetchone() is not None


def judge(conn: sqlite3.Connection, names: list[str], round_id: int,
          rows: Iterable[tuple[str, str, object, object]], state: dict[str, sqlite3.Row]) -> dict[tuple[str, str], str]:
    """(item, field) → ``same``, ``clean`` or ``conflict`` for rows of (item, field, base, theirs)."""
    out: dict[tuple[str, str], str] = {}
    for item_id, field_, base, theirs in rows:
        row = state.get(item_id)
        mine = row[field_] if row is not None else None
        if mine == theirs:
            out[item_id, field_] = "same"
        elif mine == base or own_import(conn, names, round_id, item_id, field_):
            out[item_id, field_] = "clean"
        else:
            out[item_id, field_] = "conflict"
    for (item_id, field_), verdict in list(out.items()):
        if verdict == "conflict" and field_ in COUPLED:
            other = COUPLED[1 - COUPLED.index(field_)]
            if out.get((item_id, other)) == "clean":
                out[item_id, other] = "conflict"
    return out


def apply_rows(conn: sqlite3.Connection, inspector: Actor, *, unit_id: int, round_id: int, return_id: str,
               written_by: str, rows: list[tuple[str, str, object, str]]) -> tuple[set[str], dict[str, str]]:
    """Write the liaison's values — rows of (item, field, theirs, author) — as theirs, inside the caller's
    transaction; returns (items written or already so, item → why a rule refused it)."""
    by_item: dict[str, dict] = {}
    authors: dict[str, str] = {}
    for item_id, field_, theirs, who in rows:
        by_item.setdefault(item_id, {})[field_] = theirs
        authors[item_id] = who
    liaison = Actor(user=written_by, role="liaison", unit_id=unit_id)
    _, refused = apply_many(conn, liaison, round_id, by_item, authors=authors, action="import", source=return_id,
                            accepted_by=inspector.user)
    return set(by_item) - set(refused), {item: str(exc) for item, exc in refused.items()}


# --------------------------------------------------------------------------- the review


def open_rows(conn: sqlite3.Connection, *, returns: list[str] | None = None, unit: str | None = None) -> list[Row]:
    """Every field still waiting for a decision, judged against the inspector's store as it is now."""
    where, params = ["c.outcome = 'open'"], []
    if returns:
        where.append(f"c.return_id IN ({', '.join('?' for _ in returns)})")
        params += returns
    if unit:
        names = unit_names(conn, resolve_unit(conn, unit))
        where.append(f"r.unit IN ({', '.join('?' for _ in names)})")
        params += names
    raw = conn.execute(
        "SELECT c.return_id, r.seq, r.unit, r.round_id, c.item_id, i.text, i.pos, c.field, c.base_version, c.base, "
        "c.theirs, c.author FROM exchange_changes c JOIN exchange_returns r ON r.id = c.return_id "
        f"JOIN items i ON i.id = c.item_id WHERE {' AND '.join(where)} ORDER BY r.unit, r.seq, i.pos",
        params).fetchall()
    out: list[Row] = []
    groups: dict[str, list[sqlite3.Row]] = {}
    for r in raw:
        groups.setdefault(r["return_id"], []).append(r)
    for members in groups.values():
        first = members[0]
        names = unit_names(conn, resolve_unit(conn, first["unit"]))
        state = ours(conn, first["round_id"], sorted({r["item_id"] for r in members}))
        verdicts = judge(conn, names, first["round_id"],
                         ((r["item_id"], r["field"], r["base"], r["theirs"]) for r in members), state)
        for r in sorted(members, key=lambda r: (r["pos"], FIELD_ORDER.index(r["field"]))):
            mine = state[r["item_id"]][r["field"]] if r["item_id"] in state else None
            out.append(Row(r["return_id"], r["seq"], r["unit"], r["round_id"], r["item_id"], r["text"], r["field"],
                           r["base_version"], r["base"], r["theirs"], mine, r["author"],
                           verdicts[r["item_id"], r["field"]]))
    return out


def _return(conn: sqlite3.Connection, return_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM exchange_returns WHERE id = ?", (return_id,)).fetchone()
    if row is None:
        raise EditRefused("error.exchange.no_return", id=return_id)
    return row


def _mark(conn: sqlite3.Connection, inspector: Actor, return_id: str, keys: Iterable[tuple[str, str]], outcome: str,
          stamp: str, reasons: dict[str, str] | None = None) -> None:
    conn.executemany(
        "UPDATE exchange_changes SET outcome = ?, reason = ?, decided_at = ?, decided_by = ? "
        "WHERE return_id = ? AND item_id = ? AND field = ? AND outcome = 'open'",
        [(outcome, (reasons or {}).get(item_id), stamp, inspector.user, return_id, item_id, field_)
         for item_id, field_ in keys])


def accept_clean(conn: sqlite3.Connection, inspector: Actor, *, returns: list[str] | None = None,
                 unit: str | None = None) -> Decided:
    """Accept every field not in conflict (of these returns, or all), as one action: one transaction.

    Returns are taken one after another, so two units' changes to one shared field are not
    both taken: the second sees the first and is in conflict.
    """
    require_inspector(conn, "what.import")
    decided = Decided()
    stamp = now()
    with transaction(conn):
        rows = open_rows(conn, returns=returns, unit=unit)
        order = list(dict.fromkeys(r.return_id for r in rows))
        for return_id in order:
            ret = _return(conn, return_id)
            mine = [r for r in rows if r.return_id == return_id]
            # judged again here: an earlier return in this loop may have written the same field
            names = unit_names(conn, resolve_unit(conn, ret["unit"]))
            state = ours(conn, ret["round_id"], sorted({r.item_id for r in mine}))
            verdicts = judge(conn, names, ret["round_id"], ((r.item_id, r.field, r.base, r.theirs) for r in mine),
                             state)
            same = [(r.item_id, r.field) for r in mine if verdicts[r.item_id, r.field] == "same"]
            clean = [r for r in mine if verdicts[r.item_id, r.field] == "clean"]
            written, refused = apply_rows(
                conn, inspector, unit_id=resolve_unit(conn, ret["unit"]), round_id=ret["round_id"],
                return_id=return_id, written_by=ret["written_by"],
                rows=[(r.item_id, r.field, r.theirs, r.author) for r in clean])
            _mark(conn, inspector, return_id, same, "same", stamp)
            _mark(conn, inspector, return_id, [(r.item_id, r.field) for r in clean if r.item_id in written],
                  "accepted", stamp)
            _mark(conn, inspector, return_id, [(r.item_id, r.field) for r in clean if r.item_id in refused],
                  "refused", stamp, refused)
            decided.same += len(same)
            decided.accepted += sum(r.item_id in written for r in clean)
            decided.refused.update(refused)
    return decided


def _coupled(conn: sqlite3.Connection, return_id: str, item_id: str, field_: str) -> list[sqlite3.Row]:
    """The open row of this field, and of its partner when status or progress is decided."""
    fields = COUPLED if field_ in COUPLED else (field_,)
    rows = conn.execute(
        f"SELECT * FROM exchange_changes WHERE return_id = ? AND item_id = ? AND outcome = 'open' "
        f"AND field IN ({', '.join('?' for _ in fields)})", [return_id, item_id, *fields]).fetchall()
    if not any(r["field"] == field_ for r in rows):
        raise EditRefused("error.exchange.decided", id=item_id)
    return rows


def take_theirs(conn: sqlite3.Connection, inspector: Actor, return_id: str, item_id: str, field_: str) -> Decided:
    """Write the liaison's value of a field (with its partner, for status and progress), conflict or not."""
    require_inspector(conn, "what.import")
    stamp = now()
    decided = Decided()
    with transaction(conn):
        ret = _return(conn, return_id)
        rows = _coupled(conn, return_id, item_id, field_)
        written, refused = apply_rows(
            conn, inspector, unit_id=resolve_unit(conn, ret["unit"]), round_id=ret["round_id"], return_id=return_id,
            written_by=ret["written_by"], rows=[(item_id, r["field"], r["theirs"], r["author"]) for r in rows])
        if refused:
            raise EditRefused("error.exchange.rule", id=item_id, reason=refused[item_id])
        _mark(conn, inspector, return_id, [(item_id, r["field"]) for r in rows], "accepted", stamp)
        decided.accepted = len(rows) if written else 0
    return decided


def keep_ours(conn: sqlite3.Connection, inspector: Actor, return_id: str, item_id: str, field_: str) -> Decided:
    """Leave the inspector's value as it is (with its partner, for status and progress); the decision is kept."""
    require_inspector(conn, "what.import")
    stamp = now()
    with transaction(conn):
        _return(conn, return_id)
        rows = _coupled(conn, return_id, item_id, field_)
        _mark(conn, inspector, return_id, [(item_id, r["field"]) for r in rows], "kept", stamp)
    return Decided(kept=len(rows))


def edit_value(conn: sqlite3.Connection, inspector: Actor, return_id: str, item_id: str, field_: str,
               value: object) -> Decided:
    """Write a value of the inspector's own for a field under review (neither theirs nor ours as they were)."""
    require_inspector(conn, "what.import")
    stamp = now()
    with transaction(conn):
        ret = _return(conn, return_id)
        _coupled(conn, return_id, item_id, field_)
        _, refused = apply_many(conn, inspector, ret["round_id"], {item_id: {field_: value}}, action="import_edit",
                                source=return_id, accepted_by=inspector.user)
        if refused:
            raise refused[item_id]
        _mark(conn, inspector, return_id, [(item_id, field_)], "edited", stamp)
    return Decided(accepted=1)
