"""Values reached against goals: attainment, derived progress, typed values, and their edits as exact rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlite_utils import Database

from supervise_tui.domain import migrations
from supervise_tui.domain.db import SCHEMA_VERSION, connect
from supervise_tui.domain.edits import Actor, Conflict, apply_changes, set_indicator, undo
from supervise_tui.domain.sync import load
from supervise_tui.domain.targets import (
    Attainment,
    Goal,
    Metric,
    assign_values,
    attainment_text,
    check_stored_value,
    deadline_span,
    derived_progress,
    quoted_numbers,
)
from supervise_tui.errors import EditRefused
from tests.conftest import PINNED_NOW, TEST_USER

INSPECTOR = Actor(TEST_USER)
D = Decimal


def metric(compare: str = "≥", value: str = "20", unit: str = "名") -> Metric:
    return Metric("引育人才", value, unit, compare, f"{value}{unit}")


# compare, goal, value reached → per cent shown, met, this metric's share of progress
@pytest.mark.parametrize("compare, goal, value, percent, met, progress", [
    ("≥", "20", "18", 90, False, 90),
    ("≥", "20", "20", 100, True, 100),
    ("≥", "20", "22", 110, True, 100),
    ("≥", "20", "0", 0, False, 0),
    ("≥", "20", "-3", 0, False, 0),  # a growth rate can fall
    ("≥", "3", "2", 66, False, 66),  # rounded down
    (">", "24", "24", 100, False, 99),  # 突破: reaching the goal is not passing it
    (">", "24", "24.1", 100, True, 100),
    ("≈", "3.2", "3.04", 95, True, 100),  # 左右: met at 95 % of the goal
    ("≈", "3.2", "3.03", 94, False, 94),
    ("≤", "35", "30", 116, True, 100),  # 控制在35%以下: lower is better, goal ÷ value
    ("≤", "35", "40", 87, False, 87),
    ("≤", "1", "0", 100, True, 100),
    ("<", "35", "35", 100, False, 99),
    ("≥", "6.5", "5.2", 80, False, 80),
])
def test_attainment_of_one_metric(compare, goal, value, percent, met, progress):
    a = Attainment(metric(compare, goal), D(value))
    assert (a.percent, a.met, a.progress) == (percent, met, progress)


def test_a_value_not_reported():
    a = Attainment(metric(), None)
    assert (a.ratio, a.percent, a.met, a.progress, a.shown()) == (None, None, False, 0, "— / 20 名")


def test_derived_progress_is_the_mean_and_100_only_when_all_are_met():
    goal = Goal((metric("≥", "3", "家"), metric("≥", "145", "家"), metric("≥", "440", "家")))
    assert derived_progress(goal, "3; 145; 440") == 100
    assert derived_progress(goal, "3; 145; 439") == (100 + 100 + 99) // 3 == 99
    assert derived_progress(goal, "3; ; 220") == (100 + 0 + 50) // 3 == 50
    assert derived_progress(goal, "") == 0
    assert attainment_text(goal, "3; ; 220") == "3 / 3 家 100%; — / 145 家; 220 / 440 家 50%"
    assert attainment_text(Goal(qualitative=True), "") == ""


@pytest.mark.parametrize("current, typed, expected", [
    ("", ["18"], "18"),
    ("", ["18名"], "18"),  # the unit typed after the number
    ("", ["18.0"], "18"),
    ("", ["1,700"], "1700"),
    ("18", [""], ""),  # a blank clears it
])
def test_typed_values_of_a_one_metric_target(current, typed, expected):
    assert assign_values(Goal((metric(),)), current, typed, "W06-T01") == expected


@pytest.mark.parametrize("current, typed, expected", [
    ("", ["2=145"], "; 145"),
    ("; 145", ["1=3", "3=200"], "3; 145; 200"),
    ("3; 145; 200", ["3="], "3; 145"),
    ("3; 145; 200", ["1; 2; 3"], "1; 2; 3"),
])
def test_typed_values_of_a_three_metric_target(current, typed, expected):
    goal = Goal((metric(unit="家"),) * 3)
    assert assign_values(goal, current, typed, "W08-T01") == expected


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("goal, typed, message", [
    (Goal((metric(),) * 3), ["145"], "W08-T01 has 3 measures: give --value N=VALUE, e.g. --value 2=145"),
    (Goal((metric(),) * 3), ["4=1"], "W08-T01 has 3 measures, not 4"),
    (Goal((metric(),) * 3), ["1;2"], "W08-T01 has 3 measures; 2 values were given"),
    (Goal((metric(),)), ["eighteen"], "W08-T01: the value reached must be a number like 18 or 6.5, got 'eighteen'"),
    (Goal((metric(),)), ["1e3"], "W08-T01: the value reached must be a number like 18 or 6.5, got '1e3'"),
    (Goal((metric(),)), ["NaN"], "W08-T01: the value reached must be a number like 18 or 6.5, got 'NaN'"),
    (Goal(qualitative=True), ["3"], "W08-T01 has no numeric goal, so no value reached; say what was done in the "
     "note and the evidence"),
])
def test_typed_values_refused(goal, typed, message):
    with pytest.raises(EditRefused) as info:
        assign_values(goal, "", typed, "W08-T01")
    assert str(info.value) == message


def test_a_stored_value_is_checked_and_made_canonical():
    goal = Goal((metric(),) * 2)
    assert check_stored_value(goal, " 18.50 ;3 ", "X") == "18.5; 3"
    assert check_stored_value(Goal(), "", "X") == ""


def test_numbers_as_the_text_prints_them():
    assert quoted_numbers("5千户") == {D(5000)}
    assert quoted_numbers("百家以上") == {D(100)}
    assert quoted_numbers("十余场") == {D(10)}
    assert quoted_numbers("1.66万人次以上") == {D("1.66")}
    assert quoted_numbers("控制在35%以下") == {D(35)}


def test_deadline_spans():
    from datetime import date

    def span(*args):
        start, end = deadline_span(*args)
        return date.fromordinal(start), date.fromordinal(end)

    assert span("2023", 2023, 2023) == (date(2023, 1, 1), date(2024, 1, 1))  # a 2023-2025 work
    assert span("2023", None, 2023) == (date(2023, 1, 1), date(2024, 1, 1))  # 长期实施, written in 2023
    assert span("2025", None, 2023) == (date(2023, 1, 1), date(2026, 1, 1))
    assert span("2023-06-30", None, None) == (date(2023, 1, 1), date(2023, 7, 1))
    assert span("2023", 2024, None) == (date(2023, 1, 1), date(2024, 1, 1))  # never ends before it starts


# --- the store ----------------------------------------------------------------------

def state(conn, item_id: str, round_id: int = 1) -> dict:
    return dict(conn.execute("SELECT status, progress, value, evidence, updated_by, updated_at, version "
                             "FROM item_state WHERE round_id = ? AND item_id = ?", (round_id, item_id)).fetchone())


def audit(conn, after: int = 0) -> list[tuple]:
    return [tuple(r) for r in conn.execute(
        "SELECT at, user, round_id, item_id, action, field, old, new FROM audit WHERE id > ? ORDER BY id", (after,))]


def last(conn) -> int:
    return conn.execute("SELECT max(id) FROM audit").fetchone()[0]


def test_goals_and_deadlines_are_stored(store):
    def item(ident: str) -> dict:
        return dict(store.execute("SELECT goal, deadline, span_start, span_end FROM items WHERE id = ?",
                                  (ident,)).fetchone())

    from datetime import date

    assert item("W06-T01") == {
        "goal": ('[{"baseline": "", "compare": "≥", "metric": "引育高层次领军人才", "quote": "20名以上", '
                 '"unit": "名", "value": "20"}]'),
        "deadline": "2023", "span_start": date(2023, 1, 1).toordinal(), "span_end": date(2024, 1, 1).toordinal()}
    assert item("W06-T06") == {"goal": '"qualitative"', "deadline": None, "span_start": None, "span_end": None}
    assert item("W06-M01")["goal"] is None
    assert Database(store)["indicators"].get("G06")["goal"] == ('[{"baseline": "", "compare": ">", "metric": "市场经营主体", '
                                                  '"quote": "突破24万户", "unit": "万户", "value": "24"}]')


def test_a_value_edit_writes_value_and_derived_progress_with_audit_rows(store):
    mark = last(store)
    done = apply_changes(store, INSPECTOR, 1, "W06-T01", {"value": "18", "evidence": "乐人才〔2024〕5号"})
    # the progress the value gives, and the status that follows the progress (issue 10's rule)
    assert [(c.field, c.old, c.new) for c in done] == [
        ("value", "", "18"), ("evidence", "", "乐人才〔2024〕5号"), ("progress", 0, 90),
        ("status", "not_started", "in_progress")]
    assert state(store, "W06-T01") == {"status": "in_progress", "progress": 90, "value": "18",
                                       "evidence": "乐人才〔2024〕5号", "updated_by": TEST_USER,
                                       "updated_at": PINNED_NOW, "version": 1}
    assert audit(store, mark) == [
        (PINNED_NOW, TEST_USER, 1, "W06-T01", "edit", "value", "", "18"),
        (PINNED_NOW, TEST_USER, 1, "W06-T01", "edit", "evidence", "", "乐人才〔2024〕5号"),
        (PINNED_NOW, TEST_USER, 1, "W06-T01", "edit", "progress", "0", "90"),
        (PINNED_NOW, TEST_USER, 1, "W06-T01", "edit", "status", "not_started", "in_progress")]
    # undone: value, progress and status go back together, audited as an undo; the item is not
    # reported in the round any more (its only report was undone)
    undo(store, INSPECTOR, done)
    assert state(store, "W06-T01") == {"status": "not_started", "progress": 0, "value": "", "evidence": "",
                                       "updated_by": None, "updated_at": None, "version": 2}
    assert [r[4:] for r in audit(store, mark)[4:]] == [
        ("undo", "value", "18", ""), ("undo", "evidence", "乐人才〔2024〕5号", ""), ("undo", "progress", "90", "0"),
        ("undo", "status", "in_progress", "not_started")]


@pytest.mark.usefixtures("english")
def test_a_numeric_targets_progress_follows_its_value(store):
    # before any value is reported the percentage a person types stands
    apply_changes(store, INSPECTOR, 1, "W06-T01", {"progress": 30})
    assert state(store, "W06-T01")["progress"] == 30
    apply_changes(store, INSPECTOR, 1, "W06-T01", {"value": "10"})
    assert state(store, "W06-T01")["progress"] == 50
    mark = last(store)
    with pytest.raises(EditRefused, match="W06-T01 is a numeric target: its progress follows the value reached"):
        apply_changes(store, INSPECTOR, 1, "W06-T01", {"progress": 80})
    with pytest.raises(EditRefused, match="its progress follows"):
        apply_changes(store, INSPECTOR, 1, "W06-T01", {"value": "12", "progress": 80})
    with pytest.raises(EditRefused, match="its progress follows"):
        apply_changes(store, INSPECTOR, 1, "W06-T01", {"status": "done"})  # 已完成 would be 100 %: not met
    apply_changes(store, INSPECTOR, 1, "W06-T01", {"value": "12", "progress": 60})  # the one it gives
    assert [r[5:] for r in audit(store, mark)] == [("value", "10", "12"), ("progress", "50", "60")]
    apply_changes(store, INSPECTOR, 1, "W06-T01", {"value": "20"})  # met: 100 %, and so done
    assert (state(store, "W06-T01")["status"], state(store, "W06-T01")["progress"]) == ("done", 100)
    # a qualitative target and a measure keep the typed percentage and take no value
    apply_changes(store, INSPECTOR, 1, "W06-T06", {"progress": 80})
    with pytest.raises(EditRefused, match="W06-M01 has no numeric goal"):
        apply_changes(store, INSPECTOR, 1, "W06-M01", {"value": "3"})
    assert state(store, "W06-M01")["value"] == ""


def test_a_stale_value_is_a_conflict(store):
    apply_changes(store, INSPECTOR, 1, "W08-T01", {"value": "; 145"})
    with pytest.raises(Conflict):
        apply_changes(store, INSPECTOR, 1, "W08-T01", {"value": "3; 100"}, shown={"value": ""})
    assert state(store, "W08-T01")["value"] == "; 145"


def test_a_headline_goals_value_and_evidence_by_round(store):
    from supervise_tui.domain.rounds import create_round

    mark = last(store)
    set_indicator(store, INSPECTOR, 1, "G01", {"value": "36.50", "evidence": "乐发改〔2024〕1号"})
    rows = [tuple(r) for r in store.execute("SELECT * FROM indicator_state")]
    assert rows == [(1, "G01", "36.5", "乐发改〔2024〕1号", TEST_USER, PINNED_NOW, 1)]
    assert audit(store, mark) == [
        (PINNED_NOW, TEST_USER, 1, "G01", "edit", "value", "", "36.5"),
        (PINNED_NOW, TEST_USER, 1, "G01", "edit", "evidence", "", "乐发改〔2024〕1号")]
    rnd = create_round(store, INSPECTOR, "第2轮")  # carried forward, not yet reported in the new round
    assert [tuple(r) for r in store.execute("SELECT * FROM indicator_state WHERE round_id = ?", (rnd.id,))] == [
        (rnd.id, "G01", "36.5", "乐发改〔2024〕1号", None, None, 0)]
    with pytest.raises(EditRefused):
        set_indicator(store, Actor("林", "liaison", 1), rnd.id, "G01", {"value": "1"})
    with pytest.raises(EditRefused):
        set_indicator(store, INSPECTOR, rnd.id, "G01", {"note": "x"})


def test_a_changed_goal_rederives_progress_in_open_rounds(store, tasklist):
    import dataclasses

    apply_changes(store, INSPECTOR, 1, "W06-T01", {"value": "18"})
    assert state(store, "W06-T01")["progress"] == 90
    works = []
    for work in tasklist.works:
        items = [dataclasses.replace(i, goal=Goal((dataclasses.replace(i.goal.metrics[0], value="24"),)))
                 if i.id == "W06-T01" else i for i in work.items]
        works.append(dataclasses.replace(work, items=tuple(items)))
    mark = last(store)
    report = load(store, dataclasses.replace(tasklist, works=tuple(works)), user="loader")
    assert report.changed["items"] == 1
    assert state(store, "W06-T01")["progress"] == 75
    assert audit(store, mark)[0][1:] == ("loader", 1, "W06-T01", "load", "progress", "90", "75")


def test_a_version_1_store_is_moved_forward_keeping_its_rows(tmp_path):
    import sqlite3

    from sqlite_utils.migrations import Migrations

    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    first = Migrations("supervise_tui")
    first()(migrations.m001_initial)
    first.apply(Database(conn))
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO pillars VALUES ('P1', '一', '提信心增预期', 0, 0)")
    conn.execute("INSERT INTO works VALUES ('W01', 1, '一', 'P1', '题', '长期实施', NULL, NULL, '市税务局', '', '', 0, 0)")
    conn.execute("INSERT INTO items(id, work_id, kind, no, text, sort, pos) VALUES ('W01-T01', 'W01', 'target', 1, "
                 "'目标一', 0, 0)")
    conn.execute("INSERT INTO rounds(id, name, opened_at, created_by) VALUES (1, '第1轮', 'x', 'me')")
    conn.execute("INSERT INTO item_state(round_id, item_id, progress, value) VALUES (1, 'W01-T01', 40, '12')")
    conn.commit()
    conn.close()
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert tuple(conn.execute("SELECT id, text, goal, deadline, span_start, span_end FROM items").fetchone()) == (
        "W01-T01", "目标一", None, None, None, None)
    assert tuple(conn.execute("SELECT progress, value FROM item_state").fetchone()) == (40, "12")
    assert conn.execute("SELECT count(*) FROM indicator_state").fetchone()[0] == 0
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
