"""Pilot tests for editing in place: status, progress, note, undo, roles, conflicts, literal text."""

from __future__ import annotations

import os
import re
import sqlite3

from rich.cells import cell_len
from textual.widgets import Input, Label, OptionList, TextArea

from supervise_tui.domain.edits import Actor, apply_changes
from supervise_tui.domain.vocab import STATUSES
from supervise_tui.i18n import t
from supervise_tui.ui.dialogs.editors import NoteEditor, ProgressInput
from supervise_tui.ui.screens.browse import ItemsScreen, PillarsScreen, WorksScreen
from supervise_tui.ui.screens.detail import DetailScreen
from supervise_tui.ui.screens.myround import MyRoundScreen
from supervise_tui.ui.screens.search import SearchScreen
from supervise_tui.ui.sources import bar
from tests.tui.kit import (
    ROUND,
    SIZE,
    audit_rows,
    build_app,
    choose_status,
    crumbs,
    last_audit_id,
    move_to_key,
    push_items,
    screen_lines,
    screen_text,
    settle,
    state_row,
    summary_text,
    table_keys,
    table_rows,
)

EDITOR = "督查员王"  # the session user; deliberately not the OS login name the conftest pins


def now() -> str:
    return os.environ["SUPERVISE_TUI_NOW"]


def audit(item_id: str, field: str, old, new, action: str = "edit", user: str = EDITOR) -> dict:
    return {"at": now(), "user": user, "round_id": ROUND, "item_id": item_id, "action": action,
            "field": field, "old": old, "new": new}


def without_id(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "id"} for r in rows]


def edited(before: dict, user: str = EDITOR, **fields) -> dict:
    """The state row ``before`` after one audited edit of ``fields``."""
    return {**before, **fields, "updated_by": user, "updated_at": now(), "version": before["version"] + 1}


def summary_counts(app) -> dict[str, int]:
    return {label: int(n) for label, n in re.findall(r"([^\d·\s]+)\s*(\d+)", summary_text(app))}


def row_of(table, key: str) -> list[str]:
    return dict(zip(table_keys(table), table_rows(table)))[key]


def column(table, heading: str) -> int:
    return [c.label for c in table.source.columns].index(t(heading))


async def open_work_items(pilot, store, work_id: str) -> ItemsScreen:
    """2 → the work's pillar → the work → its items, by keys."""
    pillar = store.execute("SELECT pillar_id FROM works WHERE id = ?", (work_id,)).fetchone()[0]
    await pilot.press("2")
    await settle(pilot)
    move_to_key(pilot.app.screen.table, pillar)
    await pilot.press("enter")
    await settle(pilot)
    move_to_key(pilot.app.screen.table, work_id)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ItemsScreen)
    return pilot.app.screen



async def type_progress(pilot, text: str) -> ProgressInput:
    """p, clear the field, type ``text``, enter; returns the dialog."""
    await pilot.press("p")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ProgressInput)
    field = dialog.query_one(Input)
    await pilot.press(*["backspace"] * len(field.value), *text, "enter")
    await settle(pilot)
    return dialog


# --------------------------------------------------------------------------- status, progress, note


async def test_status_picker_offers_all_five_statuses_and_each_is_saved(store, isolated_locations):
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = await push_items(pilot, "W03")
        item = items.table.current_key
        before, mark = state_row(store, item), last_audit_id(store)
        expected, old, state, progress = [], "not_started", before, 0
        # 已完成 brings 100 % and 未启动 0 %: the progress follows, and says so
        for code, follows in (("in_progress", None), ("behind", None), ("blocked", None), ("done", 100),
                              ("not_started", 0)):
            await pilot.press("s")
            await settle(pilot)
            options = app.screen.query_one(OptionList)
            assert [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)] \
                == [t(f"status.{c}") for c in STATUSES] == ["未启动", "推进中", "已完成", "滞后", "受阻"]
            assert options.highlighted == STATUSES.index(old)  # it opens on the current status
            steps = STATUSES.index(code) - STATUSES.index(old)
            app.recorded.clear()
            await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
            await settle(pilot)
            assert app.screen is items
            state = edited(state, status=code, **({} if follows is None else {"progress": follows}))
            assert state_row(store, item) == state
            assert row_of(items.table, item)[column(items.table, "col.status")] == t(f"status.{code}")
            expected.append(audit(item, "status", old, code))
            said = [t("edit.change", field=t("field.status"), old=t(f"status.{old}"), new=t(f"status.{code}"))]
            if follows is not None:
                expected.append(audit(item, "progress", str(progress), str(follows)))
                said.append(t("edit.change", field=t("field.progress"), old=f"{progress}%", new=f"{follows}%"))
                progress = follows
            assert [m for m, _, _ in app.recorded] == [t("edit.saved", id=item, changes="; ".join(said))]
            old = code
        assert without_id(audit_rows(store, after=mark)) == expected


