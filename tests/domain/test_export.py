"""The round bulletin: golden files for every format, the office document's parts, safe file names,
the atomic streamed write with the user's permissions, and every item written once at scale.

Regenerate the golden files with ``UPDATE_GOLDEN=1 pytest tests/domain/test_export.py`` and review the diff.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from supervise_tui.domain import export, queries
from supervise_tui.domain.bulletin import build_bulletin
from supervise_tui.domain.db import connect
from supervise_tui.domain.diff import diff_counts
from supervise_tui.domain.edits import apply_changes
from supervise_tui.domain.rounds import create_round
from supervise_tui.domain.synth import synthesize
from supervise_tui.i18n import set_language
from tests.rounds_kit import INSPECTOR, TRICKY_NOTE, edit, small_store, two_rounds

GOLDEN = Path(__file__).parent / "golden"
ITEM_ROW = re.compile(r"^\| (W\d+-[TM]\d+) \|", re.M)


@pytest.fixture
def scenario(tasklist, tmp_path, monkeypatch):
    """Round 2 of the scripted scenario, on 2024-06-20, in Chinese: (connection, round id)."""
    conn = small_store(tmp_path / "export.db", tasklist)
    _, r2 = two_rounds(conn, tasklist, monkeypatch)
    set_language("zh")
    yield conn, r2
    conn.close()


@pytest.fixture
def bulletin(scenario):
    """Builds round 2's bulletin (``by`` pillar, unit or leader); each is closed after the test."""
    conn, r2 = scenario
    made = []

    def build(by="pillar"):
        made.append(build_bulletin(conn, r2, by=by))
        return made[-1]

    yield build
    for b in made:
        b.close()


def _golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"{path} is missing: run with UPDATE_GOLDEN=1 to create it"
    assert data == path.read_bytes(), f"{name} differs from its golden file (UPDATE_GOLDEN=1 regenerates it)"


@pytest.mark.parametrize("fmt", export.EXPORT_FORMATS)
def test_each_format_matches_its_golden_file(bulletin, fmt):
    _golden(f"bulletin.{fmt}", export.render(bulletin(), fmt))


@pytest.mark.parametrize("by", ["unit", "leader"])
def test_other_groupings_match_their_golden_files(bulletin, by):
    _golden(f"bulletin-by-{by}.md", export.render(bulletin(by), "md"))


def test_the_data_holds_every_part(bulletin):
    b = bulletin()
    assert b.round["name"] == "2024年第二季度" and b.generated_at == "2024-06-20T10:00:00+08:00"
    assert b.document == {"doc_number": "乐政办发〔2023〕43号", "title": "乐清市促进民营经济高质量发展若干举措",
                          "issuer": "乐清市人民政府办公室"}
    assert b.overall["items"] == 12 and b.overall["red"] == b.red_count == 6  # W08-T01 past its 2023 deadline
    assert [p["id"] for p in b.pillars] == ["P1", "P2", "P3"]
    assert {u["unit"] for u in b.units} == {"市税务局", "市发改局", "市科技局"}
    assert b.previous == {"id": 1, "name": "第1轮"} and b.changes["regressed"] == 5
    assert [g["id"] for g in b.goals] == ["G01", "G02", "G03"]
    data = json.loads(export.render(b, "json"))
    assert next(r for r in data["red"] if r["id"] == "W13-T02")["note"] == TRICKY_NOTE


@pytest.mark.parametrize("by", ["pillar", "unit", "leader"])
def test_the_summaries_are_the_figures_the_screens_show(scenario, by):
    """One pass over the items gives the same counts as the queries the TUI and the CLI run."""
    conn, r2 = scenario
    with build_bulletin(conn, r2, by=by) as b:
        assert b.overall == queries.overall_summary(conn, r2)
        assert b.pillars == queries.pillar_summary(conn, r2)
        units = [u for u in queries.unit_summary(conn, r2) if u["items_lead"]]
        assert [(u["unit"], u["items_lead"], u["done"], u["behind"], u["not_reported"], u["red"], u["progress"])
                for u in b.units] == [(u["name"], u["items_lead"], u["done"], u["behind"], u["not_reported"],
                                       u["red"], u["progress"]) for u in units]
        assert b.changes == diff_counts(conn, 1, r2)
        expected = {"pillar": [p["id"] for p in queries.pillar_summary(conn, r2)],
                    "unit": [u["name"] for u in units],
                    "leader": [p["name"] for p in queries.people_summary(conn, r2) if p["role"] == "leader"]}[by]
        assert [row.get("id") if by == "pillar" else row["group"] for row in b.breakdown] == expected
        if by == "leader":
            people = {p["name"]: p for p in queries.people_summary(conn, r2) if p["role"] == "leader"}
            for row in b.breakdown:
                assert {k: row[k] for k in ("items", "done", "red", "progress")} == \
                       {k: people[row["group"]][k] for k in ("items", "done", "red", "progress")}


