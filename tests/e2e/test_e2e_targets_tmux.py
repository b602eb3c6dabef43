"""End to end in a real terminal: an inspector records a numeric target's value reached with v, and the
item table shows its attainment; a 2023 target under ongoing work is red by its own deadline."""

from __future__ import annotations

import pytest

from supervise_tui.domain.db import connect
from tests.e2e.tmux_kit import requires_tmux, start_app

pytestmark = [pytest.mark.e2e, requires_tmux]


@pytest.fixture
def inspector(tmp_path, monkeypatch):
    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2024-03-15T09:00:00+08:00")
    monkeypatch.setenv("SUPERVISE_TUI_CONFIG", str(tmp_path / "settings.json"))
    (tmp_path / "settings.json").write_text('{"role": "inspector"}', encoding="utf-8")


def row(screen: str, item_id: str) -> str:
    """The table row of ``item_id`` ("" if not on screen), not the search box holding the same id."""
    return next((ln for ln in screen.splitlines() if ln.startswith(f" {item_id} ")), "")


def search(pane, term: str, item_id: str) -> str:
    pane.keys("/")
    pane.wait_for(lambda s: "搜索" in s.splitlines()[0], "the search screen")
    pane.type(term)
    pane.keys("Enter")
    return pane.wait_for(lambda s: "1 条结果" in s and row(s, item_id) != "", f"{item_id} found")


def test_v_records_a_value_and_the_table_shows_its_attainment(tmp_path, pane, inspector):
    rc = start_app(pane, tmp_path, "--user", "督查员", size=(200, 40))
    screen = search(pane, "W13-T02", "W13-T02")
    assert "完成情况" in screen and "未填" in row(screen, "W13-T02")
    pane.keys("v")
    pane.wait_for(lambda s: "完成值和佐证材料 — W13-T02" in s and "佐证文件夹" in s, "the value editor")
    pane.type("12")
    pane.wait_for(lambda s: any(ln.startswith("▊  12 ") for ln in s.splitlines()), "12 in the value's field")
    pane.keys("C-s")
    screen = pane.wait_for(lambda s: "12/10% 120% ✓" in row(s, "W13-T02"), "the attainment in the table")
    assert "已完成" in row(screen, "W13-T02")  # the goal is met: done, 100 %
    pane.keys("q")
    pane.wait_exit()
    assert rc.read_text().strip() == "0"
    conn = connect(tmp_path / "e2e.db")
    try:
        assert tuple(conn.execute("SELECT value, status, progress FROM item_state WHERE round_id = 1 "
                                  "AND item_id = 'W13-T02'").fetchone()) == ("12", "done", 100)
        assert [tuple(r) for r in conn.execute("SELECT old, new FROM audit WHERE item_id = 'W13-T02' "
                                               "AND field = 'value'")] == [("", "12")]
    finally:
        conn.close()


def test_a_2023_target_under_ongoing_work_is_red_by_its_own_deadline(tmp_path, pane, inspector):
    start_app(pane, tmp_path, "--user", "督查员", size=(200, 40))
    screen = search(pane, "W08-T01", "W08-T01")
    found = row(screen, "W08-T01")
    assert " 红 " in found and "本条期限(2023年底)已过" in found, screen
    pane.keys("q")
    pane.wait_exit()
