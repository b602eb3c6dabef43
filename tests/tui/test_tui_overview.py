"""Pilot tests: the overview answers who is behind — units ranked by red, not-reported and overdue items,
and a red list, most severe first, that takes the focus and opens an item with enter."""

from __future__ import annotations

from supervise_tui.domain.edits import Actor, apply_changes, set_light
from supervise_tui.domain.standing import red_items, units_behind
from supervise_tui.i18n import t
from supervise_tui.ui.screens.detail import DetailScreen
from supervise_tui.ui.screens.overview import RED_SHOWN, TOP_UNITS, OverviewScreen
from supervise_tui.ui.widgets.vtable import VirtualTable
from tests.tui.kit import build_app, screen_lines, screen_text, settle, table_keys, table_rows

INSPECTOR = Actor("督查员")


def script(store, monkeypatch) -> None:
    """2026-02-01: the 2023-2025 stage has ended; a few reports, an override and a blocked item."""
    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2026-02-01T09:00:00+08:00")
    apply_changes(store, INSPECTOR, 1, "W01-T01", {"status": "in_progress", "progress": 50})
    apply_changes(store, INSPECTOR, 1, "W05-M01", {"status": "blocked", "progress": 5})
    set_light(store, INSPECTOR, 1, "W03-M02", "red", "群众反映强烈")


async def test_overview_ranks_units_by_red_then_unreported_and_opens_the_worst_red_item(
        store, isolated_locations, monkeypatch):
    script(store, monkeypatch)
    units = units_behind(store, 1, TOP_UNITS)
    reds = red_items(store, 1, RED_SHOWN)
    total_red = len(red_items(store, 1))
    app = build_app(isolated_locations)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OverviewScreen)
        text = screen_text(app)
        # the units: most red first, each with its red, not-reported and overdue counts
        lines = screen_lines(app)
        start = next(n for n, row in enumerate(lines) if t("overview.worst_units") in row)
        for n, u in enumerate(units, start + 1):
            assert u["name"] in lines[n]
            assert t("overview.unit_behind", red=u["red"], not_reported=u["not_reported"],
                     overdue=u["overdue"]) in lines[n]
        assert [u["red"] for u in units] == sorted((u["red"] for u in units), reverse=True)
        assert units[0]["red"] > 0 and any(u["overdue"] for u in units)
        assert t("overview.no_behind") not in text
        # the summary counts the items not reported yet
        unreported = store.execute(
            "SELECT count(*) FROM items i JOIN item_state s ON s.item_id = i.id AND s.round_id = 1 WHERE i.retired = 0 "
            "AND s.updated_at IS NULL AND s.status <> 'done' AND NOT s.closed_out").fetchone()[0]
        assert unreported == sum(u["not_reported"] for u in units_behind(store, 1)) > 300
        assert text.splitlines()[2].rstrip().endswith(f"{t('col.not_reported')} {unreported}")
        # the red list: its count, most severe first (the override, then the blocked item)
        assert t("overview.red_title", red=total_red) in text
        table = screen.query_one("#red-table", VirtualTable)
        assert table_keys(table) == [r["id"] for r in reds]
        assert table_keys(table)[:2] == ["W03-M02", "W05-M01"]
        assert table_rows(table)[0][2] == reds[0]["light_reason"] and "群众反映强烈" in table_rows(table)[0][2]
        # tab takes the focus to the red list, down then enter opens the second worst item
        assert app.focused is screen.table
        await pilot.press("tab")
        assert app.focused is table
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.item_id == "W05-M01"
        assert app.screen.crumbs == [t("screen.overview"), "W05-M01"]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_overview_at_80x24_shows_the_worst_units_and_red_items(store, isolated_locations, monkeypatch):
    script(store, monkeypatch)
    units = units_behind(store, 1, TOP_UNITS)
    app = build_app(isolated_locations)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = screen_lines(app)
        text = "\n".join(lines)
        for (title,) in store.execute("SELECT title FROM pillars WHERE retired = 0"):
            assert title[:6] in text  # pillar names readable
        for u in units:
            assert u["name"] in text
        table = app.screen.query_one("#red-table", VirtualTable)
        assert table.size.height >= 4  # a heading and at least three red items in sight
        assert "W03-M02" in text and "W05-M01" in text
