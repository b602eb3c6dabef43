"""The round bulletin (通报): a header, summaries and item lists, read from the store as it is written.

``build_bulletin`` reads the small parts at once (the header, the counts by pillar, unit and
leader) inside one read transaction, which stays open until ``close``; the item lists (red, to
chase, changed since the previous round) are queries whose rows stream to the file. ``parts``
gives the document in reading order as headings, paragraphs and tables, for the writers in
``export``; each section is one function in ``SECTIONS``, so a new table is one more function.

No list is printed twice: the chase list names, per lead unit, how many of its items are red
and refers to the red list for them, and lists only the items that were not reported.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from ..errors import BadValue
from ..i18n import t
from .bulletin_data import ITEM_COLUMNS, RoundPass
from .clock import now
from .db import get_meta
from .exchange.status import accepted_changes
from .formats import GROUPINGS
from .queries import goal_values
from .rounds import get_round, previous_round
from .targets import ATTAINMENT_STATES, all_met, attainment_state, attainment_text, goal_from_json, reported
from .vocab import field_name, shown_edit

# What the JSON export gives each item of the red and chase lists, and each changed item.
ITEM_KEYS = ("id", "pillar_id", "work_id", "work_title", "text", "lead_unit", "leader", "liaison",
             "status", "progress", "light", "light_reason", "note")
CHANGE_KEYS = ("id", "class", "pillar_id", "lead_unit", "leader", "text", "old_status", "new_status",
               "old_light", "new_light", "old_progress", "new_progress", "progress_delta", "note_changed")
# The document's columns (key: what the cell shows; the *_change keys show "old → new").
RED_COLUMNS = ("id", "text", "lead_unit", "leader", "status", "progress", "light_reason", "note")
CHASE_COLUMNS = ("id", "text", "leader", "liaison", "status", "progress")
CHANGE_COLUMNS = ("id", "class", "text", "status_change", "light_change", "progress_change", "progress_delta",
                  "note_changed")
# A *_change cell is made of two values, old and new (cells.PAIRED), which it shows as "old → new".
_COLUMNS = ITEM_COLUMNS | {f"{key}_change": f"{ITEM_COLUMNS['old_' + key]}, {ITEM_COLUMNS['new_' + key]}"
                           for key in ("status", "light", "progress")}
# Headings of an item list's columns where they differ from a summary's (an item's own progress).
_ITEM_HEADINGS = {"status_change": "bulletin.col.status", "light_change": "bulletin.col.light",
                  "progress_change": "col.progress", "progress": "col.progress"}


def heading(key: str, *, item: bool = False) -> str:
    """A column's heading in the interface language; ``item``: of a list of items, not of a summary."""
    return t(_ITEM_HEADINGS[key] if item and key in _ITEM_HEADINGS else "bulletin.col." + key)


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


