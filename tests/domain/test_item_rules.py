"""The rules every edit path obeys: status ⇔ progress, and close-out (销号) with its reopening — exact rows."""

from __future__ import annotations

import pytest

from supervise_tui.domain import queries, rounds
from supervise_tui.domain.edits import Actor, EditRefused, apply_changes, close_out, reopen_close_out, set_light, undo

INSPECTOR = Actor("督查员")
LIAISON = Actor("林良卡", role="liaison", unit_id=None)
ITEM = "W01-M01"
NOW = "2024-03-15T10:00:00+08:00"  # conftest pins the clock


def _put(store, status: str, progress: int) -> None:
    """Store a starting state directly (as an older store or an import may hold it)."""
    store.execute("UPDATE item_state SET status = ?, progress = ? WHERE round_id = 1 AND item_id = ?",
                  (status, progress, ITEM))


def _state(store, item: str = ITEM, round_id: int = 1) -> tuple:
    return tuple(store.execute("SELECT status, progress FROM item_state WHERE round_id = ? AND item_id = ?",
                               (round_id, item)).fetchone())


def _audit(store, after: int) -> list[tuple]:
    return [tuple(r) for r in store.execute(
        "SELECT action, item_id, field, old, new FROM audit WHERE id > ? ORDER BY id", (after,))]


def _mark(store) -> int:
    return store.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]


# (stored status, stored progress), the edit, the stored pair after it
FOLLOWS = [
    # status given: 已完成 brings 100 %, 未启动 brings 0 %, the others keep the progress
    (("not_started", 0), {"status": "done"}, ("done", 100)),
    (("in_progress", 40), {"status": "done"}, ("done", 100)),
    (("in_progress", 40), {"status": "not_started"}, ("not_started", 0)),
    (("not_started", 0), {"status": "in_progress"}, ("in_progress", 0)),
    (("in_progress", 40), {"status": "behind"}, ("behind", 40)),
    (("behind", 40), {"status": "blocked"}, ("blocked", 40)),
    (("done", 100), {"status": "not_started"}, ("not_started", 0)),
    # progress given: 100 % is done; leaving 0 % starts the item; leaving 100 % reopens it
    (("not_started", 0), {"progress": 100}, ("done", 100)),
    (("blocked", 60), {"progress": 100}, ("done", 100)),
    (("not_started", 0), {"progress": 30}, ("in_progress", 30)),
    (("done", 100), {"progress": 80}, ("in_progress", 80)),
    (("done", 100), {"progress": 0}, ("not_started", 0)),
    (("behind", 30), {"progress": 50}, ("behind", 50)),
    (("blocked", 30), {"progress": 0}, ("blocked", 0)),
    (("in_progress", 30), {"progress": 0}, ("in_progress", 0)),
    # both given and agreeing
    (("done", 100), {"status": "behind", "progress": 70}, ("behind", 70)),
    (("not_started", 0), {"status": "done", "progress": 100}, ("done", 100)),
    # an older store's contradiction is mended by the next edit of either field
    (("done", 0), {"status": "done"}, ("done", 100)),
    (("not_started", 40), {"progress": 50}, ("in_progress", 50)),
]


@pytest.mark.parametrize("stored, edit, expected", FOLLOWS)
def test_the_other_field_follows(store, stored, edit, expected):
    _put(store, *stored)
    mark = _mark(store)
    apply_changes(store, INSPECTOR, 1, ITEM, edit)
    assert _state(store) == expected
    # each changed field has its audit row, the one typed first, the one that followed after it
    moved = [(f, str(a), str(b)) for f, a, b in zip(("status", "progress"), stored, expected) if a != b]
    order = list(edit) + [f for f in ("status", "progress") if f not in edit]
    assert _audit(store, mark) == [("edit", ITEM, f, old, new)
                                   for f in order for g, old, new in moved if g == f]


