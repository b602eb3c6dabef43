"""Pilot tests for filters, orders and bulk status on the item tables: the rows against plain SQL and
Python, the filter line in words, clearing with one key, marks, and bulk status with its refusal."""

from __future__ import annotations

from textual.widgets import Label, OptionList, Select, Static

from supervise_tui.domain.edits import Actor, apply_changes, close_out, set_light
from supervise_tui.domain.lights import LIGHT_RANK, OwnSpan, basis_for_round, compute_light
from supervise_tui.domain.queries import Scope
from supervise_tui.domain.rounds import create_round
from supervise_tui.domain.vocab import STATUSES
from supervise_tui.i18n import t
from supervise_tui.ui.dialogs.filters import BulkDialog, FilterDialog
from supervise_tui.ui.itemview import ItemView
from supervise_tui.ui.screens.browse import ItemsScreen
from tests.tui.kit import (
    SIZE,
    audit_rows,
    build_app,
    choose_in_select,
    last_audit_id,
    move_to_key,
    screen_lines,
    settle,
    state_row,
    table_keys,
)

UNIT = "市税务局"
INSPECTOR = Actor("督查员")


def scenario(store, monkeypatch) -> int:
    """Round 1 reported in part, round 2 opened from it and reported in part; the tax office's id."""
    for item, changes in [("W01-T01", {"status": "in_progress", "progress": 30}), ("W01-T02", {"status": "done"}),
                          ("W01-M01", {"status": "blocked", "progress": 10}), ("W17-T01", {"note": "第一轮"})]:
        apply_changes(store, INSPECTOR, 1, item, changes)
    create_round(store, INSPECTOR, "第2轮")
    for minute, (item, changes) in enumerate([("W01-T01", {"progress": 60}), ("W01-M02", {"status": "behind"}),
                                              ("W17-M01", {"note": "配合推进"}), ("W01-M03", {})]):
        monkeypatch.setenv("SUPERVISE_TUI_NOW", f"2024-04-02T09:{minute:02d}:00+08:00")
        apply_changes(store, INSPECTOR, 2, item, changes, confirm=True)
    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2024-04-02T09:10:00+08:00")
    set_light(store, INSPECTOR, 2, "W01-M04", "red", "抽查未见进展")
    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2024-04-03T10:00:00+08:00")
    return store.execute("SELECT id FROM units WHERE name = ?", (UNIT,)).fetchone()[0]


def rows(store, unit_id: int) -> list[dict]:
    """The unit's items in round 2, read plainly, with their light worked out in Python."""
    basis = basis_for_round(store, 2)
    out = []
    for r in store.execute(
            "SELECT i.id, i.pos, i.span_start, i.span_end, i.deadline, wu.role, w.stage_start, w.stage_end, s.*, "
            "p.status AS p_status, "
            "p.progress AS p_progress, p.note AS p_note, p.light AS p_light "
            "FROM items i JOIN works w ON w.id = i.work_id JOIN work_units wu ON wu.work_id = w.id AND wu.unit_id = ? "
            "JOIN item_state s ON s.item_id = i.id AND s.round_id = 2 "
            "LEFT JOIN item_state p ON p.item_id = i.id AND p.round_id = 1 WHERE i.retired = 0 ORDER BY i.pos",
            (unit_id,)):
        row = dict(r)
        row["effective"] = compute_light(row["status"], row["progress"], row["stage_start"], row["stage_end"], basis,
                                         override=row["light"], closed_out=bool(row["closed_out"]), own=OwnSpan.of(row))
        row["changed"] = (row["status"], row["progress"], row["note"], row["light"]) != (
            row["p_status"], row["p_progress"], row["p_note"], row["p_light"])
        out.append(row)
    return out


async def unit_items(pilot, unit_id: int) -> ItemsScreen:
    pilot.app.push_screen(ItemsScreen([UNIT], Scope(unit=unit_id)))
    await settle(pilot)
    return pilot.app.screen


def view_line(app) -> str:
    line = app.screen.query_one("#view-line", Static)
    return str(line.render()) if line.display else ""


