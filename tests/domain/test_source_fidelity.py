"""data/tasklist.yaml against the published text, read back here without tools/extract_tasklist.py.

The annex in data/source/ is a table flattened to text: one cell per paragraph (line),
a lone U+00A0 for a blank cell, and a key work that ran over a page break repeated as a
continuation row that starts again with the work's 序号.  This file re-reads that text
with its own small parser and checks every work, target and measure of the YAML against it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from supervise_tui.domain.tasklist import TaskList, Work, load_tasklist

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "data" / "source" / "yueqing-private-economy-measures-2023.txt"
YAML = REPO / "data" / "tasklist.yaml"
PACKAGE_YAML = REPO / "supervise_tui" / "data" / "tasklist.yaml"
NBSP = "\u00a0"

# (targets, measures) per key work, counted by reading the annex: a continuation row
# adds the items it carries on with and repeats targets already counted.
EXPECTED_COUNTS = {
    1: (4, 15), 2: (1, 4), 3: (2, 16), 4: (1, 4), 5: (8, 10), 6: (7, 9), 7: (1, 5), 8: (5, 8),
    9: (1, 4), 10: (1, 3), 11: (1, 3), 12: (2, 5), 13: (3, 8), 14: (1, 3), 15: (2, 8), 16: (1, 3),
    17: (1, 8), 18: (3, 5), 19: (4, 9), 20: (3, 8), 21: (5, 6), 22: (4, 6), 23: (2, 5), 24: (9, 15),
    25: (2, 5), 26: (5, 7), 27: (4, 6), 28: (1, 4), 29: (6, 6), 30: (3, 9), 31: (2, 5), 32: (4, 6),
}
CONTINUED_WORKS = {1, 3, 5, 17, 20, 24}

DIGITS = "一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 32 → 三十二."""
    tens, ones = divmod(n, 10)
    out = "" if tens == 0 else ("十" if tens == 1 else DIGITS[tens - 1] + "十")
    return out + (DIGITS[ones - 1] if ones else "")


@dataclass
class Row:
    """One row of the annex table, its cells named."""

    seq: int
    pillar: str | None
    title: str
    body: list[str]  # the 全市目标 and 落实举措 paragraphs, blank cells dropped
    stage: str
    units: str
    leader: str
    liaison: str


def source_lines() -> list[str]:
    return SOURCE.read_text(encoding="utf-8").splitlines()


def annex_rows(lines: list[str]) -> list[Row]:
    start = lines.index("分管领导/联络员") + 1  # the last heading cell of the table
    end = next(i for i, line in enumerate(lines) if line.startswith("抄送"))
    raw: list[list[str]] = []
    for line in lines[start:end]:
        if line == "":
            continue
        if re.fullmatch(r"[1-9]\d?", line):  # a row starts with its 序号 alone on a line
            raw.append([])
        raw[-1].append(line)
    rows = []
    for cells in raw:
        seq, rest = int(cells[0]), cells[1:]
        pillar = rest.pop(0) if re.match("^[一二三四五]、", rest[0]) else None
        title = rest.pop(0)
        stage_at = next(i for i, c in enumerate(rest) if c == "长期实施" or re.fullmatch(r"\d{4}-", c))
        body = [c for c in rest[:stage_at] if c != NBSP]
        tail = rest[stage_at:]
        if tail[0] != "长期实施":  # "2023-" and "2027年" are two paragraphs of one cell
            tail = [tail[0] + tail[1]] + tail[2:]
        assert len(tail) == 4, f"row {seq}: expected stage, units, leader, liaison; got {tail}"
        stage, units, leader, liaison = tail
        rows.append(Row(seq, pillar, title, body, stage, units,
                        "" if leader == NBSP else leader, "" if liaison == NBSP else liaison))
    return rows


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return source_lines()


@pytest.fixture(scope="module")
def rows(lines) -> list[Row]:
    return annex_rows(lines)


@pytest.fixture(scope="module")
def yaml_list() -> TaskList:
    return load_tasklist(YAML)


def rows_of(rows: list[Row], seq: int) -> list[Row]:
    return [r for r in rows if r.seq == seq]


def label(item) -> str:
    """The item's paragraph as printed: its number prefix, then its text."""
    if item.prefix is not None:
        return item.prefix + item.text
    return (f"{item.no}." if item.no is not None else "") + item.text


def unique_body(rows: list[Row]) -> list[str]:
    """A work's paragraphs over all its rows; what a continuation row repeats is kept once."""
    out: list[str] = []
    for row in rows:
        assert len(set(row.body)) == len(row.body), f"row {row.seq} repeats a paragraph within itself"
        out += [p for p in row.body if p not in out]
    return out


def works_by_seq(tasklist: TaskList) -> dict[int, Work]:
    return {w.seq: w for w in tasklist.works}


# --- the table itself ---------------------------------------------------------

