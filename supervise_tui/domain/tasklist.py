"""The task list file: validated into plain dataclasses, every problem reported at once."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from sys import intern
from typing import Any

from ..errors import FileProblem, FileProblems
from ..i18n import Msg
from .targets import ASCII_COMPARES, COMPARES, QUALITATIVE, UNITS, Goal, Metric, number, quoted_numbers
from .yamlstrict import Doc, parse_yaml, read_yaml

SCHEMA_VERSION = "1"
DOCUMENT_FIELDS = {
    "doc_number", "title", "notice_title", "issuer", "publishing_office", "index_number",
    "topic", "written_date", "printed_date", "validity", "annex_title",
}
DOCUMENT_REQUIRED = {"doc_number", "title"}
WORK_ID = re.compile(r"^W\d{2,}$")
PILLAR_ID = re.compile(r"^P\d+$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
YEAR = re.compile(r"^\d{4}$")
# What a double-quoted YAML escape ("\e", "\x00", "\ud800") can smuggle into a value:
# C0 controls but tab and newline, DEL, C1 controls, and lone surrogates.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# The longest text in the published source (a measure) is 210 characters; ten times that leaves
# room for any real document and keeps a runaway value out of every table, export and screen.
TEXT_LIMIT = 2_000
# One object each for the goals most items share (a large list holds hundreds of thousands of items).
NO_GOAL = Goal()
QUALITATIVE_GOAL = Goal(qualitative=True)


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    work_id: str
    kind: str  # "target" | "measure"
    no: int | None
    prefix: str | None
    text: str
    sort: int
    goal: Goal = Goal()  # a target's annotation: its metrics, or qualitative; neither when not annotated
    deadline: str | None = None  # the item's own deadline: a year (2023) or a date (2023-06-30)


@dataclass(frozen=True, slots=True)
class Work:
    id: str
    seq: int
    numeral: str
    pillar_id: str
    title: str
    stage_text: str
    stage_start: int | None
    stage_end: int | None
    units_text: str
    lead: str
    co: tuple[str, ...]
    leader: str
    liaison: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Pillar:
    id: str
    numeral: str
    title: str
    sort: int


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    year: str
    text: str
    sort: int
    goal: Goal = Goal()


@dataclass(frozen=True, slots=True)
class TaskList:
    document: dict[str, str]
    indicators: tuple[Indicator, ...]
    aliases: dict[str, str]
    pillars: tuple[Pillar, ...]
    works: tuple[Work, ...]

    @property
    def items(self) -> list[Item]:
        return [item for work in self.works for item in work.items]


@dataclass
class _Checker:
    """Walks the parsed YAML, collecting every problem instead of stopping at the first.

    Its ``doc`` is set once the file is read (the works are checked while it is read).
    """

    doc: Doc | None = None
    found: list[tuple[tuple, Msg, bool]] = field(default_factory=list)

    def fail(self, path: tuple, message: Msg, *, at_key: bool = False) -> None:
        self.found.append((path, message, at_key))

    @property
    def problems(self) -> list[FileProblem]:
        """Every problem found, placed in the file (all in one pass over it, when it was read fast);
        a path missing from the file (a field left out) is placed at its nearest parent."""
        assert self.doc is not None
        return self.doc.errors(self.found)

    def mapping(self, value: Any, path: tuple, allowed: set[str], required: set[str]) -> dict | None:
        if not isinstance(value, dict):
            self.fail(path, Msg("file.expected_mapping"))
            return None
        for key in value:
            if key not in allowed:
                self.fail(path + (key,), Msg("file.unknown_field", name=key), at_key=True)
        for key in sorted(required - value.keys()):
            self.fail(path, Msg("file.missing_field", name=key))
        return value

    def seq(self, value: Any, path: tuple) -> list:
        if value is None or value == "":
            return []
        if not isinstance(value, list):
            self.fail(path, Msg("file.expected_list"))
            return []
        return value

    def printable(self, value: str, path: tuple, *, at_key: bool = False) -> None:
        if len(value) > TEXT_LIMIT:
            self.fail(path, Msg("file.text_too_long", length=len(value), limit=TEXT_LIMIT), at_key=at_key)
            return
        if bad := CONTROL.search(value):
            self.fail(path, Msg("file.control", code=f"{ord(bad.group()):04X}"), at_key=at_key)

    def text(self, mapping: dict, key: str, path: tuple, *, blank_ok: bool = False) -> str:
        value = mapping.get(key, "")
        if not isinstance(value, str):
            self.fail(path + (key,), Msg("file.expected_text"))
            return ""
        if not blank_ok and key in mapping and not value.strip():
            self.fail(path + (key,), Msg("file.blank"))
        self.printable(value, path + (key,))
        return value

    def number(self, mapping: dict, key: str, path: tuple) -> int | None:
        value = mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.isascii() or not value.isdigit():
            self.fail(path + (key,), Msg("file.expected_number", value=value))
            return None
        if len(value.lstrip("0")) > 9:  # SQLite stores at most 64-bit integers
            self.fail(path + (key,), Msg("file.number_too_large", value=value))
            return None
        return int(value)


def load_tasklist(path: str | os.PathLike) -> TaskList:
    """Read and validate a task list file (its size said before it is read); raise FileProblem or
    FileProblems."""
    return _tasklist(lambda on_work: read_yaml(path, on_work=on_work))


def parse_tasklist(data: bytes, name: str) -> TaskList:
    """Validate task list bytes; every problem is reported together."""
    return _tasklist(lambda on_work: parse_yaml(data, name, on_work=on_work))


def _tasklist(read: Callable[[Callable[[Any, int], None]], Doc]) -> TaskList:
    """Read the file with ``read`` and check it: each work is checked and made as the file is read
    (on the fast pass), so only the task list is held, never the whole file's raw tree."""
    c = _Checker()
    reader = _Works(c)
    doc = read(reader.add)
    if not doc.streamed:  # (the fast pass may have handed over some works before it gave up)
        c = _Checker()
        reader = _Works(c)
    c.doc = doc
    top = c.mapping(doc.value, (), {"schema", "document", "indicators", "aliases", "pillars", "works"},
                    {"schema", "document", "pillars", "works"})
    if top is None:
        raise FileProblems(c.problems)
    if "schema" in top and top["schema"] != SCHEMA_VERSION:
        c.fail(("schema",), Msg("file.schema", found=top["schema"], supported=SCHEMA_VERSION))
    document = _document(c, top.get("document"))
    indicators = _indicators(c, top.get("indicators"))
    aliases = _aliases(c, top.get("aliases"))
    pillars = _pillars(c, top.get("pillars"))
    raws = c.seq(top.get("works"), ("works",))
    for i, raw in enumerate(raws):
        if raw is not None:  # None: handed over while the file was read (no raw value is None)
            raws[i] = None  # each work's raw tree is let go once read
            reader.add(raw, i)
    works = reader.finish({p.id for p in pillars})
    for n, goal in enumerate(indicators):
        if goal.id in reader.item_ids:  # `set ID` must know which one is meant
            c.fail(("indicators", n, "id"), Msg("file.duplicate_id", id=goal.id))
    if c.found:
        # In file order, as an editor lists them; problems at one place keep their order.
        raise FileProblems(sorted(c.problems, key=lambda p: (p.line, p.col)))
    return TaskList(document, indicators, aliases, pillars, works)


