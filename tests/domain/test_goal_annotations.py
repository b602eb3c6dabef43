"""The goal annotations of data/tasklist.yaml: checked against the source, reviewed against the
proposal tool's reading (a golden file), kept by regeneration, and refused when malformed."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from supervise_tui.domain.targets import COMPARES, UNITS, quoted_numbers
from supervise_tui.domain.tasklist import load_tasklist, parse_tasklist
from supervise_tui.errors import FileProblems
from tests.conftest import SMALL_TASKLIST
from tools import extract_tasklist, propose_targets

REPO = Path(__file__).resolve().parents[2]
YAML = REPO / "data" / "tasklist.yaml"
GOLDEN = Path(__file__).parent / "golden" / "propose_targets.txt"

# Targets whose text prints a figure that is no goal to attain, reviewed and marked qualitative:
# tax policies with their rates and periods (W01), a name (百日集中执行暖春行动), a per-case time
# limit (30日内办结).
QUALITATIVE_WITH_FIGURES = {"W01-T01", "W01-T02", "W01-T03", "W01-T04", "W24-T02", "W29-T03"}


@pytest.fixture(scope="module")
def bundled():
    return load_tasklist(YAML)


def targets(tasklist):
    return [i for i in tasklist.items if i.kind == "target"]


# --- the annotations against the verbatim text ----------------------------------------

def test_every_target_and_headline_goal_is_annotated(bundled):
    for item in [*targets(bundled), *bundled.indicators]:
        assert item.goal.numeric != item.goal.qualitative, item.id  # one or the other, never neither
    assert all(g.goal.numeric for g in bundled.indicators)
    assert sum(t.goal.numeric for t in targets(bundled)) == 52
    assert sum(t.goal.qualitative for t in targets(bundled)) == 47
    assert not [i.id for i in bundled.items if i.kind == "measure" and (i.goal.numeric or i.goal.qualitative)]


def test_every_goal_value_is_printed_in_its_verbatim_text(bundled):
    metrics = 0
    for item in [*targets(bundled), *bundled.indicators]:
        for m in item.goal.metrics:
            assert m.quote in item.text, (item.id, m.quote)
            assert Decimal(m.value) in quoted_numbers(m.quote), (item.id, m.value, m.quote)
            assert m.unit in UNITS or m.unit == "", (item.id, m.unit)
            assert m.compare in COMPARES and m.metric.strip(), item.id
            # the unit is printed right after the number, or the quote is a ratio with none
            assert m.unit in m.quote or (m.unit == "万元" and "万" in m.quote), (item.id, m.unit, m.quote)
            metrics += 1
    assert metrics == 8 + 73


def test_a_target_with_a_figure_is_numeric_unless_reviewed_otherwise(bundled):
    for item in targets(bundled):
        figures = propose_targets.propose_metrics(item.text)
        if item.goal.qualitative and figures:
            assert item.id in QUALITATIVE_WITH_FIGURES, (item.id, [f.quote for f in figures])
    assert all(next(i for i in targets(bundled) if i.id == ident).goal.qualitative
               for ident in QUALITATIVE_WITH_FIGURES)


def test_deadlines_are_the_years_the_text_names(bundled):
    for item in targets(bundled):
        if item.deadline:
            assert re.fullmatch(r"\d{4}", item.deadline), item.id  # this list names years, never a day
            assert item.deadline in item.text, item.id
    dated = {i.id: i.deadline for i in targets(bundled) if i.deadline}
    assert dated["W06-T01"] == "2023" and dated["W09-T01"] == "2025" and dated["W25-T01"] == "2023"
    assert sum(d == "2023" for d in dated.values()) == 36 and sum(d == "2025" for d in dated.values()) == 6


def test_a_few_annotations_exactly(bundled):
    items = {i.id: i for i in bundled.items} | {g.id: g for g in bundled.indicators}
    assert [(m.metric, m.compare, m.value, m.unit, m.quote) for m in items["W06-T01"].goal.metrics] == [
        ("引育高层次领军人才", "≥", "20", "名", "20名以上")]
    assert [(m.compare, m.value, m.unit, m.quote) for m in items["W24-T01"].goal.metrics] == [
        ("≤", "35", "%", "控制在35%以下"), ("≥", "80", "%", "80%以上")]
    assert [(m.compare, m.value, m.unit, m.quote) for m in items["W17-T01"].goal.metrics] == [
        ("≥", "100", "家", "百家以上"), (">", "10", "场", "十余场")]
    assert [(m.compare, m.value, m.unit) for m in items["G06"].goal.metrics] == [(">", "24", "万户")]
    assert [(m.compare, m.value) for m in items["G07"].goal.metrics] == [("≈", "3.2")]
    assert items["W21-T05"].text == "技改投资增速1达到12%以上。"  # the source's typo stays in the text
    assert items["W21-T05"].goal.metrics[0].value == "12"


# --- the proposal tool, reviewed --------------------------------------------------------

def test_the_proposal_report_is_the_reviewed_one():
    """Where the reviewed file and the text's reading differ, as a person last read them."""
    assert "\n".join(propose_targets.report(YAML)) + "\n" == GOLDEN.read_text(encoding="utf-8")