def test_annex_has_32_works_with_the_known_continuation_rows(rows):
    seqs = [r.seq for r in rows]
    assert sorted(set(seqs)) == list(range(1, 33))
    assert seqs == sorted(seqs), "rows run in 序号 order"
    assert {s for s in seqs if seqs.count(s) > 1} == CONTINUED_WORKS
    assert all(seqs.count(s) == 2 for s in CONTINUED_WORKS)


def test_continuation_rows_repeat_title_stage_units_and_people(rows):
    for seq in CONTINUED_WORKS:
        first, again = rows_of(rows, seq)
        assert (again.title, again.stage, again.units, again.leader, again.liaison) == \
               (first.title, first.stage, first.units, first.leader, first.liaison)


def test_totals(yaml_list):
    items = yaml_list.items
    assert len(yaml_list.works) == 32
    assert sum(i.kind == "target" for i in items) == 99
    assert sum(i.kind == "measure" for i in items) == 218
    assert sum(t for t, _ in EXPECTED_COUNTS.values()) == 99
    assert sum(m for _, m in EXPECTED_COUNTS.values()) == 218


@pytest.mark.parametrize("seq", sorted(EXPECTED_COUNTS))
def test_counts_per_work(yaml_list, rows, seq):
    work = works_by_seq(yaml_list)[seq]
    counts = (sum(i.kind == "target" for i in work.items), sum(i.kind == "measure" for i in work.items))
    assert counts == EXPECTED_COUNTS[seq]
    # and every distinct paragraph of the work's rows is one of them
    assert len(unique_body(rows_of(rows, seq))) == sum(counts)


# --- every item verbatim, in order, under its work -------------------------------

@pytest.mark.parametrize("seq", sorted(EXPECTED_COUNTS))
def test_items_verbatim_in_order_under_their_work(yaml_list, rows, seq):
    work = works_by_seq(yaml_list)[seq]
    work_rows = rows_of(rows, seq)
    body = unique_body(work_rows)
    for kind in ("target", "measure"):
        items = [i for i in work.items if i.kind == kind]
        positions = []
        for item in items:
            line = label(item)
            assert any(line in row.body for row in work_rows), f"{item.id} not a paragraph of work {seq}: {line}"
            positions.append(body.index(line))
        assert positions == sorted(positions), f"work {seq}: {kind}s out of source order"
    # targets come first in the YAML, as in every row of the table
    kinds = [i.kind for i in work.items]
    assert kinds == sorted(kinds, key=lambda k: k != "target")


@pytest.mark.parametrize("seq", sorted(EXPECTED_COUNTS))
def test_every_source_paragraph_is_in_the_yaml_under_its_work(yaml_list, rows, seq):
    work = works_by_seq(yaml_list)[seq]
    labels = [label(i) for i in work.items]
    assert sorted(labels) == sorted(unique_body(rows_of(rows, seq)))


def test_numbers_and_ids_follow_the_printed_numbering(yaml_list):
    for work in yaml_list.works:
        for kind, letter in (("target", "T"), ("measure", "M")):
            items = [i for i in work.items if i.kind == kind]
            for n, item in enumerate(items, 1):
                assert item.id == f"{work.id}-{letter}{n:02d}"
                if item.no is None:
                    # only a work's single target is ever printed without a number
                    assert kind == "target" and len(items) == 1, item.id
                else:
                    assert item.no == n, item.id
                if item.prefix is not None:
                    assert item.prefix.startswith(str(item.no)) and item.prefix != f"{item.no}.", item.id


def test_unnumbered_targets(yaml_list):
    unnumbered = {i.work_id for i in yaml_list.items if i.no is None}
    assert unnumbered == {"W02", "W04", "W07", "W09", "W10", "W11", "W14", "W16", "W17", "W28"}


def test_source_typos_are_kept(yaml_list, lines):
    items = {i.id: i for i in yaml_list.items}
    t06 = items["W29-T06"]
    assert (t06.no, t06.prefix) == (6, "6")
    assert t06.text == "对审计涉及到的单位,要清查拖欠线索,督促整改,分类予以清欠。"
    assert "6对审计涉及到的单位,要清查拖欠线索,督促整改,分类予以清欠。" in lines
    assert items["W21-T05"].text == "技改投资增速1达到12%以上。"
    assert "5.技改投资增速1达到12%以上。" in lines
    # and nowhere else was a prefix invented
    assert [i.id for i in yaml_list.items if i.prefix is not None] == ["W29-T06"]


# --- the cells around the items ----------------------------------------------

def test_pillars_verbatim(yaml_list, rows):
    printed = []
    for row in rows:
        if row.pillar and row.pillar not in printed:
            printed.append(row.pillar)
    assert [f"{p.numeral}、{p.title}" for p in yaml_list.pillars] == printed
    assert [p.id for p in yaml_list.pillars] == ["P1", "P2", "P3", "P4", "P5"]
    assert [p.title for p in yaml_list.pillars] == ["提信心增预期", "降门槛扩领域", "真公平破隐性",
                                                   "拓市场促升级", "优氛围增服务"]