class Bulletin:
    """One round's bulletin; the store stays in one read transaction until ``close``."""

    def __init__(self, conn: sqlite3.Connection, round_id: int, by: str = "pillar"):
        if by not in GROUPINGS:
            raise BadValue("error.bad_grouping", allowed=", ".join(GROUPINGS), by=by)
        self.conn, self.by = conn, by
        self._began = not conn.in_transaction
        if self._began:
            conn.execute("BEGIN")  # one snapshot: the counts and the lists agree
        try:
            self._read(round_id)
        except BaseException:
            self.close(quiet=True)
            raise

    def _read(self, round_id: int) -> None:
        conn = self.conn
        self.rnd = rnd = get_round(conn, round_id)
        self.round = {"id": rnd.id, "name": rnd.name, "period": rnd.period, "due": rnd.due,
                      "opened_at": rnd.opened_at, "closed_at": rnd.closed_at}
        self.prev = prev = previous_round(conn, rnd.id)
        self.previous = {"id": prev.id, "name": prev.name} if prev else None
        doc = json.loads(get_meta(conn, "document") or "{}")
        self.document = {"doc_number": doc.get("doc_number"), "title": doc.get("title"),
                         "issuer": doc.get("issuer") or doc.get("publishing_office")}
        self.generated_at = now()
        self.data: RoundPass | None = RoundPass(conn, rnd.id, prev.id if prev else None, self.by)
        self.overall = self.data.overall()
        self.pillars = self.data.pillars()
        self.units = [{"unit": u["name"], "items_lead": u["items"], "done": u["done"], "behind": u["behind"],
                       "not_reported": u["not_reported"], "red": u["red"], "progress": u["progress"],
                       "rate": _rate(u["done"], u["items"])} for u in self.data.units()]
        if self.by == "pillar":
            self.breakdown = [{"group": f"{p['numeral']}、{p['title']}"} | p for p in self.pillars]
        elif self.by == "unit":
            self.breakdown = [{"group": u["name"]} | u for u in self.data.units()]
        else:
            self.breakdown = [{"group": p["name"]} | p for p in self.data.leaders()]
        self.chase = self.data.chase_units()
        self.changes = self.data.diff_counts() if prev else None
        self.attainment = _attainment(self.data, self.pillars)
        self.goals = _goal_values(conn, rnd.id)
        # the units' own changes taken from their return files (none where the exchange is not used)
        self.imported = accepted_changes(conn, rnd.id)

    def close(self, *, quiet: bool = False) -> None:
        """Drop the round's working tables and end the read transaction.

        ``quiet`` after a failure (an interrupted query, say): a store error in the clean-up is not
        raised over the first one (the TEMP tables go with the connection anyway).
        """
        data, self.data = getattr(self, "data", None), None
        try:
            if data is not None:
                data.close()
            if self._began and self.conn.in_transaction:
                self.conn.execute("COMMIT")  # nothing was written to the store: this ends the read
        except sqlite3.Error:
            if not quiet:
                raise
        finally:
            self._began = False

    def __enter__(self) -> Bulletin:
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.close(quiet=kind is not None)

    # -- the item lists ------------------------------------------------------------------------
    def _pass(self) -> RoundPass:
        if self.data is None:
            raise ValueError("the bulletin was closed")
        return self.data

    def red_rows(self, keys: Sequence[str]) -> sqlite3.Cursor:
        """Red items in group order: the group's name, then ``keys``."""
        return self._pass().red_rows({k: _COLUMNS[k] for k in ("group", *keys)})

    def chase_rows(self, keys: Sequence[str]) -> sqlite3.Cursor:
        """Items not reported (and not red), unit by unit as in ``chase``: the unit, then ``keys``."""
        return self._pass().chase_rows([u["unit"] for u in self.chase], {k: _COLUMNS[k] for k in ("group", *keys)})

    def change_rows(self, keys: Sequence[str]) -> sqlite3.Cursor:
        """Items changed since the previous round in group order: the group's name, then ``keys``."""
        return self._pass().change_rows({k: _COLUMNS[k] for k in ("group", *keys)})

    def json_rows(self, which: str) -> sqlite3.Cursor:
        """The red, chase or changes list as (group, one JSON object per item), made by SQLite."""
        keys = CHANGE_KEYS if which == "changes" else ITEM_KEYS
        values = {k: _COLUMNS[k] for k in ("group", *keys)}
        if "note_changed" in values:
            values["note_changed"] = f"json(iif({values['note_changed']}, 'true', 'false'))"
        columns = {"group": _COLUMNS["group"], "json": "json_object(" + ", ".join(
            f"'{k}', {sql}" for k, sql in values.items()) + ")"}
        if which == "red":
            return self._pass().red_rows(columns)
        if which == "changes":
            return self._pass().change_rows(columns)
        return self._pass().chase_rows([u["unit"] for u in self.chase], columns)

    @property
    def red_count(self) -> int:
        return self.overall["red"]

    @property
    def chase_count(self) -> int:
        """Items listed in the chase list (not reported, not red)."""
        return sum(u["not_reported"] for u in self.chase)


