"""A round's reporting: filters and orders against plain Python over the stored rows, what counts as
reported, what comes next, a report that changes nothing, undo of a report, bulk status — exact rows."""

from __future__ import annotations

import pytest

from supervise_tui.domain import queries, reporting
from supervise_tui.domain.edits import Actor, Conflict, EditRefused, apply_changes, bulk_set, close_out, undo
from supervise_tui.domain.lights import LIGHT_RANK
from supervise_tui.domain.queries import Scope
from supervise_tui.domain.rounds import close_round, create_round
from supervise_tui.errors import FrozenRound

INSPECTOR = Actor("督查员")


def _at(monkeypatch, minute: int) -> None:
    monkeypatch.setenv("SUPERVISE_TUI_NOW", f"2024-04-02T09:{minute:02d}:00+08:00")


@pytest.fixture
def rounds(store, monkeypatch):
    """Round 1 reported in part and a close-out; round 2 opened from it, two items reported in it."""
    tax = queries.resolve_unit(store, "市税务局")
    apply_changes(store, INSPECTOR, 1, "W01-T01", {"status": "in_progress", "progress": 30})
    apply_changes(store, INSPECTOR, 1, "W01-M01", {"status": "done"})
    apply_changes(store, INSPECTOR, 1, "W01-M02", {"note": "第一轮"})
    close_out(store, INSPECTOR, 1, "W01-M03", "核实已完成")
    create_round(store, INSPECTOR, "第2轮")
    _at(monkeypatch, 1)
    apply_changes(store, INSPECTOR, 2, "W01-T01", {"progress": 50})
    _at(monkeypatch, 2)
    apply_changes(store, INSPECTOR, 2, "W01-M04", {}, confirm=True)  # reviewed, nothing to change
    _at(monkeypatch, 3)
    apply_changes(store, INSPECTOR, 2, "W17-T01", {"status": "blocked"})
    return tax


def _rows(store, round_id: int, unit: int) -> list[dict]:
    """The unit's items with their state, read plainly: the expected side of every comparison."""
    rows = store.execute(
        "SELECT i.id, i.pos, s.status, s.progress, s.note, s.updated_at, s.closed_out, wu.role, "
        "p.status AS p_status, p.progress AS p_progress, p.note AS p_note, p.closed_out AS p_closed "
        "FROM items i JOIN work_units wu ON wu.work_id = i.work_id AND wu.unit_id = ? "
        "JOIN item_state s ON s.item_id = i.id AND s.round_id = ? "
        "LEFT JOIN item_state p ON p.item_id = i.id AND p.round_id = ? - 1 "
        "WHERE i.retired = 0 ORDER BY i.pos", (unit, round_id, round_id))
    return [dict(r) for r in rows]


def _ids(store, round_id: int, scope: Scope, order: str = "list") -> list[str]:
    return [r["id"] for r in reporting.items_by_rowid(store, round_id,
                                                         reporting.ordered_ids(store, round_id, scope, order))]


def test_reported_means_saved_in_this_round_and_not_reported_is_the_chase_lists(store, rounds):
    rows = _rows(store, 2, rounds)
    assert len(rows) == 39
    reported = [r["id"] for r in rows if r["updated_at"] is not None]
    to_report = [r["id"] for r in rows if r["updated_at"] is None and r["status"] != "done" and not r["closed_out"]]
    assert reported == ["W01-T01", "W01-M04", "W17-T01"]
    assert "W01-M01" not in to_report and "W01-M03" not in to_report  # done / closed out, carried forward
    scope = Scope(unit=rounds)
    assert _ids(store, 2, scope.but(reported=True)) == reported
    assert _ids(store, 2, scope.but(reported=False)) == to_report
    assert queries.count_items(store, 2, scope.but(reported=False)) == len(to_report) == 34
    assert reporting.round_counts(store, 2, scope) == {"items": 39, "reported": 3, "to_report": 34,
                                                       "nothing_to_report": 2}
    # the chase list's not-reported items are the same items
    chased = {i["id"] for g in queries.chase_list(store, 2) for i in g["items"] if i["not_reported"]}
    assert set(to_report) <= chased
    assert not chased & {"W01-M01", "W01-M03", *reported}


