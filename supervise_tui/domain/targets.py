"""Numeric goals (目标值): what a target or headline goal promises, the value reached, and how far it got.

A target's annotation in the task list is either ``qualitative`` or a list of metrics, each
with the words of what is measured, the goal value, its unit, the comparison and the
fragment of the verbatim text (``quote``) that states it. The value reached in a round is
stored as text: one number per metric, in the metrics' order, joined by ``"; "`` (a blank
for a metric not yet reported), so it is audited, carried forward and compared like any
other field.

Attainment of one metric is value ÷ goal for ≥ > ≈, and goal ÷ value for ≤ < (lower is
better). It is met when the comparison holds; ≈ (左右) is met within 5 % below the goal.
The derived progress of a target is the mean of its metrics' attainments, each capped at
99 % until met and 100 % when met, an unreported metric counting 0: so it is 100 % exactly
when every metric is met.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from ..errors import EditRefused
from ..i18n import Msg, t

# The units a goal may be counted in. A ratio (比值达1.2) has none.
UNITS = ("名", "人", "万人", "人次", "万人次", "户", "万户", "家", "个", "项", "件", "场", "场次",
         "亿元", "万元", "%", "亩", "日")
# The comparisons, as the file writes them; ASCII spellings are accepted and stored as these.
COMPARES = ("≥", ">", "≈", "≤", "<")
ASCII_COMPARES = {">=": "≥", "<=": "≤", "~": "≈"}
LOWER_IS_BETTER = ("≤", "<")
ABOUT_TOLERANCE = Decimal("0.95")  # ≈ (左右) is met at 95 % of the goal
QUALITATIVE = "qualitative"
SEPARATOR = "; "
VALUE_LIMIT = 30  # characters of one typed number


@dataclass(frozen=True, slots=True)
class Metric:
    """One measurable promise: ``metric`` (words) ``compare`` ``value`` ``unit``, as ``quote`` says."""

    metric: str
    value: str  # the goal, a decimal number as text
    unit: str
    compare: str
    quote: str
    baseline: str = ""

    @property
    def goal(self) -> Decimal:
        return Decimal(self.value)

    def shown(self) -> str:
        """``≥ 20 名``: the comparison, the goal and its unit."""
        return f"{self.compare} {self.value}{' ' + self.unit if self.unit else ''}"


@dataclass(frozen=True, slots=True)
class Goal:
    """A target's annotation: qualitative, or its metrics; neither when it is not annotated."""

    metrics: tuple[Metric, ...] = ()
    qualitative: bool = False

    @property
    def numeric(self) -> bool:
        return bool(self.metrics)

    def to_json(self) -> str | None:
        """The store's ``goal`` column: a JSON list of metrics, the word qualitative, or NULL."""
        if self.qualitative:
            return json.dumps(QUALITATIVE)
        if not self.metrics:
            return None
        return json.dumps([asdict(m) for m in self.metrics], ensure_ascii=False, sort_keys=True)


def goal_from_json(text: str | None) -> Goal:
    """The Goal a ``goal`` column holds (NULL: not annotated)."""
    if not text:
        return Goal()
    data = json.loads(text)
    if data == QUALITATIVE:
        return Goal(qualitative=True)
    return Goal(tuple(Metric(**m) for m in data))


