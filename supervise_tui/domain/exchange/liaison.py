"""The liaison's side: open a round package into a liaison store, write return files (报送包).

A liaison store holds one unit's works and items only, made and updated from packages. Its
``exchange_base`` table keeps, per round and item, the state the package gave (the base the
liaison starts from, with its version); an item whose state differs from its base has been
changed here. A return holds every such item — all changes since the base, not just since
the last return, so a lost file loses nothing — with its base version, base and new values,
and the liaison's audit rows for it.

Opening a newer package refreshes texts, units, people and the round. An item changed here
that the inspector has not yet received (the package says which returns came back) keeps the
liaison's values and its old base, so its changes travel in the next return and are checked
against what the inspector did meanwhile; the liaison is told which items these are.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import EditRefused, ExchangeRefused, StoreError
from ...i18n import Msg
from ..clock import now
from ..db import get_meta, set_meta, transaction
from ..edits import LIAISON_FIELDS
from ..rounds import Round, get_round
from ..sync import load
from ..targets import number
from ..tasklist import Indicator, Item, Pillar, TaskList, Work
from ..vocab import STATUSES
from . import package as pkg
from .fileformat import (
    PACKAGE_FORMAT,
    RETURN_FORMAT,
    TEXT_LIMIT,
    VERSION,
    Int,
    ListOf,
    Maybe,
    Record,
    Text,
    confined,
    encode,
    file_name,
    read,
    read_bytes,
    sign,
    verifies,
    write_verified,
)
from .storekind import KIND, UNIT, liaison_unit, require_liaison

FIELDS = Record({"status": Text(choices=STATUSES), "progress": Int(0, 100), "note": Text(TEXT_LIMIT),
                 "evidence": Text(TEXT_LIMIT), "value": Text(TEXT_LIMIT)}, optional=frozenset(LIAISON_FIELDS))
AUDIT_ROWS = 200  # the liaison's latest audit rows per item that travel with it
SPEC = Record({
    "format": Text(), "version": Int(), "return": Text(), "unit": Text(), "key": Int(1),
    "round": Record({"id": Int(1), "name": Text()}), "package": Text(), "seq": Int(1),
    "written_at": Text(), "written_by": Text(),
    "items": ListOf(Record({
        "id": Text(), "base_version": Int(), "base": FIELDS, "new": FIELDS,
        "audit": ListOf(Record({"at": Text(), "user": Text(), "field": Text(choices=LIAISON_FIELDS),
                                "old": Maybe(Text(TEXT_LIMIT)), "new": Maybe(Text(TEXT_LIMIT))}), AUDIT_ROWS)})),
    "mac": Text(64),
})

PACKAGE = "exchange_package"  # meta: the last package opened
SEEN = "exchange_returns_seen"  # meta: the last return the inspector had imported, by that package
FOLDER = "exchange_folder"  # meta: where the last package was opened from (a return is offered there)


@dataclass(frozen=True)
class Opened:
    """What opening a package did."""

    package_id: str
    unit: str
    round: Round
    items: int
    created: bool  # the liaison store was made by this package
    kept: list[str] = field(default_factory=list)  # items whose unreturned changes were kept
    gone: list[str] = field(default_factory=list)  # items changed here that the package no longer holds
    already: str | None = None  # when this very package was opened before (nothing changed)


@dataclass(frozen=True)
class Written:
    """A return file written and read back."""

    path: Path
    return_id: str
    seq: int
    round: Round
    items: int


def _refused(path: Path, key: str, **params) -> ExchangeRefused:
    return ExchangeRefused("error.exchange.refused", file=path.name, reason=Msg(key, **params))


# --------------------------------------------------------------------------- opening a package


def read_package(path: Path) -> dict:
    obj = read(path, kind=PACKAGE_FORMAT, spec=pkg.SPEC)
    _consistent(path, obj)
    return obj


def _consistent(path: Path, obj: dict) -> None:
    """Ids unique and every reference inside the package resolved (beyond what the MAC proves)."""
    pillars = {p["id"] for p in obj["pillars"]}
    works = [w["id"] for w in obj["works"]]
    items = [i["id"] for i in obj["items"]]
    for ids in (works, items, [p["id"] for p in obj["pillars"]]):
        dup = next((x for x in ids if ids.count(x) > 1), None) if len(set(ids)) != len(ids) else None
        if dup is not None or "" in ids:
            raise _refused(path, "exchange.bad.duplicate_id", id=dup or "")
    for w in obj["works"]:
        if w["pillar"] not in pillars:
            raise _refused(path, "exchange.bad.reference", id=w["id"], ref=w["pillar"])
    known = set(works)
    for i in obj["items"]:
        if i["work"] not in known:
            raise _refused(path, "exchange.bad.reference", id=i["id"], ref=i["work"])
    for entry in [*obj["items"], *obj["indicators"]]:  # a goal the liaison store computes with
        for m in entry["goal"]["metrics"]:
            if number(m["value"]) is None:
                raise _refused(path, "exchange.bad.goal_value", id=entry["id"], value=m["value"])


def _package_key(conn: sqlite3.Connection, path: Path, obj: dict) -> tuple[bytes, bool]:
    """The key the package is signed with, checked against what the store holds; (key, new to the store)."""
    generation, carried = obj["key"]["generation"], obj["key"]["secret"]
    newest = conn.execute("SELECT generation, secret, created_at FROM exchange_keys ORDER BY generation DESC "
                          "LIMIT 1").fetchone()
    if newest is not None and generation < newest["generation"]:
        raise _refused(path, "exchange.key_rotated", at=newest["created_at"][:10])
    if newest is not None and generation == newest["generation"]:
        key = bytes(newest["secret"])
        if not verifies(key, obj):
            raise _refused(path, "exchange.bad.mac")
        return key, False
    if carried is None:
        raise _refused(path, "exchange.no_key" if newest is None else "exchange.newer_key")
    try:
        key = bytes.fromhex(carried)
    except ValueError:
        raise _refused(path, "exchange.bad.at", where="key.secret",
                       detail=Msg("exchange.bad.type", expected=Msg("exchange.type.hex"))) from None
    if len(key) != 32 or not verifies(key, obj):
        raise _refused(path, "exchange.bad.mac")
    return key, True


def _tasklist(obj: dict) -> TaskList:
    items: dict[str, list[Item]] = {}
    for i in obj["items"]:
        members = items.setdefault(i["work"], [])
        members.append(Item(i["id"], i["work"], i["kind"], i["no"], i["prefix"], i["text"], len(members),
                            pkg.goal_of(i["goal"]), i["deadline"]))
    works = tuple(Work(
        id=w["id"], seq=w["seq"], numeral=w["numeral"], pillar_id=w["pillar"], title=w["title"],
        stage_text=w["stage"], stage_start=w["start"], stage_end=w["end"], units_text=w["units_text"],
        lead=w["lead"], co=tuple(w["co"]), leader=w["leader"], liaison=w["liaison"],
        items=tuple(items.get(w["id"], ()))) for w in obj["works"])
    return TaskList(
        document=dict(obj["document"]),
        indicators=tuple(Indicator(g["id"], g["year"], g["text"], n, pkg.goal_of(g["goal"]))
                         for n, g in enumerate(obj["indicators"])),
        aliases=dict(obj["aliases"]),
        pillars=tuple(Pillar(p["id"], p["numeral"], p["title"], n) for n, p in enumerate(obj["pillars"])),
        works=works)


def pending(conn: sqlite3.Connection, round_id: int) -> dict[str, dict]:
    """Every item of the round with changes to return: item → {"version", "base", "new", "state"}.

    A change is a liaison field that differs from its base. A field sent in an earlier return
    against the same base and since put back to it is a change too (new = base): without it
    the inspector would keep the value that was taken back.
    """
    sent: dict[tuple[str, str], sqlite3.Row] = {}
    for r in conn.execute(
            "SELECT c.item_id, c.field, c.base_version, c.base, c.theirs FROM exchange_changes c "
            "JOIN exchange_returns r ON r.id = c.return_id WHERE r.round_id = ? AND c.outcome = 'sent' "
            "ORDER BY r.seq", (round_id,)):
        sent[r["item_id"], r["field"]] = r
    out = {}
    for row in conn.execute(
            "SELECT s.item_id, s.status, s.progress, s.note, s.evidence, s.value, b.version, "
            "b.status AS b_status, b.progress AS b_progress, b.note AS b_note, b.evidence AS b_evidence, "
            "b.value AS b_value FROM item_state s JOIN exchange_base b ON b.round_id = s.round_id "
            "AND b.item_id = s.item_id JOIN items i ON i.id = s.item_id "
            "WHERE s.round_id = ? ORDER BY i.pos", (round_id,)):
        base = {f: row[f"b_{f}"] for f in LIAISON_FIELDS}
        new = {}
        for f in LIAISON_FIELDS:
            was = sent.get((row["item_id"], f))
            if row[f] != base[f] or (was is not None and was["base_version"] == row["version"]
                                     and was["base"] == base[f] and was["theirs"] != base[f]):
                new[f] = row[f]
        if new:
            out[row["item_id"]] = {"version": row["version"], "base": {f: base[f] for f in new}, "new": new,
                                   "state": {f: row[f] for f in LIAISON_FIELDS}}
    return out


def _unreturned(conn: sqlite3.Connection, round_id: int, seen: int) -> dict[str, dict]:
    """Items with changes that the inspector has not received as they are now.

    Received means: the last return that carried the item is one the inspector had imported
    (its number ≤ ``seen``) and it carried exactly the item's present changes.
    """
    sent: dict[str, tuple[int, dict]] = {}
    for r in conn.execute(
            "SELECT c.item_id, c.field, c.theirs, r.seq FROM exchange_changes c "
            "JOIN exchange_returns r ON r.id = c.return_id WHERE r.round_id = ? AND c.outcome = 'sent' "
            "ORDER BY r.seq", (round_id,)):
        seq, values = sent.get(r["item_id"], (0, {}))
        if r["seq"] != seq:
            values = {}
        values[r["field"]] = r["theirs"]
        sent[r["item_id"]] = (r["seq"], values)
    out = {}
    for item_id, change in pending(conn, round_id).items():
        seq, values = sent.get(item_id, (0, {}))
        if seq and seq <= seen and values == change["new"]:
            continue
        out[item_id] = change["state"]
    return out


def open_package(conn: sqlite3.Connection, path: Path, *, user: str) -> Opened:
    """Verify a round package and make or update this liaison store from it, in one transaction."""
    obj = read_package(path)
    unit = liaison_unit(conn)
    created = unit is None
    if created:
        if conn.execute("SELECT 1 FROM items LIMIT 1").fetchone() is not None:
            raise StoreError("error.exchange.open_inspector")
    elif obj["unit"] != unit and obj["aliases"].get(unit) != obj["unit"]:  # renamed: the old name an alias
        raise _refused(path, "exchange.other_unit", unit=obj["unit"], mine=unit)
    key, new_key = _package_key(conn, path, obj)
    before = conn.execute("SELECT opened_at FROM exchange_packages WHERE id = ?", (obj["package"],)).fetchone()
    rnd = obj["round"]
    if before is not None:
        return Opened(obj["package"], obj["unit"], get_round(conn, rnd["id"]), len(obj["items"]), False,
                      already=before["opened_at"])
    last = conn.execute("SELECT serial, issued_at FROM exchange_packages ORDER BY serial DESC LIMIT 1").fetchone()
    if last is not None and obj["serial"] <= last["serial"]:
        raise _refused(path, "exchange.older_package", at=last["issued_at"][:10])
    stamp = now()
    in_package = {i["id"]: i for i in obj["items"]}
    with transaction(conn):
        set_meta(conn, KIND, "liaison")
        set_meta(conn, UNIT, obj["unit"])
        if new_key:
            conn.execute("INSERT INTO exchange_keys(unit, generation, secret, created_at, created_by) "
                         "VALUES (?, ?, ?, ?, ?)", (obj["unit"], obj["key"]["generation"], key,
                                                    obj["key"]["since"], obj["issued_by"]))
        seen = max(int(get_meta(conn, SEEN) or 0), obj["returns_seen"])
        current = get_meta(conn, "current_round")
        kept = _unreturned(conn, int(current), seen) if current is not None else {}
        conn.execute(
            "INSERT INTO rounds(id, name, period, due, opened_at, closed_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET name = excluded.name, period = excluded.period, due = excluded.due, "
            "closed_at = excluded.closed_at",
            (rnd["id"], rnd["name"], rnd["period"], rnd["due"], rnd["opened_at"], rnd["closed_at"], obj["issued_by"]))
        load(conn, _tasklist(obj), user=user, source=f"{obj['package']} {path.name}", package=True)
        _states(conn, obj, kept, int(current) if current is not None else None)
        conn.execute(
            "INSERT INTO exchange_packages(id, unit, serial, generation, round_id, items, with_key, file_name, "
            "issued_at, issued_by, opened_at, opened_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (obj["package"], obj["unit"], obj["serial"], obj["key"]["generation"], rnd["id"], len(obj["items"]),
             int(obj["key"]["secret"] is not None), path.name, obj["issued_at"], obj["issued_by"], stamp, user))
        set_meta(conn, "current_round", str(rnd["id"]))
        set_meta(conn, PACKAGE, obj["package"])
        set_meta(conn, SEEN, str(seen))
        set_meta(conn, FOLDER, str(path.resolve().parent))
        conn.execute("INSERT INTO audit(at, user, round_id, action, field, new) "
                     "VALUES (?, ?, ?, 'exchange_open', 'package', ?)",
                     (stamp, user, rnd["id"], f"{obj['package']} {path.name}"))
    return Opened(obj["package"], obj["unit"], get_round(conn, rnd["id"]), len(obj["items"]), created,
                  kept=sorted(i for i in kept if i in in_package), gone=sorted(i for i in kept if i not in in_package))


def _states(conn: sqlite3.Connection, obj: dict, kept: dict[str, dict], old_round: int | None) -> None:
    """Each item's state in the package's round: the package's, but a kept item's liaison fields stay."""
    round_id, package_id = obj["round"]["id"], obj["package"]
    columns = pkg.STATE_FIELDS
    rows = []
    for i in obj["items"]:
        state = dict(i["state"])
        state["closed_out"] = int(state["closed_out"])
        if i["id"] in kept:
            state.update({f: kept[i["id"]][f] for f in LIAISON_FIELDS})
        rows.append((round_id, i["id"], *(state[c] for c in columns)))
    names = ", ".join(columns)
    conn.executemany(
        f"INSERT INTO item_state(round_id, item_id, {names}) VALUES (?, ?, {', '.join('?' for _ in columns)}) "
        f"ON CONFLICT(round_id, item_id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in columns)}", rows)
    fresh = [(round_id, i["id"], package_id, i["state"]["version"], *(i["state"][f] for f in LIAISON_FIELDS))
             for i in obj["items"] if i["id"] not in kept]
    conn.executemany(
        "INSERT OR REPLACE INTO exchange_base(round_id, item_id, package_id, version, status, progress, note, "
        "evidence, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", fresh)
    if old_round is not None and old_round != round_id:  # a kept item keeps the base its changes were made on
        conn.executemany(
            "INSERT OR REPLACE INTO exchange_base(round_id, item_id, package_id, version, status, progress, note, "
            "evidence, value) SELECT ?, item_id, package_id, version, status, progress, note, evidence, value "
            "FROM exchange_base WHERE round_id = ? AND item_id = ?",
            [(round_id, old_round, item) for item in kept])


# --------------------------------------------------------------------------- writing a return


def changed_items(conn: sqlite3.Connection, round_id: int) -> list[dict]:
    """The items a return of the round carries: id, base version, base and new values of the changed fields."""
    retired = {r[0] for r in conn.execute("SELECT id FROM items WHERE retired = 1")}
    return [{"id": item_id, "base_version": c["version"], "base": c["base"], "new": c["new"]}
            for item_id, c in pending(conn, round_id).items() if item_id not in retired]


def _audit_rows(conn: sqlite3.Connection, items: list[str], after: int) -> dict[str, list[dict]]:
    """The liaison's audit rows of each item since the last return the inspector had received."""
    out: dict[str, list[dict]] = {}
    fields = ", ".join(f"'{f}'" for f in LIAISON_FIELDS)
    for item in items:
        rows = conn.execute(
            f"SELECT at, user, field, old, new FROM audit WHERE item_id = ? AND id > ? AND field IN ({fields}) "
            "AND action NOT LIKE 'exchange%' ORDER BY id DESC LIMIT ?", (item, after, AUDIT_ROWS)).fetchall()
        out[item] = [dict(r) for r in reversed(rows)]
    return out