def _document(c: _Checker, value: Any) -> dict[str, str]:
    path = ("document",)
    mapping = c.mapping(value, path, DOCUMENT_FIELDS, DOCUMENT_REQUIRED) if value is not None else None
    if mapping is None:
        return {}
    out = {key: c.text(mapping, key, path) for key in mapping if key in DOCUMENT_FIELDS}
    for key in ("written_date", "printed_date"):
        if out.get(key) and not DATE.match(out[key]):
            c.fail(path + (key,), Msg("file.date"))
    return out


def _indicators(c: _Checker, value: Any) -> tuple[Indicator, ...]:
    out: list = []
    seen: set[str] = set()
    for i, raw in enumerate(c.seq(value, ("indicators",))):
        path = ("indicators", i)
        m = c.mapping(raw, path, {"id", "year", "text", "goal"}, {"id", "text"})
        if m is None:
            continue
        ident = c.text(m, "id", path)
        _unique(c, seen, ident, path + ("id",))
        text = c.text(m, "text", path)
        out.append(Indicator(ident, c.text(m, "year", path, blank_ok=True), text, i, _goal(c, m, path, text)))
    return tuple(out)


def _aliases(c: _Checker, value: Any) -> dict[str, str]:
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        c.fail(("aliases",), Msg("file.alias_map"))
        return {}
    out = {}
    for alias, name in value.items():
        if not isinstance(name, str) or not name.strip():
            c.fail(("aliases", alias), Msg("file.unit_name"))
        else:
            c.printable(alias, ("aliases", alias), at_key=True)
            c.printable(name, ("aliases", alias))
            out[alias] = name
    for alias, name in out.items():
        if name in out:  # a chain would make two unit rows for one unit
            c.fail(("aliases", alias), Msg("file.alias_chain", name=name, alias=alias))
    return out