async def test_a_done_item_needs_its_progress_before_another_status(store, isolated_locations):
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = await push_items(pilot, "W03")
        item = items.table.current_key
        await choose_status(pilot, "done")
        before, mark = state_row(store, item), last_audit_id(store)
        assert (before["status"], before["progress"]) == ("done", 100)
        app.recorded.clear()
        await choose_status(pilot, "behind")  # refused: it is at 100 %
        assert state_row(store, item) == before and audit_rows(store, after=mark) == []
        assert [(m, s) for m, s, _ in app.recorded] == [(t("edit.refused", reason=t(
            "error.status_progress.below_100", id=item, status=t("status.behind"))), "error")]
        await type_progress(pilot, "70")  # the progress first: the status follows to 推进中
        assert (state_row(store, item)["status"], state_row(store, item)["progress"]) == ("in_progress", 70)
        await choose_status(pilot, "behind")
        assert (state_row(store, item)["status"], state_row(store, item)["progress"]) == ("behind", 70)


async def test_progress_rejects_101_and_letters_and_writes_nothing_then_saves_40(store, isolated_locations):
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = await push_items(pilot, "W01")
        item = items.table.current_key
        before, mark = state_row(store, item), last_audit_id(store)

        dialog = await type_progress(pilot, "101")
        assert app.screen is dialog  # still open, with the reason
        assert str(dialog.query_one("#progress-error", Label).render()) == t("edit.bad_progress")
        field = dialog.query_one(Input)
        await pilot.press("a", "b", "c")  # letters are not even typed
        assert field.value == "101"
        field.value = "abc"  # pasted, say
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert str(dialog.query_one("#progress-error", Label).render()) == t("edit.bad_progress")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is items
        assert state_row(store, item) == before
        assert audit_rows(store, after=mark) == []

        await type_progress(pilot, "40")
        assert app.screen is items
        assert state_row(store, item) == edited(before, progress=40, status="in_progress")  # 未启动 follows
        assert without_id(audit_rows(store, after=mark)) == [audit(item, "progress", "0", "40"),
                                                             audit(item, "status", "not_started", "in_progress")]
        assert row_of(items.table, item)[column(items.table, "col.progress")] == "40%"


async def test_note_is_multi_line_ctrl_s_saves_and_escape_cancels(store, isolated_locations):
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = await push_items(pilot, "W02")
        item = items.table.current_key
        before, mark = state_row(store, item), last_audit_id(store)

        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"已召开", "enter", "x")
        assert app.screen.query_one(TextArea).text == "已召开\nx"
        await pilot.press("escape")  # cancel: nothing written
        await settle(pilot)
        assert app.screen is items
        assert state_row(store, item) == before
        assert audit_rows(store, after=mark) == []

        await pilot.press("n")
        await settle(pilot)
        area = app.screen.query_one(TextArea)
        assert area.text == ""  # the cancelled text is gone
        await pilot.press(*"已召开", "enter")
        area.insert("second [b]line[/b]")
        await pilot.press("ctrl+s")
        await settle(pilot)
        note = "已召开\nsecond [b]line[/b]"
        assert app.screen is items
        assert state_row(store, item) == edited(before, note=note)
        assert without_id(audit_rows(store, after=mark)) == [audit(item, "note", "", note)]
        # the note column shows it on one line, the break made visible, the brackets as typed
        assert row_of(items.table, item)[column(items.table, "col.note")] == note
        line = next(ln for ln in screen_lines(app) if item in ln)
        assert "已召开␊second" in line

        await pilot.press("n")  # the editor opens on the saved note
        await settle(pilot)
        assert app.screen.query_one(TextArea).text == note


# --------------------------------------------------------------------------- the detail screen


