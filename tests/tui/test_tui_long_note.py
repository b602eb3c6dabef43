"""A note of 10,000 lines (within the 20,000-character limit) opens in the detail view as any other:
the view shows its first lines and says how long it is; the editor (n) holds all of it."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import TextArea

from supervise_tui.domain.edits import Actor, apply_changes
from supervise_tui.ui.dialogs.editors import NoteEditor
from supervise_tui.ui.screens.detail import DetailScreen
from supervise_tui.ui.text import EXCERPT_LINES
from tests.tui.kit import build_app, screen_text, settle, state_row

ITEM = "W01-M01"
LONG = "\n".join(str(n % 10) for n in range(10_000))  # 10,000 lines, 19,999 characters


async def test_a_10000_line_note_opens_in_the_detail_view_as_high_as_a_short_one(store, isolated_locations,
                                                                                 english):
    actor = Actor("督查员")
    apply_changes(store, actor, 1, ITEM, {"note": "短"})
    app = build_app(isolated_locations)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(["x"], ITEM))
        await settle(pilot)
        short_height = app.screen.query_one("#detail", VerticalScroll).virtual_size.height
        await pilot.press("escape")
        await settle(pilot)

        apply_changes(store, actor, 1, ITEM, {"note": LONG})
        apply_changes(store, actor, 1, ITEM, {"note": LONG[:-1] + "x"})  # the audit holds it twice, old and new
        app.push_screen(DetailScreen(["x"], ITEM))
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        height = detail.query_one("#detail", VerticalScroll).virtual_size.height
        # the note in the facts, the round's history and the audit's old and new: four excerpts of
        # EXCERPT_LINES lines and their notes of length, each cell wrapped at most once
        assert height <= short_height + 4 * 2 * (EXCERPT_LINES + 2), (height, short_height)
        detail.query_one("#detail", VerticalScroll).scroll_to(y=10, animate=False)
        await settle(pilot)
        lines = [ln.rstrip(" ▂") for ln in screen_text(app).splitlines()]
        at = next(n for n, ln in enumerate(lines) if ln.startswith(" note "))
        assert [ln.split()[-1] for ln in lines[at:at + EXCERPT_LINES]] == [str(n % 10) for n in range(EXCERPT_LINES)]
        assert lines[at + EXCERPT_LINES].strip() == \
            "… (10000 lines, 19999 characters in all; n shows this round's note in full)"

        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)
        area = app.screen.query_one(TextArea)
        assert area.document.line_count == 10_000 and area.text == LONG[:-1] + "x"
        await pilot.press("ctrl+s")  # saved unchanged: nothing lost or cut
        await settle(pilot)
        assert app.screen is detail
        assert state_row(store, ITEM)["note"] == LONG[:-1] + "x"


def test_an_excerpt_is_the_text_itself_until_it_is_long(english):
    from supervise_tui.ui.text import EXCERPT_CHARS, excerpt

    assert excerpt("一\n二\n\x1b[2J三").plain == "一\n二\n␛[2J三"
    one_line = "长" * 20_000
    cut = excerpt(one_line).plain
    assert cut == "长" * EXCERPT_CHARS + "\n… (1 lines, 20000 characters in all; n shows this round's note in full)"
    lines = "\n".join(["行"] * EXCERPT_LINES)
    assert excerpt(lines).plain == lines  # exactly EXCERPT_LINES lines: nothing to cut
