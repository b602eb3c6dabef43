"""Round life cycle: carry-forward, switching, closing (frozen), reopening, close-out and light overrides."""

from __future__ import annotations

import pytest

from supervise_tui.domain import rounds
from supervise_tui.domain.db import FrozenRound, get_meta
from supervise_tui.domain.edits import Actor, EditRefused, apply_changes, close_out, set_light, undo
from supervise_tui.domain.queries import NotFound, get_item
from supervise_tui.domain.sync import load

# The refusals' words are checked in English (test_i18n checks both languages).
pytestmark = pytest.mark.usefixtures("english")

INSPECTOR = Actor("督查员")
STATE = ("item_id", "status", "progress", "note", "evidence", "value", "light", "light_reason", "comment",
         "closed_out", "closed_at", "closed_by")


def _state(conn, round_id: int) -> list[tuple]:
    return [tuple(r) for r in conn.execute(
        f"SELECT {', '.join(STATE)} FROM item_state WHERE round_id = ? ORDER BY item_id", (round_id,))]


def _audit(conn, action: str) -> list[tuple]:
    return [tuple(r) for r in conn.execute(
        "SELECT user, round_id, field, old, new FROM audit WHERE action = ? ORDER BY id", (action,))]


@pytest.fixture
def reported(store):
    """Round 1 with every kind of state set on a few items."""
    apply_changes(store, INSPECTOR, 1, "W01-M01", {"status": "in_progress", "progress": 40, "note": "按计划\n推进",
                                                   "evidence": "文件 1 号", "comment": "继续"})
    apply_changes(store, INSPECTOR, 1, "W05-T04", {"status": "in_progress", "value": "5.2",
                                                   "evidence": "附件/担保余额.xlsx"})
    apply_changes(store, INSPECTOR, 1, "W02-M01", {"status": "blocked", "progress": 5})
    set_light(store, INSPECTOR, 1, "W03-M01", "yellow", "资金缺口")
    close_out(store, INSPECTOR, 1, "W04-T01", "已核实办结")
    return store


def test_a_new_round_carries_every_item_state_forward_exactly(reported):
    before = _state(reported, 1)
    rnd = rounds.create_round(reported, INSPECTOR, "2024年第二季度", period="2024-Q2", due="2024-06-30")
    assert _state(reported, rnd.id) == before
    assert len(before) == 317
    stamps = reported.execute("SELECT DISTINCT updated_by, updated_at, version FROM item_state WHERE round_id = ?",
                              (rnd.id,)).fetchall()
    assert [tuple(r) for r in stamps] == [(None, None, 0)]  # nobody has reported in the new round yet
    assert (rnd.name, rnd.period, rnd.due, rnd.created_by, rnd.closed) == (
        "2024年第二季度", "2024-Q2", "2024-06-30", "督查员", False)


def test_the_new_round_becomes_current_and_is_audited(store):
    rnd = rounds.create_round(store, INSPECTOR, "第2轮")
    assert rounds.current_round(store).id == rnd.id == int(get_meta(store, "current_round"))
    assert _audit(store, "round_new") == [
        ("督查员", rnd.id, None, None, '{"name": "第2轮", "period": null, "due": null, "from": "第1轮"}')]


def test_a_closed_out_item_stays_done_and_locked(reported):
    rnd = rounds.create_round(reported, INSPECTOR, "第2轮")
    item = get_item(reported, rnd.id, "W04-T01")
    assert (item["status"], item["progress"], item["closed_out"]) == ("done", 100, 1)
    with pytest.raises(EditRefused, match="closed out"):
        apply_changes(reported, INSPECTOR, rnd.id, "W04-T01", {"status": "in_progress"})
    liaison = Actor("联络员", role="liaison", unit_id=reported.execute(
        "SELECT id FROM units WHERE name = '市发改局'").fetchone()[0])
    with pytest.raises(EditRefused, match="closed out"):
        apply_changes(reported, liaison, rnd.id, "W04-T01", {"note": "x"})


def test_retired_items_are_not_carried_and_new_items_start_fresh(store, tasklist):
    from dataclasses import replace

    works = [replace(w, items=tuple(i for i in w.items if i.id != "W01-M01")) for w in tasklist.works]
    load(store, replace(tasklist, works=tuple(works)), user="loader")
    store.execute("DELETE FROM item_state WHERE round_id = 1 AND item_id = 'W01-M02'")  # as if added later
    rnd = rounds.create_round(store, INSPECTOR, "第2轮")
    ids = {r[0] for r in _state(store, rnd.id)}
    assert "W01-M01" not in ids and len(ids) == 316
    assert get_item(store, rnd.id, "W01-M02")["status"] == "not_started"