async def test_f_filters_by_every_choice_and_the_rows_are_the_stored_rows(store, isolated_locations, monkeypatch):
    unit_id = scenario(store, monkeypatch)
    expected = rows(store, unit_id)
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await unit_items(pilot, unit_id)
        assert view_line(app) == ""
        assert table_keys(screen.table) == [r["id"] for r in expected]

        await pilot.press("f")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FilterDialog)
        await choose_in_select(pilot, dialog.query_one("#f-light", Select), "red")
        await choose_in_select(pilot, dialog.query_one("#f-reported", Select), False)
        dialog.query_one("#go").press()
        await settle(pilot)
        assert app.screen is screen
        assert view_line(app) == "筛选: 红灯 · 未报送"
        assert table_keys(screen.table) == [r["id"] for r in expected if r["effective"] == "red"
                                            and r["updated_at"] is None and r["status"] != "done"
                                            and not r["closed_out"]]
        assert str(screen.query_one("#summary").render()).startswith(f"共 {screen.table.row_count} 项")

        cases = [
            (ItemView(status="blocked"), lambda r: r["status"] == "blocked", "筛选: 受阻"),
            (ItemView(reported=True), lambda r: r["updated_at"] is not None, "筛选: 已报送"),
            (ItemView(role="co"), lambda r: r["role"] == "co", "筛选: 配合单位"),
            (ItemView(changed=True), lambda r: r["changed"], "筛选: 较上轮有变化"),
            (ItemView(changed=False, role="lead"), lambda r: not r["changed"] and r["role"] == "lead",
             "筛选: 牵头单位 · 较上轮无变化"),
            (ItemView(light="yellow", status="not_started"),
             lambda r: r["effective"] == "yellow" and r["status"] == "not_started", "筛选: 未启动 · 黄灯"),
        ]
        for view, keep, words in cases:
            screen.set_view(view)
            await settle(pilot)
            assert table_keys(screen.table) == [r["id"] for r in expected if keep(r)], words
            assert view_line(app) == words
        assert table_keys(screen.table)  # the last case is not empty

        await pilot.press("x")  # one key clears it
        await settle(pilot)
        assert view_line(app) == ""
        assert screen.view == ItemView()
        assert table_keys(screen.table) == [r["id"] for r in expected]
        shown = {b.binding.action for b in screen.active_bindings.values()}
        assert "clear_filter" not in shown  # nothing left to clear: off the key bar


async def test_o_sorts_by_light_progress_and_last_change_then_back_to_the_list(
        store, isolated_locations, monkeypatch):
    unit_id = scenario(store, monkeypatch)
    expected = rows(store, unit_id)
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await unit_items(pilot, unit_id)
        orders = [
            ("排序: 亮灯(红灯在前)", sorted(expected, key=lambda r: (LIGHT_RANK.index(r["effective"]), r["pos"]))),
            ("排序: 进度(低的在前)", sorted(expected, key=lambda r: (r["progress"], r["pos"]))),
            ("排序: 最近修改(新的在前)", sorted(expected, key=lambda r: (
                r["updated_at"] is None, "".join(chr(0x10FFFF - ord(c)) for c in r["updated_at"] or ""), r["pos"]))),
        ]
        for words, order in orders:
            await pilot.press("o")
            await settle(pilot)
            assert view_line(app) == words
            assert table_keys(screen.table) == [r["id"] for r in order]
        assert table_keys(screen.table)[:4] == ["W01-M04", "W01-M03", "W17-M01", "W01-M02"]
        await pilot.press("o")  # round the cycle: the list's own order, nothing in the line
        await settle(pilot)
        assert view_line(app) == "" and table_keys(screen.table) == [r["id"] for r in expected]
        # a filter and an order together, in words
        screen.set_view(ItemView(status="in_progress", order="progress"))
        await settle(pilot)
        assert view_line(app) == "筛选: 推进中   排序: 进度(低的在前)"
        assert table_keys(screen.table) == [r["id"] for r in sorted(
            (r for r in expected if r["status"] == "in_progress"), key=lambda r: (r["progress"], r["pos"]))]


