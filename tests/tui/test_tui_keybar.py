"""Pilot tests for the key bar: what it lists, where each key is drawn, and clicking a key."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import App
from textual.binding import Binding
from textual.widgets import Static

from supervise_tui.i18n import t
from supervise_tui.ui.dialogs.help import HelpScreen
from supervise_tui.ui.screens.browse import ItemsScreen, PillarsScreen
from supervise_tui.ui.screens.overview import OverviewScreen
from supervise_tui.ui.widgets.keybar import KeyBar
from tests.tui.kit import SIZE, build_app, push_items, screen_lines, settle


def cells(text: str, start: int, end: int) -> str:
    """The characters of ``text`` drawn in cells start … end-1."""
    out, cell = [], 0
    for char in text:
        width = cell_len(char)
        if start <= cell and cell + width <= end:
            out.append(char)
        cell += width
    return "".join(out)


async def test_bar_lists_the_shown_keys_each_where_it_is_drawn(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        shown = bar.shown()
        keys = [key for key, *_ in shown]
        # most important first: the row's enter and search, the overview's own g, then undo and getting
        # about (every top-level key, 5 r d e too), help, quit; escape is not offered at a screen's top
        assert keys == ["enter", "slash", "g", "ctrl+z", "1", "2", "3", "4", "5", "6", "r", "d", "e",
                        "question_mark", "q", "ctrl+p"]
        assert [d for _, _, d, _ in shown][4:13] == [t(f"key.{name}") for name in (
            "overview", "pillars", "units", "people", "chase", "exchange", "rounds", "diff", "export")]
        last_line = screen_lines(app)[-1]
        assert [s.key for s in bar.spans] == keys
        for span, (_, display, description, _) in zip(bar.spans, shown):
            drawn = cells(last_line, span.start, span.end)
            assert drawn == f" {display} {description} ", (span, drawn)
            assert span.end - span.start == cell_len(drawn)  # wide characters take two cells
        starts = [s.start for s in bar.spans]
        assert starts == sorted(starts)
        assert all(b.start - a.end == KeyBar.GAP for a, b in zip(bar.spans[:-2], bar.spans[1:-1]))
        assert bar.spans[-1].end == 200  # the palette's key sits at the right end


async def test_a_narrow_bar_keeps_whole_keys_an_ellipsis_and_the_palette_at_the_right(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=(70, 30)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        shown = {key: (display, description) for key, display, description, _ in bar.shown()}
        keys = [s.key for s in bar.spans]
        assert keys[-1] == "ctrl+p" and bar.spans[-1].end == bar.size.width
        assert len(keys) < len(shown) and keys[:-1] == list(shown)[:len(keys) - 1]  # a prefix, then ^p
        last_line = screen_lines(app)[-1]
        for span in bar.spans:  # every key drawn is drawn whole where its span says
            display, description = shown[span.key]
            assert cells(last_line, span.start, span.end) == f" {display} {description} "
        assert KeyBar.ELLIPSIS in cells(last_line, bar.spans[-2].end, bar.spans[-1].start)


async def test_clicking_a_key_presses_it_and_a_gap_does_nothing(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        gap = bar.spans[1].end  # the first cell after "/ 搜索" is between two keys
        assert bar.key_at(gap) is None
        await pilot.click(KeyBar, offset=(bar.spans[1].end, 0))
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)

        two = next(s for s in bar.spans if s.key == "2")
        await pilot.click(KeyBar, offset=(two.start + 1, 0))
        await settle(pilot)
        assert isinstance(app.screen, PillarsScreen)

        bar = app.screen.query_one(KeyBar)
        help_key = next(s for s in bar.spans if s.key == "question_mark")
        await pilot.click(KeyBar, offset=(help_key.end - 1, 0))
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_bar_follows_the_focused_widget_and_the_screen(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await push_items(pilot, "W01")
        await settle(pilot)
        assert isinstance(app.screen, ItemsScreen)
        bar = app.screen.query_one(KeyBar)
        labels = [d for _, _, d, _ in bar.shown()]
        for key in ("key.status", "key.progress", "key.note"):
            assert t(key) in labels
        assert t("key.status") in screen_lines(app)[-1]
        await pilot.press("escape")
        await settle(pilot)
        assert t("key.status") not in screen_lines(app)[-1]


class _Gated(App):
    """A bar over one key whose action is switched off (check_action answers None: shown, disabled)."""

    BINDINGS = [Binding("x", "count", "count"), Binding("y", "other", "other")]

    def __init__(self):
        super().__init__()
        self.counted = 0
        self.bells = 0

    def compose(self):
        yield Static("body")
        yield KeyBar()

    def check_action(self, action: str, parameters) -> bool | None:
        return None if action == "count" else True

    def action_count(self) -> None:
        self.counted += 1

    def bell(self) -> None:
        self.bells += 1


async def test_a_disabled_key_is_drawn_dim_and_a_click_on_it_only_rings():
    app = _Gated()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        spans = {s.key: s for s in bar.spans}
        assert not spans["x"].enabled and spans["y"].enabled
        text = bar.render()
        dim_at = {span.start for span in text.spans if span.style and "dim" in str(span.style)}
        assert spans["x"].start in dim_at and spans["y"].start not in dim_at
        await pilot.click(KeyBar, offset=(spans["x"].start + 1, 0))
        await pilot.pause()
        assert (app.counted, app.bells) == (0, 1)
