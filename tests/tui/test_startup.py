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


# What the first screen (the overview, drawn headless) must not load: the other screens and dialogs,
# the batch jobs, the exchange's files and keys, the loader, the edit rules. Each is loaded where it is first used.
NOT_FOR_THE_FIRST_SCREEN = (
    "hashlib", "csv", "yaml", "tabulate", "sqlite_utils",
    "supervise_tui.cli.items", "supervise_tui.cli.reports",
    "supervise_tui.domain.diff", "supervise_tui.domain.export", "supervise_tui.domain.bulletin",
    "supervise_tui.domain.sync", "supervise_tui.domain.tasklist", "supervise_tui.domain.yamlstrict",
    "supervise_tui.domain.migrations", "supervise_tui.domain.synth", "supervise_tui.domain.selfcheck",
    "supervise_tui.domain.edits", "supervise_tui.domain.evidence",
    "supervise_tui.domain.exchange.fileformat", "supervise_tui.domain.exchange.keys",
    "supervise_tui.domain.exchange.package", "supervise_tui.domain.exchange.importing",
    "supervise_tui.ui.dialogs", "supervise_tui.ui.palette", "supervise_tui.ui.welcome", "supervise_tui.ui.diffsource",
    "supervise_tui.ui.screens.detail", "supervise_tui.ui.screens.diff", "supervise_tui.ui.screens.search",
    "supervise_tui.ui.screens.chase", "supervise_tui.ui.screens.rounds", "supervise_tui.ui.screens.exchange",
    "supervise_tui.ui.screens.myround", "supervise_tui.ui.screens.browse", "supervise_tui.ui.screens.editing",
    "supervise_tui.ui.screens.viewing", "supervise_tui.ui.itemview",
)


def test_the_first_screen_loads_only_what_it_shows(store, isolated_locations):
    from tests.test_architecture import imported_after

    store.close()
    loaded = imported_after(
        "import sys\n"
        f"sys.argv = ['supervise-tui', '--db', {str(isolated_locations)!r}, '--headless', '--exit-after-first-screen']\n"
        "from supervise_tui.main import main\n"
        "assert main() == 0\n"
    )
    assert "supervise_tui.ui.screens.overview" in loaded  # the first screen was drawn
    assert sorted(m for m in loaded if m.startswith(NOT_FOR_THE_FIRST_SCREEN)) == []


async def test_each_style_sheet_is_parsed_once_at_start_and_again_when_the_theme_changes(
        store, isolated_locations, monkeypatch):
    from textual.css import stylesheet as textual_stylesheet
    from textual.widgets import Static

    parsed: list[tuple[str, str]] = []
    parse = textual_stylesheet.parse

    def counting(scope, css, read_from, **options):
        parsed.append(read_from)
        return parse(scope, css, read_from, **options)

    monkeypatch.setattr(textual_stylesheet, "parse", counting)
    store.close()
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        assert parsed and len(parsed) == len(set(parsed))  # every sheet once
        assert any(path.endswith("app.tcss") for path, _ in parsed)
        before = app.screen.query_one("#topbar", Static).styles.background
        parsed.clear()
        app.theme = "textual-light"  # new variables: every sheet again, and the screen restyled
        await settle(pilot)
        assert any(path.endswith("app.tcss") for path, _ in parsed)
        assert app.screen.query_one("#topbar", Static).styles.background != before
