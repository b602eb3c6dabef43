"""End to end in a real terminal: a new round, an edit, the diff shows it, the bulletin holds it.

The installed app runs in a detached tmux session of our own (its own ``-L`` socket, 140×40),
in ``tmp_path`` so that ``exports/`` of the current directory is the test's.
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.e2e.tmux_kit import line_with, requires_tmux, start_app

pytestmark = [pytest.mark.e2e, requires_tmux]

USER = "e2e-inspector"
ROUND_NAME = "2024-Q1"
ITEM = "W01-T01"


def test_new_round_edit_diff_and_bulletin_in_a_real_terminal(tmp_path, pane):
    db = tmp_path / "e2e.db"
    rc_file = start_app(pane, tmp_path, "--user", USER)

    # r, n, a name, enter: the new round is made and becomes current
    pane.keys("r")
    pane.wait_for(lambda s: "报送轮次" in s and "第1轮" in line_with(s, "▶"), "the rounds")
    pane.keys("n")
    pane.wait_for(lambda s: "新建报送轮次" in s, "the new round form")
    pane.type(ROUND_NAME)
    pane.wait_for(lambda s: ROUND_NAME in s, "the name typed")
    # 第1轮 is still open: the form asks whether to close it too, unticked (the safe default)
    pane.wait_for(lambda s: "同时关闭上一轮 第1轮" in s, "the question about the previous round")
    pane.keys("Enter")
    screen = pane.wait_for(lambda s: ROUND_NAME in line_with(s, "▶") and "新建报送轮次" not in s
                           and f"当前轮次: {ROUND_NAME}" in s.splitlines()[0], "the new round, current")
    assert screen.count("▶") == 1 and "第1轮" not in line_with(screen, "▶")

    # 2 → 提信心增预期 → (一) → its items; s on the first one, 已完成
    pane.keys("2")
    pane.wait_for(lambda s: "一、提信心增预期" in s and "重点工作数" in s, "the pillars")
    pane.keys("Enter")
    pane.wait_for(lambda s: "(一)强化财税政策保障" in s, "the works of 提信心增预期")
    pane.keys("Enter")
    screen = pane.wait_for(lambda s: ITEM in s and "共 19 项" in s, "the items of W01")
    assert "未启动" in line_with(screen, ITEM)  # carried forward from round 1
    pane.keys("s")
    pane.wait_for(lambda s: "设置状态" in s and "受阻" in s, "the status picker")
    pane.keys("Down", "Down", "Enter")
    pane.wait_for(lambda s: "已完成" in line_with(s, ITEM) and "设置状态" not in s, "已完成 on the row")

    # d: the picker opens on 第1轮 → 2024-Q1; Tab to the button, Enter
    pane.keys("d")
    # wait for the two selects too: the title is drawn a frame before them
    pane.wait_for(lambda s: "选择对比的两个轮次" in s and line_with(s, "第1轮", ROUND_NAME),
                  "the round pair picker on 第1轮 → " + ROUND_NAME)
    pane.keys("Tab", "Tab", "Enter")
    screen = pane.wait_for(lambda s: "好转" in line_with(s, ITEM), "the diff with the edit")
    assert "未启动 → 已完成" in line_with(screen, ITEM)
    assert "好转 1" in screen

    # back twice, e, Tab to the folder (exports/ of the cwd), Enter
    pane.keys("Escape")
    pane.wait_for(lambda s: "好转" not in s and ITEM in s, "the items again")
    pane.keys("Escape")
    pane.wait_for(lambda s: "(一)强化财税政策保障" in s and ITEM not in s, "the works again")
    pane.keys("e")
    pane.wait_for(lambda s: "导出本轮通报" in s and str(tmp_path / "exports") in s,
                  "the export dialog with exports/ of the cwd")
    pane.keys("Tab", "Tab", "Tab", "Enter")
    pane.wait_for(lambda s: "导出本轮通报" not in s and "已导出" in s, "the export done")

    pane.keys("q")
    pane.wait_exit()

    assert rc_file.read_text().strip() == "0"
    exported = sorted(p.name for p in (tmp_path / "exports").iterdir())
    assert exported == [f"bulletin-2-{ROUND_NAME}.md"]
    bulletin = (tmp_path / "exports" / exported[0]).read_text("utf-8")
    assert ITEM in bulletin and "已完成" in line_with(bulletin, ITEM)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        rounds = [dict(r) for r in conn.execute("SELECT id, name, closed_at, created_by FROM rounds ORDER BY id")]
        assert rounds == [{"id": 1, "name": "第1轮", "closed_at": None, "created_by": USER},
                          {"id": 2, "name": ROUND_NAME, "closed_at": None, "created_by": USER}]
        state = dict(conn.execute("SELECT * FROM item_state WHERE round_id = 2 AND item_id = ?", (ITEM,)).fetchone())
        assert (state["status"], state["updated_by"], state["version"]) == ("done", USER, 1)
        assert conn.execute("SELECT status FROM item_state WHERE round_id = 1 AND item_id = ?",
                            (ITEM,)).fetchone()[0] == "not_started"
        assert conn.execute("SELECT value FROM meta WHERE key = 'current_round'").fetchone()[0] == "2"
    finally:
        conn.close()
