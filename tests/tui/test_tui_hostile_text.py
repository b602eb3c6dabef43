"""Text from someone else never acts on the reader: every screen and dialog walked with hostile names.

Every kind of name and text in the store — pillars, works, units, leaders and liaisons, items,
goals, the document's title, rounds, notes, evidence, light reasons, comments, audit users and
values, the user's own name — is given Textual markup (``@click`` actions that would quit or write
a screenshot), terminal control sequences (an OSC 2 title change, an OSC 52 clipboard write, a
screen clear, a C1 CSI, a reset), bidi overrides and a NUL. The app runs on a driver that records
every byte it writes to the terminal. On each screen and dialog the test asserts that the bytes
hold no control character but Textual's own colour and cursor sequences, that no cell carries a
click action, and clicks every cell where hostile text is drawn: no action runs, the app runs on,
nothing is written to disk. The note editor shows the note's control characters as pictures and
saves them back unless they were edited away.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import unicodedata
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual import events
from textual.drivers.headless_driver import HeadlessDriver
from textual.pilot import _get_mouse_message_arguments
from textual.widgets import Input, Select
from textual.widgets._toast import Toast

from supervise_tui.domain.edits import Actor, apply_changes, set_light
from supervise_tui.domain.rounds import close_round, create_round
from supervise_tui.textsafe import editable
from supervise_tui.ui.dialogs.diff import DiffFilterPicker, RoundPairPicker
from supervise_tui.ui.dialogs.editors import NoteEditor, ProgressInput, StatusPicker
from supervise_tui.ui.dialogs.export import ExportDialog
from supervise_tui.ui.dialogs.help import HelpScreen
from supervise_tui.ui.dialogs.inspector import LightPicker
from supervise_tui.ui.dialogs.rounds import ReasonForm, RoundForm
from supervise_tui.ui.dialogs.targets import ValueEditor
from supervise_tui.ui.screens.detail import DetailScreen
from supervise_tui.ui.screens.diff import DiffItemScreen, DiffScreen
from supervise_tui.ui.screens.search import SearchScreen
from supervise_tui.ui.widgets.safe_input import SafeInput, SafeTextArea
from tests.tui.kit import SIZE, build_app, move_to_key, screen_lines, settle, state_row, table_keys

CONTROLS = ("\x1b]2;PWNED\x07\x1b]52;c;UFdORUQ=\x07\x1b[2J\x9b2J\x1bc\x1b[5;31mBLINK"
            "\u202eRTL\u202c\u2066LRI\u2069\u2028\x00\x7f")


def payload(folder: Path) -> str:
    """Markup that would quit or write a screenshot into ``folder`` if it were read, then controls."""
    return (f"[@click=app.quit]Q[/][@click=app.save_screenshot('{folder}')]S[/][b]B[/b]"
            f"[link=https://x.test]L[/link]{CONTROLS}")


# What the recording driver lets through: Textual's colours (SGR), cursor moves (CUP),
# its pointer shape (OSC 22) and line feeds. Anything else is a control byte from the data.
TEXTUAL_OWN = re.compile(r"\x1b\[[0-9;]*[mH]|\x1b\]22;[a-z-]+\x07|\n")
BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029)}
# Where hostile text is drawn: the markup as typed, the pictures of the controls, the words — or,
# were the markup ever read, the link texts it would leave ("QSBL"), the cells that would act.
DRAWN = re.compile(r"\[@click|\[b\]B\[/b\]|\[link=|␛\]2;PWNED|RTL|LRI|QSBL")
CLICKED = 4  # cells clicked from the start of each place hostile text is drawn


class RecordingDriver(HeadlessDriver):
    """A headless driver that keeps what the app writes to the terminal (the app draws as on a real one)."""

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        self._app.written.append(data)

    def flush(self) -> None:
        pass


def raw_controls(data: str) -> list[str]:
    """Control and bidi characters in ``data`` that are not part of Textual's own sequences, in context."""
    rest = TEXTUAL_OWN.sub("", data)
    return [repr(rest[max(0, i - 20):i + 20]) for i, ch in enumerate(rest)
            if unicodedata.category(ch) == "Cc" or ch in BIDI]


