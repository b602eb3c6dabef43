"""The light rules (亮灯): one Python function for tables and tests, one SQL expression for roll-ups.

Rules, first match wins:

1. closed out (销号): green — an inspector verified it, and no override outlives a close-out;
2. an inspector's override (``item_state.light``) is the light;
3. done: green;
4. blocked (受阻): red;
5. overdue — the item's time has ended and it is not done: red;
6. progress trails the time elapsed in the stage by more than ``red_behind`` points: red;
7. it trails by ``yellow_behind`` points or more: yellow;
8. the unit itself reports it behind (滞后), or the round's due date is within
   ``due_soon_days`` (or past): yellow;
9. otherwise green.

An item's time is its own when it has a deadline (a target's annotation, ``items.span_start`` and
``span_end``: from 1 January of its work's first year, or of the year the document was written,
to the deadline), else its work's stage: so "2023年…" under a 长期实施 work is overdue after
2023-12-31 unless done. A stage such as 2023-2025年 runs from 1 January of its first year to
31 December of its last. 长期实施 (ongoing) has no years: its elapsed time is the fraction of
the current calendar year (the year of the as-of date) and it is never overdue.

The as-of date of a round is the day it was closed, or today while it is open, so a frozen
round keeps its lights. All arithmetic is on whole days and whole points, so the SQL and the
Python give the same answer for every row.
"""

from __future__ import annotations

import functools
import math
import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from ..i18n import Msg
from .settings import LightRules
from .targets import deadline_msg

LIGHT_RANK = ("red", "yellow", "green")  # worst first


@dataclass(frozen=True)
class LightBasis:
    """What a light depends on besides the item: the as-of date, the round's due date, the rules."""

    as_of: date
    due: date | None = None
    rules: LightRules = field(default_factory=LightRules)

    @property
    def due_near(self) -> bool:
        return self.due is not None and self.as_of >= self.due - timedelta(days=self.rules.due_soon_days)

    def params(self, prefix: str = "light") -> dict:
        """The named parameters ``light_sql(prefix=...)`` expects."""
        return {f"{prefix}_ord": self.as_of.toordinal(), f"{prefix}_year": self.as_of.year,
                f"{prefix}_due_near": int(self.due_near),
                f"{prefix}_yellow": self.rules.yellow_behind, f"{prefix}_red": self.rules.red_behind}


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def basis_for_round(conn: sqlite3.Connection, round_id: int, rules: LightRules | None = None) -> LightBasis:
    """The basis of a round's lights; the rules default to the settings file's."""
    from .clock import today

    if rules is None:
        from .settings import load_settings

        rules = load_settings().lights
    row = conn.execute("SELECT due, closed_at FROM rounds WHERE id = ?", (round_id,)).fetchone()
    due, closed = (row[0], row[1]) if row else (None, None)
    return LightBasis(as_of=_date(closed) or today(), due=_date(due), rules=rules)


def _jan1(year: int) -> int:
    return date(year, 1, 1).toordinal()


@dataclass(frozen=True)
class Verdict:
    """An item's light and why: the rule that fired and the numbers it looked at.

    ``reason()`` words it through the catalogue (``light.why.<rule>``) in the language in force,
    e.g. "进度 20%,实施阶段已过 65%,落后 45 个百分点". A new rule (an item's own deadline, say)
    adds a branch to ``judge``, its twin to ``light_sql``, and its ``light.why.<rule>`` text.
    """

    light: str
    rule: str
    values: dict[str, object] = field(default_factory=dict)

    def reason(self) -> Msg:
        return Msg(f"light.why.{self.rule}", **self.values)


@dataclass(frozen=True)
class OwnSpan:
    """An item's own time: proleptic ordinals of its first day and of the day after its deadline,
    and the deadline as written (2023, 2023-06-30) for the reason's words."""

    start: int
    end: int
    deadline: str

    @classmethod
    def of(cls, row) -> OwnSpan | None:
        """The span an item row (``span_start``, ``span_end``, ``deadline``) holds, if it has one."""
        return None if row["span_end"] is None else cls(row["span_start"], row["span_end"], row["deadline"] or "")


def compute_light(status: str | None, progress: int | None, stage_start: int | None,
                  stage_end: int | None, basis: LightBasis, *, override: str | None = None,
                  closed_out: bool = False, own: OwnSpan | None = None) -> str:
    """The light of one item in a round (see the module docstring for the rules)."""
    return judge(status, progress, stage_start, stage_end, basis, override=override, closed_out=closed_out,
                 own=own).light


