"""Importing return files into the inspector's store: verify whole, receive, review, apply.

Every file is checked completely before anything is written — its shape, its MAC under the
unit's key, its package, round and items — and refused whole, with one line naming the file
and the reason, if anything is wrong. A file already imported is reported with its date and
changes nothing. A good file is received in one transaction: each changed field becomes a row
of ``exchange_changes`` with the base the liaison started from and their value ("theirs"):

- ``superseded``: a newer return of the same unit and round was imported already (a return
  holds every change since the package, so the newer one says all of it);
- ``repeat``: an earlier return of the unit said the same and it was decided then;
- ``same``: the inspector's store already holds that value;
- ``open``: waiting for a decision, which an import with ``accept="non-conflicting"`` makes at
  once for every field that is not in conflict.

What a conflict is, and the decisions of the review, are in ``review``. Accepted changes go
through ``edits.apply_many`` — the edit path's own checks — and are audited with the liaison as
author, the return file as source and the accepting inspector.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import EditRefused, ExchangeRefused, NotFound
from ...i18n import Msg
from ..actor import Actor
from ..clock import now
from ..db import transaction
from ..queries import resolve_unit
from ..rounds import Round, get_round
from .fileformat import RETURN_FORMAT, read, verifies
from .keys import current_key, key_of, unit_name, unit_names
from .liaison import SPEC
from .review import apply_rows, judge, ours
from .storekind import require_inspector

ACCEPT = ("non-conflicting", "none")
DECIDED = ("accepted", "kept", "edited", "refused", "same", "repeat")


@dataclass
class Incoming:
    """A return file that passed every check, not yet written anywhere."""

    path: Path
    obj: dict
    unit_id: int
    unit: str
    names: list[str]
    round: Round


@dataclass
class Received:
    """What importing one file did: how many fields went which way, or when it came before."""

    path: Path
    return_id: str = ""
    unit: str = ""
    seq: int = 0
    round: str = ""
    already: str | None = None  # a replay: when the file was imported before
    counts: dict[str, int] = field(default_factory=dict)
    superseded_by: int | None = None  # the newer return whose fields these are
    refused: dict[str, str] = field(default_factory=dict)  # item → why a rule refused it


def _refused(path: Path, key: str, **params) -> ExchangeRefused:
    return ExchangeRefused("error.exchange.refused", file=path.name, reason=Msg(key, **params))


def verify(conn: sqlite3.Connection, path: Path, *, units: dict[int, set[str]] | None = None) -> Incoming | Received:
    """Check a return file completely; a Received with ``already`` set for a replay.

    ``units`` caches each unit's items between files of one import.
    """
    obj = read(path, kind=RETURN_FORMAT, spec=SPEC)
    try:
        unit_id = resolve_unit(conn, obj["unit"])
    except NotFound:
        raise _refused(path, "exchange.unknown_unit", unit=obj["unit"]) from None
    names = unit_names(conn, unit_id)
    key = key_of(conn, unit_id, obj["key"])
    newest = current_key(conn, unit_id)
    if newest is None:
        raise _refused(path, "exchange.not_enrolled", unit=obj["unit"])
    if key is None or not verifies(key.secret, obj):
        raise _refused(path, "exchange.bad.mac")
    if key.retired_at is not None:
        raise _refused(path, "exchange.key_rotated_import", at=key.retired_at[:10])
    before = conn.execute("SELECT imported_at FROM exchange_returns WHERE id = ? AND imported_at IS NOT NULL",
                          (obj["return"],)).fetchone()
    if before is not None:
        return Received(path, obj["return"], unit_name(conn, unit_id), obj["seq"], obj["round"]["name"],
                        already=before["imported_at"])
    marks = ", ".join("?" for _ in names)
    clash = conn.execute(f"SELECT imported_at FROM exchange_returns WHERE unit IN ({marks}) AND seq = ?",
                         [*names, obj["seq"]]).fetchone()
    if clash is not None:
        raise _refused(path, "exchange.seq_taken", seq=obj["seq"], at=clash["imported_at"][:10])
    package = conn.execute("SELECT unit, round_id FROM exchange_packages WHERE id = ?", (obj["package"],)).fetchone()
    if package is None or package["unit"] not in names:
        raise _refused(path, "exchange.unknown_package", package=obj["package"])
    try:
        rnd = get_round(conn, obj["round"]["id"])
    except NotFound:
        raise _refused(path, "exchange.unknown_round", round=obj["round"]["name"]) from None
    if rnd.closed:
        raise _refused(path, "exchange.round_closed", round=rnd.name)
    if package["round_id"] != rnd.id:
        raise _refused(path, "exchange.wrong_round", round=rnd.name)
    cache = units if units is not None else {}
    if unit_id not in cache:
        cache[unit_id] = {r[0] for r in conn.execute(
            "SELECT i.id FROM items i JOIN work_units wu ON wu.work_id = i.work_id WHERE wu.unit_id = ?", (unit_id,))}
    mine, seen = cache[unit_id], set()
    for item in obj["items"]:
        if item["id"] not in mine:
            raise _refused(path, "exchange.outside_unit", id=item["id"], unit=unit_name(conn, unit_id))
        if item["id"] in seen:
            raise _refused(path, "exchange.bad.duplicate_id", id=item["id"])
        seen.add(item["id"])
        if not item["new"] or set(item["new"]) != set(item["base"]):
            raise _refused(path, "exchange.bad.base_new", id=item["id"])
    return Incoming(path, obj, unit_id, unit_name(conn, unit_id), names, rnd)


# --------------------------------------------------------------------------- receiving a file


def receive(conn: sqlite3.Connection, incoming: Incoming, inspector: Actor, *,
            accept: str = "non-conflicting") -> Received:
    """Record a verified return and, with ``accept="non-conflicting"``, apply every field not in conflict.

    One transaction: the file is imported whole or not at all.
    """
    obj, rnd, names = incoming.obj, incoming.round, incoming.names
    stamp = now()
    report = Received(incoming.path, obj["return"], incoming.unit, obj["seq"], rnd.name)
    marks = ", ".join("?" for _ in names)
    with transaction(conn):
        again = conn.execute("SELECT imported_at FROM exchange_returns WHERE id = ?", (obj["return"],)).fetchone()
        if again is not None:  # imported by another process since it was verified
            report.already = again["imported_at"]
            return report
        newer = conn.execute(f"SELECT max(seq) FROM exchange_returns WHERE unit IN ({marks}) AND round_id = ? "
                             "AND imported_at IS NOT NULL AND seq > ?", [*names, rnd.id, obj["seq"]]).fetchone()[0]
        if get_round(conn, rnd.id).closed:  # closed by another process since the file was verified
            raise _refused(incoming.path, "exchange.round_closed", round=rnd.name)
        rows = [(i["id"], f, i["base"][f], v, i) for i in obj["items"] for f, v in i["new"].items()]
        authors = _authors(obj)
        state = ours(conn, rnd.id, [i["id"] for i in obj["items"]])
        outcome: dict[tuple[str, str], str] = {}
        if newer is not None:
            report.superseded_by = newer
            outcome = {(r[0], r[1]): "superseded" for r in rows}
        else:
            earlier = _earlier(conn, names, rnd.id, obj["seq"])
            verdicts = judge(conn, names, rnd.id, ((r[0], r[1], r[2], r[3]) for r in rows), state)
            for item_id, field_, _, theirs, _ in rows:
                if earlier.get((item_id, field_), _NOTHING) == theirs:
                    outcome[item_id, field_] = "repeat"
                elif verdicts[item_id, field_] == "same":
                    outcome[item_id, field_] = "same"
                else:
                    outcome[item_id, field_] = "open"
            # this return says all the unit has changed: what older ones left undecided is answered here
            conn.execute(
                "UPDATE exchange_changes SET outcome = 'superseded', decided_at = ?, decided_by = ? "
                f"WHERE outcome = 'open' AND return_id IN (SELECT id FROM exchange_returns WHERE unit IN ({marks}) "
                "AND round_id = ? AND seq < ?)", [stamp, inspector.user, *names, rnd.id, obj["seq"]])
            if accept == "non-conflicting":
                clean = [(item_id, field_, theirs, authors[item_id, field_])
                         for item_id, field_, _, theirs, _ in rows
                         if outcome[item_id, field_] == "open" and verdicts[item_id, field_] == "clean"]
                written, refused = apply_rows(conn, inspector, unit_id=incoming.unit_id, round_id=rnd.id,
                                              return_id=obj["return"], written_by=obj["written_by"], rows=clean)
                report.refused.update(refused)
                outcome.update({(item_id, field_): "refused" if item_id in refused else "accepted"
                                for item_id, field_, _, _ in clean})
        # the liaison's audit rows travel with the file: kept as they came, by item
        history = {i["id"]: i["audit"] for i in obj["items"] if i["audit"]}
        conn.execute(
            "INSERT INTO exchange_returns(id, unit, seq, generation, round_id, package_id, items, written_at, "
            "written_by, file_name, imported_at, imported_by, audit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (obj["return"], incoming.unit, obj["seq"], obj["key"], rnd.id, obj["package"], len(obj["items"]),
             obj["written_at"], obj["written_by"], incoming.path.name, stamp, inspector.user,
             json.dumps(history, ensure_ascii=False) if history else None))
        decided = {"accepted", "refused", "superseded", "same", "repeat"}
        rid, user, refusals = obj["return"], inspector.user, report.refused
        conn.executemany(
            "INSERT INTO exchange_changes(return_id, item_id, field, base_version, base, theirs, author, outcome, "
            "reason, decided_at, decided_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(rid, item_id, field_, i["base_version"], base, theirs, authors[item_id, field_], verdict,
              refusals.get(item_id), stamp if verdict in decided else None, user if verdict in decided else None)
             for item_id, field_, base, theirs, i in rows for verdict in (outcome[item_id, field_],)])
        conn.execute("INSERT INTO audit(at, user, round_id, action, field, new, source) "
                     "VALUES (?, ?, ?, 'exchange_import', 'return', ?, ?)",
                     (stamp, inspector.user, rnd.id, f"{obj['return']} {incoming.unit} #{obj['seq']} "
                                                     f"{incoming.path.name}", obj["return"]))
    for value in outcome.values():
        report.counts[value] = report.counts.get(value, 0) + 1
    return report


_NOTHING = object()


def _earlier(conn: sqlite3.Connection, names: list[str], round_id: int, seq: int) -> dict[tuple[str, str], object]:
    """(item, field) → the value the unit's latest earlier, decided return gave it."""
    marks = ", ".join("?" for _ in names)
    out: dict[tuple[str, str], object] = {}
    for r in conn.execute(
            "SELECT c.item_id, c.field, c.theirs FROM exchange_changes c JOIN exchange_returns r ON r.id = c.return_id "
            f"WHERE r.unit IN ({marks}) AND r.round_id = ? AND r.seq < ? AND r.imported_at IS NOT NULL "
            f"AND c.outcome IN ({', '.join('?' for _ in DECIDED)}) ORDER BY r.seq",
            [*names, round_id, seq, *DECIDED]):
        out[r["item_id"], r["field"]] = r["theirs"]
    return out