REFUSED = [
    (("done", 100), {"status": "in_progress"}, "error.status_progress.below_100"),
    (("done", 100), {"status": "blocked"}, "error.status_progress.below_100"),
    (("in_progress", 40), {"status": "done", "progress": 90}, "error.status_progress.done"),
    (("in_progress", 40), {"status": "in_progress", "progress": 100}, "error.status_progress.full"),
    (("in_progress", 40), {"status": "not_started", "progress": 10}, "error.status_progress.not_started"),
]


@pytest.mark.parametrize("stored, edit, key", REFUSED)
def test_a_contradiction_is_refused_and_nothing_written(store, stored, edit, key):
    _put(store, *stored)
    mark = _mark(store)
    with pytest.raises(EditRefused) as refused:
        apply_changes(store, INSPECTOR, 1, ITEM, edit)
    assert refused.value.key == key and refused.value.params["id"] == ITEM
    assert _state(store) == stored and _audit(store, mark) == []


def test_the_rule_binds_a_liaison_too(store):
    unit = queries.resolve_unit(store, "市税务局")
    liaison = Actor("林良卡", role="liaison", unit_id=unit)
    apply_changes(store, liaison, 1, ITEM, {"progress": 100})
    assert _state(store) == ("done", 100)
    with pytest.raises(EditRefused) as refused:
        apply_changes(store, liaison, 1, ITEM, {"status": "behind"})
    assert refused.value.key == "error.status_progress.below_100"


def test_undo_puts_back_both_fields_exactly(store):
    _put(store, "in_progress", 40)
    changes = apply_changes(store, INSPECTOR, 1, ITEM, {"progress": 100})
    assert [(c.field, c.old, c.new) for c in changes] == [("progress", 40, 100), ("status", "in_progress", "done")]
    undo(store, INSPECTOR, changes)
    assert _state(store) == ("in_progress", 40)


def test_the_refusals_read_in_both_languages(store):
    from supervise_tui.i18n import set_language

    _put(store, "done", 100)
    with pytest.raises(EditRefused) as refused:
        apply_changes(store, INSPECTOR, 1, ITEM, {"status": "behind"})
    assert str(refused.value) == "W01-M01 的进度为 100%(已完成);改为滞后须同时把进度改到 100% 以下"
    set_language("en")
    assert str(refused.value) == ("W01-M01 is at 100 % (done); to make it behind, give a progress below 100 % "
                                  "too")


# --------------------------------------------------------------------------- close-out


def _row(store, item: str = ITEM, round_id: int = 1) -> dict:
    return dict(store.execute(
        "SELECT status, progress, light, light_reason, closed_out, closed_at, closed_by FROM item_state "
        "WHERE round_id = ? AND item_id = ?", (round_id, item)).fetchone())


def test_a_not_done_item_is_closed_out_only_with_a_reason(store):
    mark = _mark(store)
    with pytest.raises(EditRefused) as refused:
        close_out(store, INSPECTOR, 1, ITEM)
    assert refused.value.key == "error.close_out.not_done"
    with pytest.raises(EditRefused):
        close_out(store, INSPECTOR, 1, ITEM, "   ")
    assert _row(store)["closed_out"] == 0 and _audit(store, mark) == []
    close_out(store, INSPECTOR, 1, ITEM, "现场核查已办结")
    assert _row(store) == {"status": "done", "progress": 100, "light": None, "light_reason": "",
                           "closed_out": 1, "closed_at": NOW, "closed_by": "督查员"}
    assert _audit(store, mark) == [
        ("close_out", ITEM, "status", "not_started", "done"), ("close_out", ITEM, "progress", "0", "100"),
        ("close_out", ITEM, "closed_out", "0", "1"), ("close_out", ITEM, "reason", None, "现场核查已办结")]


