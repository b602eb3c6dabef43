"""The light rules, table-driven, and proof that the SQL expression agrees with the Python."""

from __future__ import annotations

import itertools
import sqlite3
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supervise_tui.domain.lights import (
    LIGHT_RANK,
    LightBasis,
    OwnSpan,
    basis_for_round,
    compute_light,
    judge,
    light_sql,
    stage_cte,
)
from supervise_tui.domain.settings import LightRules
from supervise_tui.domain.targets import deadline_date, deadline_span

D = date.fromisoformat
LONG = (None, None)  # 长期实施: no years

# as_of, (stage_start, stage_end), status, progress, expected; defaults: no due date, no override
CASES = [
    # done and closed out are green whatever the clock says
    ("2030-01-01", (2023, 2025), "done", 0, "green"),
    ("2024-03-15", (2023, 2027), "blocked", 100, "red"),
    # overdue: the stage has ended and the item is not done
    ("2026-01-01", (2023, 2025), "in_progress", 99, "red"),
    ("2025-12-31", (2023, 2025), "in_progress", 100, "green"),  # last day of the stage: not yet overdue
    # 2023-2027 runs 1826 days; on 2025-07-02, 913 have passed: exactly 50 %
    ("2025-07-02", (2023, 2027), "in_progress", 50, "green"),
    ("2025-07-02", (2023, 2027), "in_progress", 41, "green"),  # 9 points behind
    ("2025-07-02", (2023, 2027), "in_progress", 40, "yellow"),  # exactly 10 behind
    ("2025-07-02", (2023, 2027), "in_progress", 20, "yellow"),  # exactly 30 behind
    ("2025-07-02", (2023, 2027), "in_progress", 19, "red"),  # 31 behind
    ("2025-07-02", (2023, 2027), None, None, "red"),  # no state at all: not started, 0 %
    # ahead of schedule, and before the stage has begun
    ("2024-03-15", (2023, 2027), "in_progress", 90, "green"),
    ("2024-06-01", (2025, 2027), "not_started", 0, "green"),
    # 长期实施: the elapsed share of the calendar year (by 2024-07-02, 183 of 366 days: 50 %)
    ("2024-07-02", LONG, "in_progress", 50, "green"),
    ("2024-07-02", LONG, "in_progress", 40, "yellow"),
    ("2024-07-02", LONG, "in_progress", 20, "yellow"),
    ("2024-07-02", LONG, "in_progress", 19, "red"),
    ("2024-01-01", LONG, "not_started", 0, "green"),
    ("2030-12-31", LONG, "in_progress", 99, "green"),  # ongoing work is never overdue
    # the unit itself says it is behind
    ("2024-03-15", (2023, 2027), "behind", 30, "yellow"),
    ("2024-03-15", (2023, 2027), "behind", 0, "yellow"),  # 24 points behind: yellow either way
]


@pytest.mark.parametrize("as_of, stage, status, progress, expected", CASES)
def test_rules(as_of, stage, status, progress, expected):
    basis = LightBasis(as_of=D(as_of))
    assert compute_light(status, progress, *stage, basis) == expected


# An item's own deadline (a target's annotation) before its work's stage:
# as_of, stage, deadline, status, progress, expected (the document written in 2023)
OWN_CASES = [
    # "2023年…" under a 长期实施 work: overdue after 2023-12-31 unless done
    ("2024-03-15", LONG, "2023", "in_progress", 80, "red"),
    ("2024-03-15", LONG, "2023", "done", 100, "green"),
    ("2024-01-01", LONG, "2023", "not_started", 0, "red"),
    ("2023-12-31", LONG, "2023", "in_progress", 100, "green"),  # its last day: not yet overdue
    ("2030-12-31", LONG, "2023", "done", 100, "green"),
    # within its own year: 2023-07-03 is day 183 of 365, 50.1 % gone
    ("2023-07-03", LONG, "2023", "in_progress", 41, "green"),  # 9.1 behind
    ("2023-07-03", LONG, "2023", "in_progress", 40, "yellow"),  # 10.1 behind
    ("2023-07-03", LONG, "2023", "in_progress", 20, "red"),  # 30.1 behind
    # a date: 2024-06-30 from 2023-01-01 (547 days); on 2024-01-01, 66.7 % gone
    ("2024-01-01", LONG, "2024-06-30", "in_progress", 60, "green"),
    ("2024-01-01", LONG, "2024-06-30", "in_progress", 50, "yellow"),
    ("2024-06-30", LONG, "2024-06-30", "in_progress", 99, "green"),
    ("2024-07-01", LONG, "2024-06-30", "in_progress", 99, "red"),
    # "到2025年…" under a 2023-2027 work: its own three years, not the stage's five
    ("2024-07-01", (2023, 2027), "2025", "in_progress", 39, "yellow"),  # 49.9 % of 2023-2025 gone: 10.9 behind
    ("2026-01-01", (2023, 2027), "2025", "in_progress", 99, "red"),  # the stage runs on; its deadline passed
    # a deadline later than its stage's end: its own time, not the stage's
    ("2026-03-01", (2023, 2025), "2027", "in_progress", 90, "green"),
    # blocked, behind, due date and override keep their places
    ("2023-03-01", LONG, "2023", "blocked", 90, "red"),
    ("2023-03-01", LONG, "2023", "behind", 90, "yellow"),
]