def test_changed_since_the_previous_round_compares_every_reported_field(store, rounds):
    rows = _rows(store, 2, rounds)
    changed = [r["id"] for r in rows if (r["status"], r["progress"], r["note"], r["closed_out"])
               != (r["p_status"], r["p_progress"], r["p_note"], r["p_closed"])]
    assert changed == ["W01-T01", "W17-T01"]  # W01-M04 was reported, but nothing changed
    assert _ids(store, 2, Scope(unit=rounds, changed=True)) == changed
    assert _ids(store, 2, Scope(unit=rounds, changed=False)) == [r["id"] for r in rows if r["id"] not in changed]


def test_filters_combine_and_the_role_filter_is_the_units_role(store, rounds):
    rows = _rows(store, 2, rounds)
    lead_blocked = Scope(unit=rounds, unit_role="co", status="blocked")
    assert _ids(store, 2, lead_blocked) == [r["id"] for r in rows if r["role"] == "co" and r["status"] == "blocked"] \
        == ["W17-T01"]
    red = Scope(unit=rounds, light="red", reported=False)
    lights = {r["id"]: r["light"] for r in queries.page_items(store, 2, Scope(unit=rounds))}
    assert _ids(store, 2, red) == [r["id"] for r in rows if lights[r["id"]] == "red" and r["id"] not in
                                   ("W01-T01", "W01-M04", "W17-T01") and r["status"] != "done" and not r["closed_out"]]
    # the paged table (no order) gives the same rows and count as the materialised order
    assert [r["id"] for r in queries.page_items(store, 2, red, 0, 100)] == _ids(store, 2, red)
    assert queries.count_items(store, 2, red) == len(_ids(store, 2, red))


def test_every_order_against_python(store, rounds):
    scope = Scope(unit=rounds)
    items = queries.page_items(store, 2, scope)
    pos = {r["id"]: n for n, r in enumerate(items)}
    assert _ids(store, 2, scope, "list") == [r["id"] for r in items]
    assert _ids(store, 2, scope, "light") == [r["id"] for r in sorted(
        items, key=lambda r: (LIGHT_RANK.index(r["light"]), pos[r["id"]]))]
    assert _ids(store, 2, scope, "progress") == [r["id"] for r in sorted(items, key=lambda r: (r["progress"],
                                                                                                pos[r["id"]]))]
    newest = _ids(store, 2, scope, "changed_at")
    assert newest[:3] == ["W17-T01", "W01-M04", "W01-T01"]  # the newest change first, never-changed last
    assert newest[3:] == [r["id"] for r in items if r["id"] not in newest[:3]]
    bucket = {r["id"]: reporting.round_bucket(r) for r in items}
    assert _ids(store, 2, scope, reporting.ROUND_ORDER) == [r["id"] for r in sorted(
        items, key=lambda r: (bucket[r["id"]], pos[r["id"]]))]
    assert [bucket[i] for i in ("W01-T02", "W01-T01", "W01-M01", "W01-M03")] == [
        reporting.TO_REPORT, reporting.REPORTED_BUCKET, reporting.NOTHING_TO_REPORT, reporting.NOTHING_TO_REPORT]


def test_next_to_report_goes_down_the_list_then_from_the_top(store, rounds):
    scope = Scope(unit=rounds)
    to_report = _ids(store, 2, scope.but(reported=False))
    assert reporting.next_to_report(store, 2, scope, None) == to_report[0] == "W01-T02"
    assert reporting.next_to_report(store, 2, scope, "W01-T02") == "W01-T03"
    assert reporting.next_to_report(store, 2, scope, "W01-M03") == "W01-M05"  # M04 is reported
    assert reporting.next_to_report(store, 2, scope, to_report[-1]) == to_report[0]  # round the end
    # walk it: report each, and the walk ends on None with every item reported
    walked, item = [], reporting.next_to_report(store, 2, scope, None)
    while item is not None:
        walked.append(item)
        apply_changes(store, INSPECTOR, 2, item, {}, confirm=True)
        item = reporting.next_to_report(store, 2, scope, item)
    assert walked == to_report
    assert reporting.round_counts(store, 2, scope) == {"items": 39, "reported": 37, "to_report": 0,
                                                       "nothing_to_report": 2}


def test_previous_state_is_the_round_before(store, rounds):
    prev = reporting.previous_state(store, 2, "W01-T01")
    assert (prev["round_name"], prev["status"], prev["progress"]) == ("第1轮", "in_progress", 30)
    assert reporting.previous_state(store, 1, "W01-T01") is None
    assert reporting.has_previous_round(store, 2) and not reporting.has_previous_round(store, 1)