def _attainment(data: RoundPass, pillars: list[dict]) -> list[dict]:
    """Per pillar, its numeric targets: how many, met, on track, behind, with no value reported."""
    counts: dict[str, dict[str, int]] = {p["id"]: dict.fromkeys(("targets", *ATTAINMENT_STATES), 0) for p in pillars}
    for pillar, goal, value, light in data.targets():
        if pillar in counts:
            counts[pillar]["targets"] += 1
            counts[pillar][attainment_state(goal_from_json(goal), value, light)] += 1
    return [{"title": f"{p['numeral']}、{p['title']}"} | counts[p["id"]] for p in pillars if counts[p["id"]]["targets"]]


def _goal_values(conn: sqlite3.Connection, round_id: int) -> list[dict]:
    """The headline goals with their value reached in the round and its attainment."""
    out = []
    for g in goal_values(conn, round_id):
        goal = goal_from_json(g["goal"])
        out.append({"id": g["id"], "year": g["year"], "text": g["text"], "value": g["value"],
                    "attainment": attainment_text(goal, g["value"]) if reported(g["value"]) else "",
                    "met": all_met(goal, g["value"]), "evidence": g["evidence"]})
    return out


def build_bulletin(conn: sqlite3.Connection, round_id: int, *, by: str = "pillar") -> Bulletin:
    """The bulletin of a round, grouped ``by`` pillar, lead unit or leader; close it when written."""
    return Bulletin(conn, round_id, by)


# -- the document: parts in reading order ----------------------------------------------------------

@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    """A table: ``keys`` name its columns; ``rows`` gives their values in that order.

    A ``big`` table (an item list) is streamed and written unpadded; with ``split``, each row
    starts with its group's name and every group gets a sub-heading ``split — group``.
    """

    keys: tuple[str, ...]
    rows: Callable[[], Iterable[Sequence]]
    count: int
    big: bool = False
    split: str | None = None

    @property
    def headings(self) -> list[str]:
        return [heading(k, item=self.big) for k in self.keys]


Part = Heading | Paragraph | Table


def _small(keys: tuple[str, ...], rows: list[dict]) -> Table:
    values = [tuple(r.get(k) for k in keys) for r in rows]
    return Table(keys, lambda: values, len(values))


def _none() -> Paragraph:
    return Paragraph(t("detail.none"))


def _overall(b: Bulletin) -> Iterator[Part]:
    o = b.overall
    yield Heading(t("bulletin.overall"))
    keys = ("items", "done", "in_progress", "behind", "not_started", "not_reported", "green", "yellow", "red",
            "progress")
    yield _small(("metric", "value"), [{"metric": t("bulletin.col." + k), "value": o[k] if k != "progress"
                                        else (None if o[k] is None else f"{o[k]:g}%")} for k in keys])


def _breakdown(b: Bulletin) -> Iterator[Part]:
    yield Heading(t("bulletin.breakdown." + b.by))
    yield _small(("group", "items", "done", "behind", "not_reported", "green", "yellow", "red", "progress"),
                 b.breakdown)
    if b.by != "pillar":
        yield Heading(t("bulletin.pillars"))
        yield _small(("title", "items", "done", "behind", "not_reported", "green", "yellow", "red", "progress"),
                     b.pillars)
    if b.by != "unit":
        yield Heading(t("bulletin.units"))
        yield _small(("unit", "items_lead", "done", "behind", "not_reported", "red", "progress", "rate"), b.units)


def _red(b: Bulletin) -> Iterator[Part]:
    yield Heading(t("bulletin.red", count=b.red_count))
    if not b.red_count:
        yield _none()
        return
    yield Table(RED_COLUMNS, lambda: b.red_rows(RED_COLUMNS), b.red_count, big=True,
                split=t("bulletin.red_short"))