async def test_a_filtered_table_keeps_up_with_edits_and_the_cursor_stays_put(store, isolated_locations, monkeypatch):
    unit_id = scenario(store, monkeypatch)
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await unit_items(pilot, unit_id)
        screen.set_view(ItemView(reported=False))
        await settle(pilot)
        before = table_keys(screen.table)
        index = move_to_key(screen.table, before[2])
        await pilot.press("t", "right", "ctrl+s")  # reported: it leaves the filter
        await settle(pilot)
        assert table_keys(screen.table) == before[:2] + before[3:]
        assert screen.table.cursor_row == index and screen.table.current_key == before[3]


async def test_space_marks_rows_and_b_sets_one_status_for_all_with_exact_audit_rows_and_one_undo(
        store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await unit_items(pilot, store.execute("SELECT id FROM units WHERE name = ?", (UNIT,)).fetchone()[0])
        move_to_key(screen.table, "W01-T02")
        await pilot.press("space", "space", "down", "space")  # W01-T02, W01-T03, (skip T04), W01-M01
        await settle(pilot)
        assert screen.table.marks == {"W01-T02", "W01-T03", "W01-M01"}
        assert view_line(app) == t("view.marked", n=3)
        assert "●W01-T03" in next(ln for ln in screen_lines(app) if "W01-T03" in ln)
        assert "●W01-T04" not in next(ln for ln in screen_lines(app) if "W01-T04" in ln)
        mark = last_audit_id(store)
        await pilot.press("b")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, BulkDialog)
        await pilot.press(*["down"] * STATUSES.index("behind"), "enter")
        await settle(pilot)
        assert app.screen is screen
        assert [(a["item_id"], a["action"], a["field"], a["old"], a["new"]) for a in audit_rows(store, after=mark)] == [
            ("W01-T02", "bulk", "status", "not_started", "behind"),
            ("W01-T03", "bulk", "status", "not_started", "behind"),
            ("W01-M01", "bulk", "status", "not_started", "behind"),
        ]
        assert screen.table.marks == frozenset() and view_line(app) == ""
        assert (t("bulk.saved", n=3, field=t("field.status"), value=t("status.behind")), "information",
                False) in app.recorded
        await pilot.press("ctrl+z")  # one step undoes all three
        await settle(pilot)
        assert {state_row(store, i)["status"] for i in ("W01-T02", "W01-T03", "W01-M01")} == {"not_started"}
        assert (t("edit.undone_items", n=3), "information", False) in app.recorded


async def test_bulk_status_is_refused_whole_naming_the_closed_out_item_and_the_dialog_stays(
        store, isolated_locations):
    close_out(store, INSPECTOR, 1, "W01-T03", "核实已办结")
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await unit_items(pilot, store.execute("SELECT id FROM units WHERE name = ?", (UNIT,)).fetchone()[0])
        move_to_key(screen.table, "W01-T02")
        await pilot.press("space", "space", "space")
        mark = last_audit_id(store)
        await pilot.press("b")
        await settle(pilot)
        dialog = app.screen
        await pilot.press(*["down"] * STATUSES.index("blocked"), "enter")
        await settle(pilot)
        assert app.screen is dialog
        error = str(dialog.query_one("#bulk-error", Label).render())
        assert error == t("edit.refused", reason=t("error.bulk.closed_out", n=1, ids="W01-T03"))
        assert audit_rows(store, after=mark) == []
        # a light needs its reason: said in the dialog, then written for all
        options = dialog.query_one(OptionList)
        options.highlighted = len(STATUSES) + 2  # 红
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is dialog.query_one("#bulk-reason")
        await pilot.press("enter")
        await settle(pilot)
        assert str(dialog.query_one("#bulk-error", Label).render()) == t("edit.light_reason_needed")


async def test_a_liaison_has_no_marks_or_bulk(store, isolated_locations):
    app = build_app(isolated_locations, role="liaison", unit=UNIT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = {b.binding.action for b in app.screen.active_bindings.values()}
        assert {"filter", "sort", "form"} <= shown and not {"mark", "bulk"} & shown
        await pilot.press("space", "b")
        await settle(pilot)
        assert app.screen.table.marks == frozenset()
        assert not isinstance(app.screen, BulkDialog)