def _authors(obj: dict) -> dict[tuple[str, str], str]:
    """(item, field) → who made the change: the last of the liaison's audit rows for it, else who wrote the file."""
    out = {}
    for item in obj["items"]:
        for field_ in item["new"]:
            out[item["id"], field_] = obj["written_by"]
        for row in item["audit"]:  # in order: the last one for a field wins
            if row["field"] in item["new"]:
                out[item["id"], row["field"]] = row["user"]
    return out


# --------------------------------------------------------------------------- importing files and folders


def files_in(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, and the ``*.json`` files directly inside the folders named, in name order.

    In a folder, the round packages that share the stick with the returns (``package-*.json``,
    as they are written) are passed over rather than refused one by one.
    """
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.suffix.lower() == ".json" and p.is_file()
                              and not p.name.startswith((".", "package-")))
        else:
            yield path


def import_files(conn: sqlite3.Connection, inspector: Actor, paths: Iterable[Path], *,
                 accept: str = "non-conflicting") -> Iterator[Received | ExchangeRefused]:
    """Import each file in turn (one transaction each); yields what became of it or why it was refused."""
    if inspector.role != "inspector":
        raise EditRefused("error.inspector_only", what=Msg("what.import"))
    require_inspector(conn, "what.import")
    if accept not in ACCEPT:
        raise EditRefused("error.exchange.accept", allowed=" / ".join(ACCEPT))
    units: dict[int, set[str]] = {}
    for path in files_in(paths):
        try:
            checked = verify(conn, path, units=units)
        except ExchangeRefused as exc:
            yield exc
            continue
        if isinstance(checked, Received):
            yield checked
            continue
        try:
            yield receive(conn, checked, inspector, accept=accept)
        except EditRefused as exc:  # the round was closed by another process meanwhile
            yield ExchangeRefused("error.exchange.refused", file=path.name, reason=exc.msg)