def number(text: str) -> Decimal | None:
    """A plain decimal number (``18``, ``6.5``, ``-3``) or None: no exponent, no thousands separator."""
    text = text.strip()
    if not text or len(text) > VALUE_LIMIT or not all(c in "+-.0123456789" for c in text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def canonical(value: Decimal) -> str:
    """A number as the store writes it: no exponent, no trailing zeros (``18.0`` → ``18``)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "+0") else text


# A number as the text prints it: digits with an optional 十/百/千 after them (5千户), or one
# of those alone (百家以上, 十余场). 万 and 亿 stay with the unit (1.66万人次, 6.5亿元).
_QUOTED = re.compile(r"(\d+(?:\.\d+)?)([十百千]?)|([十百千])")
_MAGNITUDE = {"": 1, "十": 10, "百": 100, "千": 1000}


def quoted_numbers(quote: str) -> set[Decimal]:
    """The numbers a fragment of the text states (``5千户`` → 5000, ``百家以上`` → 100)."""
    out = set()
    for digits, magnitude, alone in _QUOTED.findall(quote):
        out.add(Decimal(digits) * _MAGNITUDE[magnitude] if digits else Decimal(_MAGNITUDE[alone]))
    return out


# --- the value reached --------------------------------------------------------------

def split_values(text: str | None, count: int) -> list[Decimal | None]:
    """The stored value text as one number (or None) per metric."""
    parts = (text or "").split(";")
    out: list[Decimal | None] = [number(p) for p in parts[:count]]
    return out + [None] * (count - len(out))


def join_values(values: list[Decimal | None]) -> str:
    """The stored form of one number (or None) per metric; "" when none is reported."""
    while values and values[-1] is None:  # a metric not reported at the end is simply left out
        values = values[:-1]
    return SEPARATOR.join("" if v is None else canonical(v) for v in values)


def read_value(typed: str, metric: Metric, item_id: str) -> Decimal | None:
    """A value a person typed for one metric (``18``, ``18名``, ``92%``); blank clears it."""
    text = typed.strip()
    if metric.unit and text.endswith(metric.unit):
        text = text[: -len(metric.unit)].strip()
    if not text:
        return None
    value = number(text.replace(",", "").replace("，", ""))
    if value is None:
        raise EditRefused("error.value.not_number", id=item_id, value=typed)
    return value


def assign_values(goal: Goal, current: str | None, typed: list[str], item_id: str) -> str:
    """The new stored value after ``typed`` assignments, checked against the goal's metrics.

    Each assignment is ``VALUE`` (a target with one metric), ``N=VALUE`` (metric N, from 1),
    or every metric's value at once separated by ``;``. A blank value clears it.
    """
    if not goal.numeric:
        raise EditRefused("error.value.not_numeric", id=item_id)
    metrics = goal.metrics
    values = split_values(current, len(metrics))
    for entry in typed:
        head, sep, rest = entry.partition("=")
        if sep and head.strip().isdigit():
            n = int(head.strip())
            if not 1 <= n <= len(metrics):
                raise EditRefused("error.value.no_metric", id=item_id, n=n, count=len(metrics))
            values[n - 1] = read_value(rest, metrics[n - 1], item_id)
        elif ";" in entry:
            parts = entry.split(";")
            if len(parts) != len(metrics):
                raise EditRefused("error.value.count", id=item_id, count=len(metrics), given=len(parts))
            values = [read_value(p, m, item_id) for p, m in zip(parts, metrics)]
        elif len(metrics) == 1:
            values[0] = read_value(entry, metrics[0], item_id)
        else:
            raise EditRefused("error.value.which", id=item_id, count=len(metrics))
    return join_values(values)


def check_stored_value(goal: Goal, text: str, item_id: str) -> str:
    """A whole stored value (as an editor or an import hands it over), checked and made canonical."""
    if not text.strip():
        return ""
    if not goal.numeric:
        raise EditRefused("error.value.not_numeric", id=item_id)
    parts = text.split(";")
    if len(parts) > len(goal.metrics):
        raise EditRefused("error.value.count", id=item_id, count=len(goal.metrics), given=len(parts))
    parts += [""] * (len(goal.metrics) - len(parts))
    return join_values([read_value(p, m, item_id) for p, m in zip(parts, goal.metrics)])


# --- attainment -----------------------------------------------------------------------

@dataclass(frozen=True)
class Attainment:
    """One metric's value reached against its goal."""

    metric: Metric
    value: Decimal | None

    @property
    def ratio(self) -> Decimal | None:
        """value ÷ goal (goal ÷ value when lower is better), uncapped; None when not reported."""
        v, g = self.value, self.metric.goal
        if v is None:
            return None
        if self.metric.compare in LOWER_IS_BETTER:
            if v <= 0:
                return Decimal(1) if g >= 0 else Decimal(0)
            return g / v
        if g == 0:
            return Decimal(1) if v >= 0 else Decimal(0)
        return v / g

    @property
    def met(self) -> bool:
        v, g, c = self.value, self.metric.goal, self.metric.compare
        if v is None:
            return False
        return {"≥": v >= g, ">": v > g, "≈": v >= g * ABOUT_TOLERANCE, "≤": v <= g, "<": v < g}[c]

    @property
    def percent(self) -> int | None:
        """The ratio as whole per cent, rounded down (110 when exceeded by a tenth)."""
        ratio = self.ratio
        if ratio is None:
            return None
        return int((max(ratio, Decimal(0)) * 100).to_integral_value(ROUND_FLOOR))

    @property
    def progress(self) -> int:
        """This metric's share of the progress: 0–99 until met, 100 when met."""
        if self.met:
            return 100
        return min(self.percent or 0, 99)

    def shown(self) -> str:
        """``18 / 20 名 90%`` (— for a value not reported)."""
        unit = f" {self.metric.unit}" if self.metric.unit else ""
        if self.value is None:
            return f"— / {self.metric.value}{unit}"
        return f"{canonical(self.value)} / {self.metric.value}{unit} {self.percent}%"


def attainments(goal: Goal, value: str | None) -> list[Attainment]:
    return [Attainment(m, v) for m, v in zip(goal.metrics, split_values(value, len(goal.metrics)))]


def derived_progress(goal: Goal, value: str | None) -> int:
    """The progress a numeric target's value reached gives it (see the module docstring)."""
    parts = attainments(goal, value)
    if not parts:
        return 0
    return sum(a.progress for a in parts) // len(parts)


def reported(value: str | None) -> bool:
    return bool((value or "").strip(" ;"))


def all_met(goal: Goal, value: str | None) -> bool:
    parts = attainments(goal, value)
    return bool(parts) and all(a.met for a in parts)


def attainment_text(goal: Goal, value: str | None) -> str:
    """One line for a table cell: each metric's ``value / goal unit %``, joined by ``; ``."""
    if not goal.numeric:
        return ""
    return SEPARATOR.join(a.shown() for a in attainments(goal, value))


# --- deadlines ------------------------------------------------------------------------

def deadline_date(deadline: str) -> date:
    """The last day an item's own deadline allows: 31 December of a year, or the date itself."""
    if len(deadline) == 4:
        return date(int(deadline), 12, 31)
    return date.fromisoformat(deadline)


def deadline_span(deadline: str, stage_start: int | None, first_year: int | None) -> tuple[int, int]:
    """An item's own span as proleptic ordinals, the end exclusive.

    It starts on 1 January of its work's first stage year, or, for a work with no years
    (长期实施), of ``first_year`` (the year the document was written), and ends with its
    deadline. A start after the deadline falls back to 1 January of the deadline's year.
    """
    end = deadline_date(deadline)
    year = stage_start if stage_start is not None else first_year if first_year is not None else end.year
    start = date(year, 1, 1) if year <= end.year else date(end.year, 1, 1)
    return start.toordinal(), end.toordinal() + 1


# --- as a person reads it -------------------------------------------------------------------

def deadline_msg(deadline: str) -> Msg | str:
    """A deadline as the words of a message: a year as 2023年底 (end of 2023), a date as written."""
    return Msg("goal.year_end", year=deadline) if len(deadline) == 4 else deadline


def deadline_words(deadline: str | None) -> str:
    """``2023`` → 2023年底 (end of 2023); a date as written; "" for none."""
    if not deadline:
        return ""
    return t("goal.year_end", year=deadline) if len(deadline) == 4 else deadline


def goal_lines(goal: Goal) -> list[str]:
    """One line per metric: ``引育高层次领军人才 ≥ 20 名``; a qualitative goal says so."""
    if goal.qualitative:
        return [t("goal.qualitative")]
    return [f"{m.metric} {m.shown()}" + (f" ({t('goal.baseline')} {m.baseline})" if m.baseline else "")
            for m in goal.metrics]


def attainment_lines(goal: Goal, value: str | None) -> list[str]:
    """One line per metric: ``18 / 20 名 90%``, ``✓`` once met; [] for a goal without numbers."""
    return [a.shown() + (f" ✓ {t('goal.met')}" if a.met else "") for a in attainments(goal, value)]


def attainment_cell(goal: Goal, value: str | None) -> str:
    """A numeric goal's attainment in a few cells: ``18/20名 90%``, ``2/3 项达标 83%``, 未填; "" for no numbers."""
    if not goal.numeric:
        return ""
    if not reported(value):
        return t("goal.no_value")
    parts = attainments(goal, value)
    if len(parts) == 1:
        a = parts[0]
        shown = "—" if a.value is None else canonical(a.value)
        return f"{shown}/{a.metric.value}{a.metric.unit} {a.percent}%" + (" ✓" if a.met else "")
    return t("goal.cell_many", met=sum(a.met for a in parts), count=len(parts),
             progress=derived_progress(goal, value))


ATTAINMENT_STATES = ("met", "on_track", "behind", "no_value")


def attainment_state(goal: Goal, value: str | None, light: str | None) -> str:
    """Where a numeric target stands: ``met`` (every measure), ``no_value`` (none reported), else
    ``behind`` when its light is red or yellow (it trails its time, or is overdue) or ``on_track``."""
    if not reported(value):
        return "no_value"
    if all_met(goal, value):
        return "met"
    return "behind" if light in ("red", "yellow") else "on_track"


def goal_facts(item: dict) -> list[tuple[str, str]]:
    """(heading, line) of an item's goal, own deadline, attainment and evidence, for a detail view.

    ``item`` holds ``goal`` (JSON), ``deadline``, ``value`` and ``evidence`` as stored.
    """
    from .evidence import parse_refs

    goal = goal_from_json(item.get("goal"))
    facts = [(t("detail.goal"), line) for line in goal_lines(goal)]
    if item.get("deadline"):
        facts.append((t("detail.deadline"), deadline_words(item["deadline"])))
    facts += [(t("detail.attainment"), line) for line in attainment_lines(goal, item.get("value"))]
    facts += [(t("field.evidence"), ref.line()) for ref in parse_refs(item.get("evidence"))]
    return facts