@pytest.mark.parametrize("as_of, stage, deadline, status, progress, expected", OWN_CASES)
def test_an_items_own_deadline_comes_before_its_works_stage(as_of, stage, deadline, status, progress, expected):
    basis = LightBasis(as_of=D(as_of))
    own = _own(deadline, stage)
    assert compute_light(status, progress, *stage, basis, own=own) == expected
    rows = [(stage, own, status, progress, None, 0)]
    assert _sql_lights(rows, basis) == ([expected], [expected], [expected])


def test_a_2023_target_under_ongoing_work_without_its_deadline_is_judged_on_the_year():
    """The same item as above read without its deadline: 80 % on 2024-03-15 is green on the year's clock."""
    basis = LightBasis(as_of=D("2024-03-15"))
    assert compute_light("in_progress", 80, *LONG, basis) == "green"
    assert compute_light("in_progress", 80, *LONG, basis, own=_own("2023", LONG)) == "red"


def test_the_override_and_close_out_win_over_a_passed_deadline():
    basis, own = LightBasis(as_of=D("2025-01-01")), _own("2023", LONG)
    assert compute_light("in_progress", 10, *LONG, basis, own=own, override="yellow") == "yellow"
    assert compute_light("in_progress", 10, *LONG, basis, own=own, closed_out=True) == "green"
    near = LightBasis(as_of=D("2023-03-01"), due=D("2023-03-05"))
    assert compute_light("in_progress", 90, *LONG, near, own=own) == "yellow"


@pytest.mark.parametrize("due, status, expected", [
    ("2024-03-20", "in_progress", "yellow"),  # due in 5 days
    ("2024-03-22", "in_progress", "yellow"),  # due in 7 days: the edge counts
    ("2024-03-23", "in_progress", "green"),  # due in 8 days
    ("2024-03-01", "in_progress", "yellow"),  # already past
    ("2024-03-20", "done", "green"),
])
def test_round_due_date(due, status, expected):
    basis = LightBasis(as_of=D("2024-03-15"), due=D(due))
    assert compute_light(status, 90, 2023, 2027, basis) == expected


def test_override_wins_over_every_rule():
    basis = LightBasis(as_of=D("2030-01-01"))
    assert compute_light("done", 100, 2023, 2025, basis, override="red") == "red"
    assert compute_light("blocked", 0, 2023, 2025, basis, override="green") == "green"


def test_closed_out_is_green():
    assert compute_light("in_progress", 10, 2023, 2025, LightBasis(as_of=D("2030-01-01")), closed_out=True) == "green"


def test_thresholds_come_from_the_rules():
    strict = LightRules(yellow_behind=5, red_behind=20, due_soon_days=0)
    basis = LightBasis(as_of=D("2025-07-02"), rules=strict)
    assert [compute_light("in_progress", p, 2023, 2027, basis) for p in (46, 45, 30, 29)] == \
        ["green", "yellow", "yellow", "red"]