class Walk:
    """One app, walked screen by screen; ``visit`` checks what is on the screen and clicks it."""

    def __init__(self, app, pilot, shots: Path):
        self.app, self.pilot, self.shots = app, pilot, shots
        self.actions: list[str] = []
        self.visited: list[str] = []
        run_action = app.run_action

        async def recording(action, *args, **kwargs):
            self.actions.append(str(action))
            return await run_action(action, *args, **kwargs)

        app.run_action = recording

    async def visit(self, what: str, *, own: bool = True) -> None:
        """Check the screen in front; ``own``: it shows hostile text of its own, to be clicked."""
        app, pilot = self.app, self.pilot
        await settle(pilot)
        await pilot.pause()
        self.visited.append(what)
        text = "\n".join(screen_lines(app))
        assert DRAWN.search(text), f"{what}: no hostile text on screen:\n{text}"
        self.check_terminal(what)
        for strip in app.screen._compositor.render_strips():
            for segment in strip:
                meta = segment.style.meta if segment.style else {}
                assert "@click" not in meta, f"{what}: a cell carries a click action: {segment!r}"
        stack = list(app.screen_stack)
        self.actions.clear()
        clicked = await self.click_hostile_cells()
        assert clicked or not own, f"{what}: no hostile text of its own to click"
        assert self.actions == [], f"{what}: clicking the text ran {self.actions}"
        assert app.is_running and app.return_code is None, what
        assert app.screen_stack == stack, f"{what}: a click changed the screens"
        assert list(self.shots.iterdir()) == [], f"{what}: a click wrote {list(self.shots.iterdir())}"
        self.check_terminal(what)

    def check_terminal(self, what: str) -> None:
        written = "".join(self.app.written)
        self.app.written.clear()
        assert "\x1b]2;PWNED" not in written, what
        assert raw_controls(written) == [], f"{what}: raw control bytes reached the terminal"

    async def click_hostile_cells(self) -> int:
        """Click the cells where hostile text is drawn on the screen in front (each a single click).

        A dialog's own widgets only: the screen behind it was clicked when it was in front.
        """
        screen = self.app.screen
        cells = []
        for y, line in enumerate(screen_lines(self.app)):
            for m in DRAWN.finditer(line):
                start = cell_len(line[:m.start()])
                for x in range(start, start + CLICKED):
                    widget, _ = self.app.get_widget_at(x, y)
                    if widget is not screen and widget.screen is screen:
                        cells.append((x, y))
        for n, (x, y) in enumerate(cells):
            arguments = _get_mouse_message_arguments(screen, (x, y))
            self.app.mouse_position = (x, y)
            for kind in (events.MouseDown, events.MouseUp):
                screen._forward_event(kind(**arguments))
            screen._forward_event(events.Click(**arguments, chain=1))
            if n % 40 == 39:
                await asyncio.sleep(0)
        await settle(self.pilot)
        return len(cells)


async def close_list(pilot, select: str) -> None:
    """Close a Select's list if the clicks left it open (a click on an option closes it)."""
    if pilot.app.screen.query_one(select, Select).expanded:
        await pilot.press("escape")
    await settle(pilot)
    assert not pilot.app.screen.query_one(select, Select).expanded


@pytest.fixture
def hostile(store, isolated_locations, tmp_path):
    """The bundled store with hostile text in every kind of name and text; returns (payload, shots folder)."""
    shots = tmp_path / "shots"
    shots.mkdir()
    p = payload(shots)
    conn = store
    conn.execute("UPDATE pillars SET title = ? || title", (p,))
    conn.execute("UPDATE works SET title = ? || title, leader = ? || leader, liaison = ? || liaison, "
                 "units_text = ? || units_text, stage_text = ? || stage_text", (p,) * 5)
    conn.execute("UPDATE units SET name = ? || name", (p,))
    conn.execute("UPDATE people SET name = ? || name", (p,))
    conn.execute("UPDATE items SET text = ? || text", (p,))
    conn.execute("UPDATE indicators SET text = ? || text, year = ? || year", (p, p))
    conn.execute("UPDATE meta SET value = json_set(value, '$.title', ? || json_extract(value, '$.title'), "
                 "'$.doc_number', ?) WHERE key = 'document'", (p, p))
    conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
    actor = Actor(p + "外部用户")
    for item in ("W01-T01", "W01-T02", "W02-T01"):
        apply_changes(conn, actor, 1, item, {"status": "behind", "progress": 5, "note": p + "备注\n第二行",
                                             "evidence": p})
        set_light(conn, actor, 1, item, "red", p + "理由")
    # a value the app would refuse to store, as another program might have written it
    conn.execute("UPDATE item_state SET value = ?, comment = ? WHERE item_id IN ('W01-T01', 'W01-T02')", (p, p))
    close_round(conn, actor, 1)
    create_round(conn, actor, "第2轮", period="2024-Q2")
    conn.execute("UPDATE rounds SET name = ? || name, period = ?, created_by = ?", (p, p, p))
    for item in ("W01-T01", "W01-T02"):
        apply_changes(conn, actor, 2, item, {"note": p + "第二轮备注", "progress": 50, "status": "in_progress"})
    return p, shots


