"""Pilot tests for 本轮报送 (a unit's round): the order, the headings, the counter, the walk to the last
item with the keyboard alone, and the inspector's way into each unit's round."""

from __future__ import annotations

import re

from textual.widgets import Static

from supervise_tui.domain import reporting
from supervise_tui.domain.edits import Actor, apply_changes, close_out
from supervise_tui.domain.queries import Scope
from supervise_tui.domain.rounds import create_round
from supervise_tui.i18n import t
from supervise_tui.ui.dialogs.form import ItemForm
from supervise_tui.ui.screens.myround import MyRoundScreen, RoundUnitsScreen
from tests.tui.kit import SIZE, build_app, crumbs, move_to_key, screen_text, settle, table_keys, table_rows

UNIT = "市税务局"
INSPECTOR = Actor("督查员")


def progress_line(app) -> str:
    return str(app.screen.query_one("#round-progress", Static).render())


def unit_items(store, unit_id: int, round_id: int) -> list[dict]:
    """The unit's items (lead and co) with their state, in list order: the expected side."""
    return [dict(r) for r in store.execute(
        "SELECT i.id, i.work_id, s.status, s.updated_at, s.closed_out FROM items i "
        "JOIN item_state s ON s.item_id = i.id AND s.round_id = ? "
        "WHERE i.retired = 0 AND i.work_id IN (SELECT work_id FROM work_units WHERE unit_id = ?) ORDER BY i.pos",
        (round_id, unit_id))]


def bucket(row: dict) -> int:
    if row["updated_at"] is not None:
        return 1
    return 0 if row["status"] != "done" and not row["closed_out"] else 2


async def test_my_round_lists_the_units_items_still_to_report_first_work_by_work_with_the_counter(
        store, isolated_locations):
    unit_id = store.execute("SELECT id FROM units WHERE name = ?", (UNIT,)).fetchone()[0]
    apply_changes(store, INSPECTOR, 1, "W01-T02", {"status": "done"})
    close_out(store, INSPECTOR, 1, "W01-T03", "核实")
    create_round(store, INSPECTOR, "第2轮")  # both carried forward: nothing to report
    apply_changes(store, INSPECTOR, 2, "W17-M01", {"note": "已报"})
    apply_changes(store, INSPECTOR, 2, "W01-M03", {}, confirm=True)
    app = build_app(isolated_locations, role="liaison", unit=UNIT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MyRoundScreen) and crumbs(app) == [t("screen.my_round"), UNIT]
        rows = unit_items(store, unit_id, 2)
        assert len(rows) == 39
        expected_order = [r["id"] for r in sorted(rows, key=lambda r: bucket(r))]  # stable: list order within
        keys = table_keys(screen.table)
        assert [k for k in keys if not k.startswith("#")] == expected_order
        # a heading before each run of one work in one bucket, naming both
        labels = reporting.work_labels(store, unit_id)
        expected_keys, last = [], None
        for r in sorted(rows, key=bucket):
            if (r["work_id"], bucket(r)) != last:
                last = (r["work_id"], bucket(r))
                expected_keys.append(f"#{r['work_id']}:{bucket(r)}")
            expected_keys.append(r["id"])
        assert keys == expected_keys
        cells = dict(zip(keys, table_rows(screen.table)))
        heading = cells["#W17:1"][0]
        w17 = labels["W17"]
        assert heading == " · ".join([t("view.reported"), f"({w17['numeral']}){w17['title']}",
                                      t("role.co"), t("round.items", n=1)])
        assert cells["#W01:2"][0].startswith(t("round.nothing_to_report"))
        # the counter: reported / (reported + still to report), the rest said apart
        assert progress_line(app).startswith(t("round.progress", done=2, total=37))
        assert t("round.left", n=35) in progress_line(app)
        assert t("round.not_due", n=2) in progress_line(app)
        assert screen.table.current_key == expected_order[0]  # the cursor on the first item, under its heading
        text = screen_text(app)
        assert t("round.progress", done=2, total=37) in text and t("view.not_reported") in text