def _sql_lights(rows: list[tuple], basis: LightBasis) -> tuple[list[str], list[str], list[str]]:
    """The lights SQL gives ``rows`` (stage, own span, status, progress, override, closed out): through
    the stage CTE, inline from the works row, and as ranks; the item's own span on its row ``s``."""
    conn = _lights_db(rows)
    sql = (f"WITH {stage_cte('ls')} SELECT {light_sql('s', 'ls', item='s')}, "
           f"{light_sql('s', None, work='w', item='s')}, {light_sql('s', 'ls', rank=True, item='s')} "
           "FROM s JOIN ls ON ls.work_id = s.work_id JOIN works w ON w.id = s.work_id ORDER BY n")
    found = conn.execute(sql, basis.params()).fetchall()
    return [f[0] for f in found], [f[1] for f in found], [LIGHT_RANK[f[2]] for f in found]


def _lights_db(rows: list[tuple]) -> sqlite3.Connection:
    """``works`` and the items' states ``s`` (with their own spans) for ``rows``, as ``_sql_lights`` reads."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE works (id TEXT PRIMARY KEY, stage_start INTEGER, stage_end INTEGER)")
    conn.execute("CREATE TABLE s (n INTEGER, work_id TEXT, span_start INTEGER, span_end INTEGER, status TEXT, "
                 "progress INTEGER, light TEXT, closed_out INTEGER)")
    stages = sorted({r[0] for r in rows}, key=str)
    work_of = {stage: f"W{i}" for i, stage in enumerate(stages)}
    conn.executemany("INSERT INTO works VALUES (?, ?, ?)", [(w, *stage) for stage, w in work_of.items()])
    conn.executemany("INSERT INTO s VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     [(n, work_of[stage], own.start if own else None, own.end if own else None, *rest)
                      for n, (stage, own, *rest) in enumerate(rows)])
    return conn


def _own(deadline: str, stage: tuple, first_year: int = 2023) -> OwnSpan:
    """The span sync gives an item with ``deadline`` under a work of ``stage`` (the document of 2023)."""
    return OwnSpan(*deadline_span(deadline, stage[0], first_year), deadline)


def test_sql_agrees_with_python_on_every_combination():
    stages = [(2023, 2025), (2023, 2027), LONG, (2025, 2027), (2024, 2024)]
    statuses = [None, "not_started", "in_progress", "done", "behind", "blocked"]
    progress = [None, 0, 10, 24, 25, 40, 50, 51, 75, 99, 100]
    stage_own = [(stage, None) for stage in stages] + [
        (LONG, _own("2023", LONG)), (LONG, _own("2024-06-30", LONG)), ((2023, 2027), _own("2025", (2023, 2027))),
        ((2025, 2027), _own("2024", (2025, 2027)))]  # a deadline before its stage begins: its own year
    rows = [(stage, own, status, p, light, closed)
            for (stage, own), status, p, light, closed in itertools.product(stage_own, statuses, progress,
                                                                           (None, "yellow"), (0, 1))]
    days = ["2022-12-31", "2023-01-01", "2024-02-29", "2024-03-15", "2024-12-31", "2025-07-02", "2025-12-31",
            "2026-01-01", "2028-06-30", "2100-03-01"]
    checked = 0
    for day, due in itertools.product(days, (None, "2024-03-20", "2099-01-01")):
        for rules in (LightRules(), LightRules(yellow_behind=0, red_behind=5, due_soon_days=30)):
            basis = LightBasis(as_of=D(day), due=D(due) if due else None, rules=rules)
            expected = [compute_light(status, p, *stage, basis, override=light, closed_out=bool(closed), own=own)
                        for stage, own, status, p, light, closed in rows]
            assert _sql_lights(rows, basis) == (expected, expected, expected), (day, due, rules)
            checked += len(rows)
    assert checked == 10 * 3 * 2 * len(rows)


def test_the_light_a_state_alone_decides_is_its_light_and_only_the_clock_is_left_open():
    """``state_only`` (the diff's counts skip the item where both rounds' states decide): closed out,
    overridden, done or blocked give the full light without reading the item; anything else is NULL."""
    stages = [(2023, 2025), LONG, (2025, 2027)]
    rows = [(stage, own, status, p, light, closed)
            for (stage, own), status, p, light, closed in itertools.product(
                [(stage, None) for stage in stages] + [(LONG, _own("2024-06-30", LONG))],
                [None, "not_started", "in_progress", "done", "behind", "blocked"], (None, 0, 30, 100),
                (None, "red", "yellow", "green"), (0, 1))]
    conn = _lights_db(rows)
    sql = (f"WITH {stage_cte('ls')} SELECT {light_sql('s', 'ls', rank=True, item='s')}, "
           f"{light_sql('s', rank=True, state_only=True)}, {light_sql('s', state_only=True)} "
           "FROM s JOIN ls ON ls.work_id = s.work_id ORDER BY n")
    for day in ("2024-03-15", "2026-01-01"):
        found = conn.execute(sql, LightBasis(as_of=D(day)).params()).fetchall()
        decided = [closed or light is not None or status in ("done", "blocked")
                   for _, _, status, _, light, closed in rows]
        assert [(full if d else None, LIGHT_RANK[full] if d else None) for (full, _, _), d in zip(found, decided)] \
            == [(rank, name) for _, rank, name in found], day
        assert sum(decided) == len(rows) - 4 * 4 * 4  # not closed, no override, one of the four other statuses: 4 spans × 4 progress


def test_a_closed_round_keeps_the_lights_of_its_closing_day(store):
    store.execute("UPDATE rounds SET closed_at = '2024-03-31T18:00:00+08:00', due = '2024-04-05' WHERE id = 1")
    basis = basis_for_round(store, 1)
    assert (basis.as_of, basis.due, basis.due_near) == (D("2024-03-31"), D("2024-04-05"), True)


def test_an_open_round_is_judged_today(store):
    # conftest pins today to 2024-03-15
    assert basis_for_round(store, 1).as_of == D("2024-03-15")


# --------------------------------------------------------------------------- why: the reason in words and numbers

# as_of, stage, status, progress, due, override (light, reason), closed out → light, rule, reason (中文)
REASONS = [
    ("2025-07-02", (2023, 2027), "in_progress", 20, None, None, False,
     "yellow", "behind", "进度 20%,实施阶段已过 50%,落后 30 个百分点"),
    ("2025-07-02", (2023, 2027), "in_progress", 19, None, None, False,
     "red", "behind", "进度 19%,实施阶段已过 50%,落后 31 个百分点"),
    ("2025-07-02", (2023, 2027), "in_progress", 41, None, None, False,
     "green", "on_schedule", "进度 41%,实施阶段已过 50%"),
    ("2025-07-02", (2023, 2027), "in_progress", 90, None, None, False,
     "green", "on_schedule", "进度 90%,实施阶段已过 50%"),
    ("2024-07-02", LONG, "in_progress", 20, None, None, False,
     "yellow", "behind", "进度 20%,本年已过 50%,落后 30 个百分点"),
    ("2026-03-01", (2023, 2025), "in_progress", 60, None, None, False,
     "red", "overdue", "实施阶段已于 2025 年底结束,超期 60 天,进度 60%"),
    ("2024-03-15", (2023, 2027), "blocked", 40, None, None, False, "red", "blocked", "单位报告受阻"),
    ("2024-03-15", (2023, 2027), "behind", 30, None, None, False,
     "yellow", "reported_behind", "单位报告滞后;进度 30%,实施阶段已过 24%"),
    ("2024-03-15", (2023, 2027), "in_progress", 30, "2024-03-20", None, False,
     "yellow", "due_near", "本轮报送截止日 2024-03-20 将到或已过;进度 30%,实施阶段已过 24%"),
    ("2030-01-01", (2023, 2025), "done", 100, None, None, False, "green", "done", "已完成"),
    ("2030-01-01", (2023, 2025), "in_progress", 10, None, ("yellow", "现场核实有进展"), False,
     "yellow", "override", "督查覆盖:现场核实有进展"),
    ("2030-01-01", (2023, 2025), "done", 100, None, ("red", "材料不实"), True, "green", "closed_out", "已销号"),
    # 2024-03-15 is day 74 of 2023-2027's 1827: 24.2 % gone, so 0 % trails by 24.2 → shown 24
    ("2024-03-15", (2023, 2027), "not_started", 0, None, None, False,
     "yellow", "behind", "进度 0%,实施阶段已过 24%,落后 24 个百分点"),
]


@pytest.mark.parametrize("as_of, stage, status, progress, due, override, closed, light, rule, reason", REASONS)
def test_every_light_says_why_in_words_and_numbers(as_of, stage, status, progress, due, override, closed,
                                                    light, rule, reason):
    basis = LightBasis(as_of=D(as_of), due=D(due) if due else None)
    verdict = judge(status, progress, *stage, basis, override=override[0] if override else None,
                    override_reason=override[1] if override else "", closed_out=closed)
    assert (verdict.light, verdict.rule, str(verdict.reason())) == (light, rule, reason)
    assert verdict.light == compute_light(status, progress, *stage, basis, override=override and override[0],
                                          closed_out=closed)


# as_of, stage, deadline, status, progress → light, rule, reason (中文)
OWN_REASONS = [
    ("2024-03-15", LONG, "2023", "in_progress", 80, "red", "overdue_deadline",
     "本条期限(2023年底)已过,超期 75 天,进度 80%"),
    ("2024-07-01", LONG, "2024-06-30", "not_started", 0, "red", "overdue_deadline",
     "本条期限(2024-06-30)已过,超期 1 天,进度 0%"),
    ("2023-07-03", LONG, "2023", "in_progress", 40, "yellow", "behind",
     "进度 40%,至本条期限(2023年底)的时间已过 50%,落后 10 个百分点"),
    ("2023-07-03", LONG, "2023", "in_progress", 60, "green", "on_schedule",
     "进度 60%,至本条期限(2023年底)的时间已过 50%"),
]


@pytest.mark.parametrize("as_of, stage, deadline, status, progress, light, rule, reason", OWN_REASONS)
def test_a_deadline_light_says_which_deadline(as_of, stage, deadline, status, progress, light, rule, reason):
    verdict = judge(status, progress, *stage, LightBasis(as_of=D(as_of)), own=_own(deadline, stage))
    assert (verdict.light, verdict.rule, str(verdict.reason())) == (light, rule, reason)


def test_a_deadline_reason_reads_in_english_too(english):
    verdict = judge("in_progress", 80, *LONG, LightBasis(as_of=D("2024-03-15")), own=_own("2023", LONG))
    assert str(verdict.reason()) == "its own deadline (end of 2023) has passed: 75 days overdue at 80 %"


def test_the_sql_reason_function_passes_the_items_own_span():
    """light_why (the bulletin's streamed reason) reads the item's span from OWN_SPAN, as judge() does."""
    from supervise_tui.domain.lights import OWN_SPAN, REASON_STATE, register_reason_sql

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE i (span_start INTEGER, span_end INTEGER, deadline TEXT)")
    conn.execute("CREATE TABLE s (light TEXT, closed_out INTEGER, light_reason TEXT)")
    own = _own("2023", LONG)
    conn.executemany("INSERT INTO i VALUES (?, ?, ?)", [(own.start, own.end, "2023"), (None, None, None)])
    conn.execute("INSERT INTO s VALUES (NULL, 0, '')")
    register_reason_sql(conn, LightBasis(as_of=D("2024-03-15")))
    found = [r[0] for r in conn.execute(
        f"SELECT light_why('in_progress', 80, NULL, NULL, {OWN_SPAN}, (SELECT {REASON_STATE} FROM s)) "
        "FROM i ORDER BY rowid")]
    assert found == ["本条期限(2023年底)已过,超期 75 天,进度 80%", "进度 80%,本年已过 20%"]


def test_the_sql_reason_function_reads_override_and_close_out_as_judge_does():
    """REASON_STATE is NULL for a plain state row (nothing made for most rows) and carries the override,
    its reason and the close-out otherwise: light_why's words are judge()'s for each."""
    from supervise_tui.domain.lights import REASON_STATE, register_reason_sql

    basis = LightBasis(as_of=D("2025-07-02"))
    states = [(None, 0, ""), (None, 0, "旧理由"), ("red", 0, "抽查发现进度不实"), ("yellow", 0, ""),
              ("green", 1, "已核实"), (None, 1, "")]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE s (light TEXT, closed_out INTEGER, light_reason TEXT)")
    conn.executemany("INSERT INTO s VALUES (?, ?, ?)", states)
    register_reason_sql(conn, basis)
    rows = conn.execute(f"SELECT {REASON_STATE}, light_why('in_progress', 20, 2023, 2027, NULL, {REASON_STATE}) "
                        "FROM s ORDER BY rowid").fetchall()
    assert [state for state, _ in rows[:2]] == [None, None]
    assert [why for _, why in rows] == [
        str(judge("in_progress", 20, 2023, 2027, basis, override=light, override_reason=reason,
                  closed_out=bool(closed)).reason()) for light, closed, reason in states]
    assert "抽查发现进度不实" in rows[2][1]


def test_the_reason_reads_in_english_too(english):
    verdict = judge("in_progress", 20, 2023, 2027, LightBasis(as_of=D("2025-07-02")))
    assert str(verdict.reason()) == "progress 20 %, 50 % of the stage gone: 30 points behind"


def test_the_numbers_shown_never_contradict_the_light():
    """Rounding must not show 30 points for a red (more than 30) or 10 for a green (under 10)."""
    rules = LightRules()
    seen = set()
    for day in range(0, 1827, 3):
        as_of = date(2023, 1, 1).toordinal() + day
        basis = LightBasis(as_of=date.fromordinal(as_of), rules=rules)
        for progress in range(0, 100):
            verdict = judge("in_progress", progress, 2023, 2027, basis)
            behind = float(verdict.values["behind"])
            elapsed = float(verdict.values["elapsed"])
            assert elapsed - progress == pytest.approx(behind)  # the words add up
            if verdict.light == "red":
                assert behind > rules.red_behind, verdict
            elif verdict.light == "yellow":
                assert rules.yellow_behind <= behind <= rules.red_behind, verdict
            else:
                assert behind < rules.yellow_behind, verdict
            seen.add((verdict.light, "." in verdict.values["behind"]))
    # all three lights, and the edges shown with a decimal
    assert {("red", False), ("yellow", False), ("green", False), ("red", True), ("green", True)} <= seen


def test_a_new_rule_needs_only_its_text():
    """Every rule judge() can give has its words in the catalogue (a deadline rule adds its own)."""
    from supervise_tui.i18n import CATALOGUE

    rules = {"closed_out", "override", "done", "blocked", "overdue", "overdue_deadline", "behind",
             "reported_behind", "due_near", "on_schedule"}
    assert {key.split(".")[-1] for key in CATALOGUE if key.startswith("light.why.")} == rules


# --------------------------------------------------------------------------- property: Python and SQL agree

_stage = st.one_of(st.just(LONG), st.tuples(st.integers(2020, 2030), st.integers(0, 6)).map(
    lambda t: (t[0], t[0] + t[1])))
_deadline = st.one_of(st.integers(2020, 2032).map(str),
                      st.dates(date(2020, 1, 1), date(2032, 12, 31)).map(date.isoformat))
_row = st.tuples(_stage, st.one_of(st.none(), _deadline), st.integers(2020, 2026),
                 st.sampled_from([None, "not_started", "in_progress", "done", "behind", "blocked"]),
                 st.one_of(st.none(), st.integers(0, 100)), st.sampled_from([None, None, None, "red", "green"]),
                 st.sampled_from([0, 0, 0, 1]))


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(_row, min_size=1, max_size=25), as_of=st.dates(date(2019, 6, 1), date(2034, 1, 1)),
       due=st.one_of(st.none(), st.dates(date(2019, 6, 1), date(2034, 1, 1))),
       yellow=st.integers(0, 40), red_extra=st.integers(0, 40), soon=st.integers(0, 30),
       near=st.one_of(st.none(), st.integers(-2, 2)))
def test_sql_and_python_agree_on_any_items_with_or_without_deadlines(rows, as_of, due, yellow, red_extra, soon,
                                                                      near):
    deadlines = [r[1] for r in rows if r[1]]
    if near is not None and deadlines:  # the days around a deadline, where overdue begins
        as_of = deadline_date(deadlines[0]) + timedelta(days=near)
    basis = LightBasis(as_of=as_of, due=due,
                       rules=LightRules(yellow_behind=yellow, red_behind=yellow + red_extra, due_soon_days=soon))
    items = [(stage, _own(deadline, stage, first) if deadline else None, status, progress, light, closed)
             for stage, deadline, first, status, progress, light, closed in rows]
    expected = [compute_light(status, p, *stage, basis, override=light, closed_out=bool(closed), own=own)
                for stage, own, status, p, light, closed in items]
    assert _sql_lights(items, basis) == (expected, expected, expected)
    for (_, own, status, _, light, closed), found in zip(items, expected):
        if own is not None and as_of.toordinal() >= own.end and not closed and light is None and status != "done":
            assert found == "red"  # past its own deadline and not done: red, whatever its work's stage
