"""Round packages (下发包): the inspector issues a unit its works, items, the round and their state.

One file per unit and round: the document, the unit's works (as lead or co-unit) and items
with their full texts, goals and deadlines, units and people, the round, each item's state with its version, the
number of the last return imported from the unit, the unit's key until a return signed with it
has come back,
a package id and a MAC over the whole. Issuing is one transaction with the file written,
synced and read back inside it: a package on the stick is always one the store knows.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

from ...errors import EditRefused
from ...i18n import Msg
from ..actor import Actor
from ..clock import now
from ..db import get_meta, transaction
from ..queries import resolve_unit
from ..rounds import Round, current_round, get_round
from ..targets import COMPARES, UNITS, Goal, Metric, goal_from_json
from ..vocab import KINDS, LIGHTS, STATUSES
from .fileformat import (
    PACKAGE_FORMAT,
    TEXT_LIMIT,
    VERSION,
    Bool,
    Int,
    ListOf,
    MapOf,
    Maybe,
    Record,
    Text,
    confined,
    encode,
    file_name,
    read_bytes,
    sign,
    verifies,
    write_verified,
)
from .keys import Key, current_key, enrolled_units, unit_name, unit_names
from .storekind import require_inspector

STATE = Record({
    "status": Text(choices=STATUSES), "progress": Int(0, 100), "note": Text(TEXT_LIMIT),
    "evidence": Text(TEXT_LIMIT), "value": Text(TEXT_LIMIT), "light": Maybe(Text(choices=LIGHTS)),
    "light_reason": Text(TEXT_LIMIT), "comment": Text(TEXT_LIMIT), "closed_out": Bool(),
    "updated_by": Maybe(Text()), "updated_at": Maybe(Text()), "version": Int(),
})
# A target's or headline goal's goal, as the liaison store needs it to check values and derive progress.
GOAL = Record({
    "qualitative": Bool(),
    "metrics": ListOf(Record({"metric": Text(TEXT_LIMIT), "value": Text(), "unit": Text(choices=UNITS + ("",)),
                              "compare": Text(choices=COMPARES), "quote": Text(TEXT_LIMIT),
                              "baseline": Text(TEXT_LIMIT)}), 100)})
SPEC = Record({
    "format": Text(), "version": Int(), "package": Text(), "serial": Int(1), "issued_at": Text(),
    "issued_by": Text(), "unit": Text(),
    "key": Record({"generation": Int(1), "since": Text(), "secret": Maybe(Text(64))}),
    "returns_seen": Int(),
    "document": MapOf(Text(TEXT_LIMIT)),
    "indicators": ListOf(Record({"id": Text(), "year": Text(), "text": Text(TEXT_LIMIT), "goal": GOAL})),
    "aliases": MapOf(Text(), limit=10_000),
    "round": Record({"id": Int(1), "name": Text(), "period": Maybe(Text()), "due": Maybe(Text()),
                     "opened_at": Text(), "closed_at": Maybe(Text())}),
    "pillars": ListOf(Record({"id": Text(), "numeral": Text(), "title": Text(TEXT_LIMIT)})),
    "works": ListOf(Record({
        "id": Text(), "seq": Int(), "numeral": Text(), "pillar": Text(), "title": Text(TEXT_LIMIT),
        "stage": Text(), "start": Maybe(Int()), "end": Maybe(Int()), "units_text": Text(TEXT_LIMIT),
        "lead": Text(), "co": ListOf(Text(), 1_000), "leader": Text(), "liaison": Text()})),
    "items": ListOf(Record({
        "id": Text(), "work": Text(), "kind": Text(choices=KINDS), "no": Maybe(Int()), "prefix": Maybe(Text()),
        "text": Text(TEXT_LIMIT), "goal": GOAL, "deadline": Maybe(Text()), "state": STATE})),
    "mac": Text(64),
})
STATE_FIELDS = tuple(STATE.fields)


@dataclass(frozen=True)
class Issued:
    """A package written: its file, id, unit, round, how many items, and whether it carries the key."""

    path: Path
    package_id: str
    unit: str
    round: Round
    items: int
    with_key: bool


def package_name(rnd: Round, unit: str) -> str:
    return file_name("package", f"r{rnd.id}", rnd.name, unit)


def returns_seen(conn: sqlite3.Connection, names: list[str]) -> int:
    """The highest sequence number imported from a unit (any of its names), 0 for none."""
    marks = ", ".join("?" for _ in names)
    return conn.execute(f"SELECT coalesce(max(seq), 0) FROM exchange_returns WHERE unit IN ({marks}) "
                        "AND imported_at IS NOT NULL", names).fetchone()[0]


def key_proven(conn: sqlite3.Connection, names: list[str], generation: int) -> bool:
    """Whether the unit's liaison store holds this key: a return signed with it was imported.

    Until then every package carries the key, so a lost or overwritten first package
    does not strand the liaison.
    """
    marks = ", ".join("?" for _ in names)
    return conn.execute(f"SELECT 1 FROM exchange_returns WHERE unit IN ({marks}) AND generation = ? "
                        "AND imported_at IS NOT NULL LIMIT 1", [*names, generation]).fetchone() is not None


def build(conn: sqlite3.Connection, unit_id: int, rnd: Round, key: Key, *, package_id: str, serial: int,
          with_key: bool, user: str, stamp: str) -> dict:
    """The package as a JSON object, MAC included."""
    unit = unit_name(conn, unit_id)
    works = [dict(r) for r in conn.execute(
        "SELECT w.* FROM works w JOIN work_units wu ON wu.work_id = w.id WHERE wu.unit_id = ? AND w.retired = 0 "
        "ORDER BY w.sort", (unit_id,))]
    links: dict[str, list[tuple[str, str]]] = {}
    for r in conn.execute(
            "SELECT wu.work_id, u.name, wu.role FROM work_units wu JOIN units u ON u.id = wu.unit_id "
            "WHERE wu.work_id IN (SELECT work_id FROM work_units WHERE unit_id = ?) ORDER BY wu.work_id, wu.sort",
            (unit_id,)):
        links.setdefault(r["work_id"], []).append((r["name"], r["role"]))
    names = {name for pairs in links.values() for name, _ in pairs}
    items = conn.execute(
        "SELECT i.id, i.work_id, i.kind, i.no, i.prefix, i.text, i.goal, i.deadline, s.* FROM items i "
        "JOIN work_units wu ON wu.work_id = i.work_id AND wu.unit_id = :unit "
        "LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id "
        "WHERE i.retired = 0 ORDER BY i.pos", {"unit": unit_id, "round": rnd.id}).fetchall()
    pillar_ids = sorted({w["pillar_id"] for w in works})
    obj = {
        "format": PACKAGE_FORMAT,
        "version": VERSION,
        "package": package_id,
        "serial": serial,
        "issued_at": stamp,
        "issued_by": user,
        "unit": unit,
        "key": {"generation": key.generation, "since": key.created_at,
                "secret": key.secret.hex() if with_key else None},
        "returns_seen": returns_seen(conn, unit_names(conn, unit_id)),
        "document": json.loads(get_meta(conn, "document") or "{}"),
        "indicators": [{"id": r["id"], "year": r["year"], "text": r["text"], "goal": goal_object(r["goal"])}
                       for r in conn.execute("SELECT id, year, text, goal FROM indicators WHERE retired = 0 "
                                             "ORDER BY sort")],
        "aliases": {r["alias"]: r["name"] for r in conn.execute(
            "SELECT a.alias, u.name FROM unit_aliases a JOIN units u ON u.id = a.unit_id ORDER BY a.alias")
            if r["name"] in names},
        "round": {"id": rnd.id, "name": rnd.name, "period": rnd.period, "due": rnd.due,
                  "opened_at": rnd.opened_at, "closed_at": rnd.closed_at},
        "pillars": [dict(r) for r in conn.execute(
            f"SELECT id, numeral, title FROM pillars WHERE id IN ({', '.join('?' for _ in pillar_ids)}) "
            "ORDER BY sort", pillar_ids)],
        "works": [{
            "id": w["id"], "seq": w["seq"], "numeral": w["numeral"], "pillar": w["pillar_id"], "title": w["title"],
            "stage": w["stage_text"], "start": w["stage_start"], "end": w["stage_end"],
            "units_text": w["units_text"],
            "lead": next((n for n, role in links.get(w["id"], []) if role == "lead"), unit),
            "co": [n for n, role in links.get(w["id"], []) if role == "co"],
            "leader": w["leader"], "liaison": w["liaison"]} for w in works],
        "items": [{
            "id": i["id"], "work": i["work_id"], "kind": i["kind"], "no": i["no"], "prefix": i["prefix"],
            "text": i["text"], "goal": goal_object(i["goal"]), "deadline": i["deadline"], "state": _state(i)}
            for i in items],
    }
    obj["mac"] = sign(key.secret, obj)
    return obj


def goal_object(stored: str | None) -> dict:
    """A stored goal (items.goal) as the package carries it; no metrics and not qualitative: not annotated."""
    goal = goal_from_json(stored)
    return {"qualitative": goal.qualitative, "metrics": [asdict(m) for m in goal.metrics]}


def goal_of(obj: dict) -> Goal:
    """The Goal a package's goal object describes (its shape already checked against GOAL)."""
    return Goal(tuple(Metric(**m) for m in obj["metrics"]), obj["qualitative"])


