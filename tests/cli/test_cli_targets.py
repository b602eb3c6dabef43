"""`show` tells a target's goal, deadline, value reached, attainment and evidence; `list --format json` the values."""

from __future__ import annotations

import json

from supervise_tui.domain.edits import Actor, apply_changes
from tests.conftest import TEST_USER

INSPECTOR = Actor(TEST_USER)


def facts(out: str) -> list[str]:
    """The lines between the people and the history table."""
    lines = out.split("\n\n")[2].splitlines()
    units = next(line for line in lines if line.startswith(("责任单位", "responsible units")))
    return lines[lines.index(units) + 1:]


def test_show_a_numeric_target_with_its_value_and_evidence(store, run_cli):
    apply_changes(store, INSPECTOR, 1, "W08-T01", {"value": "; 145; 200", "evidence": "乐科〔2024〕3号"})
    result = run_cli("show", "W08-T01")
    assert result.code == 0, result.err
    assert facts(result.out) == [
        "目标值: 申报省科技领军企业或省科技小巨人企业的民营企业 ≥ 3 家",
        "目标值: 申报国家高新技术企业的民营企业 ≥ 145 家",
        "目标值: 申报省科技型中小企业的民营企业 ≥ 440 家",
        "期限: 2023年底",
        "完成情况: — / 3 家",
        "完成情况: 145 / 145 家 100% ✓ 已达标",
        "完成情况: 200 / 440 家 45%",
        "佐证材料: 乐科〔2024〕3号"]
    history = result.out.split("各轮次状态:")[1].splitlines()
    assert history[1].split() == ["轮次", "状态", "进度", "亮灯", "完成值", "备注", "修改人", "修改时间"]
    assert history[3].split()[:3] == ["第1轮", "推进中", "48"] and "; 145; 200" in history[3]


def test_show_in_english_and_a_qualitative_target(store, run_cli):
    apply_changes(store, INSPECTOR, 1, "W06-T01", {"value": "18"})
    assert facts(run_cli("--lang", "en", "show", "W06-T01").out)[:3] == [
        "goal: 引育高层次领军人才 ≥ 20 名", "deadline: end of 2023", "attainment: 18 / 20 名 90%"]
    assert facts(run_cli("show", "W25-T01").out) == ["目标值: 定性目标(无数量指标)", "期限: 2023年底"]
    assert facts(run_cli("show", "W25-M01").out) == []


def test_list_json_carries_goal_deadline_and_value(store, run_cli):
    apply_changes(store, INSPECTOR, 1, "W06-T01", {"value": "18"})
    rows = {r["id"]: r for r in json.loads(run_cli("list", "--format", "json", "--search", "W06").out)}
    assert (rows["W06-T01"]["value"], rows["W06-T01"]["progress"]) == ("18", 90)


def test_list_shows_each_targets_attainment_beside_its_light(store, run_cli):
    apply_changes(store, INSPECTOR, 1, "W13-T02", {"value": "12"})
    apply_changes(store, INSPECTOR, 1, "W08-T01", {"value": "3; 145; 220"})
    lines = run_cli("list", "--search", "民营企业申报").out.splitlines()
    head = lines[0].split()
    assert head[head.index("亮灯") + 1:] == ["完成情况", "备注"]
    row = next(line for line in lines if line.startswith("W08-T01"))
    assert "2/3 项达标 83%" in row
    assert "未填" in next(line for line in lines if line.startswith("W08-T04"))
    w13 = {line.split()[0]: line for line in run_cli("list", "--pillar", "三").out.splitlines()[2:]}
    assert "12/10% 120% ✓" in w13["W13-T02"]
    # a qualitative target and a measure: nothing to show, not even 未填
    assert "未填" not in w13["W13-T01"] and "未填" not in w13["W13-M01"]