def _pillars(c: _Checker, value: Any) -> tuple[Pillar, ...]:
    out: list = []
    seen: set[str] = set()
    for i, raw in enumerate(c.seq(value, ("pillars",))):
        path = ("pillars", i)
        m = c.mapping(raw, path, {"id", "numeral", "title"}, {"id", "title"})
        if m is None:
            continue
        ident = c.text(m, "id", path)
        if ident and not PILLAR_ID.match(ident):
            c.fail(path + ("id",), Msg("file.pillar_id", id=ident))
        _unique(c, seen, ident, path + ("id",))
        out.append(Pillar(ident, c.text(m, "numeral", path, blank_ok=True), c.text(m, "title", path), i))
    return tuple(out)


WORK_FIELDS = {"id", "seq", "numeral", "pillar", "title", "stage", "units", "leader", "liaison",
               "targets", "measures"}


class _Works:
    """The works, checked and made one at a time, in file order."""

    def __init__(self, c: _Checker):
        self.c = c
        self.out: list[Work] = []
        self.seen_works: set[str] = set()
        self.seen_items: set[str] = set()
        self.blank_item = False  # an item's id is blank (a problem of its own, and not in seen_items)
        self.pillars: list[tuple[int, str]] = []  # checked once the pillars are known

    def add(self, raw: Any, i: int) -> None:
        """Check the work at ``works[i]`` and keep what it makes; its raw tree is not kept."""
        c, path = self.c, ("works", i)
        m = c.mapping(raw, path, WORK_FIELDS, {"id", "seq", "pillar", "title", "stage", "units"})
        if m is None:
            return
        ident = c.text(m, "id", path)
        if ident and not WORK_ID.match(ident):
            c.fail(path + ("id",), Msg("file.work_id", id=ident))
        _unique(c, self.seen_works, ident, path + ("id",))
        pillar = intern(c.text(m, "pillar", path))  # names and the like recur: one string each
        if pillar:
            self.pillars.append((i, pillar))
        stage = _stage(c, m.get("stage"), path + ("stage",))
        lead, co, units_text = _units(c, m.get("units"), path + ("units",))
        items: list[Item] = []
        for kind, letter in (("target", "T"), ("measure", "M")):
            for j, item in enumerate(c.seq(m.get(kind + "s"), path + (kind + "s",))):
                parsed = _item(c, item, path + (kind + "s", j), ident, kind, letter, len(items))
                if parsed:
                    _unique(c, self.seen_items, parsed.id, path + (kind + "s", j, "id"))
                    self.blank_item |= not parsed.id
                    items.append(parsed)
        self.out.append(Work(
            id=ident, seq=c.number(m, "seq", path) or 0, numeral=c.text(m, "numeral", path, blank_ok=True),
            pillar_id=pillar, title=c.text(m, "title", path), stage_text=intern(stage[0]),
            stage_start=stage[1], stage_end=stage[2], units_text=intern(units_text), lead=lead, co=co,
            leader=intern(c.text(m, "leader", path, blank_ok=True)),
            liaison=intern(c.text(m, "liaison", path, blank_ok=True)),
            items=tuple(items),
        ))

    @property
    def item_ids(self) -> set[str]:
        """Every item's id."""
        return self.seen_items | {""} if self.blank_item else self.seen_items

    def finish(self, pillar_ids: set[str]) -> tuple[Work, ...]:
        """The works read; each naming a pillar the list does not hold is a problem."""
        for i, pillar in self.pillars:
            if pillar not in pillar_ids:
                self.c.fail(("works", i, "pillar"), Msg("file.no_pillar", id=pillar))
        return tuple(self.out)


def _stage(c: _Checker, value: Any, path: tuple) -> tuple[str, int | None, int | None]:
    m = c.mapping(value, path, {"text", "start", "end"}, {"text"})
    if m is None:
        return "", None, None
    start, end = c.number(m, "start", path), c.number(m, "end", path)
    if start and end and start > end:
        c.fail(path + ("end",), Msg("file.stage_order", end=end, start=start))
    return c.text(m, "text", path), start, end


