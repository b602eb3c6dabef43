"""End to end in a real terminal: a liaison of 市税务局 reports all 39 items with the keyboard alone.

The installed app runs in a tmux pane of the test's own (80×24, the smallest terminal we serve): it
opens on the unit's round, enter opens the report form on the first item, and ctrl+n saves each
one and opens the next still to report, until the counter reads 39 / 39.
"""

from __future__ import annotations

import sqlite3

import pytest

from supervise_tui.domain.db import connect
from supervise_tui.domain.sync import load
from tests.e2e.tmux_kit import app_command, line_with, requires_tmux

pytestmark = [pytest.mark.e2e, requires_tmux]

UNIT = "市税务局"
USER = "林良卡"


def test_a_liaison_reports_every_item_of_the_round_with_the_keyboard_alone(tmp_path, pane, tasklist):
    db = tmp_path / "e2e.db"
    conn = connect(db)
    load(conn, tasklist, user="loader", source="bundled")
    unit_id = conn.execute("SELECT id FROM units WHERE name = ?", (UNIT,)).fetchone()[0]
    items = [r[0] for r in conn.execute(
        "SELECT id FROM items WHERE retired = 0 AND work_id IN (SELECT work_id FROM work_units WHERE unit_id = ?) "
        "ORDER BY pos", (unit_id,))]
    conn.close()
    assert len(items) == 39
    rc_file = tmp_path / "rc"
    pane.start(app_command(tmp_path, rc_file, "--role", "liaison", "--unit", UNIT, "--user", USER), size=(80, 24))

    screen = pane.wait_for(lambda s: "已报送 0 / 39" in s and items[0] in s, "the unit's round")
    assert f"本轮报送 › {UNIT}" in screen.splitlines()[0] and "还有 39 项未报送" in screen
    pane.keys("Enter")
    for n, item in enumerate(items):
        pane.wait_for(lambda s, item=item, n=n: f"填报 {item}" in s and f"已报送 {n} / 39" in s,
                      f"the form on {item}")
        pane.keys("Right")  # 推进中
        pane.wait_for(lambda s: "● 推进中" in s, "推进中 chosen")
        pane.keys("Tab")  # the progress
        pane.type("60")
        form = pane.wait_for(lambda s: "60 " in line_with(s, "▊ 进度"), "the progress typed")
        if n == 0:  # a note on the first: Tab past the progress, type it
            pane.keys("Tab")
            # (a numeric target's value reached comes first): the form's own row says so, not the words
            # "完成值" anywhere on the screen, which the key bar under the form shows too ("v 完成值/佐证")
            if line_with(form, "▊ 完成值"):
                pane.keys("Tab")
            pane.type("已按计划推进")
            pane.wait_for(lambda s: "已按计划推进" in s, "the note typed")
        pane.keys("C-n")

    screen = pane.wait_for(lambda s: "已报送 39 / 39" in s and "填报" not in s.splitlines()[1], "the round done")
    assert "本轮已全部报送" in screen
    pane.keys("q")
    pane.wait_exit()
    assert rc_file.read_text().strip() == "0"

    conn = sqlite3.connect(db)
    states = conn.execute(
        "SELECT item_id, status, progress, note, updated_by, evidence FROM item_state WHERE round_id = 1 AND item_id IN "
        f"({', '.join('?' for _ in items)}) ORDER BY item_id", items).fetchall()
    conn.close()
    assert len(states) == 39
    assert {(s[1], s[2], s[4]) for s in states} == {("in_progress", 60, USER)}
    assert [s[3] for s in states if s[3]] == ["已按计划推进"]
    assert [s[5] for s in states if s[5]] == []  # the note went to the note, not on to the evidence
    assert dict((s[0], s[3]) for s in states)[items[0]] == "已按计划推进"