def test_unit_reporting_lists_every_unit_with_its_counts(store, rounds):
    by_name = {u["name"]: u for u in reporting.unit_reporting(store, 2)}
    assert {k: by_name["市税务局"][k] for k in ("items", "reported", "to_report", "nothing_to_report")} == {
        "items": 39, "reported": 3, "to_report": 34, "nothing_to_report": 2}
    counts = reporting.unit_reporting(store, 2)
    assert [u["to_report"] for u in counts] == sorted((u["to_report"] for u in counts), reverse=True)


def _audit(store, after: int) -> list[tuple]:
    return [tuple(r) for r in store.execute(
        "SELECT user, round_id, item_id, action, field, old, new FROM audit WHERE id > ? ORDER BY id", (after,))]


def _mark(store) -> int:
    return store.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]


def _stamp(store, item: str, round_id: int = 1) -> tuple:
    return tuple(store.execute("SELECT updated_by, updated_at, version FROM item_state "
                               "WHERE round_id = ? AND item_id = ?", (round_id, item)).fetchone())


def test_a_report_that_changes_nothing_is_a_confirmation_and_its_undo_unreports(store, monkeypatch):
    mark = _mark(store)
    _at(monkeypatch, 5)
    done = apply_changes(store, INSPECTOR, 1, "W01-T02", {}, confirm=True)
    assert list(done) == [] and done and done.confirmed == [(1, "W01-T02")]
    assert _stamp(store, "W01-T02") == ("督查员", "2024-04-02T09:05:00+08:00", 1)
    assert _audit(store, mark) == [("督查员", 1, "W01-T02", "confirm", None, None, None)]
    # without confirm, nothing changed is nothing written
    assert not apply_changes(store, INSPECTOR, 1, "W01-T03", {"note": ""})
    assert _stamp(store, "W01-T03") == (None, None, 0)
    undo(store, INSPECTOR, done)
    assert _stamp(store, "W01-T02") == (None, None, 2)
    assert _audit(store, mark)[1:] == [("督查员", 1, "W01-T02", "undo", None, None, None)]


def test_undo_of_an_items_first_report_makes_it_not_reported_again(store, monkeypatch):
    first = apply_changes(store, INSPECTOR, 1, "W01-T02", {"status": "in_progress", "progress": 20, "note": "开始"})
    assert first.stamps == {(1, "W01-T02"): ((None, None), ("督查员", "2024-03-15T10:00:00+08:00"))}
    _at(monkeypatch, 7)
    second = apply_changes(store, INSPECTOR, 1, "W01-T02", {"progress": 40})
    undo(store, INSPECTOR, second)  # back to the first report, its stamp too
    assert _stamp(store, "W01-T02")[:2] == ("督查员", "2024-03-15T10:00:00+08:00")
    undo(store, INSPECTOR, first)
    row = store.execute("SELECT status, progress, note, updated_by, updated_at FROM item_state "
                        "WHERE round_id = 1 AND item_id = 'W01-T02'").fetchone()
    assert tuple(row) == ("not_started", 0, "", None, None)
    assert queries.count_items(store, 1, Scope(work="W01", reported=True)) == 0


def test_undo_keeps_the_stamp_of_someone_who_saved_since(store, monkeypatch):
    first = apply_changes(store, INSPECTOR, 1, "W01-T02", {"progress": 20})
    _at(monkeypatch, 9)
    apply_changes(store, Actor("另一位"), 1, "W01-T02", {"note": "补充"})
    undo(store, INSPECTOR, first)  # the progress goes back; the item stays reported (by the other person)
    assert _stamp(store, "W01-T02")[:2] == ("督查员", "2024-04-02T09:09:00+08:00")
    confirm = apply_changes(store, INSPECTOR, 1, "W01-T03", {}, confirm=True)
    _at(monkeypatch, 10)
    apply_changes(store, Actor("另一位"), 1, "W01-T03", {}, confirm=True)
    with pytest.raises(EditRefused) as refused:
        undo(store, INSPECTOR, confirm)
    assert refused.value.key == "error.undo.saved_since"


