"""Pilot tests for the report form: every field at once beside the previous round's, saved as one
action (exact rows), save and next, cancel, undo as one step, a conflict, a refusal, a store error."""

from __future__ import annotations

import os

from textual.widgets import Input, Label, Static

from supervise_tui.domain.edits import Actor, apply_changes
from supervise_tui.domain.rounds import create_round
from supervise_tui.i18n import t
from supervise_tui.ui.dialogs.form import ItemForm
from supervise_tui.ui.dialogs.inspector import Confirm
from supervise_tui.ui.screens.browse import ItemsScreen
from supervise_tui.ui.widgets.choice import Choice
from supervise_tui.ui.widgets.safe_input import SafeInput, SafeTextArea
from tests.mounts import LockHolder
from tests.tui.kit import SIZE, audit_rows, build_app, last_audit_id, move_to_key, push_items, settle, state_row

EDITOR = "督查员王"
OTHER = Actor("另一位督查")
INSPECTOR = Actor("督查员")


def now() -> str:
    return os.environ["SUPERVISE_TUI_NOW"]


def audit(item: str, field: str | None, old, new, action: str = "edit", round_id: int = 2) -> dict:
    return {"at": now(), "user": EDITOR, "round_id": round_id, "item_id": item, "action": action, "field": field,
            "old": old, "new": new}


def without_id(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "id"} for r in rows]


def error_line(app) -> str:
    return str(app.screen.query_one("#form-error", Label).render())


def previous(form: ItemForm, field: str) -> str:
    return str(form.query_one(f"#prev-{field}", Static).render())


async def open_form(pilot, work: str, item: str) -> ItemForm:
    items = await push_items(pilot, work)
    move_to_key(items.table, item)
    await pilot.press("t")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, ItemForm) and form.item_id == item
    return form


def second_round(store) -> None:
    """Round 1 reported for W06-T01 (a numeric target: ≥ 20 名) and W06-M01, then round 2 opened."""
    apply_changes(store, INSPECTOR, 1, "W06-T01", {"value": "12", "evidence": "乐人才〔2023〕9号",
                                                   "note": "第一轮引进12名"})
    apply_changes(store, INSPECTOR, 1, "W06-M01", {"status": "behind", "progress": 40, "note": "场地未定"})
    create_round(store, INSPECTOR, "第2轮")


async def test_the_form_shows_every_field_beside_the_previous_rounds_and_saves_them_as_one_action(
        store, isolated_locations):
    second_round(store)
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot, "W06", "W06-T01")
        # the previous round beside each field; this round starts from it (carried forward)
        assert previous(form, "status") == t("status.in_progress")
        assert previous(form, "progress") == "60%"
        assert previous(form, "note") == "第一轮引进12名"
        assert previous(form, "evidence") == "乐人才〔2023〕9号"
        assert previous(form, "value") == "12 / 20 名 60%"
        assert form.query_one("#form-value-0", SafeInput).value == "12"
        progress = form.query_one("#form-progress", Input)
        assert progress.value == "60" and progress.disabled  # a numeric target's progress is its value's
        before, mark = state_row(store, "W06-T01", 2), last_audit_id(store)

        # the value reached moves the progress (and the status with it) as the store will
        value = form.query_one("#form-value-0", SafeInput)
        value.focus()
        value.value = "20"
        await settle(pilot)
        assert progress.value == "100" and form.query_one(Choice).value == "done"
        value.value = "18"
        await settle(pilot)
        assert progress.value == "90" and form.query_one(Choice).value == "in_progress"
        form.query_one("#form-note", SafeTextArea).text = "已引进18名"
        form.query_one("#form-evidence", SafeTextArea).text = "乐人才〔2023〕9号\n乐人才〔2024〕5号"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ItemsScreen)
        assert state_row(store, "W06-T01", 2) == {
            **before, "progress": 90, "value": "18", "note": "已引进18名",
            "evidence": "乐人才〔2023〕9号\n乐人才〔2024〕5号", "updated_by": EDITOR, "updated_at": now(),
            "version": before["version"] + 1}
        assert without_id(audit_rows(store, after=mark)) == [
            audit("W06-T01", "note", "第一轮引进12名", "已引进18名"),
            audit("W06-T01", "evidence", "乐人才〔2023〕9号", "乐人才〔2023〕9号\n乐人才〔2024〕5号"),
            audit("W06-T01", "value", "12", "18"),
            audit("W06-T01", "progress", "60", "90"),
        ]
        assert len(app.session.undo_stack) == 1  # one action, one undo step
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert state_row(store, "W06-T01", 2) == {**before, "version": before["version"] + 2}
        assert not app.session.undo_stack