def _chase(b: Bulletin) -> Iterator[Part]:
    total = b.chase_count + b.red_count
    yield Heading(t("bulletin.chase", count=total))
    if not b.chase:
        yield _none()
        return
    yield Paragraph(t("bulletin.chase_note"))
    rows = [u | {"leaders": "、".join(u["leaders"]), "liaisons": "、".join(u["liaisons"]),
                 "unreported": u["not_reported"], "chased": u["not_reported"] + u["red"]} for u in b.chase]
    yield _small(("unit", "leaders", "liaisons", "unreported", "red", "chased"), rows)
    if b.chase_count:
        yield Table(CHASE_COLUMNS, lambda: b.chase_rows(CHASE_COLUMNS), b.chase_count, big=True,
                    split=t("bulletin.chase_short"))


def _changes(b: Bulletin) -> Iterator[Part]:
    if b.previous is None or b.changes is None:
        yield Heading(t("bulletin.changes_none"))
        return
    yield Heading(t("bulletin.changes", name=b.previous["name"]))
    counts = b.changes
    yield _small(("class", "count"), [{"class": t("diff.class." + k), "count": counts[k]}
                                     for k in ("improved", "regressed", "unchanged", "new", "retired",
                                               "note_changed")])
    if counts["changed"]:
        yield Table(CHANGE_COLUMNS, lambda: b.change_rows(CHANGE_COLUMNS), counts["changed"], big=True,
                    split=t("bulletin.changes_short"))


def _imported(b: Bulletin) -> Iterator[Part]:
    """The changes accepted from return files, with the liaison who made each: only where there are some."""
    if not b.imported:
        return
    yield Heading(t("bulletin.imported", count=len(b.imported)))
    yield _small(("id", "field", "old", "new", "author", "source", "accepted_by"),
                 [r | {"field": field_name(r["field"]), "old": shown_edit(r["field"], r["old"]),
                       "new": shown_edit(r["field"], r["new"]), "source": f"{r['unit']} #{r['seq']}"}
                  for r in b.imported])


def _targets(b: Bulletin) -> Iterator[Part]:
    """全市目标完成情况: the numeric targets of each pillar, met, on track, behind, with no value."""
    yield Heading(t("bulletin.attainment", count=sum(r["targets"] for r in b.attainment)))
    if not b.attainment:
        yield _none()
        return
    yield Paragraph(t("bulletin.attainment_note"))
    keys = ("title", "targets", *(f"t_{state}" for state in ATTAINMENT_STATES))
    rows = [r | {f"t_{state}": r[state] for state in ATTAINMENT_STATES} for r in b.attainment]
    total = {"title": t("bulletin.total")} | {k: sum(r[k] for r in rows) for k in keys[1:]}
    yield _small(keys, [*rows, total])


def _goals(b: Bulletin) -> Iterator[Part]:
    yield Heading(t("bulletin.goals"))
    if not b.goals:
        yield _none()
        return
    yield _small(("year", "text", "goal_value", "attainment"),
                 [g | {"goal_value": g["value"], "attainment": g["attainment"] + (" ✓" if g["met"] else "")}
                  for g in b.goals])


# The bulletin's sections in reading order; a new section is one more function here.
SECTIONS: list[Callable[[Bulletin], Iterable[Part]]] = [_overall, _breakdown, _targets, _red, _chase, _changes,
                                                        _imported, _goals]


def parts(b: Bulletin) -> Iterator[Part]:
    """The bulletin after its header, as headings, paragraphs and tables in reading order."""
    for section in SECTIONS:
        yield from section(b)


def title(b: Bulletin) -> str:
    """The bulletin's heading: document, round and period."""
    r = b.rnd
    name = t("bulletin.round_period", name=r.name, period=r.period) if r.period else r.name
    return t("bulletin.title", doc=b.document.get("title") or "", round=name)


def header(b: Bulletin) -> list[tuple[str, str]]:
    """The header's fields, as an office document carries them: document number, issuer, round, date."""
    r = b.rnd
    fields = [("doc_number", b.document.get("doc_number")), ("issuer", b.document.get("issuer")),
              ("round", t("bulletin.round_period", name=r.name, period=r.period) if r.period else r.name),
              ("due", r.due), ("date", b.generated_at[:10])]
    return [(t("bulletin.header." + key), value) for key, value in fields if value]