def test_each_work_sits_under_the_pillar_printed_above_it(yaml_list, rows):
    pillar_of_title = {f"{p.numeral}、{p.title}": p.id for p in yaml_list.pillars}
    works = works_by_seq(yaml_list)
    current = None
    for row in rows:
        current = row.pillar or current
        assert works[row.seq].pillar_id == pillar_of_title[current], f"work {row.seq}"


def test_work_titles_and_numerals_verbatim(yaml_list, rows):
    works = works_by_seq(yaml_list)
    for row in rows:
        work = works[row.seq]
        assert row.title == f"({work.numeral}){work.title}"
        assert work.numeral == chinese_numeral(row.seq)
        assert work.id == f"W{row.seq:02d}"


def test_stage_units_and_people_verbatim(yaml_list, rows):
    works = works_by_seq(yaml_list)
    for row in rows:
        work = works[row.seq]
        assert work.stage_text == row.stage, f"work {row.seq}"
        years = re.fullmatch(r"(\d{4})-(\d{4})年", row.stage)
        if years:
            assert (work.stage_start, work.stage_end) == tuple(map(int, years.groups()))
        else:
            assert row.stage == "长期实施"
            assert (work.stage_start, work.stage_end) == (None, None)
        assert work.units_text == row.units
        assert (work.leader, work.liaison) == (row.leader, row.liaison), f"work {row.seq}"


def test_lead_and_co_units_follow_the_star(yaml_list, rows):
    works = works_by_seq(yaml_list)
    for row in rows:
        work = works[row.seq]
        names = row.units.split("、")
        starred = [n[1:] for n in names if n.startswith("*")]
        assert len(starred) == 1 or (not starred and len(names) == 1), row.units
        assert work.lead == (starred[0] if starred else names[0])
        assert list(work.co) == [n.lstrip("*") for n in names if n.lstrip("*") != work.lead]


def test_stage_texts_are_the_three_known_ones(yaml_list):
    assert {w.stage_text for w in yaml_list.works} == {"2023-2027年", "2023-2025年", "长期实施"}


def test_blank_people_cells(yaml_list):
    works = {w.id: w for w in yaml_list.works}
    assert (works["W02"].leader, works["W02"].liaison) == ("杨宏辉", "")
    assert (works["W03"].leader, works["W03"].liaison) == ("", "王旭勇")
    assert (works["W27"].leader, works["W27"].liaison) == ("", "")
    assert (works["W28"].leader, works["W28"].liaison) == ("", "杨建斌")


def test_unit_alias_is_for_a_spelling_the_source_uses(yaml_list, rows):
    assert yaml_list.aliases == {"市公安": "市公安局"}
    spelled = {n.lstrip("*") for r in rows for n in r.units.split("、")}
    assert {"市公安", "市公安局"} <= spelled


# --- document metadata and headline goals ----------------------------------------

def field_after(lines: list[str], label: str) -> str:
    """The value printed on the line after a ``• 文号:`` style heading."""
    i = next(i for i, line in enumerate(lines) if line.strip() == f"• {label}:")
    return lines[i + 1].strip().removeprefix("• ")


def test_document_metadata(yaml_list, lines):
    doc = yaml_list.document
    assert doc["doc_number"] == "乐政办发〔2023〕43号" == field_after(lines, "文号")
    assert doc["written_date"] == "2023-11-23" == field_after(lines, "成文日期")
    assert doc["validity"] == "有效" == field_after(lines, "有效性")
    assert doc["index_number"] == field_after(lines, "索引号")
    assert doc["topic"] == field_after(lines, "主题分类")
    assert doc["publishing_office"] == field_after(lines, "发布机构")
    assert doc["printed_date"] == "2023-11-27"
    assert "2023年11月27日印发" in SOURCE.read_text(encoding="utf-8")
    assert doc["notice_title"] in lines
    assert doc["title"] in lines
    assert "附件:" + doc["annex_title"] in lines and doc["annex_title"] in lines
    assert doc["issuer"] == "乐清市人民政府办公室"


def test_headline_goals(yaml_list, lines):
    goals_2023 = next(line for line in lines if line.startswith("2023年,全面推动"))
    goals_2025 = next(line for line in lines if line.startswith("到2025年,"))
    found = [(g.id, g.year) for g in yaml_list.indicators]
    assert found == [(f"G{n:02d}", "2023") for n in range(1, 6)] + [(f"G{n:02d}", "2025") for n in range(6, 9)]
    for goal in yaml_list.indicators:
        assert goal.text in (goals_2023 if goal.year == "2023" else goals_2025), goal.id
    texts = [g.text for g in yaml_list.indicators]
    assert "问题化解率达95%以上" in texts and "R&D经费支出占GDP比重达3.2%左右" in texts


# --- the copy shipped in the package -------------------------------------------

def test_package_copy_is_identical():
    assert PACKAGE_YAML.read_bytes() == YAML.read_bytes()