def return_name(rnd: Round, unit: str, seq: int) -> str:
    return file_name("return", f"r{rnd.id}", rnd.name, unit, f"{seq:04d}")


def write_return(conn: sqlite3.Connection, folder: Path, *, user: str) -> Written:
    """Write this liaison store's return for its current round into ``folder``: one transaction,
    the file written atomically, synced, read back from the medium and verified before it is recorded."""
    unit = require_liaison(conn)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now()
    written: Path | None = None
    try:
        with transaction(conn):
            rnd = get_round(conn, int(get_meta(conn, "current_round") or 0))
            if rnd.closed:
                raise EditRefused("error.round_closed", name=rnd.name)
            key = conn.execute("SELECT generation, secret FROM exchange_keys ORDER BY generation DESC "
                               "LIMIT 1").fetchone()
            seen = int(get_meta(conn, SEEN) or 0)
            seq = max(seen, conn.execute("SELECT coalesce(max(seq), 0) FROM exchange_returns").fetchone()[0]) + 1
            after = conn.execute("SELECT coalesce(max(audit_mark), 0) FROM exchange_returns WHERE seq <= ?",
                                 (seen,)).fetchone()[0]
            items = changed_items(conn, rnd.id)
            history = _audit_rows(conn, [i["id"] for i in items], after)
            for item in items:
                item["audit"] = history[item["id"]]
            return_id = "R-" + secrets.token_hex(8)
            obj = {"format": RETURN_FORMAT, "version": VERSION, "return": return_id, "unit": unit,
                   "key": key["generation"], "round": {"id": rnd.id, "name": rnd.name},
                   "package": get_meta(conn, PACKAGE) or "", "seq": seq, "written_at": stamp, "written_by": user,
                   "items": items}
            obj["mac"] = sign(bytes(key["secret"]), obj)
            fname = return_name(rnd, unit, seq)
            path = confined(folder, fname)
            mark = conn.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]
            conn.execute(
                "INSERT INTO exchange_returns(id, unit, seq, generation, round_id, package_id, items, written_at, "
                "written_by, file_name, audit_mark) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (return_id, unit, seq, key["generation"], rnd.id, obj["package"], len(items), stamp, user, fname,
                 mark))
            conn.executemany(
                "INSERT INTO exchange_changes(return_id, item_id, field, base_version, base, theirs, author, outcome) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'sent')",
                [(return_id, i["id"], f, i["base_version"], i["base"][f], v, author(i, f, user))
                 for i in items for f, v in i["new"].items()])
            conn.execute("INSERT INTO audit(at, user, round_id, action, field, new) "
                         "VALUES (?, ?, ?, 'exchange_return', 'return', ?)",
                         (stamp, user, rnd.id, f"{return_id} #{seq} {fname}"))

            def check_back(data: bytes) -> None:
                back = read_bytes(data, kind=RETURN_FORMAT, spec=SPEC, name=fname)
                if not verifies(bytes(key["secret"]), back):
                    raise EditRefused("error.exchange.read_back", path=str(path))

            write_verified(path, encode(obj), check_back)
            written = path
    except BaseException:
        if written is not None:
            written.unlink(missing_ok=True)
        raise
    return Written(path, return_id, seq, rnd, len(items))


def author(item: dict, field_: str, default: str) -> str:
    """Who made a change: the last of the liaison's audit rows for that field, else who wrote the file."""
    rows = [r for r in item.get("audit", ()) if r["field"] == field_]
    return rows[-1]["user"] if rows else default