def judge(status: str | None, progress: int | None, stage_start: int | None, stage_end: int | None,
          basis: LightBasis, *, override: str | None = None, override_reason: str = "",
          closed_out: bool = False, own: OwnSpan | None = None) -> Verdict:
    """The light of one item in a round with the rule that gave it (the module docstring's order).

    ``own``: the item's own span (its deadline), which comes before its work's stage.
    """
    if closed_out:
        return Verdict("green", "closed_out")
    if override is not None:
        return Verdict(override, "override", {"reason": override_reason or "—"})
    status = status or "not_started"
    if status == "done":
        return Verdict("green", "done")
    if status == "blocked":
        return Verdict("red", "blocked")
    today = basis.as_of.toordinal()
    done = progress or 0
    if own is not None:
        start, end = own.start, own.end
        if today >= end:
            return Verdict("red", "overdue_deadline", {"deadline": deadline_msg(own.deadline),
                                                       "days": today - end + 1, "progress": done})
        span = Msg("light.span.deadline", deadline=deadline_msg(own.deadline))
    else:
        start = _jan1(stage_start if stage_start is not None else basis.as_of.year)
        end = _jan1((stage_end if stage_end is not None else basis.as_of.year) + 1)
        if stage_end is not None and today >= end:
            return Verdict("red", "overdue", {"end": stage_end, "days": today - end + 1, "progress": done})
        span = Msg("light.span.stage" if stage_end is not None else "light.span.year")
    total = end - start
    elapsed = max(0, min(today - start, total))
    # Points behind, times the stage's length in days, so no division and no rounding.
    behind = 100 * elapsed - done * total
    rules = basis.rules
    if behind > rules.red_behind * total:
        light, rule = "red", "behind"
    elif behind >= rules.yellow_behind * total:
        light, rule = "yellow", "behind"
    elif status == "behind":
        light, rule = "yellow", "reported_behind"
    elif basis.due_near:
        light, rule = "yellow", "due_near"
    else:
        light, rule = "green", "on_schedule"
    tenths = _shown_tenths(Fraction(behind, total), light, rule, rules)
    values: dict[str, object] = {"progress": done, "span": span, "elapsed": _tenths(10 * done + tenths),
                                 "behind": _tenths(tenths)}
    if rule == "due_near":
        values["due"] = basis.due.isoformat() if basis.due else ""
    return Verdict(light, rule, values)


def register_reason_sql(conn: sqlite3.Connection, basis: LightBasis, name: str = "light_why") -> None:
    """Give ``conn`` an SQL function ``light_why(status, progress, stage_start, stage_end, own, override)``:
    ``judge``'s reason in words, for queries that stream rows (the bulletin).

    ``own`` is ``OWN_SPAN`` over the item's row (its own span and deadline, NULL for none);
    ``override`` is ``reason_state`` over the item's state row: its override, close-out flag and the
    override's reason in one value, so a streamed row looks its state up once. The words are the
    interface language's when it is called; one basis (one round) per connection.
    """
    @functools.lru_cache(maxsize=4096)  # most rows share their few distinct inputs
    def why(status, progress, start, end, own, state) -> str:
        override, closed, reason = (state or "\x1f0\x1f").split("\x1f", 2)
        span = None
        if own:
            first, last, deadline = own.split("\x1f", 2)
            span = OwnSpan(int(first), int(last), deadline)
        return str(judge(status, progress, start, end, basis, override=override or None, override_reason=reason,
                         closed_out=closed == "1", own=span).reason())

    conn.create_function(name, 6, why)


def reason_state(state: str = "s") -> str:
    """What ``light_why`` needs of an item's state row ``state``, as one value (see register_reason_sql):
    NULL where the row has no override and is not closed out, as most rows (nothing is made for them)."""
    return (f"(CASE WHEN {state}.light IS NOT NULL OR {state}.closed_out THEN "
            f"coalesce({state}.light, '') || char(31) || {state}.closed_out || char(31) || {state}.light_reason END)")


REASON_STATE = reason_state("s")
# What it needs of the item row ``i``: its own span and deadline as one value, NULL when it has none.
OWN_SPAN = "(i.span_start || char(31) || i.span_end || char(31) || coalesce(i.deadline, ''))"