def test_the_header_names_the_document_the_round_the_date_and_the_issuer(bulletin):
    b = bulletin()
    md = export.render(b, "md").decode("utf-8")
    head = md.split("## ", 1)[0]
    assert head.splitlines() == [
        "# 乐清市促进民营经济高质量发展若干举措 督查通报 — 2024年第二季度（2024-Q2）", "",
        "- 文件文号:乐政办发〔2023〕43号", "- 发文单位:乐清市人民政府办公室", "- 报送轮次:2024年第二季度（2024-Q2）",
        "- 报送截止:2024-06-30", "- 印发日期:2024-06-20", ""]
    rows = list(csv.reader(io.StringIO(export.render(b, "csv").decode("utf-8-sig"))))
    assert rows[1:6] == [["文件文号", "乐政办发〔2023〕43号"], ["发文单位", "乐清市人民政府办公室"],
                         ["报送轮次", "2024年第二季度（2024-Q2）"], ["报送截止", "2024-06-30"], ["印发日期", "2024-06-20"]]
    page = export.render(b, "html").decode("utf-8")
    assert '<p class="meta"><span>文件文号:乐政办发〔2023〕43号</span>' in page and "印发日期:2024-06-20" in page


def test_the_html_prints_on_a4_and_never_breaks_an_id_a_name_or_a_status(bulletin):
    page = export.render(bulletin(), "html").decode("utf-8")
    assert "@page{size:A4;" in page and ".nw{white-space:nowrap" in page
    row = next(line for line in page.splitlines() if line.startswith("<tr><td class=\"nw\">W01-T02</td>"))
    assert row == ('<tr><td class="nw">W01-T02</td><td>对个体工商户年应纳税所得额不超过200万元部分减半征收个人所得税,'
                   '落实支持重点群体和退役士兵创业就业税费优惠政策。</td><td class="nw">市税务局</td>'
                   '<td class="nw">陈宋淼</td><td class="nw">受阻</td><td class="nw">50%</td><td>单位报告受阻</td>'
                   '<td></td></tr>')


def test_no_list_is_printed_twice(scenario, tasklist, monkeypatch):
    """The chase list counts each unit's red items and lists only the others it must chase."""
    conn, r2 = scenario
    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2024-07-01T09:00:00+08:00")
    r3 = create_round(conn, INSPECTOR, "第三轮", due="2024-09-30").id  # nothing reported in it yet
    edit(conn, r3, "W01-T01", note="已报")
    with build_bulletin(conn, r3) as b:
        md = export.render(b, "md").decode("utf-8")
        red_part = md.split("## 红灯事项", 1)[1].split("## 催办清单", 1)[0]
        chase_part = md.split("## 催办清单", 1)[1].split("## 与上一轮", 1)[0]
        red = ITEM_ROW.findall(red_part)
        chased = ITEM_ROW.findall(chase_part)
        assert len(red) == b.red_count and len(set(red)) == len(red)
        assert chased and len(set(chased)) == len(chased) == b.chase_count
        assert not set(red) & set(chased)
        assert "W01-T01" not in chased  # reported in this round
        # the unit table counts both, and says where the red ones are
        assert "各牵头单位的红灯事项已列于上文“红灯事项”" in chase_part
        totals = {u["unit"]: (u["not_reported"], u["red"]) for u in b.chase}
        assert sum(n for n, _ in totals.values()) == len(chased) and sum(r for _, r in totals.values()) == len(red)


def test_markdown_cells_keep_the_table_shape(bulletin):
    text = export.render(bulletin(), "md").decode("utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| W13-T02") and "第一行" in line)
    assert r"第一行\|第二列<br>=SUM(A1) \<b\>粗\</b\> \& ␛\[31m" in row
    # every line of a table has as many (unescaped) bars as its heading: no cell split or broke a row
    tables, block = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            block.append(line.count("|") - line.count("\\|"))
        elif block:
            tables.append(block)
            block = []
    assert len(tables) == 13 and all(len(set(bars)) == 1 for bars in tables)


NOTE_MARKDOWN = "[点此](http://evil.example/x) <http://evil.example> **粗** `码` www.evil.example a@evil.example"


