"""Helpers for the Pilot tests of the TUI: build the app on the test's store, wait, read the screen.

Import from here in test modules; the fixtures stay in ``conftest.py`` (not edited here).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList

from supervise_tui.domain.vocab import STATUSES
from supervise_tui.ui.dialogs.editors import StatusPicker
from supervise_tui.ui.launch import make_app, make_session

SIZE = (140, 40)
USER = "tester"  # the same name conftest pins as the OS login name
ROUND = 1  # the round the first load opens


def build_app(db: Path, **session_options):
    """A SuperviseApp on ``db`` with notifications recorded in ``app.recorded``."""
    session = make_session(db, user=session_options.pop("user", USER), **session_options)
    app = make_app(session)
    app.recorded = []  # (message, severity) of every notify(), never reaped
    original = app.notify

    def notify(message, *, title="", severity="information", timeout=None, markup=True):
        app.recorded.append((str(message), severity, markup))
        original(message, title=title, severity=severity, timeout=timeout, markup=markup)

    app.notify = notify
    return app


async def settle(pilot: Pilot, delay: float | None = None) -> None:
    """Let messages, screen switches and workers (counts, summaries) finish."""
    await pilot.pause(delay)
    for _ in range(5):
        if all(worker.is_finished for worker in pilot.app.workers):
            break
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    # A worker that finished in its thread while the first pause ran has posted its state change (an
    # export's dialog closes on it) without it being handled yet: let that message be handled too.
    await pilot.pause()


async def push_items(pilot: Pilot, work_id: str):
    """Open a work's items straight away (the key path there is tested in test_tui_screens)."""
    from supervise_tui.domain.queries import Scope
    from supervise_tui.ui.screens.browse import ItemsScreen

    pilot.app.push_screen(ItemsScreen([work_id], Scope(work=work_id)))
    await settle(pilot)
    assert isinstance(pilot.app.screen, ItemsScreen)
    return pilot.app.screen


def screen_lines(app) -> list[str]:
    """The text of every line of the screen in front, as the terminal would show it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


def table_rows(table) -> list[list[str]]:
    """Every row of a VirtualTable's source (cells as shown, before fitting to width)."""
    return [list(row) for row in table.source.rows(0, table.row_count)]


def table_keys(table) -> list[str]:
    return [table.source.key(row) for row in table.source.rows(0, table.row_count)]


def move_to_key(table, key: str) -> int:
    """Put the table's cursor on the row whose key is ``key``; returns its index."""
    keys = table_keys(table)
    index = keys.index(key)
    table.move_cursor(index)
    return index


def summary_text(app) -> str:
    return str(app.screen.query_one("#summary").render())


def state_row(conn: sqlite3.Connection, item_id: str, round_id: int = ROUND) -> dict:
    row = conn.execute("SELECT * FROM item_state WHERE round_id = ? AND item_id = ?",
                       (round_id, item_id)).fetchone()
    return dict(row)


def audit_rows(conn: sqlite3.Connection, *, after: int = 0) -> list[dict]:
    """Audit rows with an id above ``after``, oldest first."""
    return [dict(r) for r in conn.execute(
        "SELECT id, at, user, round_id, item_id, action, field, old, new FROM audit WHERE id > ? ORDER BY id",
        (after,))]


def last_audit_id(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]


def crumbs(app) -> list[str]:
    return list(app.screen.crumbs)


async def choose_in_select(pilot: Pilot, select, value) -> None:
    """Focus a Select, open it with enter, move to ``value`` with the arrows, enter."""
    options = [v for _, v in select._options]
    select.focus()
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)
    current = select.query_one("SelectOverlay").highlighted or 0
    target = options.index(value)
    await pilot.press(*(["down"] * (target - current) if target > current else ["up"] * (current - target)))
    await pilot.press("enter")
    await settle(pilot)
    assert select.value == value


async def choose_status(pilot, code: str) -> None:
    """s, then move the highlight to ``code`` with up/down and press enter."""
    await pilot.press("s")
    await settle(pilot)
    picker = pilot.app.screen
    assert isinstance(picker, StatusPicker)
    steps = STATUSES.index(code) - (picker.query_one(OptionList).highlighted or 0)
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    await settle(pilot)