async def test_status_progress_and_note_on_the_detail_screen(store, isolated_locations):
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = await push_items(pilot, "W05")
        item = "W05-M03"
        move_to_key(items.table, item)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen) and detail.item_id == item
        before, mark = state_row(store, item), last_audit_id(store)

        await choose_status(pilot, "in_progress")
        assert app.screen is detail
        after_status = edited(before, status="in_progress")
        assert state_row(store, item) == after_status
        await type_progress(pilot, "55")
        after_progress = edited(after_status, progress=55)
        assert state_row(store, item) == after_progress
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"第一行", "enter")
        app.screen.query_one(TextArea).insert("第二行")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert state_row(store, item) == edited(after_progress, note="第一行\n第二行")
        assert without_id(audit_rows(store, after=mark)) == [
            audit(item, "status", "not_started", "in_progress"),
            audit(item, "progress", "0", "55"),
            audit(item, "note", "", "第一行\n第二行"),
        ]
        text = screen_text(app)
        assert t("status.in_progress") in text and "55%" in text
        assert "第一行" in text and "第二行" in text
        audit_lines = [ln for ln in screen_lines(app) if EDITOR in ln and t("audit.action.edit") in ln]
        assert len(audit_lines) >= 3  # the audit trail on the screen has the three rows

        # back on the items screen the row and the counts show the edits
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is items
        row = row_of(items.table, item)
        assert row[column(items.table, "col.status")] == t("status.in_progress")
        assert row[column(items.table, "col.progress")] == "55%"
        assert summary_counts(app)[t("status.in_progress")] == 1


async def test_status_on_the_items_screen_writes_exact_rows_and_shows_in_every_roll_up(store, isolated_locations):
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = await open_work_items(pilot, store, "W01")
        assert summary_counts(app)[t("status.done")] == 0
        item = "W01-M01"
        move_to_key(items.table, item)
        before, mark = state_row(store, item), last_audit_id(store)
        reported = store.execute("SELECT count(*) FROM item_state WHERE version > 0").fetchone()[0]
        await choose_status(pilot, "done")
        assert app.screen is items
        assert state_row(store, item) == edited(before, status="done", progress=100)
        assert without_id(audit_rows(store, after=mark)) == [audit(item, "status", "not_started", "done"),
                                                             audit(item, "progress", "0", "100")]
        assert store.execute("SELECT count(*) FROM item_state WHERE version > 0").fetchone()[0] == reported + 1
        assert row_of(items.table, item)[column(items.table, "col.status")] == t("status.done")
        assert t("status.done") in next(ln for ln in screen_lines(app) if item in ln)
        assert any(t("status.done") in msg and item in msg for msg, _, _ in app.recorded)

        await type_progress(pilot, "100")
        move_to_key(items.table, "W01-M02")
        await choose_status(pilot, "blocked")
        counts = summary_counts(app)
        assert counts[t("status.done")] == 1 and counts[t("status.not_started")] == counts["共"] - 2
        assert counts[t("col.behind")] == 1

        def sql_progress(where: str, *args) -> str:
            value = store.execute(
                f"SELECT round(avg(s.progress), 1) FROM items i JOIN works w ON w.id = i.work_id "
                f"JOIN item_state s ON s.item_id = i.id AND s.round_id = {ROUND} WHERE i.retired = 0 AND {where}",
                args).fetchone()[0]
            return bar(value)

        await pilot.press("escape")  # → the pillar's works
        await settle(pilot)
        works = app.screen
        assert isinstance(works, WorksScreen)
        w01 = row_of(works.table, "W01")
        assert w01[column(works.table, "col.done")] == "1"
        assert w01[column(works.table, "col.behind")] == "1"
        assert w01[column(works.table, "col.progress")] == sql_progress("i.work_id = 'W01'")
        await pilot.press("escape")  # → the pillars
        await settle(pilot)
        assert isinstance(app.screen, PillarsScreen)
        p1 = row_of(app.screen.table, "P1")
        assert p1[column(app.screen.table, "col.done")] == "1"
        assert p1[column(app.screen.table, "col.behind")] == "1"
        assert p1[column(app.screen.table, "col.progress")] == sql_progress("w.pillar_id = 'P1'")

        await pilot.press("1")  # the overview, in another mode
        await settle(pilot)
        assert row_of(app.screen.table, "P1")[column(app.screen.table, "col.done")] == "1"
        assert summary_counts(app)[t("status.done")] == 1
        await pilot.press("3")  # the lead unit of W01
        await settle(pilot)
        lead = store.execute("SELECT unit_id FROM work_units WHERE work_id = 'W01' AND role = 'lead'").fetchone()[0]
        assert row_of(app.screen.table, str(lead))[column(app.screen.table, "col.done")] == "1"
        assert row_of(app.screen.table, str(lead))[column(app.screen.table, "col.behind")] == "1"


