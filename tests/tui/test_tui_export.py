"""Pilot tests for the export dialog (e): every format and grouping, the folder, errors, cancel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Input, Label, Select
from textual.worker import WorkerState

from supervise_tui.domain import bulletin, export
from supervise_tui.domain.edits import Actor, apply_changes, set_light
from supervise_tui.domain.rounds import create_round
from supervise_tui.i18n import t
from supervise_tui.ui.dialogs.export import ExportDialog
from tests.tui.kit import ROUND, SIZE, build_app, choose_in_select, screen_text, settle

INSPECTOR = Actor("督查员")
NEW_NAME = "2024年第二季度"


def second_round(conn) -> int:
    """Round 1 with a report, round 2 from it with changes (so the bulletin has a changes section)."""
    apply_changes(conn, INSPECTOR, ROUND, "W01-T01", {"status": "in_progress", "progress": 30, "note": "按计划"})
    new = create_round(conn, INSPECTOR, NEW_NAME, period="2024-Q2").id
    apply_changes(conn, INSPECTOR, new, "W01-T01", {"status": "done", "progress": 100})
    apply_changes(conn, INSPECTOR, new, "W07-M01", {"status": "blocked", "note": "=HYPERLINK(\"x\")|管道"})
    set_light(conn, INSPECTOR, new, "W12-M01", "red", "抽查发现进度不实")
    return new


def expected_bytes(conn, round_id: int, fmt: str, by: str) -> bytes:
    return export.render(bulletin.build_bulletin(conn, round_id, by=by), fmt)


def expected_name(conn, round_id: int, fmt: str, by: str) -> str:
    name = conn.execute("SELECT name FROM rounds WHERE id = ?", (round_id,)).fetchone()[0]
    return export.export_name(round_id, name, fmt, by)


async def open_dialog(pilot) -> ExportDialog:
    await pilot.press("e")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    return dialog


async def set_folder(pilot, dialog: ExportDialog, folder: str) -> Input:
    """Clear the folder field and type ``folder`` (relative to the cwd, kept short) into it."""
    field = dialog.query_one("#export-out", Input)
    field.focus()
    await pilot.pause()
    await pilot.press("end", "ctrl+u")  # to the end, then delete everything left of the cursor
    assert field.value == ""
    await pilot.press(*folder)
    assert field.value == folder
    return field


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    """Run in tmp_path, so the dialog's default folder (exports/ of the cwd) is the test's."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def test_each_format_and_grouping_writes_the_bulletin_the_domain_renders(store, isolated_locations, in_tmp):
    new = second_round(store)
    out = in_tmp / "通报 out"
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        written = []
        # every format once and every grouping at least once (the file name carries the grouping)
        for fmt, by in [("md", "pillar"), ("csv", "unit"), ("html", "leader"), ("json", "unit")]:
            dialog = await open_dialog(pilot)
            # it opens on the current round, Markdown, by pillar, into exports/ of the cwd
            assert dialog.query_one("#export-round", Select).value == new
            assert dialog.query_one("#export-format", Select).value == "md"
            assert dialog.query_one("#export-by", Select).value == "pillar"
            assert dialog.query_one("#export-out", Input).value == str(in_tmp / "exports")
            if fmt == "md" and by == "pillar":  # every part of the dialog is on the screen
                text = screen_text(app)
                for part in (t("tui.export.title"), NEW_NAME, "MD", t("tui.export.by_pillar"),
                             str(in_tmp / "exports"), t("key.export"), t("key.cancel")):
                    assert part in text, part
            await choose_in_select(pilot, dialog.query_one("#export-format", Select), fmt)
            await choose_in_select(pilot, dialog.query_one("#export-by", Select), by)
            await set_folder(pilot, dialog, "通报 out")
            app.recorded.clear()
            await pilot.press("enter")  # enter in the folder field exports
            await settle(pilot)
            assert app.screen is not dialog and not isinstance(app.screen, ExportDialog)
            name = expected_name(store, new, fmt, by)
            path = out / name
            written.append(name)
            assert files_in(out) == sorted(written)  # that file, and no temporary left behind
            assert path.read_bytes() == expected_bytes(store, new, fmt, by), (fmt, by)
            assert app.recorded == [(t("tui.export.done", path=str(path)), "information", False)]
        assert sorted(written) == sorted([
            "bulletin-2-2024年第二季度.md", "bulletin-2-2024年第二季度-by-unit.csv",
            "bulletin-2-2024年第二季度-by-leader.html", "bulletin-2-2024年第二季度-by-unit.json"])
        # the formats are what they say (the domain's golden tests check the content in depth)
        data = json.loads((out / "bulletin-2-2024年第二季度-by-unit.json").read_text("utf-8"))
        assert data["round"]["name"] == NEW_NAME and data["by"] == "unit"
        assert {r["id"]: r["class"] for r in data["changes"]["rows"]}["W01-T01"] == "improved"
        assert (out / expected_name(store, new, "csv", "unit")).read_bytes().startswith(b"\xef\xbb\xbf")
        assert (out / expected_name(store, new, "html", "leader")).read_text("utf-8").startswith("<!DOCTYPE html>")
        md = (out / expected_name(store, new, "md", "pillar")).read_text("utf-8")
        assert "W01-T01" in md and NEW_NAME in md
        assert not (in_tmp / "exports").exists()