def test_round_names_are_checked(store):
    for name, message in [("第1轮", "already a round"), ("  ", "needs a name"), ("2024", "digits only"),
                          ("a\nb", "one line")]:
        with pytest.raises(EditRefused, match=message):
            rounds.create_round(store, INSPECTOR, name)
    with pytest.raises(EditRefused, match="not a date"):
        rounds.create_round(store, INSPECTOR, "第2轮", due="next friday")
    assert len(rounds.list_rounds(store)) == 1


def test_a_failed_creation_leaves_nothing_behind(store, monkeypatch):
    def broken(*args):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(rounds, "set_meta", broken)
    with pytest.raises(RuntimeError):
        rounds.create_round(store, INSPECTOR, "第2轮")
    assert [r.name for r in rounds.list_rounds(store)] == ["第1轮"]
    assert store.execute("SELECT count(*) FROM item_state WHERE round_id <> 1").fetchone()[0] == 0
    assert _audit(store, "round_new") == []


def test_rounds_are_found_by_id_or_name(store):
    rnd = rounds.create_round(store, INSPECTOR, "2024-Q2")
    assert rounds.get_round(store, "2024-Q2") == rounds.get_round(store, str(rnd.id)) == rounds.get_round(store, rnd.id)
    with pytest.raises(NotFound):
        rounds.get_round(store, "第9轮")


def test_use_switches_the_current_round(store):
    rounds.create_round(store, INSPECTOR, "第2轮")
    assert rounds.use_round(store, INSPECTOR, "第1轮").id == 1
    assert rounds.current_round(store).name == "第1轮"
    assert _audit(store, "round_use")[-1] == ("督查员", 1, None, "2", "1")


def test_only_an_inspector_changes_the_current_round(store):
    rounds.create_round(store, INSPECTOR, "第2轮")
    mark = store.execute("SELECT max(id) FROM audit").fetchone()[0]
    liaison = Actor("联络员", role="liaison", unit_id=1)
    with pytest.raises(EditRefused) as refused:
        rounds.use_round(store, liaison, "第1轮")
    assert refused.value.key == "error.inspector_only" and str(refused.value) == (
        "only an inspector may change the current round")
    assert rounds.current_round(store).name == "第2轮" and get_meta(store, "current_round") == "2"
    assert store.execute("SELECT count(*) FROM audit WHERE id > ?", (mark,)).fetchone()[0] == 0


@pytest.mark.parametrize("typed, stored", [
    ("2024", "2024"), ("2024-Q1", "2024-Q1"), ("2024-q4", "2024-Q4"), ("2024-03", "2024-03"),
    ("2024-12", "2024-12"), (" 2024-Q2 ", "2024-Q2"), ("", None), (None, None)])
def test_a_period_is_a_year_a_quarter_or_a_month(typed, stored):
    assert rounds.check_period(typed) == stored


@pytest.mark.parametrize("typed", ["2024-Q5", "2024-Q0", "2024-13", "2024-00", "2024-3", "24-Q1", "2024Q1",
                                   "2024年第一季度", "Q1", "2024-03-31", "2024-H1"])
def test_any_other_period_is_refused_naming_the_forms(store, typed):
    with pytest.raises(EditRefused) as refused:
        rounds.create_round(store, INSPECTOR, "第2轮", period=typed)
    assert refused.value.key == "error.round.bad_period"
    assert "2024 (a year), 2024-Q1 (a quarter) or 2024-03 (a month)" in str(refused.value)
    assert len(rounds.list_rounds(store)) == 1


def test_a_new_round_closes_the_previous_one_only_when_asked(store):
    r2 = rounds.create_round(store, INSPECTOR, "第2轮")
    assert not rounds.get_round(store, 1).closed
    r3 = rounds.create_round(store, INSPECTOR, "第3轮", close_previous=True)
    assert rounds.get_round(store, r2.id).closed_at == "2024-03-15T10:00:00+08:00"
    assert not rounds.get_round(store, 1).closed and not r3.closed
    assert [(a[1], a[2]) for a in _audit(store, "round_close")] == [(r2.id, "closed_at")]
    assert rounds.current_round(store).id == r3.id


def test_a_closed_round_refuses_every_edit(reported):
    rnd = rounds.close_round(reported, INSPECTOR)
    assert rnd.closed and rnd.closed_at == "2024-03-15T10:00:00+08:00"
    before = _state(reported, 1)
    for attempt in (lambda: apply_changes(reported, INSPECTOR, 1, "W01-M02", {"progress": 10}),
                    lambda: close_out(reported, INSPECTOR, 1, "W01-M02"),
                    lambda: set_light(reported, INSPECTOR, 1, "W01-M02", "red", "x")):
        with pytest.raises(FrozenRound):
            attempt()
    assert _state(reported, 1) == before
    with pytest.raises(EditRefused, match="already closed"):
        rounds.close_round(reported, INSPECTOR, 1)