async def test_status_and_progress_follow_each_other_in_the_form_and_a_refusal_keeps_it_open(
        store, isolated_locations):
    apply_changes(store, INSPECTOR, 1, "W01-M02", {"status": "done"})
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot, "W01", "W01-M01")
        assert previous(form, "status") == "—"  # the first round has no previous one
        choice, progress = form.query_one(Choice), form.query_one("#form-progress", Input)
        assert app.focused is choice
        await pilot.press("right", "right")  # 已完成
        await settle(pilot)
        assert (choice.value, progress.value) == ("done", "100")
        await pilot.press("1")  # 未启动, by its number
        await settle(pilot)
        assert (choice.value, progress.value) == ("not_started", "0")
        await pilot.press("tab")
        assert app.focused is progress
        await pilot.press(*"35")
        await settle(pilot)
        assert choice.value == "in_progress"
        await pilot.press("escape")  # something was typed: asked first, no by default
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form and progress.value == "35"
        await pilot.press("escape", "y")  # discarded: nothing written
        await settle(pilot)
        assert isinstance(app.screen, ItemsScreen)
        assert state_row(store, "W01-M01")["version"] == 0

        # 推进中 on a done item at 100 % needs a lower progress too: refused, the form keeps the note
        form = await open_form(pilot, "W01", "W01-M02")
        await pilot.press("left")  # 已完成 → 推进中; the progress stays at 100
        form.query_one("#form-note", SafeTextArea).text = "复核中"
        mark = last_audit_id(store)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "W01-M02" in error_line(app) and error_line(app).startswith(t("edit.refused", reason=""))
        assert form.query_one("#form-note", SafeTextArea).text == "复核中"
        assert audit_rows(store, after=mark) == []
        progress = form.query_one("#form-progress", Input)
        progress.value = "80"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ItemsScreen)
        assert [(a["field"], a["old"], a["new"]) for a in audit_rows(store, after=mark)] == [
            ("status", "done", "in_progress"), ("progress", "100", "80"), ("note", "", "复核中")]


async def test_saving_with_nothing_changed_reports_the_item_and_escape_with_nothing_typed_just_closes(
        store, isolated_locations):
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_form(pilot, "W01", "W01-T03")
        await pilot.press("escape")  # nothing typed: closed at once
        await settle(pilot)
        assert isinstance(app.screen, ItemsScreen)
        await open_form(pilot, "W01", "W01-T03")
        mark = last_audit_id(store)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ItemsScreen)
        assert without_id(audit_rows(store, after=mark)) == [audit("W01-T03", None, None, None, "confirm", 1)]
        assert state_row(store, "W01-T03")["updated_by"] == EDITOR
        assert (t("form.confirmed", id="W01-T03"), "information", False) in app.recorded
        await pilot.press("ctrl+z")  # withdrawn: not reported any more
        await settle(pilot)
        assert (state_row(store, "W01-T03")["updated_by"], state_row(store, "W01-T03")["updated_at"]) == (None, None)
        assert (t("edit.undone_report", id="W01-T03"), "information", False) in app.recorded


