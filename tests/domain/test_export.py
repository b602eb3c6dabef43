"""The round bulletin: golden files for every format, safe file names, and the atomic write.

Regenerate the golden files with ``UPDATE_GOLDEN=1 pytest tests/domain/test_export.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from supervise_tui.domain import export
from supervise_tui.domain.bulletin import build_bulletin
from supervise_tui.i18n import set_language
from tests.rounds_kit import TRICKY_NOTE, small_store, two_rounds

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def bulletin(tasklist, tmp_path, monkeypatch):
    """Round 2 of the scripted scenario, built on 2024-06-20, in Chinese."""
    conn = small_store(tmp_path / "export.db", tasklist)
    _, r2 = two_rounds(conn, tasklist, monkeypatch)
    set_language("zh")
    yield lambda by="pillar": build_bulletin(conn, r2, by=by)
    conn.close()


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
    assert b["round"]["name"] == "2024年第二季度" and b["generated_at"] == "2024-06-20T10:00:00+08:00"
    assert b["overall"]["items"] == 12 and b["overall"]["red"] == len(b["red"]) == 5
    assert [p["id"] for p in b["pillars"]] == ["P1", "P2", "P3"]
    assert {u["unit"] for u in b["units"]} == {"市税务局", "市发改局", "市科技局"}
    assert b["changes"]["from"]["name"] == "第1轮" and b["changes"]["counts"]["regressed"] == 5
    assert [g["id"] for g in b["goals"]] == ["G01", "G02", "G03"]
    assert next(r for r in b["red"] if r["id"] == "W13-T02")["note"] == TRICKY_NOTE


def test_markdown_cells_keep_the_table_shape(bulletin):
    text = export.render(bulletin(), "md").decode("utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| W13-T02"))
    assert "第一行\\|第二列<br>=SUM(A1) &lt;b&gt;粗&lt;/b&gt; & ␛[31m" in row
    # every line of a table has as many (unescaped) bars as its heading: no cell split or broke a row
    tables, block = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            block.append(line.count("|") - line.count("\\|"))
        elif block:
            tables.append(block)
            block = []
    assert len(tables) == 12 and all(len(set(bars)) == 1 for bars in tables)


def test_csv_has_a_bom_and_no_formulas(bulletin):
    data = export.render(bulletin(), "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "'=1+2" in text and ",=1+2" not in text
    assert "\r\n" in text


def test_html_is_self_contained_and_escaped(bulletin):
    page = export.render(bulletin(), "html").decode("utf-8")
    assert "<b>粗</b>" not in page and "&lt;b&gt;粗&lt;/b&gt;" in page and "\x1b" not in page
    assert "@media print" in page and "<script" not in page and "http" not in page.lower().replace(
        "http-equiv", "")


def test_json_is_the_bulletin_data(bulletin):
    b = bulletin()
    assert json.loads(export.render(b, "json")) == json.loads(json.dumps(b))


def test_the_file_name_comes_from_the_round_and_stays_in_the_folder(tmp_path):
    assert export.export_name(2, "2024年第二季度", "md") == "bulletin-2-2024年第二季度.md"
    assert export.export_name(3, "../../etc/passwd", "csv", "unit") == "bulletin-3-etc_passwd-by-unit.csv"
    assert export.export_name(4, "..", "html") == "bulletin-4-round.html"
    with pytest.raises(ValueError):
        export.confined(tmp_path, "../x.md")


def test_export_writes_into_the_folder(bulletin, tmp_path):
    b = bulletin()
    b["round"]["name"] = "../../escape"
    path = export.export_bulletin(b, "md", tmp_path / "exports")
    assert path.parent == (tmp_path / "exports").resolve() and path.name == "bulletin-2-escape.md"
    assert path.read_bytes() == export.render(b, "md")


@pytest.mark.parametrize("broken", ["replace", "fsync"])
def test_a_failed_export_keeps_the_previous_file(bulletin, tmp_path, monkeypatch, broken):
    folder = tmp_path / "exports"
    first = export.export_bulletin(bulletin(), "md", folder)
    previous = first.read_bytes()

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, broken, fail)
    changed = bulletin()
    changed["generated_at"] = "2024-06-21T00:00:00+08:00"
    with pytest.raises(OSError):
        export.export_bulletin(changed, "md", folder)
    assert first.read_bytes() == previous
    assert sorted(p.name for p in folder.iterdir()) == [first.name]  # no temporary file left behind