def test_markdown_typed_into_a_note_shows_literally(scenario):
    from markdown_it import MarkdownIt

    conn, r2 = scenario
    edit(conn, r2, "W01-T02", note=NOTE_MARKDOWN)  # a red item: in the red list
    with build_bulletin(conn, r2) as b:
        md = export.render(b, "md").decode("utf-8")
        page = export.render(b, "html").decode("utf-8")
    shown = MarkdownIt("commonmark").enable("table").render(md)
    assert "<a " not in shown and "<strong>" not in shown and "<code>" not in shown
    assert "[点此](http://evil.example/x) &lt;http://evil.example&gt; **粗** `码` www.evil.example a@evil.example" \
        in shown
    # the addresses a GitHub-style renderer would link by themselves are broken up
    assert r"http\://evil" in md and r"www\.evil" in md and r"a\@evil" in md
    assert "<a " not in page and "[点此](http://evil.example/x) &lt;http://evil.example&gt; **粗**" in page


def test_csv_has_a_bom_numbers_as_numbers_and_no_formulas(bulletin):
    data = export.render(bulletin(), "csv")
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    by_id = {r[0]: r for r in rows if r and re.fullmatch(r"W\d+-[TM]\d+", r[0])}
    # a progress change is a number, never "'+20"
    assert by_id["W04-M01"][6] == "20" and by_id["W08-T01"][6] == "-10" and by_id["W01-T02"][6] == "0"
    assert "'" not in "".join(r[6] for r in rows if r and r[0] in by_id and len(r) > 6)
    # a note that a spreadsheet would run is neutralised
    assert "'=1+2" in data.decode("utf-8") and ",=1+2" not in data.decode("utf-8")


def test_html_is_self_contained_and_escaped(bulletin):
    page = export.render(bulletin(), "html").decode("utf-8")
    assert "<b>粗</b>" not in page and "&lt;b&gt;粗&lt;/b&gt;" in page and "\x1b" not in page
    assert "@media print" in page and "<script" not in page and "http" not in page.lower().replace(
        "http-equiv", "")


def test_json_is_the_bulletin_data(bulletin):
    b = bulletin()
    data = json.loads(export.render(b, "json"))
    assert data["round"] == b.round and data["overall"] == b.overall and data["by"] == "pillar"
    # W08-T01 ("2023年…" under 长期实施) is red: its own deadline passed at the end of 2023
    assert [r["id"] for r in data["red"]] == ["W01-T02", "W08-T01", "W08-T02", "W08-T03", "W08-M01", "W13-T02"]
    assert data["chase"] == [{"unit": u["unit"], "leaders": u["leaders"], "liaisons": u["liaisons"],
                              "not_reported": u["not_reported"], "red": u["red"], "items": []} for u in b.chase]
    assert data["changes"]["counts"] == b.changes and len(data["changes"]["rows"]) == b.changes["changed"]
    assert {r["id"]: r["progress_delta"] for r in data["changes"]["rows"]}["W04-M01"] == 20


def test_the_file_name_comes_from_the_round_and_stays_in_the_folder(tmp_path):
    assert export.export_name(2, "2024年第二季度", "md") == "bulletin-2-2024年第二季度.md"
    assert export.export_name(3, "../../etc/passwd", "csv", "unit") == "bulletin-3-etc_passwd-by-unit.csv"
    assert export.export_name(4, "..", "html") == "bulletin-4-round.html"
    with pytest.raises(ValueError):
        export.confined(tmp_path, "../x.md")


def test_export_writes_into_the_folder(bulletin, tmp_path):
    b = bulletin()
    b.rnd = replace(b.rnd, name="../../escape")
    path = export.export_bulletin(b, "md", tmp_path / "exports")
    assert path.parent == (tmp_path / "exports").resolve() and path.name == "bulletin-2-escape.md"
    assert path.read_bytes() == export.render(b, "md")


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_the_file_gets_the_permissions_the_umask_gives(bulletin, tmp_path, mask):
    old = os.umask(mask)
    try:
        first = export.export_bulletin(bulletin(), "csv", tmp_path)
        assert stat.S_IMODE(first.stat().st_mode) == 0o666 & ~mask
        again = export.export_bulletin(bulletin(), "csv", tmp_path)  # a re-export keeps them
        assert again == first and stat.S_IMODE(again.stat().st_mode) == 0o666 & ~mask
    finally:
        os.umask(old)


