"""Pilot tests: an open session that another process moved the current round under, and the top-level
keys that always open their own screen's top."""

from __future__ import annotations

from textual.widgets import Static

from supervise_tui.domain.edits import Actor
from supervise_tui.domain.rounds import create_round
from supervise_tui.i18n import t
from supervise_tui.ui.dialogs.editors import StatusPicker
from supervise_tui.ui.dialogs.inspector import Confirm
from supervise_tui.ui.screens.browse import ItemsScreen, UnitsScreen
from supervise_tui.ui.screens.detail import DetailScreen
from supervise_tui.ui.screens.rounds import RoundsScreen
from supervise_tui.ui.screens.search import SearchScreen
from tests.tui.kit import (
    ROUND,
    SIZE,
    audit_rows,
    build_app,
    choose_status,
    last_audit_id,
    move_to_key,
    push_items,
    screen_lines,
    screen_text,
    settle,
    state_row,
)

ELSEWHERE = Actor("另一督查")


def banner(app) -> Static:
    return app.screen.query_one("#round-banner", Static)


async def test_a_newer_round_opened_elsewhere_is_shown_and_an_edit_asks_first(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = await push_items(pilot, "W01")
        move_to_key(items.table, "W01-T01")
        assert not banner(app).display
        assert "u" not in {a.binding.key for a in app.screen.active_bindings.values()}

        # another process opens 第2轮 (and so makes it the store's current round)
        create_round(store, ELSEWHERE, "第2轮")
        app.poll_round()  # what the app's timer runs
        await settle(pilot)
        assert app.session.round.id == ROUND  # the screen still shows, and would write to, 第1轮
        expected = t("tui.round_moved.banner", current="第2轮", shown="第1轮")
        assert banner(app).display and expected in screen_text(app).replace("\n", "")
        assert (t("tui.round_moved.note", current="第2轮", shown="第1轮"), "warning", True) in app.recorded
        assert "u" in {a.binding.key for a in app.screen.active_bindings.values()}

        # s asks first, no by default: enter by habit writes nothing and opens no picker
        mark = last_audit_id(store)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert t("tui.round_moved.ask", current="第2轮", shown="第1轮") in screen_text(app)
        assert len(app._notifications) == 0  # the notice of the move is cleared: it would cover the question
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is items and audit_rows(store, after=mark) == []

        # y: the picker opens and the edit lands in 第1轮, the round on screen
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, StatusPicker)
        await pilot.press("escape")
        await settle(pilot)
        await choose_status(pilot, "in_progress")  # agreed once: not asked again for this newer round
        assert state_row(store, "W01-T01", ROUND)["status"] == "in_progress"
        assert state_row(store, "W01-T01", 2)["status"] == "not_started"
        assert [(a["round_id"], a["item_id"]) for a in audit_rows(store, after=mark)][:1] == [(ROUND, "W01-T01")]

        # u: show and write to 第2轮 from now on; the banner goes
        await pilot.press("u")
        await settle(pilot)
        assert app.session.round.id == 2 and not banner(app).display
        assert t("bar.round", name="第2轮") in screen_lines(app)[0]
        assert (t("tui.round_followed", name="第2轮"), "information", True) in app.recorded


async def test_an_edit_in_flight_when_the_round_moves_is_refused_and_nothing_written(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = await push_items(pilot, "W01")
        move_to_key(items.table, "W01-T01")
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StatusPicker)
        create_round(store, ELSEWHERE, "第2轮")  # while the picker is open: no poll has seen it yet
        mark = last_audit_id(store)
        await pilot.press("down", "enter")
        await settle(pilot)
        message = t("edit.refused", reason=t("error.round_moved", current="第2轮", shown="第1轮"))
        assert message in [m for m, _, _ in app.recorded]
        assert audit_rows(store, after=mark) == []
        assert state_row(store, "W01-T01", ROUND)["status"] == "not_started"


async def test_a_top_level_key_opens_its_screen_at_the_top(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # 3: drill into a unit's items and its detail, move the cursor down
        await pilot.press("3")
        await settle(pilot)
        units = app.screen
        assert isinstance(units, UnitsScreen)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ItemsScreen)
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        # r, a search from there, then r again: the rounds screen's top, no search left in it
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RoundsScreen)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"W01-T01", "down", "enter")  # the search, then its first result
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RoundsScreen) and len(app.screen_stack) == 1
        assert app.screen.crumbs == [t("screen.rounds")]
        # 3 again: the units list itself, cursor on the first row, not the old drill-down
        await pilot.press("3")
        await settle(pilot)
        assert app.screen is units and len(app.screen_stack) == 1
        assert units.table.cursor_row == 0 and app.focused is units.table
        assert t("screen.units") in screen_lines(app)[0]
