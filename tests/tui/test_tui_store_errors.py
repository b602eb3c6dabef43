"""A failing store while the TUI saves: a held lock, a full disk, a read-only file, a damaged page.

Each is said in the dialog, the dialog stays open with what the user typed, and the app keeps
running; once the cause is gone the same dialog saves.
"""

from __future__ import annotations

import pytest
from textual.widgets import Label

from supervise_tui.i18n import t
from supervise_tui.ui.dialogs.editors import NoteEditor, StatusPicker
from supervise_tui.ui.dialogs.rounds import RoundForm
from supervise_tui.ui.screens.detail import DetailScreen
from supervise_tui.ui.widgets.safe_input import SafeTextArea
from tests.mounts import LockHolder, damage_page, fill, put_on, tiny_disk
from tests.tui.kit import SIZE, build_app, move_to_key, push_items, settle, state_row

pytestmark = pytest.mark.usefixtures("english")

NOTE = "第一行\n第二行 typed before the failure"


def error_line(app) -> str:
    return str(app.screen.query_one(".editor-error", Label).render())


async def open_note(pilot, item: str = "W01-T01") -> NoteEditor:
    items = await push_items(pilot, "W01")
    move_to_key(items.table, item)
    await pilot.press("n")
    await settle(pilot)
    editor = pilot.app.screen
    assert isinstance(editor, NoteEditor)
    editor.query_one(SafeTextArea).text = NOTE
    return editor


async def test_a_lock_held_past_the_busy_timeout_is_said_in_the_editor_which_keeps_the_note(
        store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.session.conn.execute("PRAGMA busy_timeout = 200")  # the test's patience, not the app's 10 s
        editor = await open_note(pilot)
        holder = LockHolder(isolated_locations)
        try:
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.is_running and app.screen is editor
            assert error_line(app) == t("edit.refused", reason=t("error.store.busy", path=isolated_locations))
            assert editor.query_one(SafeTextArea).text == NOTE
            assert state_row(store, "W01-T01")["note"] == ""
        finally:
            holder.release()
        await pilot.press("ctrl+s")  # the other program is done: the same dialog saves
        await settle(pilot)
        assert app.screen is not editor
        assert state_row(store, "W01-T01")["note"] == NOTE


async def test_a_full_disk_is_said_in_the_editor_and_reads_go_on(store, isolated_locations, tmp_path):
    with tiny_disk(tmp_path / "tiny") as disk:
        db = put_on(isolated_locations, disk)
        app = build_app(db)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            editor = await open_note(pilot)
            filler = fill(disk)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.is_running and app.screen is editor
            assert error_line(app) == t("edit.refused", reason=t("error.store.full", path=db))
            assert editor.query_one(SafeTextArea).text == NOTE
            await pilot.press("escape", "enter")  # the views still read the store: the item opens
            await settle(pilot)
            assert isinstance(app.screen, DetailScreen) and app.screen.item["id"] == "W01-T01"
            filler.unlink()
            await pilot.press("n")
            await settle(pilot)
            app.screen.query_one(SafeTextArea).text = NOTE
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, NoteEditor)
            assert state_row(app.session.conn, "W01-T01")["note"] == NOTE


async def test_a_store_that_turns_read_only_under_the_app_is_said_in_the_dialog(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = await push_items(pilot, "W01")
        move_to_key(items.table, "W01-T02")
        # as when the file's permissions change or its disk is remounted read-only after the start
        app.session.conn.execute("PRAGMA query_only = ON")
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StatusPicker)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, StatusPicker)
        assert error_line(app) == t("edit.refused", reason=t("error.store.read_only", path=isolated_locations,
                                                             reason=t("store.ro.file")))
        assert state_row(store, "W01-T02")["status"] == "not_started"


async def test_a_damaged_page_met_while_saving_is_said_with_what_to_do(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_note(pilot, "W01-T02")
        damage_page(isolated_locations, "audit_item")  # the index every edit's audit row goes into
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.is_running and app.screen is editor
        message = error_line(app)
        assert message.startswith(t("edit.refused", reason=f"{isolated_locations}: the store is damaged ("))
        assert message.endswith("restore it from a backup (`supervise-tui check` lists the damage)")
        assert editor.query_one(SafeTextArea).text == NOTE


async def test_the_new_round_form_keeps_what_was_typed_when_the_store_is_locked(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.session.conn.execute("PRAGMA busy_timeout = 200")
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RoundForm)
        await pilot.press(*"2024Q2")
        holder = LockHolder(isolated_locations)
        try:
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is form
            assert error_line(app) == t("edit.refused", reason=t("error.store.busy", path=isolated_locations))
            assert form.query_one("#round-name").value == "2024Q2"
        finally:
            holder.release()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not form
        assert store.execute("SELECT name FROM rounds ORDER BY id DESC").fetchone()[0] == "2024Q2"
