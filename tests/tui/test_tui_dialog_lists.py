"""Pilot tests: a dialog's option list shows every option at 80x24 — none clipped by the dialog."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Select

from supervise_tui.domain.formats import EXPORT_FORMATS, GROUPINGS
from supervise_tui.i18n import t
from supervise_tui.ui.dialogs.editors import StatusPicker
from supervise_tui.ui.dialogs.export import ExportDialog
from supervise_tui.ui.dialogs.inspector import LightPicker
from tests.tui.kit import build_app, move_to_key, push_items, screen_lines, settle

SMALL = (80, 24)


def visible_whole(app, text: str) -> bool:
    return any(text in line for line in screen_lines(app))


@pytest.mark.parametrize(("select", "options"), [
    ("#export-format", [t(key) for key in EXPORT_FORMATS.values()]),
    ("#export-by", [t(key) for key in GROUPINGS.values()]),
])
async def test_the_export_dialogs_lists_show_every_choice(store, isolated_locations, select, options):
    app = build_app(isolated_locations)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        widget = app.screen.query_one(select, Select)
        widget.focus()
        await pilot.press("enter")  # open the list
        await settle(pilot)
        assert widget.expanded
        for option in options:
            assert visible_whole(app, option), (option, "\n".join(screen_lines(app)))


@pytest.mark.parametrize(("key", "picker"), [("s", StatusPicker), ("l", LightPicker)])
async def test_the_item_pickers_show_every_choice(store, isolated_locations, key, picker):
    app = build_app(isolated_locations)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        items = await push_items(pilot, "W01")
        move_to_key(items.table, "W01-T01")
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, picker)
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(prompts) >= 4
        for prompt in prompts:
            assert visible_whole(app, prompt), (prompt, "\n".join(screen_lines(app)))
