"""The bulletin's numeric targets: per pillar met, on track, behind, not reported, and the headline goals
with their values — a golden bulletin of a round where values were reported, and the counts worked out."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from supervise_tui.domain import export
from supervise_tui.domain.bulletin import build_bulletin
from supervise_tui.domain.diff import diff_counts
from supervise_tui.domain.edits import set_indicator
from supervise_tui.i18n import set_language
from tests.rounds_kit import INSPECTOR, edit, small_store, two_rounds

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def reported(tasklist, tmp_path, monkeypatch):
    """Round 2 of the scripted scenario with values reached for four of its five numeric targets."""
    conn = small_store(tmp_path / "targets.db", tasklist)
    _, r2 = two_rounds(conn, tasklist, monkeypatch)
    edit(conn, r2, "W13-T02", value="12")  # ≥ 10 %: met
    edit(conn, r2, "W08-T02", value="3; 8")  # 3 of 3 and 8 of 20 项: 70 %, ahead of 长期实施's 47 %
    edit(conn, r2, "W04-T01", value="60")  # 60 of 80 %: 75 %, ahead of 2023-2025's 49 %
    edit(conn, r2, "W08-T03", value="1; 30; 1000")  # 66 %, but the inspector's light is red
    set_indicator(conn, INSPECTOR, r2, "G01", {"value": "36.5", "evidence": "乐发改〔2024〕1号"})
    set_indicator(conn, INSPECTOR, r2, "G02", {"value": "8.2"})
    set_language("zh")
    yield conn, r2
    conn.close()


def _golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(data)
    assert data == path.read_bytes(), f"{name} differs from its golden file (UPDATE_GOLDEN=1 regenerates it)"


def test_the_attainment_by_pillar_and_the_goals_with_values(reported):
    conn, r2 = reported
    with build_bulletin(conn, r2) as b:
        assert b.attainment == [
            {"title": "一、提信心增预期", "targets": 1, "met": 0, "on_track": 1, "behind": 0, "no_value": 0},
            {"title": "二、降门槛扩领域", "targets": 3, "met": 0, "on_track": 1, "behind": 1, "no_value": 1},
            {"title": "三、真公平破隐性", "targets": 1, "met": 1, "on_track": 0, "behind": 0, "no_value": 0}]
        assert [(g["id"], g["value"], g["attainment"], g["met"]) for g in b.goals] == [
            ("G01", "36.5", "36.5 / 35 亿元 104%", True), ("G02", "8.2", "8.2 / 10 % 82%", False),
            ("G03", "", "", False)]
        # the changes it counts are the diff's, values reached included
        assert b.changes == diff_counts(conn, 1, r2) and b.changes["value_changed"] == 4


def cells(text: str, heading: str) -> list[list[str]]:
    """The cells of the first table under ``heading`` (its rule line left out)."""
    table = text.split(heading + "\n")[1].split("\n## ")[0]
    rows = [line for line in table.splitlines() if line.startswith("|") and not line.startswith("|:")]
    return [[c.strip() for c in row.strip("|").split("|")] for row in rows]


def test_markdown_golden_with_the_attainment_table(reported):
    conn, r2 = reported
    with build_bulletin(conn, r2) as b:
        md = export.render(b, "md")
    _golden("bulletin-targets.md", md)
    text = md.decode("utf-8")
    assert cells(text, "## 全市目标完成情况(数量目标 5 个)") == [
        ["总体任务", "数量目标", "已达标", "进度正常", "落后", "未填"],
        ["一、提信心增预期", "1", "0", "1", "0", "0"], ["二、降门槛扩领域", "3", "0", "1", "1", "1"],
        ["三、真公平破隐性", "1", "1", "0", "0", "0"], ["合计", "5", "1", "2", "1", "1"]]
    assert cells(text, "## 主要目标") == [
        ["年份", "内容", "完成值", "完成情况"],
        ["2023", "全面推动惠企政策降本减负35亿元以上", "36.5", "36.5 / 35 亿元 104% ✓"],
        ["2023", "全年民间投资增速超10%", "8.2", "8.2 / 10 % 82%"],
        ["2023", "民营企业工业供地占比达到70%以上", "", ""]]


def test_json_golden_carries_the_attainment_and_the_goals(reported):
    conn, r2 = reported
    with build_bulletin(conn, r2) as b:
        data = export.render(b, "json")
    _golden("bulletin-targets.json", data)
    obj = json.loads(data)
    assert [r["title"] for r in obj["attainment"]] == ["一、提信心增预期", "二、降门槛扩领域", "三、真公平破隐性"]
    assert obj["goals"][0] == {"id": "G01", "year": "2023", "text": "全面推动惠企政策降本减负35亿元以上",
                               "value": "36.5", "attainment": "36.5 / 35 亿元 104%", "met": True,
                               "evidence": "乐发改〔2024〕1号"}


def test_in_english_the_same_table(reported):
    conn, r2 = reported
    set_language("en")
    with build_bulletin(conn, r2) as b:
        text = export.render(b, "md").decode("utf-8")
    assert cells(text, "## Numeric targets (5)")[0] == ["pillar", "numeric targets", "met", "on track", "behind",
                                                         "not reported"]
