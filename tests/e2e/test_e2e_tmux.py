"""End to end in a real terminal: the installed app in tmux, drill into a unit, change a status, quit."""

from __future__ import annotations

import sqlite3

import pytest

from tests.e2e.tmux_kit import line_with, requires_tmux, start_app

pytestmark = [pytest.mark.e2e, requires_tmux]

UNIT = "市税务局"
USER = "e2e-督查"


def test_installed_app_in_tmux_drill_into_a_unit_set_done_and_quit(tmp_path, pane):
    from supervise_tui.domain import queries

    tmux = pane
    db = tmp_path / "e2e.db"
    rc_file = start_app(tmux, tmp_path, "--user", USER)  # the overview, with the counts the worker fills in

    tmux.keys("3")
    screen = tmux.wait_for(lambda s: "牵头工作" in s and UNIT in s, "the units")
    # where the unit is in the list the app shows (the same order, from the same store)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        names = [u["name"] for u in queries.unit_summary(conn, 1)]
    finally:
        conn.close()
    downs = names.index(UNIT)
    assert line_with(screen, names[0])  # the first row is where the cursor starts
    if downs:
        tmux.keys(*["Down"] * downs)
    tmux.keys("Enter")
    # W01, which it leads, comes first
    tmux.wait_for(lambda s: f"责任单位 › {UNIT}" in s and "(一)强化财税政策保障" in s, f"the works of {UNIT}")

    tmux.keys("Enter")
    screen = tmux.wait_for(lambda s: "W01-T01" in s and "共 19 项" in s, "the items of W01")
    assert "未启动" in line_with(screen, "W01-T01")

    tmux.keys("s")
    tmux.wait_for(lambda s: "设置状态" in s and "受阻" in s, "the status picker")
    tmux.keys("Down", "Down", "Enter")
    # on the row at once, and in the summary line once its count (a worker) is back
    tmux.wait_for(lambda s: "已完成" in line_with(s, "W01-T01") and "已完成 1" in s and "设置状态" not in s,
                  "已完成 on the row and in the counts")

    tmux.keys("q")
    tmux.wait_exit()

    assert rc_file.read_text().strip() == "0"
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        state = dict(conn.execute("SELECT * FROM item_state WHERE round_id = 1 AND item_id = 'W01-T01'").fetchone())
        assert (state["status"], state["progress"]) == ("done", 100)  # the progress follows
        assert state["updated_by"] == USER and state["version"] == 1
        edits = [dict(r) for r in conn.execute(
            "SELECT user, round_id, item_id, action, field, old, new FROM audit WHERE action <> 'load' "
            "AND item_id IS NOT NULL ORDER BY id")]
        assert edits == [{"user": USER, "round_id": 1, "item_id": "W01-T01", "action": "edit", "field": "status",
                          "old": "not_started", "new": "done"},
                         {"user": USER, "round_id": 1, "item_id": "W01-T01", "action": "edit", "field": "progress",
                          "old": "0", "new": "100"}]
        assert conn.execute("SELECT count(*) FROM item_state WHERE version > 0").fetchone()[0] == 1
    finally:
        conn.close()