def test_a_done_item_closes_out_without_a_reason(store):
    apply_changes(store, INSPECTOR, 1, ITEM, {"status": "done"})
    mark = _mark(store)
    close_out(store, INSPECTOR, 1, ITEM)
    assert _audit(store, mark) == [("close_out", ITEM, "closed_out", "0", "1")]


def test_close_out_clears_the_override_is_green_and_never_chased(store):
    set_light(store, INSPECTOR, 1, ITEM, "red", "抽查发现进度不实")
    assert queries.get_item(store, 1, ITEM)["light"] == "red"
    mark = _mark(store)
    close_out(store, INSPECTOR, 1, ITEM, "复核已办结")
    assert _row(store)["light"] is None and _row(store)["light_reason"] == ""
    assert ("close_out", ITEM, "light", "red", None) in _audit(store, mark)
    assert ("close_out", ITEM, "light_reason", "抽查发现进度不实", "") in _audit(store, mark)
    assert queries.get_item(store, 1, ITEM)["light"] == "green"
    chased = {i["id"] for g in queries.chase_list(store, 1) for i in g["items"]}
    assert ITEM not in chased and "W01-M02" in chased
    # carried into the next round: still closed out, green, not chased
    r2 = rounds.create_round(store, INSPECTOR, "第2轮")
    assert _row(store, round_id=r2.id)["closed_out"] == 1
    assert queries.get_item(store, r2.id, ITEM)["light"] == "green"
    assert ITEM not in {i["id"] for g in queries.chase_list(store, r2.id) for i in g["items"]}


def test_a_stored_override_on_a_closed_out_item_does_not_show(store):
    """A store written before close-out cleared overrides: the close-out still wins, in SQL and Python."""
    store.execute("UPDATE item_state SET closed_out = 1, status = 'done', progress = 100, light = 'red', "
                  "light_reason = '旧数据' WHERE round_id = 1 AND item_id = ?", (ITEM,))
    assert queries.get_item(store, 1, ITEM)["light"] == "green"
    assert queries.item_detail(store, 1, ITEM)["history"][0]["light"] == "green"


def test_only_an_inspector_closes_out_or_reopens(store):
    unit = queries.resolve_unit(store, "市税务局")
    liaison = Actor("林良卡", role="liaison", unit_id=unit)
    with pytest.raises(EditRefused) as refused:
        close_out(store, liaison, 1, ITEM, "x")
    assert refused.value.key == "error.inspector_only"
    close_out(store, INSPECTOR, 1, ITEM, "核查已办结")
    with pytest.raises(EditRefused) as refused:
        reopen_close_out(store, liaison, 1, ITEM, "x")
    assert refused.value.key == "error.inspector_only"
    with pytest.raises(EditRefused) as refused:
        apply_changes(store, liaison, 1, ITEM, {"progress": 50})
    assert refused.value.key == "error.closed_out_locked"


def test_reopening_a_close_out_needs_a_reason_and_is_audited(store):
    close_out(store, INSPECTOR, 1, ITEM, "核查已办结")
    with pytest.raises(EditRefused) as refused:
        reopen_close_out(store, INSPECTOR, 1, ITEM, " ")
    assert refused.value.key == "error.close_out.reason_needed"
    mark = _mark(store)
    reopen_close_out(store, INSPECTOR, 1, ITEM, "复核发现未办结")
    assert _row(store) == {"status": "done", "progress": 100, "light": None, "light_reason": "",
                           "closed_out": 0, "closed_at": None, "closed_by": None}
    assert _audit(store, mark) == [("reopen_close_out", ITEM, "closed_out", "1", "0"),
                                   ("reopen_close_out", ITEM, "reason", None, "复核发现未办结")]
    apply_changes(store, INSPECTOR, 1, ITEM, {"progress": 60})  # open to edits again
    assert _state(store) == ("in_progress", 60)
    with pytest.raises(EditRefused) as refused:
        reopen_close_out(store, INSPECTOR, 1, ITEM, "again")
    assert refused.value.key == "error.close_out.not_closed"