def _shown_tenths(behind: Fraction, light: str, rule: str, rules: LightRules) -> int:
    """Points behind as shown, in tenths: whole points, unless rounding would cross the line the rule drew.

    30.3 points behind is red (more than 30) and shown as 30.3, not 30; 9.6 is under the yellow
    line and shown as 9.6, not 10. So the words never contradict the light.
    """
    shown = round(behind)
    if rule == "behind" and light == "red" and shown <= rules.red_behind:
        return math.ceil(behind * 10)
    if rule != "behind" and shown >= rules.yellow_behind:
        return math.floor(behind * 10)
    return 10 * shown


def _tenths(tenths: int) -> str:
    """A number of tenths as written: 45, 30.3, -2.5."""
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths / 10:.1f}"


def _jan1_sql(year: str) -> str:
    """The proleptic ordinal of 1 January of ``year`` (as Python's date.toordinal), in integers."""
    y = f"(({year}) - 1)"
    return f"(365 * {y} + {y} / 4 - {y} / 100 + {y} / 400 + 1)"


# Larger than any progress × stage length, so a comparison with it always holds.
_ALWAYS = 9223372036854775807


def _stage_sql(prefix: str, work: str = "") -> tuple[str, str, str]:
    """SQL for a work's stage at the as-of date: its length in days, and the red and yellow lines.

    An item is red when progress × length < the red line, yellow when ≤ the yellow line: the
    same inequalities as ``compute_light`` with both sides multiplied by the length. An ended
    stage moves the red line (and a near due date the yellow line) above every item.
    """
    p, w = f":{prefix}", f"{work}." if work else ""
    start = _jan1_sql(f"COALESCE({w}stage_start, {p}_year)")
    end = _jan1_sql(f"COALESCE({w}stage_end, {p}_year) + 1")
    total = f"({end} - {start})"
    elapsed = f"max(0, min({p}_ord - {start}, {total}))"
    red = (f"(CASE WHEN {w}stage_end IS NOT NULL AND {p}_ord >= {end} THEN {_ALWAYS} "
           f"ELSE 100 * {elapsed} - {p}_red * {total} END)")
    yellow = f"(CASE WHEN {p}_due_near THEN {_ALWAYS} ELSE 100 * {elapsed} - {p}_yellow * {total} END)"
    return total, red, yellow


def stage_cte(name: str = "ls", prefixes: tuple[str, ...] = ("light",)) -> str:
    """A CTE ``name(work_id, {prefix}_total, {prefix}_red, {prefix}_yellow…)``: each work's stage lines.

    One set of columns per as-of date (``LightBasis.params(prefix)``), so a diff of two
    rounds looks each work up once; materialised once per query (a few thousand works),
    which leaves two comparisons per item.
    """
    columns = ["work_id"] + [c for c, _ in stage_columns(prefixes)]
    values = ["id"] + [v for _, v in stage_columns(prefixes)]
    return f"{name}({', '.join(columns)}) AS MATERIALIZED (SELECT {', '.join(values)} FROM works)"


def stage_columns(prefixes: tuple[str, ...] = ("light",), work: str = "") -> list[tuple[str, str]]:
    """(name, SQL) of the stage columns ``light_sql`` reads, over a works row (aliased ``work``)."""
    return [(f"{prefix}_{name}", sql) for prefix in prefixes
            for name, sql in zip(("total", "red", "yellow"), _stage_sql(prefix, work))]


def _own_sql(prefix: str, item: str, stage: tuple[str, str, str]) -> tuple[str, str, str]:
    """The length, red and yellow lines of an item's own span where it has one, else ``stage``'s.

    Its own span ends with its deadline: a day at or past its end moves the red line above every
    item, as an ended stage does (``_stage_sql``).
    """
    p, own = f":{prefix}", f"{item}.span_end IS NOT NULL"
    total = f"({item}.span_end - {item}.span_start)"
    elapsed = f"max(0, min({p}_ord - {item}.span_start, {total}))"
    red = f"(CASE WHEN {p}_ord >= {item}.span_end THEN {_ALWAYS} ELSE 100 * {elapsed} - {p}_red * {total} END)"
    yellow = f"(CASE WHEN {p}_due_near THEN {_ALWAYS} ELSE 100 * {elapsed} - {p}_yellow * {total} END)"
    return tuple(f"(CASE WHEN {own} THEN {mine} ELSE {theirs} END)"  # type: ignore[return-value]
                 for mine, theirs in zip((total, red, yellow), stage))