def test_bulk_status_is_one_transaction_with_each_items_audit_rows_and_one_undo(store):
    apply_changes(store, INSPECTOR, 1, "W01-T02", {"status": "in_progress", "progress": 40})
    mark = _mark(store)
    done = bulk_set(store, INSPECTOR, 1, ["W01-T01", "W01-T02", "W01-T03"], {"status": "behind"})
    assert _audit(store, mark) == [
        ("督查员", 1, "W01-T01", "bulk", "status", "not_started", "behind"),
        ("督查员", 1, "W01-T02", "bulk", "status", "in_progress", "behind"),
        ("督查员", 1, "W01-T03", "bulk", "status", "not_started", "behind"),
    ]
    assert done.items == [(1, "W01-T01"), (1, "W01-T02"), (1, "W01-T03")]
    mark = _mark(store)
    undo(store, INSPECTOR, done)
    assert [r[2:] for r in _audit(store, mark)] == [
        ("W01-T01", "undo", "status", "behind", "not_started"),
        ("W01-T02", "undo", "status", "behind", "in_progress"),
        ("W01-T03", "undo", "status", "behind", "not_started"),
    ]
    assert [_stamp(store, i)[:2] for i in ("W01-T01", "W01-T03")] == [(None, None)] * 2


def test_bulk_done_brings_each_items_progress_and_a_light_needs_its_reason(store):
    mark = _mark(store)
    bulk_set(store, INSPECTOR, 1, ["W01-T01", "W01-T02"], {"status": "done"})
    assert [r[2:] for r in _audit(store, mark)] == [
        ("W01-T01", "bulk", "status", "not_started", "done"), ("W01-T01", "bulk", "progress", "0", "100"),
        ("W01-T02", "bulk", "status", "not_started", "done"), ("W01-T02", "bulk", "progress", "0", "100")]
    mark = _mark(store)
    with pytest.raises(EditRefused) as refused:
        bulk_set(store, INSPECTOR, 1, ["W01-T03", "W01-T04"], {"light": "red", "light_reason": " "})
    assert refused.value.key == "error.light_reason" and _mark(store) == mark
    bulk_set(store, INSPECTOR, 1, ["W01-T03", "W01-T04"], {"light": "red", "light_reason": "现场核查未见进展"})
    assert [r[2:] for r in _audit(store, mark)] == [
        ("W01-T03", "bulk", "light", None, "red"), ("W01-T03", "bulk", "light_reason", "", "现场核查未见进展"),
        ("W01-T04", "bulk", "light", None, "red"), ("W01-T04", "bulk", "light_reason", "", "现场核查未见进展")]


def test_bulk_is_refused_whole_naming_the_closed_out_items_or_the_closed_round(store, english):
    close_out(store, INSPECTOR, 1, "W01-T03", "核实")
    close_out(store, INSPECTOR, 1, "W01-M02", "核实")
    mark = _mark(store)
    with pytest.raises(EditRefused) as refused:
        bulk_set(store, INSPECTOR, 1, ["W01-T01", "W01-M02", "W01-T02", "W01-T03"], {"status": "behind"})
    assert str(refused.value) == ("2 of the selected items are closed out (销号): W01-T03、W01-M02; unselect them "
                                  "and try again (nothing was changed)")
    assert _mark(store) == mark
    assert _stamp(store, "W01-T01") == (None, None, 0)
    # one item that the rules refuse refuses them all
    apply_changes(store, INSPECTOR, 1, "W01-T02", {"status": "done"})
    mark = _mark(store)
    with pytest.raises(EditRefused) as refused:
        bulk_set(store, INSPECTOR, 1, ["W01-T01", "W01-T02"], {"status": "behind"})
    assert refused.value.key == "error.status_progress.below_100" and _mark(store) == mark
    # a stale view of any one item is a conflict, and nothing is written
    with pytest.raises(Conflict):
        bulk_set(store, INSPECTOR, 1, ["W01-T01", "W01-T04"], {"status": "behind"},
                 shown={"W01-T04": {"status": "in_progress"}})
    assert _mark(store) == mark
    close_round(store, INSPECTOR, 1)
    with pytest.raises(FrozenRound):
        bulk_set(store, INSPECTOR, 1, ["W01-T01"], {"status": "behind"})
    with pytest.raises(EditRefused) as refused:
        bulk_set(store, Actor("林良卡", role="liaison", unit_id=1), 1, ["W01-T01"], {"status": "behind"})
    assert refused.value.key == "error.inspector_only"
