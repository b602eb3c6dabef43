"""The light rules, table-driven, and proof that the SQL expression agrees with the Python."""

from __future__ import annotations

import itertools
import sqlite3
from datetime import date

import pytest

from supervise_tui.domain.lights import LIGHT_RANK, LightBasis, basis_for_round, compute_light, light_sql, stage_cte
from supervise_tui.domain.settings import LightRules

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
    """The lights SQL gives ``rows``: through the stage CTE, inline from the works row, and as ranks."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE works (id TEXT PRIMARY KEY, stage_start INTEGER, stage_end INTEGER)")
    conn.execute("CREATE TABLE s (n INTEGER, work_id TEXT, status TEXT, progress INTEGER, light TEXT, "
                 "closed_out INTEGER)")
    stages = sorted({r[0] for r in rows}, key=str)
    work_of = {stage: f"W{i}" for i, stage in enumerate(stages)}
    conn.executemany("INSERT INTO works VALUES (?, ?, ?)", [(w, *stage) for stage, w in work_of.items()])
    conn.executemany("INSERT INTO s VALUES (?, ?, ?, ?, ?, ?)",
                     [(n, work_of[stage], *rest) for n, (stage, *rest) in enumerate(rows)])
    sql = (f"WITH {stage_cte('ls')} SELECT {light_sql('s', 'ls')}, {light_sql('s', None, work='w')}, "
           f"{light_sql('s', 'ls', rank=True)} "
           "FROM s JOIN ls ON ls.work_id = s.work_id JOIN works w ON w.id = s.work_id ORDER BY n")
    found = conn.execute(sql, basis.params()).fetchall()
    return [f[0] for f in found], [f[1] for f in found], [LIGHT_RANK[f[2]] for f in found]


def test_sql_agrees_with_python_on_every_combination():
    stages = [(2023, 2025), (2023, 2027), LONG, (2025, 2027), (2024, 2024)]
    statuses = [None, "not_started", "in_progress", "done", "behind", "blocked"]
    progress = [None, 0, 10, 24, 25, 40, 50, 51, 75, 99, 100]
    rows = [(stage, status, p, light, closed)
            for stage, status, p, light, closed in itertools.product(stages, statuses, progress, (None, "yellow"), (0, 1))]
    days = ["2022-12-31", "2023-01-01", "2024-02-29", "2024-03-15", "2024-12-31", "2025-07-02", "2025-12-31",
            "2026-01-01", "2028-06-30", "2100-03-01"]
    checked = 0
    for day, due in itertools.product(days, (None, "2024-03-20", "2099-01-01")):
        for rules in (LightRules(), LightRules(yellow_behind=0, red_behind=5, due_soon_days=30)):
            basis = LightBasis(as_of=D(day), due=D(due) if due else None, rules=rules)
            expected = [compute_light(status, p, *stage, basis, override=light, closed_out=bool(closed))
                        for stage, status, p, light, closed in rows]
            assert _sql_lights(rows, basis) == (expected, expected, expected), (day, due, rules)
            checked += len(rows)
    assert checked == 10 * 3 * 2 * len(rows)


def test_a_closed_round_keeps_the_lights_of_its_closing_day(store):
    store.execute("UPDATE rounds SET closed_at = '2024-03-31T18:00:00+08:00', due = '2024-04-05' WHERE id = 1")
    basis = basis_for_round(store, 1)
    assert (basis.as_of, basis.due, basis.due_near) == (D("2024-03-31"), D("2024-04-05"), True)


def test_an_open_round_is_judged_today(store):
    # conftest pins today to 2024-03-15
    assert basis_for_round(store, 1).as_of == D("2024-03-15")