def test_reopen_needs_an_inspector_and_a_reason(store):
    rounds.close_round(store, INSPECTOR, "第1轮")
    liaison = Actor("联络员", role="liaison", unit_id=1)
    with pytest.raises(EditRefused, match="inspector"):
        rounds.reopen_round(store, liaison, "第1轮", "补报")
    with pytest.raises(EditRefused, match="reason"):
        rounds.reopen_round(store, INSPECTOR, "第1轮", "  ")
    rnd = rounds.reopen_round(store, INSPECTOR, "第1轮", "市发改局补报")
    assert not rnd.closed
    assert _audit(store, "reopen") == [("督查员", 1, "reason", "2024-03-15T10:00:00+08:00", "市发改局补报")]
    assert apply_changes(store, INSPECTOR, 1, "W01-M01", {"progress": 10})
    with pytest.raises(EditRefused, match="not closed"):
        rounds.reopen_round(store, INSPECTOR, "第1轮", "again")


def test_a_liaison_cannot_open_or_close_rounds(store):
    liaison = Actor("联络员", role="liaison", unit_id=1)
    with pytest.raises(EditRefused):
        rounds.create_round(store, liaison, "第2轮")
    with pytest.raises(EditRefused):
        rounds.close_round(store, liaison)
    assert _audit(store, "round_close") == [] and len(rounds.list_rounds(store)) == 1


def test_close_out_marks_done_locks_and_can_be_undone(store):
    changes = close_out(store, INSPECTOR, 1, "W01-M03", "现场核查已办结")
    row = store.execute("SELECT status, progress, closed_out, closed_at, closed_by FROM item_state "
                        "WHERE round_id = 1 AND item_id = 'W01-M03'").fetchone()
    assert tuple(row) == ("done", 100, 1, "2024-03-15T10:00:00+08:00", "督查员")
    assert [(r[2], r[3], r[4]) for r in _audit(store, "close_out")] == [
        ("status", "not_started", "done"), ("progress", "0", "100"), ("closed_out", "0", "1"),
        ("reason", None, "现场核查已办结")]
    with pytest.raises(EditRefused, match="already closed out"):
        close_out(store, INSPECTOR, 1, "W01-M03")
    undo(store, INSPECTOR, changes)
    row = store.execute("SELECT status, progress, closed_out, closed_at, closed_by FROM item_state "
                        "WHERE round_id = 1 AND item_id = 'W01-M03'").fetchone()
    assert tuple(row) == ("not_started", 0, 0, None, None)


def test_close_out_is_for_inspectors(store):
    with pytest.raises(EditRefused, match="inspector"):
        close_out(store, Actor("联络员", role="liaison", unit_id=1), 1, "W01-M03")


def test_a_light_override_needs_a_reason_and_wins(store):
    with pytest.raises(EditRefused, match="reason"):
        set_light(store, INSPECTOR, 1, "W01-M05", "green", "")
    with pytest.raises(EditRefused, match="reason"):
        apply_changes(store, INSPECTOR, 1, "W01-M05", {"light": "green"})
    set_light(store, INSPECTOR, 1, "W01-M05", "green", "已现场核实")
    item = get_item(store, 1, "W01-M05")
    assert (item["light"], item["light_override"], item["override_reason"]) == ("green", "green", "已现场核实")
    assert item["light_reason"] == "inspector's override: 已现场核实"
    set_light(store, INSPECTOR, 1, "W01-M05", None)  # back to the rules
    item = get_item(store, 1, "W01-M05")
    # W01 is 2023-2027: on 2024-03-15 24 % of it has passed, and 0 % done trails by 24 points
    assert (item["light"], item["light_override"], item["override_reason"]) == ("yellow", None, "")
    assert item["light_reason"] == "progress 0 %, 24 % of the stage gone: 24 points behind"
    with pytest.raises(EditRefused, match="inspector"):
        set_light(store, Actor("联络员", role="liaison", unit_id=1), 1, "W01-M05", "red", "x")


def test_round_overview_counts(reported):
    rounds.create_round(reported, INSPECTOR, "第2轮")
    overview = rounds.round_overview(reported)
    assert [(r["name"], r["items"], r["updated"], r["done"], r["current"]) for r in overview] == [
        ("第1轮", 317, 5, 1, False), ("第2轮", 317, 0, 1, True)]