# --------------------------------------------------------------------------- undo


async def test_ctrl_z_undoes_the_last_change_and_the_undo_is_audited(store, isolated_locations):
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+z")  # nothing yet
        await settle(pilot)
        assert [(m, s) for m, s, _ in app.recorded] == [(t("edit.nothing_to_undo"), "warning")]
        mark = last_audit_id(store)

        items = await push_items(pilot, "W04")
        item = items.table.current_key
        before = state_row(store, item)
        await choose_status(pilot, "behind")
        await type_progress(pilot, "30")
        after_two = edited(edited(before, status="behind"), progress=30)
        assert state_row(store, item) == after_two

        await pilot.press("ctrl+z")  # the progress goes back
        await settle(pilot)
        assert state_row(store, item) == edited(after_two, progress=0)
        assert row_of(items.table, item)[column(items.table, "col.progress")] == "0%"
        await pilot.press("ctrl+z")  # then the status: the item is as it was, not reported in this round
        await settle(pilot)
        assert state_row(store, item) == {**before, "version": before["version"] + 4}
        assert row_of(items.table, item)[column(items.table, "col.status")] == t("status.not_started")
        assert summary_counts(app)[t("col.behind")] == 0
        assert without_id(audit_rows(store, after=mark)) == [
            audit(item, "status", "not_started", "behind"),
            audit(item, "progress", "0", "30"),
            audit(item, "progress", "30", "0", action="undo"),
            audit(item, "status", "behind", "not_started", action="undo"),
        ]
        assert any(m == t("edit.undone", id=item, field=t("field.status")) for m, _, _ in app.recorded)

        app.recorded.clear()
        await pilot.press("ctrl+z")  # nothing left of this session
        await settle(pilot)
        assert [(m, s) for m, s, _ in app.recorded] == [(t("edit.nothing_to_undo"), "warning")]
        assert len(audit_rows(store, after=mark)) == 4

        # an undo of a change someone else has changed since is refused, nothing written
        await choose_status(pilot, "done")
        apply_changes(store, Actor("另一人"), ROUND, item, {"status": "blocked", "progress": 90})
        before, mark = state_row(store, item), last_audit_id(store)
        app.recorded.clear()
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert state_row(store, item) == before
        assert audit_rows(store, after=mark) == []
        [(message, severity, _)] = app.recorded
        assert severity == "error" and message.startswith(t("edit.refused", reason=""))


# --------------------------------------------------------------------------- roles