async def test_save_and_next_opens_the_next_item_still_to_report(store, isolated_locations):
    apply_changes(store, OTHER, 1, "W01-T02", {"note": "已报"})  # reported already: skipped
    apply_changes(store, OTHER, 1, "W01-T03", {"status": "done"})  # done, carried: nothing to report
    store.execute("UPDATE item_state SET updated_at = NULL, updated_by = NULL WHERE item_id = 'W01-T03'")
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_form(pilot, "W01", "W01-T01")
        await pilot.press("right", "ctrl+n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ItemForm) and form.item_id == "W01-T04"
        assert state_row(store, "W01-T01")["status"] == "in_progress"
        items = app.screen_stack[-2]
        assert items.table.current_key == "W01-T04"  # the table follows the walk


async def test_a_conflict_keeps_what_was_typed_shows_what_is_stored_and_a_second_save_writes_it(
        store, isolated_locations):
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot, "W01", "W01-M05")
        progress = form.query_one("#form-progress", Input)
        progress.value = "40"
        await settle(pilot)
        apply_changes(store, OTHER, 1, "W01-M05", {"note": "他人填写"})  # meanwhile, elsewhere
        mark = last_audit_id(store)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert error_line(app) == t("form.conflict", id="W01-M05", field=t("field.note"), shown="—", current="他人填写")
        assert progress.value == "40"  # kept as typed
        assert form.query_one("#form-note", SafeTextArea).text == "他人填写"  # left alone: now what is stored
        assert audit_rows(store, after=mark) == []
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ItemsScreen)
        row = state_row(store, "W01-M05")
        assert (row["status"], row["progress"], row["note"]) == ("in_progress", 40, "他人填写")


async def test_a_store_error_is_said_in_the_form_which_keeps_everything_typed(store, isolated_locations, english):
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.session.conn.execute("PRAGMA busy_timeout = 200")
        form = await open_form(pilot, "W01", "W01-M06")
        form.query_one("#form-note", SafeTextArea).text = "写了很长的一段说明"
        holder = LockHolder(isolated_locations)
        try:
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is form
            assert error_line(app) == t("edit.refused", reason=t("error.store.busy", path=isolated_locations))
            assert form.query_one("#form-note", SafeTextArea).text == "写了很长的一段说明"
        finally:
            holder.release()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ItemsScreen)
        assert state_row(store, "W01-M06")["note"] == "写了很长的一段说明"


async def test_a_liaison_opens_the_form_with_enter_and_the_detail_with_i(store, isolated_locations):
    app = build_app(isolated_locations, user=EDITOR, role="liaison", unit="市税务局")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        move_to_key(home.table, "W01-T02")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ItemForm) and app.screen.item_id == "W01-T02"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        from supervise_tui.ui.screens.detail import DetailScreen

        assert isinstance(app.screen, DetailScreen) and app.screen.item_id == "W01-T02"


async def test_stepping_through_done_gives_the_progress_back_and_a_narrow_choice_shows_the_chosen_one(
        store, isolated_locations, english):
    apply_changes(store, INSPECTOR, 1, "W01-M01", {"status": "in_progress", "progress": 30})
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = await open_form(pilot, "W01", "W01-M01")
        choice, progress = form.query_one(Choice), form.query_one("#form-progress", Input)
        await pilot.press("right")  # done: 100 %
        await settle(pilot)
        assert (choice.value, progress.value) == ("done", "100")
        await pilot.press("right")  # on to behind: the 30 % it had comes back, not a refused 100 %
        await settle(pilot)
        assert (choice.value, progress.value) == ("behind", "30")
        # the English words do not all fit beside the previous round's column at 80 columns
        drawn = str(choice.render())
        assert drawn.startswith("◀ ● behind ") and drawn.endswith("4/5") and "done" not in drawn
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ItemForm)
        row = state_row(store, "W01-M01", 1)
        assert (row["status"], row["progress"]) == ("behind", 30)