def test_the_report_names_a_target_left_without_its_annotation(tmp_path):
    text = YAML.read_text(encoding="utf-8")
    start = text.index("  - id: W06-T01\n")
    block = text[start:text.index("  - id: W06-T02\n")]
    bare = "\n".join(line for line in block.splitlines()
                     if line.startswith(("  - id:", "    'no':", "    text:"))) + "\n"
    path = tmp_path / "t.yaml"
    path.write_text(text.replace(block, bare), encoding="utf-8")
    found = propose_targets.report(path)
    assert "W06-T01: not annotated; the text suggests ≥20名" in found
    assert found[-1] == "numeric: 59, qualitative: 47, not annotated: 1, differ: 34"


def test_show_prints_a_proposal_to_paste():
    assert propose_targets.show("W06-T03") == [
        "# W06-T03: 到2023年底,全市开展职业技能培训1.66万人次以上,新增技能人才1.08万人。",
        "deadline: '2023'", "goal:",
        "- metric: 全市开展职业技能培训", "  value: '1.66'", "  unit: '万人次'", "  compare: '≥'",
        "  quote: 1.66万人次以上",
        "- metric: 新增技能人才", "  value: '1.08'", "  unit: '万人'", "  compare: '≥'", "  quote: 1.08万人"]


# --- regeneration keeps the review ----------------------------------------------------------

def test_regenerating_from_the_source_keeps_every_annotation_byte_for_byte(tmp_path, monkeypatch, capsys):
    copy = tmp_path / "tasklist.yaml"
    shutil.copyfile(YAML, copy)
    monkeypatch.setattr(extract_tasklist, "TARGET", copy)
    monkeypatch.setattr(extract_tasklist, "ROOT", tmp_path)
    assert extract_tasklist.main() == 0
    assert copy.read_bytes() == YAML.read_bytes()
    assert capsys.readouterr().err == ""


def test_an_annotation_whose_text_changed_is_kept_and_named(tmp_path, monkeypatch, capsys):
    copy = tmp_path / "tasklist.yaml"
    copy.write_text(YAML.read_text(encoding="utf-8").replace(
        "text: 2023年力争引育高层次领军人才20名以上。", "text: 2023年力争引育高层次领军人才25名以上。"), encoding="utf-8")
    monkeypatch.setattr(extract_tasklist, "TARGET", copy)
    monkeypatch.setattr(extract_tasklist, "ROOT", tmp_path)
    extract_tasklist.main()
    assert copy.read_bytes() == YAML.read_bytes()  # the source's text is back, the annotation with it
    assert capsys.readouterr().err == "W06-T01: its text changed; review its deadline and goal\n"


# --- the loader's refusals ----------------------------------------------------------------

GOAL = """\
    deadline: '2023'
    goal:
    - metric: 引育人才
      value: '20'
      unit: 名
      compare: ≥
      quote: 20名以上
"""


def annotated(goal: str = GOAL, text: str = "2023年引育人才20名以上。") -> str:
    """SMALL_TASKLIST with its target's text replaced and ``goal`` under it."""
    old = "    text: 目标一\n"
    assert SMALL_TASKLIST.count(old) == 1
    return SMALL_TASKLIST.replace(old, f"    text: {text}\n{goal}")


def problems(text: str) -> list[str]:
    with pytest.raises(FileProblems) as info:
        parse_tasklist(text.encode("utf-8"), "t.yaml")
    return [str(p) for p in info.value.problems]


def test_a_valid_annotation_loads():
    (target, *_) = parse_tasklist(annotated().encode("utf-8"), "t.yaml").items
    assert target.deadline == "2023"
    assert [(m.metric, m.value, m.unit, m.compare, m.quote, m.baseline) for m in target.goal.metrics] == [
        ("引育人才", "20", "名", "≥", "20名以上", "")]


def test_ascii_comparisons_are_read_as_the_symbols():
    (target, *_) = parse_tasklist(annotated(GOAL.replace("compare: ≥", "compare: '>='")).encode(), "t").items
    assert target.goal.metrics[0].compare == "≥"