async def test_a_liaison_opens_on_their_units_round_and_cannot_edit_other_units(store, isolated_locations):
    unit = "市税务局"
    unit_id = store.execute("SELECT id FROM units WHERE name = ?", (unit,)).fetchone()[0]
    own = [r[0] for r in store.execute(
        "SELECT i.id FROM items i WHERE i.retired = 0 AND i.work_id IN "
        "(SELECT work_id FROM work_units WHERE unit_id = ?) ORDER BY i.pos", (unit_id,))]
    other = store.execute(
        "SELECT i.id FROM items i WHERE i.work_id NOT IN (SELECT work_id FROM work_units WHERE unit_id = ?) "
        "AND i.retired = 0 ORDER BY i.pos LIMIT 1 OFFSET 3", (unit_id,)).fetchone()[0]
    app = build_app(isolated_locations, user=EDITOR, role="liaison", unit=unit)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, MyRoundScreen)  # 本轮报送: every item still to report, work by work
        assert crumbs(app) == [t("screen.my_round"), unit]
        assert [k for k in table_keys(home.table) if not k.startswith("#")] == own
        assert summary_counts(app)["共"] == len(own)
        top = screen_lines(app)[0]
        assert unit in top and t("role.liaison") in top and EDITOR in top

        # their own item (as a co-unit too) is theirs to edit
        co_item = store.execute(
            "SELECT i.id FROM items i JOIN work_units wu ON wu.work_id = i.work_id "
            "WHERE wu.unit_id = ? AND wu.role = 'co' ORDER BY i.pos LIMIT 1", (unit_id,)).fetchone()[0]
        move_to_key(home.table, co_item)
        mark = last_audit_id(store)
        await choose_status(pilot, "in_progress")
        assert state_row(store, co_item)["status"] == "in_progress"
        assert without_id(audit_rows(store, after=mark)) == [
            audit(co_item, "status", "not_started", "in_progress")]

        # another unit's item, reached through search: refused, nothing written
        await pilot.press("slash")
        await settle(pilot)
        search = app.screen
        assert isinstance(search, SearchScreen)
        search.query_one(Input).value = other
        await pilot.press("enter")
        await settle(pilot)
        assert table_keys(search.table) == [other]
        before, mark = state_row(store, other), last_audit_id(store)
        app.recorded.clear()
        await choose_status(pilot, "done")
        assert app.screen is search
        await type_progress(pilot, "5")
        assert app.screen is search
        assert state_row(store, other) == before
        assert audit_rows(store, after=mark) == []
        refusals = [m for m, s, _ in app.recorded if s == "error"]
        assert len(refusals) == 2 and len(app.recorded) == 2
        assert all(m.startswith(t("edit.refused", reason="")) and other in m for m in refusals)
        assert row_of(search.table, other)[column(search.table, "col.status")] == t("status.not_started")

        # the overview, built behind the liaison's first screen, counts when it is first shown
        await pilot.press("escape", "1")
        await settle(pilot)
        assert app.current_mode == "overview"
        total = store.execute("SELECT count(*) FROM items WHERE retired = 0").fetchone()[0]
        assert f"共 {total} 项" in summary_text(app)


# --------------------------------------------------------------------------- conflicts


async def test_a_change_made_elsewhere_since_it_was_shown_refuses_the_edit(store, isolated_locations):
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = await push_items(pilot, "W01")
        item = "W01-T03"
        move_to_key(items.table, item)
        await settle(pilot)  # the row is on screen, as the user sees it
        assert row_of(items.table, item)[column(items.table, "col.status")] == t("status.not_started")

        # another process changes the status through its own connection
        other = sqlite3.connect(isolated_locations, isolation_level=None)
        other.row_factory = sqlite3.Row
        try:
            apply_changes(other, Actor("另一人"), ROUND, item, {"status": "blocked"})
        finally:
            other.close()
        before, mark = state_row(store, item), last_audit_id(store)
        app.recorded.clear()

        await choose_status(pilot, "done")
        assert state_row(store, item) == before  # still the other's value
        assert audit_rows(store, after=mark) == []
        [(message, severity, markup)] = app.recorded
        assert severity == "error" and markup is False
        assert message == t("edit.conflict", id=item, field=t("field.status"),
                            shown=t("status.not_started"), current=t("status.blocked"))
        assert "未启动" in message and "受阻" in message
        # the view now shows what is stored, and an edit from there goes through
        assert row_of(items.table, item)[column(items.table, "col.status")] == t("status.blocked")
        await choose_status(pilot, "done")
        assert state_row(store, item)["status"] == "done"
        assert without_id(audit_rows(store, after=mark)) == [audit(item, "status", "blocked", "done"),
                                                             audit(item, "progress", "0", "100")]

        # on the detail screen, a raw write by a second connection (no version bump) to the note
        item = "W01-T04"
        move_to_key(items.table, item)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.item_id == item
        other = sqlite3.connect(isolated_locations, isolation_level=None)
        try:
            other.execute("UPDATE item_state SET note = '外部修改' WHERE round_id = ? AND item_id = ?", (ROUND, item))
        finally:
            other.close()
        before, mark = state_row(store, item), last_audit_id(store)
        app.recorded.clear()
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.query_one(TextArea).text == ""  # what the screen showed
        await pilot.press("x", "ctrl+s")
        await settle(pilot)
        assert state_row(store, item) == before
        assert audit_rows(store, after=mark) == []
        [(message, severity, _)] = app.recorded
        assert severity == "error"
        assert message == t("edit.conflict", id=item, field=t("field.note"), shown="", current="外部修改")
        assert "外部修改" in screen_text(app)  # the detail re-read the store