async def test_every_screen_and_dialog_shows_hostile_text_inert(hostile, isolated_locations, monkeypatch, tmp_path):
    p, shots = hostile
    monkeypatch.chdir(tmp_path)
    app = build_app(isolated_locations, user=p + "本人")
    app.driver_class = RecordingDriver
    app.written = []
    async with app.run_test(size=SIZE, headless=False, notifications=True, tooltips=True) as pilot:
        walk = Walk(app, pilot, shots)
        await walk.visit("overview")

        await pilot.press("2")
        await walk.visit("pillars")
        move_to_key(app.screen.table, "P1")  # (the clicks moved the cursor)
        await pilot.press("enter")
        await walk.visit("works of a pillar")
        move_to_key(app.screen.table, "W01")
        await pilot.press("enter")
        await walk.visit("items")
        move_to_key(app.screen.table, "W01-T01")
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        await walk.visit("detail")

        for key, dialog in (("s", StatusPicker), ("p", ProgressInput), ("l", LightPicker), ("c", ReasonForm)):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, dialog), key
            await walk.visit(dialog.__name__, own=dialog is LightPicker)  # the others hold no stored text
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("v")  # value reached and evidence: the stored evidence, a value no program should store
        await settle(pilot)
        assert isinstance(app.screen, ValueEditor)
        await walk.visit("value and evidence editor")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        reason = app.screen.query_one(SafeInput)
        assert reason.value == editable(p + "理由")  # the stored reason, its controls as pictures
        await pilot.press("escape")

        # the note editor: the controls are pictures, the saved note keeps them where they were not edited
        stored = state_row(app.session.conn, "W01-T01", 2)["note"]
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)
        area = app.screen.query_one(SafeTextArea)
        assert area.text == editable(stored, multiline=True) and "\x1b" not in area.text
        await walk.visit("note editor")
        await pilot.press("end", "!", "ctrl+s")
        await walk.visit("the saved message")
        assert state_row(app.session.conn, "W01-T01", 2)["note"] == stored + "!"
        app.screen.focus()

        for key, mode in (("3", "units"), ("4", "people")):
            await pilot.press(key)
            await walk.visit(mode)
            await pilot.press("enter")
            await walk.visit(f"works of one of the {mode}")
        await pilot.press("5")
        await walk.visit("chase list")
        await pilot.press("6")
        await walk.visit("exchange")

        await pilot.press("r")
        await walk.visit("rounds")
        move_to_key(app.screen.table, "2")
        await pilot.press("enter")  # made current again: the notice names the round
        await settle(pilot)
        [toast] = app.screen.query(Toast)
        assert "[@click=app.quit]Q[/]" in str(toast.render()) and "␛]2;PWNED" in str(toast.render())
        await walk.visit("the round's notice")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RoundForm)
        app.screen.query_one(Input).post_message(events.Paste(p))  # hostile text pasted in
        await walk.visit("new round form, hostile text pasted")
        assert "\x1b" not in app.screen.query_one(Input).value
        await pilot.press("escape")
        await settle(pilot)
        move_to_key(app.screen.table, "1")  # the closed round
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ReasonForm)
        app.screen.query_one(Input).post_message(events.Paste(p))
        await walk.visit("reopen reason form")
        await pilot.press("escape")

        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        app.screen.query_one(Input).value = "W01"
        await pilot.press("enter")
        await walk.visit("search results")

        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, RoundPairPicker)
        await walk.visit("round pair picker")
        await pilot.click("#old-round")
        await walk.visit("round pair picker, its list open")
        await close_list(pilot, "#old-round")
        app.screen.query_one("#old-round", Select).value = 1  # (a click on an option chose another)
        app.screen.query_one("#new-round", Select).value = 2
        await pilot.click("#go")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        await walk.visit("diff")
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, DiffFilterPicker)
        await walk.visit("diff filter", own=False)  # its prompts are words of the app until a list opens
        for select in ("#f-pillar", "#f-unit", "#f-leader"):
            await pilot.click(select)
            await walk.visit(f"diff filter, {select} open")
            await close_list(pilot, select)
        await pilot.press("escape")
        await settle(pilot)
        move_to_key(app.screen.table, "W01-T01")
        await pilot.press("enter")
        assert isinstance(app.screen, DiffItemScreen)
        await walk.visit("one item in both rounds")

        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        await walk.visit("export dialog")
        await pilot.click("#export-round")
        await walk.visit("export dialog, rounds open")
        await close_list(pilot, "#export-round")
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        walk.check_terminal("help")
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"go")
        await settle(pilot)
        walk.check_terminal("command palette")
        await pilot.press("escape")
        await settle(pilot)

        # a conflict's notice quotes the note someone else wrote
        await pilot.press("2")  # the pillars' top (a top-level key never returns to an old drill-down)
        await settle(pilot)
        app.push_screen(DetailScreen(["W01-T01"], "W01-T01"))
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.item_id == "W01-T01"
        other = sqlite3.connect(isolated_locations, isolation_level=None)
        other.execute("UPDATE item_state SET note = ? WHERE round_id = 2 AND item_id = 'W01-T01'", (p + "他人",))
        other.close()
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("x", "ctrl+s")
        await walk.visit("conflict notice")
        assert app.is_running
    assert len(walk.visited) >= 30


async def test_a_liaisons_unit_name_in_the_top_bar_is_inert(hostile, isolated_locations):
    p, shots = hostile
    [unit] = [name for (name,) in sqlite3.connect(isolated_locations).execute("SELECT name FROM units")
              if name.endswith("市税务局")]
    app = build_app(isolated_locations, role="liaison", unit=unit)
    app.driver_class = RecordingDriver
    app.written = []
    async with app.run_test(size=SIZE, headless=False, notifications=True, tooltips=True) as pilot:
        walk = Walk(app, pilot, shots)
        await walk.visit("a liaison's first screen")
        assert "W01-T01" in table_keys(app.screen.table)