async def test_the_whole_round_is_walked_with_enter_and_ctrl_n_and_the_counter_reaches_the_end(
        store, isolated_locations):
    unit_id = store.execute("SELECT id FROM units WHERE name = ?", (UNIT,)).fetchone()[0]
    order = [r["id"] for r in unit_items(store, unit_id, 1)]
    app = build_app(isolated_locations, user="林良卡", role="liaison", unit=UNIT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert progress_line(app).startswith(t("round.progress", done=0, total=39))
        await pilot.press("enter")
        await settle(pilot)
        walked = []
        while isinstance(app.screen, ItemForm):
            form = app.screen
            walked.append(form.item_id)
            assert t("round.progress", done=len(walked) - 1, total=39) in str(form.query_one("#form-head").render())
            await pilot.press("right", "tab", *"50", "ctrl+n")  # 推进中, 50 %, save and next
            await settle(pilot)
            assert len(walked) <= 39
        assert walked == order  # every item once, in list order
        assert (t("form.all_reported"), "information", False) in app.recorded
        assert progress_line(app).startswith(t("round.progress", done=39, total=39))
        assert t("round.all_done") in progress_line(app)
        states = store.execute("SELECT DISTINCT s.status, s.progress, s.updated_by FROM item_state s "
                               "WHERE s.round_id = 1 AND s.item_id IN (SELECT i.id FROM items i WHERE i.work_id IN "
                               "(SELECT work_id FROM work_units WHERE unit_id = ?))", (unit_id,)).fetchall()
        assert [tuple(s) for s in states] == [("in_progress", 50, "林良卡")]
        assert reporting.round_counts(store, 1, Scope(unit=unit_id))["to_report"] == 0
        headings = [k for k in table_keys(app.screen.table) if k.startswith("#")]
        assert all(k.endswith(":1") for k in headings)  # every group is reported now


async def test_m_opens_the_inspectors_list_of_units_and_enter_a_units_round(store, isolated_locations):
    apply_changes(store, INSPECTOR, 1, "W01-T01", {"note": "x"})
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        units = app.screen
        assert isinstance(units, RoundUnitsScreen)
        expected = reporting.unit_reporting(store, 1)
        assert table_keys(units.table) == [str(u["id"]) for u in expected]
        rows = dict(zip(table_keys(units.table), table_rows(units.table)))
        tax = next(u for u in expected if u["name"] == UNIT)
        assert rows[str(tax["id"])][:5] == [UNIT, "39", "1", "38", "0"]
        summary = str(units.query_one("#summary").render())
        assert re.search(rf"{len(expected)}\D", summary)
        move_to_key(units.table, str(tax["id"]))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MyRoundScreen) and crumbs(app) == [t("screen.my_round"), UNIT]
        assert progress_line(app).startswith(t("round.progress", done=1, total=39))


async def test_an_item_reported_with_one_key_moves_down_and_the_cursor_is_on_the_next_to_report(
        store, isolated_locations):
    """s on the first item: it goes down to 已报送, the cursor stays put, on the next still to report
    (a heading that came or went above it is stepped over); the next key edits that item."""
    unit_id = store.execute("SELECT id FROM units WHERE name = ?", (UNIT,)).fetchone()[0]
    order = [r["id"] for r in unit_items(store, unit_id, 1)]
    app = build_app(isolated_locations, user="林良卡", role="liaison", unit=UNIT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.table.current_key == order[0]
        for n in (1, 2):
            await pilot.press("s", "down", "enter")  # 推进中
            await settle(pilot)
            assert progress_line(app).startswith(t("round.progress", done=n, total=39))
            assert screen.table.current_key == order[n]  # the next still to report
        keys = [k for k in table_keys(screen.table) if not k.startswith("#")]
        assert keys == order[2:] + order[:2]  # the two reported, at the end in list order
        assert [k for k in table_keys(screen.table) if k.startswith("#")][-1] == "#W01:1"
        states = dict(store.execute("SELECT item_id, status FROM item_state WHERE round_id = 1 AND item_id IN (?, ?, ?)",
                                    order[:3]).fetchall())
        assert states == {order[0]: "in_progress", order[1]: "in_progress", order[2]: "not_started"}