def light_sql(state: str = "s", stage: str | None = "ls", prefix: str = "light", work: str = "w",
              *, rank: bool = False, item: str = "i", state_only: bool = False) -> str:
    """An SQL expression for the effective light of ``state``'s row; equivalent to ``compute_light``.

    ``stage`` is the alias of ``stage_cte``'s row for the item's work (fast); with ``stage=None``
    the stage is worked out inline from the ``work`` row (no CTE needed, slower per row). ``item``
    is the alias of the item's row, whose own span (``span_start``, ``span_end``) comes before the
    stage. The query needs the parameters of ``LightBasis.params(prefix)``. With ``rank`` the light
    comes out as its position in LIGHT_RANK (0 red, 1 yellow, 2 green), for comparing two lights.
    With ``state_only`` the light is what the state row alone decides (closed out, an override, 已完成
    done, 受阻 blocked) and NULL where it takes the item's time and its work's stage: no item, work
    or parameters are read.
    """
    out = {c: str(n) if rank else f"'{c}'" for n, c in enumerate(LIGHT_RANK)}
    override = f"{state}.light"
    if rank:
        override = f"(CASE {state}.light WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 WHEN 'green' THEN 2 END)"
    status = f"COALESCE({state}.status, 'not_started')"
    decided = f"""(CASE
  WHEN {state}.closed_out THEN {out['green']}
  WHEN {state}.light IS NOT NULL THEN {override}
  WHEN {status} = 'done' THEN {out['green']}
  WHEN {status} = 'blocked' THEN {out['red']}"""
    if state_only:
        return decided + " END)"
    if stage is None:
        lines = _stage_sql(prefix, work)
    else:
        lines = tuple(f"{stage}.{prefix}_{c}" for c in ("total", "red", "yellow"))  # type: ignore[assignment]
    total, red, yellow = _own_sql(prefix, item, lines)
    done = f"COALESCE({state}.progress, 0) * {total}"
    return f"""{decided}
  WHEN {done} < {red} THEN {out['red']}
  WHEN {done} <= {yellow} OR {status} = 'behind' THEN {out['yellow']}
  ELSE {out['green']} END)"""


def _ended_sql(work: str, item: str, prefix: str) -> tuple[str, str]:
    """SQL: whether the item's time has ended by the as-of date (its own deadline where it has one, else
    its work's stage), and the ordinal of the day after that end."""
    own = f"{item}.span_end IS NOT NULL"
    end = f"(CASE WHEN {own} THEN {item}.span_end ELSE {_jan1_sql(f'{work}.stage_end + 1')} END)"
    ended = f"(CASE WHEN {own} THEN :{prefix}_ord >= {item}.span_end ELSE {work}.stage_end IS NOT NULL " \
            f"AND :{prefix}_ord >= {end} END)"
    return ended, end


def overdue_sql(state: str = "s", work: str = "w", prefix: str = "light", item: str = "i") -> str:
    """SQL: the item's time (its own deadline, else its stage) has ended by the as-of date and it is
    neither done nor closed out (rule 5's test, whatever light an override gives it). Needs
    ``LightBasis.params(prefix)``."""
    ended, _ = _ended_sql(work, item, prefix)
    return (f"({ended} AND COALESCE({state}.status, 'not_started') <> 'done' "
            f"AND NOT COALESCE({state}.closed_out, 0))")


def red_severity_sql(state: str = "s", stage: str = "ls", work: str = "w", prefix: str = "light",
                     item: str = "i") -> str:
    """SQL ORDER BY keys for red items, most severe first: in the order of the rules that made them red
    (an inspector's override, 受阻, overdue, behind), the longest overdue and the furthest behind first."""
    overdue, end = _ended_sql(work, item, prefix)
    total, red, _ = _own_sql(prefix, item, tuple(f"{stage}.{prefix}_{c}"  # type: ignore[arg-type]
                                                 for c in ("total", "red", "yellow")))
    # points behind × the span's length: 100 × elapsed − progress × length (see _stage_sql's red line)
    behind = f"({red} + :{prefix}_red * {total} - COALESCE({state}.progress, 0) * {total}) * 1.0 / {total}"
    return (f"CASE WHEN {state}.light IS NOT NULL THEN 0 WHEN {state}.status = 'blocked' THEN 1 "
            f"WHEN {overdue} THEN 2 ELSE 3 END, "
            f"CASE WHEN {state}.light IS NOT NULL OR {state}.status = 'blocked' THEN 0 "
            f"WHEN {overdue} THEN {end} - :{prefix}_ord ELSE -{behind} END")
