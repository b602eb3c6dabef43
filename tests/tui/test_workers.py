"""Workers: a count that finishes after its screen is gone is dropped quietly; an export at scale runs
in a worker while the keys still work, and escape stops it without leaving a file behind."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.widgets import Input, ProgressBar

from supervise_tui.domain import queries
from supervise_tui.ui.dialogs.export import ExportDialog
from supervise_tui.ui.screens.browse import ItemsScreen
from tests.tui.kit import SIZE, build_app, settle

WAIT = 30  # seconds a gate waits for the test at most, so a broken test fails instead of hanging


async def test_a_count_that_finishes_after_its_screen_was_closed_changes_nothing(store, isolated_locations,
                                                                                   monkeypatch):
    started, release = threading.Event(), threading.Event()
    real = queries.scope_summary

    def slow(conn, round_id, scope=queries.Scope()):
        started.set()
        release.wait(WAIT)
        return real(conn, round_id, scope)

    monkeypatch.setattr(queries, "scope_summary", slow)
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.push_screen(ItemsScreen(["W01"], queries.Scope(work="W01")))
        await pilot.pause()
        assert started.wait(WAIT)  # its count is running in a worker
        screen = app.screen
        assert isinstance(screen, ItemsScreen)
        await pilot.press("escape")  # the screen is closed while the worker counts
        await pilot.pause()
        assert app.screen is not screen and not screen.is_attached
        release.set()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert [r for r in app.recorded if r[1] == "error"] == []  # nobody was told of an error


async def test_an_export_runs_in_a_worker_the_keys_still_work_and_escape_stops_it(
        tmp_path, isolated_locations, monkeypatch):
    from supervise_tui.domain import export
    from supervise_tui.domain.db import connect
    from supervise_tui.domain.synth import synthesize
    from supervise_tui.locations import bundled_tasklist

    conn = connect(isolated_locations)
    synthesize(conn, str(bundled_tasklist()), items=10_000, rounds=2)
    conn.close()
    gates: list[tuple[threading.Event, threading.Event]] = []
    real = export.export_bulletin

    def gated(bulletin, fmt, folder, progress=None):
        """The real export, held at its first progress report until the test lets it go on."""
        reached, go_on = threading.Event(), threading.Event()
        gates.append((reached, go_on))

        def hold(done: int, total: int) -> None:
            if not reached.is_set():
                reached.set()
                go_on.wait(WAIT)
            progress(done, total)

        return real(bulletin, fmt, folder, progress=hold)

    monkeypatch.setattr(export, "export_bulletin", gated)
    out = tmp_path / "out"
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for attempt in ("finish", "cancel"):
            await pilot.press("e")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, ExportDialog)
            folder = dialog.query_one("#export-out", Input)
            folder.value = str(out / attempt)
            folder.focus()
            before = len(gates)
            await pilot.press("enter")
            for _ in range(WAIT * 20):  # the worker gathers the figures first, then starts writing
                if len(gates) > before and gates[-1][0].is_set():
                    break
                await pilot.pause(0.05)
            reached, go_on = gates[-1]
            assert reached.is_set()  # the worker is writing the 10,000-item bulletin now
            assert dialog.running is not None and not dialog.running.is_finished
            assert dialog.query_one(ProgressBar).display
            # the interface answers while it writes: keys move the focus and type into the field
            await pilot.press("tab")
            await pilot.pause()
            assert app.focused is not folder
            folder.focus()
            await pilot.press("end", "x")
            await pilot.pause()
            assert folder.value == str(out / attempt) + "x"
            assert not dialog.running.is_finished
            if attempt == "finish":
                go_on.set()
                await app.workers.wait_for_complete()
                await settle(pilot)
                assert not isinstance(app.screen, ExportDialog)
                written = sorted(p.name for p in (out / "finish").iterdir())
                assert written == ["bulletin-2-第2轮.md"]
                assert (out / "finish" / written[0]).read_text("utf-8").count("样例") > 1000
            else:
                await pilot.press("escape")  # stops the export under way and closes the dialog
                await pilot.pause()
                assert not isinstance(app.screen, ExportDialog)
                go_on.set()
                await app.workers.wait_for_complete()
                await settle(pilot)
                # nothing written, no temporary file left in the folder
                assert not (out / "cancel").exists() or list(Path(out / "cancel").iterdir()) == []
                assert app.recorded[-1][1] == "warning"
        assert [r for r in app.recorded if r[1] == "error"] == []
