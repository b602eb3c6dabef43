"""The TUI on a store on read-only media: a banner on every screen, edits refused before anything is
typed, and browsing, search, the diff and exports to a writable folder all working."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from supervise_tui.domain.edits import Actor, apply_changes
from supervise_tui.domain.rounds import create_round
from supervise_tui.i18n import t
from supervise_tui.ui.dialogs.export import ExportDialog
from supervise_tui.ui.screens.detail import DetailScreen
from supervise_tui.ui.screens.diff import DiffScreen
from supervise_tui.ui.screens.search import SearchScreen
from tests.mounts import put_on, read_only_mount
from tests.tui.kit import SIZE, build_app, move_to_key, push_items, screen_lines, settle, table_keys

pytestmark = pytest.mark.usefixtures("english")


def shown_banner(app) -> str:
    """The two lines under the breadcrumb, as one (the path wraps onto the second)."""
    return " ".join(line.strip() for line in screen_lines(app)[1:3])


@pytest.fixture
def on_cd(store, isolated_locations, tmp_path):
    apply_changes(store, Actor("甲"), 1, "W01-T01", {"note": "光盘上的备注", "progress": 40})
    create_round(store, Actor("甲"), "第2轮")
    apply_changes(store, Actor("甲"), 2, "W01-T01", {"progress": 60})
    folder = tmp_path / "cd"
    folder.mkdir()
    put_on(isolated_locations, folder)
    with read_only_mount(folder) as mounted:
        yield mounted / isolated_locations.name


async def test_read_only_media_shows_a_banner_refuses_edits_and_reads_everything(on_cd, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # exports go to ./exports, a writable folder
    banner = t("tui.read_only", path=on_cd, reason=t("store.ro.media"))
    refusal = t("edit.refused", reason=t("error.store.read_only", path=on_cd, reason=t("store.ro.media")))
    app = build_app(on_cd)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert str(app.screen.query_one("#read-only", Static).render()) == banner
        assert shown_banner(app) == banner  # under the breadcrumb

        items = await push_items(pilot, "W01")
        assert shown_banner(app) == banner
        move_to_key(items.table, "W01-T01")
        for key in ("s", "p", "n", "l", "c", "ctrl+z"):
            app.recorded.clear()
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is items, key  # no editor opened: nothing typed in vain
            assert app.recorded == [(refusal, "error", False)], key

        await pilot.press("enter")  # the item in full
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and "光盘上的备注" in "\n".join(screen_lines(app))

        await pilot.press("slash")  # search
        await settle(pilot)
        search = app.screen
        assert isinstance(search, SearchScreen)
        search.query_one(Input).value = "W01-T0"
        await pilot.press("enter")
        await settle(pilot)
        assert table_keys(search.table)[:2] == ["W01-T01", "W01-T02"]

        await pilot.press("d")  # the diff of the two rounds
        await settle(pilot)
        await pilot.click("#go")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        assert "W01-T01" in table_keys(app.screen.table)

        await pilot.press("e")  # an export into ./exports
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        await pilot.click("#go")
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
        [written] = (tmp_path / "exports").iterdir()
        assert written.suffix == ".md" and "W01-T01" in written.read_text(encoding="utf-8")
        assert app.is_running