@pytest.mark.parametrize("broken", ["replace", "fsync"])
def test_a_failed_export_keeps_the_previous_file(bulletin, tmp_path, monkeypatch, broken):
    folder = tmp_path / "exports"
    first = export.export_bulletin(bulletin(), "md", folder)
    previous = first.read_bytes()

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, broken, fail)
    changed = bulletin()
    changed.generated_at = "2024-06-21T00:00:00+08:00"
    with pytest.raises(OSError):
        export.export_bulletin(changed, "md", folder)
    assert first.read_bytes() == previous
    assert sorted(p.name for p in folder.iterdir()) == [first.name]  # no temporary file left behind


class Stop(Exception):
    pass


@pytest.mark.parametrize("fmt", export.EXPORT_FORMATS)
def test_progress_is_told_and_can_stop_the_export(bulletin, tmp_path, fmt):
    told: list[tuple[int, int]] = []
    export.export_bulletin(bulletin(), fmt, tmp_path, progress=lambda done, total: told.append((done, total)))
    total = told[-1][1]
    assert told[-1] == (total, total) and total > 0
    assert all(a[0] <= b[0] for a, b in zip(told, told[1:])) and {t for _, t in told} == {total}

    def stop(done, total):
        raise Stop

    (tmp_path / "keep").mkdir()
    with pytest.raises(Stop):
        export.export_bulletin(bulletin(), fmt, tmp_path / "keep", progress=stop)
    assert list((tmp_path / "keep").iterdir()) == []


def _synthetic(path: Path, items: int, tasklist_path: str):
    conn = connect(path)
    synthesize(conn, tasklist_path, items=items, rounds=2)
    return conn


def _check_every_item_once(conn, folder: Path, by: str) -> None:
    """Each format written from a synthetic store holds every changed item once, and each red one once."""
    total = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    told = []
    with build_bulletin(conn, 2, by=by) as b:
        red = b.red_count
        assert b.changes["changed"] == total  # synth changes every item's note in every round
        md = export.export_bulletin(b, "md", folder, progress=lambda d, t: told.append((d, t)))
        data = md.read_text(encoding="utf-8")
        ids = ITEM_ROW.findall(data)
        assert len(ids) == total + red and len(set(ids)) == total
        # every group has one heading per list: the rows came grouped
        headings = re.findall(r"^### (.+)$", data, re.M)
        assert len(headings) == len(set(headings))
        assert told[-1][0] == told[-1][1] > total + red and len(told) > (total + red) // export.BATCH
        rows = list(csv.reader(io.StringIO(export.export_bulletin(b, "csv", folder).read_text("utf-8-sig"))))
        csv_ids = [r[0] for r in rows if r and re.fullmatch(r"W\d+-[TM]\d+", r[0])]
        assert len(csv_ids) == total + red and len(set(csv_ids)) == total
        page = export.export_bulletin(b, "html", folder).read_text("utf-8")
        assert len(re.findall(r'<tr><td class="nw">W\d+-[TM]\d+</td>', page)) == total + red
        with export.export_bulletin(b, "json", folder).open(encoding="utf-8") as f:
            doc = json.load(f)
        assert len(doc["changes"]["rows"]) == total and len({r["id"] for r in doc["changes"]["rows"]}) == total
        assert len(doc["red"]) == red


@pytest.mark.parametrize("by", ["pillar", "unit", "leader"])
def test_a_streamed_export_holds_every_item_once(tmp_path, bundled_path, by):
    conn = _synthetic(tmp_path / "synth.db", 3000, str(bundled_path))
    try:
        _check_every_item_once(conn, tmp_path / "out", by)
    finally:
        conn.close()


@pytest.mark.slow
def test_a_streamed_export_of_200000_items_holds_every_item_once(tmp_path, bundled_path):
    conn = _synthetic(tmp_path / "synth.db", 200_000, str(bundled_path))
    try:
        _check_every_item_once(conn, tmp_path / "out", "pillar")
    finally:
        conn.close()


def test_an_item_added_without_a_report_is_chased(tasklist, tmp_path, monkeypatch):
    """An item with no state row in the round at all still counts, lights up and is chased."""
    conn = small_store(tmp_path / "s.db", tasklist)
    apply_changes(conn, INSPECTOR, 1, "W01-T01", {"status": "in_progress", "progress": 10})
    conn.execute("DELETE FROM item_state WHERE item_id = 'W01-T03'")
    with build_bulletin(conn, 1) as b:
        assert b.overall == queries.overall_summary(conn, 1)
        md = export.render(b, "md").decode("utf-8")
        assert "W01-T03" in md