def _units(c: _Checker, value: Any, path: tuple) -> tuple[str, tuple[str, ...], str]:
    m = c.mapping(value, path, {"text", "lead", "co"}, {"lead"})
    if m is None:
        return "", (), ""
    co = c.seq(m.get("co"), path + ("co",))
    for k, name in enumerate(co):
        if not isinstance(name, str) or not name.strip():
            c.fail(path + ("co", k), Msg("file.unit_name"))
        else:
            c.printable(name, path + ("co", k))
    names = tuple(intern(n) for n in co if isinstance(n, str))
    return intern(c.text(m, "lead", path)), names, c.text(m, "text", path, blank_ok=True)


def _item(c: _Checker, value: Any, path: tuple, work_id: str, kind: str, letter: str, sort: int) -> Item | None:
    m = c.mapping(value, path, {"id", "no", "prefix", "text", "goal", "deadline"}, {"id", "text"})
    if m is None:
        return None
    ident = c.text(m, "id", path)
    if ident and work_id and not re.fullmatch(rf"{re.escape(work_id)}-{letter}\d{{2,}}", ident):
        c.fail(path + ("id",), Msg("file.item_id", kind=Msg(f"kind.{kind}"), id=ident, example=f"{work_id}-{letter}01"))
    prefix = m.get("prefix")
    if prefix is not None and not isinstance(prefix, str):
        c.fail(path + ("prefix",), Msg("file.expected_text"))
        prefix = None
    elif prefix is not None:
        c.printable(prefix, path + ("prefix",))
        prefix = intern(prefix)
    text = c.text(m, "text", path)
    if kind != "target" and "goal" in m:
        c.fail(path + ("goal",), Msg("file.goal_on_measure"), at_key=True)
    return Item(ident, work_id, kind, c.number(m, "no", path), prefix, text, sort,
                _goal(c, m, path, text) if kind == "target" else NO_GOAL, _deadline(c, m, path))


GOAL_FIELDS = {"metric", "value", "unit", "compare", "quote", "baseline"}


def _goal(c: _Checker, m: dict, path: tuple, text: str) -> Goal:
    """A target's or headline goal's annotation: the word qualitative, or its metrics."""
    if "goal" not in m:
        return NO_GOAL
    raw, path = m["goal"], path + ("goal",)
    if raw == QUALITATIVE:
        return QUALITATIVE_GOAL
    if not isinstance(raw, list) or not raw:
        c.fail(path, Msg("file.goal", word=QUALITATIVE))
        return NO_GOAL
    metrics = []
    for k, entry in enumerate(raw):
        at = path + (k,)
        e = c.mapping(entry, at, GOAL_FIELDS, {"metric", "value", "compare", "quote"})
        if e is None:
            continue
        value, unit = c.text(e, "value", at), c.text(e, "unit", at, blank_ok=True)
        compare, quote = c.text(e, "compare", at), c.text(e, "quote", at)
        if value and number(value) is None:
            c.fail(at + ("value",), Msg("file.goal_value", value=value))
        if unit and unit not in UNITS:
            c.fail(at + ("unit",), Msg("file.goal_unit", unit=unit, allowed=" ".join(UNITS)))
        compare = ASCII_COMPARES.get(compare, compare)
        if compare and compare not in COMPARES:
            c.fail(at + ("compare",), Msg("file.goal_compare", compare=compare, allowed=" ".join(COMPARES)))
        if quote and quote not in text:
            c.fail(at + ("quote",), Msg("file.goal_quote", quote=quote))
        elif quote and value and number(value) is not None and number(value) not in quoted_numbers(quote):
            c.fail(at + ("value",), Msg("file.goal_value_quote", value=value, quote=quote))
        metrics.append(Metric(c.text(e, "metric", at), value, intern(unit), intern(compare), quote,
                              c.text(e, "baseline", at, blank_ok=True)))
    return Goal(tuple(metrics))


def _deadline(c: _Checker, m: dict, path: tuple) -> str | None:
    """An item's own deadline: a year (the end of that year) or a date."""
    if "deadline" not in m:
        return None
    text = c.text(m, "deadline", path)
    try:
        if YEAR.match(text):
            date(int(text), 12, 31)
            return intern(text)
        if DATE.match(text):
            return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    if text:
        c.fail(path + ("deadline",), Msg("file.deadline", value=text))
    return None


def _unique(c: _Checker, seen: set[str], ident: str, path: tuple) -> None:
    if not ident:  # a missing or blank id is reported where it is read
        return
    if ident in seen:
        c.fail(path, Msg("file.duplicate_id", id=ident))
    seen.add(ident)