def _state(row: sqlite3.Row) -> dict:
    """An item's state in the round; an item with no state row yet has the defaults."""
    if row["status"] is None:
        return {"status": "not_started", "progress": 0, "note": "", "evidence": "", "value": "", "light": None,
                "light_reason": "", "comment": "", "closed_out": False, "updated_by": None, "updated_at": None,
                "version": 0}
    state = {field: row[field] for field in STATE_FIELDS}
    state["closed_out"] = bool(state["closed_out"])
    return state


def issue(conn: sqlite3.Connection, actor: Actor, unit: str, folder: Path, *,
          round_ref: str | int | None = None) -> Issued:
    """Write the unit's package for a round (the current one by default) into ``folder``.

    One transaction: the package is recorded (and audited as ``exchange_issue``) only if its
    file was written and read back intact.
    """
    if actor.role != "inspector":
        raise EditRefused("error.inspector_only", what=Msg("what.issue"))
    require_inspector(conn, "what.issue")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now()
    written: Path | None = None
    try:
        with transaction(conn):
            unit_id = resolve_unit(conn, unit)
            name = unit_name(conn, unit_id)
            key = current_key(conn, unit_id)
            if key is None:
                raise EditRefused("error.exchange.not_enrolled", unit=name)
            rnd = get_round(conn, round_ref) if round_ref is not None else current_round(conn)
            if rnd.closed:
                raise EditRefused("error.exchange.issue_closed", round=rnd.name)
            names = unit_names(conn, unit_id)
            marks = ", ".join("?" for _ in names)
            serial = conn.execute(f"SELECT coalesce(max(serial), 0) + 1 FROM exchange_packages "
                                  f"WHERE unit IN ({marks})", names).fetchone()[0]
            with_key = not key_proven(conn, names, key.generation)
            package_id = "P-" + secrets.token_hex(8)
            obj = build(conn, unit_id, rnd, key, package_id=package_id, serial=serial, with_key=with_key,
                        user=actor.user, stamp=stamp)
            fname = package_name(rnd, name)
            path = confined(folder, fname)
            conn.execute(
                "INSERT INTO exchange_packages(id, unit, serial, generation, round_id, items, with_key, file_name, "
                "issued_at, issued_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (package_id, name, serial, key.generation, rnd.id, len(obj["items"]), int(with_key), fname, stamp,
                 actor.user))
            conn.execute("INSERT INTO audit(at, user, round_id, action, field, new) "
                         "VALUES (?, ?, ?, 'exchange_issue', 'package', ?)",
                         (stamp, actor.user, rnd.id, f"{package_id} {name} {fname}"))

            def check_back(data: bytes) -> None:
                if not verifies(key.secret, read_bytes(data, kind=PACKAGE_FORMAT, spec=SPEC, name=fname)):
                    raise EditRefused("error.exchange.read_back", path=str(path))

            write_verified(path, encode(obj), check_back)
            written = path
    except BaseException:
        if written is not None:  # the file is there but the store could not record it
            written.unlink(missing_ok=True)
        raise
    return Issued(path, package_id, name, rnd, len(obj["items"]), with_key)


def issue_all(conn: sqlite3.Connection, actor: Actor, folder: Path, *,
              round_ref: str | int | None = None) -> list[Issued]:
    """One package per enrolled unit, each written and recorded on its own."""
    if actor.role != "inspector":
        raise EditRefused("error.inspector_only", what=Msg("what.issue"))
    require_inspector(conn, "what.issue")
    units = enrolled_units(conn)
    if not units:
        raise EditRefused("error.exchange.none_enrolled")
    return [issue(conn, actor, name, folder, round_ref=round_ref) for _, name in units]
