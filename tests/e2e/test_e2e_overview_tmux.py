"""End to end in a real terminal: what an inspector sees on the overview after a scripted round with
red, overdue and not-reported items, at 80×24 and at 200×60 — and enter on the worst red item."""

from __future__ import annotations

import pytest

from supervise_tui.domain.db import connect
from supervise_tui.domain.edits import Actor, apply_changes, set_light
from supervise_tui.domain.standing import units_behind
from supervise_tui.i18n import set_language, t
from tests.e2e.tmux_kit import line_with, requires_tmux, start_app

pytestmark = [pytest.mark.e2e, requires_tmux]

INSPECTOR = Actor("督查员")


@pytest.fixture
def scripted_store(tmp_path, tasklist, monkeypatch):
    """e2e.db on 2026-02-01 (the 2023-2025 stage has ended): a few reports, an override, a blocked item."""
    from supervise_tui.domain.sync import load

    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2026-02-01T09:00:00+08:00")
    monkeypatch.setenv("SUPERVISE_TUI_CONFIG", str(tmp_path / "settings.json"))
    set_language("zh")
    conn = connect(tmp_path / "e2e.db")
    load(conn, tasklist, user="loader", source="bundled")
    apply_changes(conn, INSPECTOR, 1, "W01-T01", {"status": "in_progress", "progress": 50})
    apply_changes(conn, INSPECTOR, 1, "W05-M01", {"status": "blocked", "progress": 5})
    set_light(conn, INSPECTOR, 1, "W03-M02", "red", "群众反映强烈")
    units = units_behind(conn, 1, 5)
    conn.close()
    (tmp_path / "settings.json").write_text('{"role": "inspector"}', encoding="utf-8")
    return units


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
def test_the_overview_says_who_is_behind_and_opens_the_worst_red_item(tmp_path, pane, scripted_store, size):
    units = scripted_store
    start_app(pane, tmp_path, "--user", "督查员", size=size)
    expected = [(u["name"] + "  ", t("overview.unit_behind", red=u["red"], not_reported=u["not_reported"],
                                     overdue=u["overdue"])) for u in units]

    def counted(s: str) -> bool:  # the heading, the red list and every unit's counts (a worker fills them)
        return (t("overview.worst_units")[:8] in s and "W03-M02" in s
                and all(name in s and words in line_with(s, name) for name, words in expected))

    screen = pane.wait_for(counted, "who is behind")
    # the units most behind, each with its counts, in rank order, none cut off
    rows = [line_with(screen, u["name"] + "  ") for u in units]
    for unit, row in zip(units, rows):
        assert t("overview.unit_behind", red=unit["red"], not_reported=unit["not_reported"],
                 overdue=unit["overdue"]) in row, (unit, screen)
    positions = [screen.splitlines().index(row) for row in rows]
    assert positions == sorted(positions)
    assert any(u["overdue"] for u in units)
    # the red list: the override first, then the blocked item; why it is red where there is room
    lines = screen.splitlines()
    first, second = (next(n for n, ln in enumerate(lines) if item in ln) for item in ("W03-M02", "W05-M01"))
    assert first < second
    if size[0] >= 200:
        assert "群众反映强烈" in lines[first] and "受阻" in lines[second]
    # tab to the list, enter: the worst item's detail
    pane.keys("Tab")
    pane.keys("Enter")
    detail = pane.wait_for(lambda s: "W03-M02" in s.splitlines()[0], "the red item's detail")
    assert t("screen.overview") in detail.splitlines()[0]
    pane.keys("q")
    pane.wait_exit()