def test_qualitative_and_a_date_deadline():
    text = annotated("    deadline: '2023-06-30'\n    goal: qualitative\n")
    (target, *_) = parse_tasklist(text.encode("utf-8"), "t.yaml").items
    assert (target.deadline, target.goal.qualitative, target.goal.metrics) == ("2023-06-30", True, ())


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("old, new, expected", [
    ("unit: 名", "unit: 位", "t.yaml:36:13: works[0].targets[0].goal[0].unit: unknown unit '位'; use one of "
     + " ".join(UNITS) + " (none for a ratio)"),
    ("value: '20'", "value: 二十", "t.yaml:35:14: works[0].targets[0].goal[0].value: the goal value must be a "
     "number like 20 or 6.5, got '二十'"),
    ("value: '20'", "value: '25'", "t.yaml:35:14: works[0].targets[0].goal[0].value: the goal value 25 is not in "
     "the quote '20名以上'"),
    ("value: '20'", "value: 2e1", "t.yaml:35:14: works[0].targets[0].goal[0].value: the goal value must be a "
     "number like 20 or 6.5, got '2e1'"),
    ("deadline: '2023'", "deadline: 2023年底", "t.yaml:32:15: works[0].targets[0].deadline: deadline '2023年底' "
     "must be a year (2023) or a date (2023-06-30)"),
    ("deadline: '2023'", "deadline: '2023-02-30'", "t.yaml:32:15: works[0].targets[0].deadline: deadline "
     "'2023-02-30' must be a year (2023) or a date (2023-06-30)"),
    ("compare: ≥", "compare: 以上", "t.yaml:37:16: works[0].targets[0].goal[0].compare: unknown comparison "
     "'以上'; use one of ≥ > ≈ ≤ <"),
    ("quote: 20名以上", "quote: 30名以上", "t.yaml:38:14: works[0].targets[0].goal[0].quote: the quote "
     "'30名以上' is not in the item's text"),
    ("      unit: 名\n", "      unit: 名\n      owner: 市人力社保局\n", "t.yaml:37:7: works[0].targets[0].goal[0]."
     "owner: unknown field 'owner'"),
    ("      quote: 20名以上\n", "", "t.yaml:34:7: works[0].targets[0].goal[0]: missing field 'quote'"),
])
def test_bad_annotations_are_refused_at_their_place(old, new, expected):
    assert GOAL.count(old) == 1
    assert problems(annotated(GOAL.replace(old, new))) == [expected]


@pytest.mark.usefixtures("english")
def test_goal_must_be_a_list_or_the_word_qualitative():
    assert problems(annotated("    goal: quantitative\n")) == [
        "t.yaml:32:11: works[0].targets[0].goal: expected the word qualitative or a list of metrics"]


@pytest.mark.usefixtures("english")
def test_a_measure_has_no_goal():
    text = SMALL_TASKLIST.replace("    text: 举措一\n", "    text: 举措一\n    goal: qualitative\n")
    assert problems(text) == [
        "t.yaml:36:5: works[0].measures[0].goal: only a target or a headline goal has a goal, not a measure"]


@pytest.mark.usefixtures("english")
def test_every_bad_annotation_is_reported_at_once():
    bad = GOAL.replace("unit: 名", "unit: 位").replace("deadline: '2023'", "deadline: soon")
    assert [p.split(": ")[1] for p in problems(annotated(bad))] == [
        "works[0].targets[0].deadline", "works[0].targets[0].goal[0].unit"]


@pytest.mark.usefixtures("english")
def test_a_headline_goal_is_checked_the_same_and_its_id_is_its_own():
    indicators = ("indicators:\n- id: G01\n  year: '2023'\n  text: 问题化解率达95%以上\n  goal:\n"
                  "  - metric: 问题化解率\n    value: '95'\n    unit: '%'\n    compare: ≥\n    quote: 95%以下\n"
                  "- id: W01-T01\n  text: 重名\n")
    text = SMALL_TASKLIST.replace("aliases:\n", indicators + "aliases:\n")
    assert problems(text) == [
        "t.yaml:14:12: indicators[0].goal[0].quote: the quote '95%以下' is not in the item's text",
        "t.yaml:15:7: indicators[1].id: duplicate id 'W01-T01'"]


def test_the_cli_validate_names_file_line_and_column(tmp_path, run_cli, english):
    path = tmp_path / "bad.yaml"
    path.write_text(annotated(GOAL.replace("unit: 名", "unit: 位")), encoding="utf-8")
    result = run_cli("validate", str(path))
    assert result.code == 1 and result.out == ""
    assert result.err.startswith(f"{path}:36:13: works[0].targets[0].goal[0].unit: unknown unit '位'")
    assert len(result.err.splitlines()) == 1
