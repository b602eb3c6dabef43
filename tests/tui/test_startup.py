"""Start-up: the cycle collector is paused by the entry point and runs again once each face has started."""

from __future__ import annotations

import gc

import pytest

from supervise_tui import main as entry
from supervise_tui import startup
from supervise_tui.ui.screens.overview import OverviewScreen
from tests.tui.kit import SIZE, build_app, settle


@pytest.fixture
def collector():
    """The collector as the test found it, afterwards (and what a resume froze, back in its view)."""
    yield
    if startup.paused():
        startup.resume()
    gc.unfreeze()
    gc.enable()


def test_the_entry_point_pauses_the_collector_before_anything_runs(collector, monkeypatch):
    seen = []
    monkeypatch.setattr(entry, "main", lambda: seen.append((startup.paused(), gc.isenabled())) or 0)
    with pytest.raises(SystemExit) as leaving:
        entry.run()
    assert leaving.value.code == 0
    assert seen == [(True, False)]


async def test_the_tui_runs_the_collector_again_once_its_first_screen_is_drawn(store, isolated_locations,
                                                                               collector):
    store.close()
    app = build_app(isolated_locations)
    startup.pause()
    assert not gc.isenabled()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        assert gc.isenabled() and not startup.paused()


def test_a_command_runs_with_the_collector(store, run_cli, collector, monkeypatch):
    from supervise_tui.cli import run as cli_run

    store.close()
    seen = []
    monkeypatch.setattr(cli_run, "run_command", lambda args: seen.append((args.command, gc.isenabled())) or 0)
    startup.pause()
    assert run_cli("list", "--format", "json").code == 0
    assert seen == [("list", True)] and not startup.paused()


def test_a_resume_without_a_pause_leaves_the_collector_alone(collector):
    gc.disable()
    startup.resume()
    assert not gc.isenabled()