async def test_another_round_and_the_default_folder_via_the_button(store, isolated_locations, in_tmp):
    new = second_round(store)
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_dialog(pilot)
        await choose_in_select(pilot, dialog.query_one("#export-round", Select), ROUND)
        await choose_in_select(pilot, dialog.query_one("#export-format", Select), "json")
        await pilot.click("#go")
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
        folder = in_tmp / "exports"
        name = expected_name(store, ROUND, "json", "pillar")
        assert name == "bulletin-1-第1轮.json"
        assert files_in(folder) == [name]
        assert (folder / name).read_bytes() == expected_bytes(store, ROUND, "json", "pillar")
        assert new != ROUND


async def test_a_folder_that_cannot_be_written_shows_the_error_and_keeps_the_dialog(
        store, isolated_locations, in_tmp):
    blocker = in_tmp / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_dialog(pilot)
        error = dialog.query_one("#export-error", Label)
        assert str(error.render()) == ""
        await choose_in_select(pilot, dialog.query_one("#export-format", Select), "csv")
        await set_folder(pilot, dialog, "a-file/exports")
        app.recorded.clear()
        before = files_in(in_tmp)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog  # still open, saying why, where it can be seen
        message = str(error.render())
        assert message and "a-file" in message
        text = screen_text(app)
        assert message[:40] in text and t("key.export") in text
        assert app.recorded == []
        assert blocker.read_text(encoding="utf-8") == "not a folder"
        assert files_in(in_tmp) == before and "a-file" in before  # nothing made, no temporary left

        # put it right and the same dialog writes the file
        good = in_tmp / "good"
        await set_folder(pilot, dialog, "good")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
        name = expected_name(store, ROUND, "csv", "pillar")
        assert files_in(good) == [name]
        assert (good / name).read_bytes() == expected_bytes(store, ROUND, "csv", "pillar")


async def test_escape_and_cancel_write_nothing(store, isolated_locations, in_tmp):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        base = app.screen
        before = files_in(in_tmp)
        dialog = await open_dialog(pilot)
        await choose_in_select(pilot, dialog.query_one("#export-format", Select), "html")
        await set_folder(pilot, dialog, "out")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is base
        dialog = await open_dialog(pilot)
        await pilot.click("#cancel")
        await settle(pilot)
        assert app.screen is base
        assert files_in(in_tmp) == before
        assert not (in_tmp / "out").exists() and not (in_tmp / "exports").exists()
        assert app.recorded == []


async def test_cancelling_an_export_under_way_writes_nothing(isolated_locations, in_tmp, bundled_path, monkeypatch):
    """Escape while a province-sized bulletin is being written: the worker stops at its next batch and
    no file, whole or partial, is left in the folder.

    The real export runs; it is held at its first progress report until the test has pressed escape,
    so the test does not depend on how fast this machine writes 20,000 rows."""
    import threading

    from supervise_tui.domain import export as export_module
    from supervise_tui.domain.db import connect
    from supervise_tui.domain.synth import synthesize

    conn = connect(isolated_locations)
    synthesize(conn, str(bundled_path), items=20_000, rounds=2)
    conn.close()
    started, release = threading.Event(), threading.Event()
    real = export_module.export_bulletin

    def held(bulletin, fmt, folder, progress=None):
        def gated(done, total):
            started.set()
            release.wait(30)
            if progress is not None:
                progress(done, total)

        return real(bulletin, fmt, folder, progress=gated)

    monkeypatch.setattr(export_module, "export_bulletin", held)
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_dialog(pilot)
        await set_folder(pilot, dialog, "out")
        await pilot.press("enter")  # the export starts in its worker ...
        for _ in range(600):
            if started.is_set():
                break
            await pilot.pause(0.05)
        assert started.is_set(), "the export never reported progress"
        assert dialog.running is not None and not dialog.running.is_finished
        await pilot.press("escape")  # ... and is stopped
        release.set()
        for _ in range(600):
            if dialog.running.is_finished:
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
        assert dialog.running.is_finished and dialog.running.state != WorkerState.SUCCESS
        assert files_in(in_tmp / "out") == []
        assert (t("tui.export.cancelled"), "warning", True) in app.recorded
