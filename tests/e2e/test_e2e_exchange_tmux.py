"""End to end in real terminals, two stores in two folders: the inspector enrols 市税务局 and issues its
package; the liaison opens it in the TUI (the first run), edits three items and writes a return; the
inspector imports it in the TUI, reviews, accepts; the diff and the bulletin show the changes with the
liaison as their author."""

from __future__ import annotations

import os
import sqlite3
import subprocess

import pytest

from tests.e2e.tmux_kit import Pane, app_command, installed_app, line_with, requires_tmux

pytestmark = [pytest.mark.e2e, requires_tmux]

UNIT = "市税务局"
INSPECTOR = "e2e-督查"
LIAISON = "林良卡"
ROUND_NAME = "2024-Q1"


def cli(home, *argv: str) -> str:
    """The installed command line on the store in ``home`` (as app_command sets it up)."""
    env = dict(os.environ, SUPERVISE_TUI_DB=str(home / "e2e.db"), SUPERVISE_TUI_DATA_DIR=str(home / "data"),
               SUPERVISE_TUI_CONFIG=str(home / "settings.json"))
    proc = subprocess.run([*installed_app(), "--user", INSPECTOR, *argv], env=env, capture_output=True,
                          timeout=60, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_package_out_edits_in_a_liaison_store_return_back_review_accept_diff_and_bulletin(tmp_path):
    office, desk, usb = tmp_path / "inspector", tmp_path / "liaison", tmp_path / "usb"
    for folder in (office, desk, usb):
        folder.mkdir()
    cli(office, "load")
    cli(office, "round", "new", ROUND_NAME)
    cli(office, "exchange", "enrol", UNIT)
    cli(office, "exchange", "issue", UNIT, "--out", str(usb))
    package = usb / f"package-r2-{ROUND_NAME}-{UNIT}.json"
    assert package.exists()

    # the liaison, in their own folder's store, started from the stick: the first run offers the package
    liaison = Pane(usb)
    try:
        liaison.start(app_command(desk, desk / "rc", "--user", LIAISON))
        liaison.wait_for(lambda s: "首次使用" in s and "联络员：打开" in s, "the first run")
        liaison.keys("Down", "Enter")  # the liaison's choice: to the package field, the one on the stick in it
        liaison.wait_for(lambda s: f"{ROUND_NAME}-{UNIT}.json" in s, "the package offered, its name in sight")
        liaison.keys("Enter")
        screen = liaison.wait_for(lambda s: f"本轮报送 › {UNIT}" in s and "W01-T01" in s and "已报送 0 / 39" in s,
                                  "the liaison's own items")
        assert f"联络员 {LIAISON} · {UNIT}" in screen.splitlines()[0]
        # the liaison's round: an item reported moves down to 已报送, the cursor is on the next to report
        for n in (1, 2):  # W01-T01 and W01-T02: 推进中
            liaison.keys("s")
            liaison.wait_for(lambda s: "设置状态" in s and "受阻" in s, "the status picker")
            liaison.keys("Down", "Enter")
            liaison.wait_for(lambda s, n=n: "设置状态" not in s and f"已报送 {n} / 39" in s, "the picker closed")
        liaison.wait_for(lambda s: "推进中" in line_with(s, "W01-T02"), "W01-T02 推进中")
        liaison.keys("n")  # W01-T03: a note
        liaison.wait_for(lambda s: "编辑备注" in s, "the note editor")
        liaison.type("已对接12家银行")
        liaison.wait_for(lambda s: "编辑备注" in s and "已对接12家银行" in s, "the note typed")
        liaison.keys("C-s")
        liaison.wait_for(lambda s: "已对接12家银行" in line_with(s, "W01-T03"), "the note on its row")
        liaison.keys("6")
        screen = liaison.wait_for(lambda s: "报送交换" in s and "W01-T03" in s, "the liaison's exchange")
        assert "推进中" in line_with(screen, "W01-T01") and "推进中" in line_with(screen, "W01-T02")
        liaison.keys("w")
        liaison.wait_for(lambda s: "把报送包写到文件夹" in s and str(usb) in s, "the folder of the package offered")
        liaison.keys("Enter")
        liaison.wait_for(lambda s: "已写出并核对" in s, "the return written and checked")
        liaison.keys("q")
        liaison.wait_exit()
    finally:
        liaison.kill()
    assert (desk / "rc").read_text().strip() == "0"
    returned = usb / f"return-r2-{ROUND_NAME}-{UNIT}-0001.json"
    assert returned.exists()

    # the inspector, back at the laptop: 6, i, the stick's folder; the review; a accepts
    inspector = Pane(office)
    try:
        inspector.start(app_command(office, office / "rc", "--user", INSPECTOR))
        inspector.wait_for(lambda s: "总览" in s and "共 " in s, "the overview")
        inspector.keys("6")
        inspector.wait_for(lambda s: "报送交换" in s and "未交回" in line_with(s, UNIT), "the exchange status")
        inspector.keys("i")
        inspector.wait_for(lambda s: "导入报送包" in s and str(office) in s, "the import dialog")
        inspector.keys("C-u")
        inspector.wait_for(lambda s: str(office) not in s, "the folder field emptied")
        inspector.type(str(usb))
        inspector.wait_for(lambda s: str(usb) in s, "the stick's folder typed")
        inspector.keys("Enter")
        screen = inspector.wait_for(lambda s: "审阅报送" in s and "待审 3 项" in s, "the review of the return")
        assert "可采用" in line_with(screen, "W01-T03") and "已对接12家银行" in line_with(screen, "W01-T03")
        assert "冲突 0" in screen
        inspector.keys("a")
        inspector.wait_for(lambda s: "待审 0 项" in s, "every change accepted")
        inspector.keys("Escape")
        inspector.wait_for(lambda s: "已交回" in line_with(s, UNIT), "the unit returned")

        # d: 第1轮 → 2024-Q1 shows the changes; enter on the first: the liaison is who changed it
        inspector.keys("d")
        inspector.wait_for(lambda s: "选择对比的两个轮次" in s and line_with(s, "第1轮", ROUND_NAME), "the pair")
        inspector.keys("Tab", "Tab", "Enter")
        screen = inspector.wait_for(lambda s: "未启动 → 推进中" in line_with(s, "W01-T01"), "the diff")
        assert "未启动 → 推进中" in line_with(screen, "W01-T02")
        inspector.keys("Enter")
        screen = inspector.wait_for(lambda s: "W01-T01" in s and line_with(s, "修改人"), "the item in both rounds")
        assert LIAISON in line_with(screen, "修改人")
        inspector.keys("Escape")
        inspector.wait_for(lambda s: "未启动 → 推进中" in line_with(s, "W01-T01"), "the diff again")
        inspector.keys("Escape")  # back to the exchange (an escape and a key at once would read as alt+key)
        inspector.wait_for(lambda s: "轮次对比" not in s and "已交回" in line_with(s, UNIT), "the exchange again")
        inspector.keys("e")
        inspector.wait_for(lambda s: "导出本轮通报" in s and str(office / "exports") in s, "the export dialog")
        inspector.keys("Tab", "Tab", "Tab", "Enter")
        inspector.wait_for(lambda s: "导出本轮通报" not in s and "已导出" in s, "the export done")
        inspector.keys("q")
        inspector.wait_exit()
    finally:
        inspector.kill()
    assert (office / "rc").read_text().strip() == "0"

    bulletin = (office / "exports" / f"bulletin-2-{ROUND_NAME}.md").read_text("utf-8")
    section = bulletin.split("## 由报送包采纳的修改（3 项）")[1].split("\n## ")[0]
    rows = [[cell.strip() for cell in line.split("|")[1:-1]] for line in section.splitlines()
            if line.startswith("| W01-")]
    assert rows == [
        ["W01-T01", "状态", "未启动", "推进中", LIAISON, f"{UNIT} #1", INSPECTOR],
        ["W01-T02", "状态", "未启动", "推进中", LIAISON, f"{UNIT} #1", INSPECTOR],
        ["W01-T03", "备注", "", "已对接12家银行", LIAISON, f"{UNIT} #1", INSPECTOR]]

    conn = sqlite3.connect(office / "e2e.db")
    try:
        rid = conn.execute("SELECT id FROM exchange_returns").fetchone()[0]
        assert conn.execute(
            "SELECT item_id, field, user, source, accepted_by FROM audit WHERE action = 'import' ORDER BY id"
        ).fetchall() == [("W01-T01", "status", LIAISON, rid, INSPECTOR), ("W01-T02", "status", LIAISON, rid, INSPECTOR),
                         ("W01-T03", "note", LIAISON, rid, INSPECTOR)]
        assert conn.execute("SELECT item_id, status, note, updated_by FROM item_state WHERE round_id = 2 AND "
                            "item_id IN ('W01-T01', 'W01-T02', 'W01-T03') ORDER BY item_id").fetchall() == [
            ("W01-T01", "in_progress", "", LIAISON), ("W01-T02", "in_progress", "", LIAISON),
            ("W01-T03", "not_started", "已对接12家银行", LIAISON)]
    finally:
        conn.close()