async def test_the_states_kept_for_the_conflict_check_are_only_those_of_cached_rows(
        store, isolated_locations, monkeypatch):
    """Scrolling through every item keeps no more states than the table's page cache holds."""
    import gc

    from supervise_tui.domain.queries import Scope
    from supervise_tui.ui.sources import ItemRow
    from supervise_tui.ui.widgets.vtable import VirtualTable

    monkeypatch.setattr(VirtualTable, "PAGE_SIZE", 10)
    monkeypatch.setattr(VirtualTable, "MAX_PAGES", 2)
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ItemsScreen(["all"], Scope()))
        await settle(pilot)
        table = app.screen.table
        total = store.execute("SELECT count(*) FROM items WHERE retired = 0").fetchone()[0]
        assert table.row_count == total > 200
        first = table.current_key
        while table.cursor_row < total - 1:
            table.action_page_down()
            _ = table.current_row  # what the cursor row shows is read, as when it is drawn
        gc.collect()
        alive = [o for o in gc.get_objects() if type(o) is ItemRow]
        assert len(alive) <= 2 * 10 + 10  # two cached pages (and at most one page in flight)
        assert all(o[0] in table_keys(table) for o in alive)

        # back at the top, the state used for the conflict check is that of the row re-read
        table.move_cursor(0)
        await settle(pilot)
        other = sqlite3.connect(isolated_locations, isolation_level=None)
        other.row_factory = sqlite3.Row
        try:
            apply_changes(other, Actor("另一人"), ROUND, first, {"progress": 15})
        finally:
            other.close()
        table.reload()  # as after any edit: the page is read again
        await settle(pilot)
        assert app.screen.shown_state(first)["progress"] == 15
        await type_progress(pilot, "20")  # no conflict: the state checked is the one re-read
        assert state_row(store, first)["progress"] == 20


# --------------------------------------------------------------------------- text is shown literally

PAYLOAD = "[b]bold[/b] [@click=app.quit]x[/] [link=https://x]y[/link] \x1b[31mred \u202eevil [unbalanced"
TAIL = "\x1b[31mred \u202eevil [unbalanced"
SHOWN = "[b]bold[/b] [@click=app.quit]x[/] [link=https://x]y[/link] ␛[31mred \ufffdevil [unbalanced"


def assert_no_control(lines: list[str]) -> None:
    for ln in lines:
        assert "\x1b" not in ln and "\u202e" not in ln and "\x9b" not in ln, repr(ln)


async def click_text(pilot, needle: str) -> tuple[int, int]:
    """Click the screen where ``needle`` is drawn; returns the (x, y) clicked."""
    for y, ln in enumerate(screen_lines(pilot.app)):
        if needle in ln:
            x = cell_len(ln[:ln.index(needle)]) + 1
            assert await pilot.click(offset=(x, y))
            await settle(pilot)
            return x, y
    raise AssertionError(f"{needle!r} is not on the screen")


async def test_markup_and_escape_sequences_in_a_note_are_shown_literally_and_clicks_do_nothing(
        store, isolated_locations):
    apply_changes(store, Actor("外部"), ROUND, "W01-T02", {"note": PAYLOAD})
    apply_changes(store, Actor("外部"), ROUND, "W01-T03", {"note": TAIL})
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = await push_items(pilot, "W01")
        assert items.table.cursor_row == 0
        lines = screen_lines(app)
        assert_no_control(lines)
        payload_line = next(ln for ln in lines if "W01-T02" in ln)
        tail_line = next(ln for ln in lines if "W01-T03" in ln)
        assert "[b]bold[/b] [@cli" in payload_line  # as much as the note column holds
        assert "␛[31mred \ufffdevil" in tail_line

        await click_text(pilot, "[@cli")
        assert app.is_running and app.return_code is None
        assert app.screen is items
        assert items.table.current_key == "W01-T02"  # the click only moved the cursor

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.item_id == "W01-T02"
        lines = screen_lines(app)
        assert_no_control(lines)
        assert any(SHOWN in ln for ln in lines), "\n".join(lines)
        for needle in ("[@click=app.quit]x[/]", "[link=https://x]y[/link]"):
            await click_text(pilot, needle)
            assert app.is_running and app.return_code is None
            assert isinstance(app.screen, DetailScreen)
        assert not [m for m, _, _ in app.recorded if "https://x" in m]
