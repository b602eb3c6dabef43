"""The command line: every subcommand in every format, the filters, the languages, and the errors."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from wcwidth import wcswidth

from tests.conftest import SMALL_TASKLIST
from tests.search_kit import search_matches

FORMATS = ("table", "json", "csv")
ZH_LIST_HEADINGS = ["编号", "类型", "重点工作", "内容", "牵头单位", "状态", "进度", "亮灯", "备注"]
EN_LIST_HEADINGS = ["id", "kind", "key work", "text", "lead unit", "status", "progress", "light", "note"]
# The table for people adds each numeric target's attainment beside its light; CSV keeps the stored fields.
ZH_TABLE_HEADINGS = ZH_LIST_HEADINGS[:-1] + ["完成情况", "备注"]
EN_TABLE_HEADINGS = EN_LIST_HEADINGS[:-1] + ["attainment", "note"]


@pytest.fixture
def loaded(store):
    """The bundled list loaded into the database the CLI uses (the store's connection closed)."""
    store.close()


def ids_where(tasklist, keep) -> list[str]:
    """Item ids of the works ``keep(work)`` selects, in display order."""
    return [i.id for w in tasklist.works if keep(w) for i in w.items]


def json_rows(out: str) -> list[dict]:
    rows = json.loads(out)
    assert isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
    return rows


def csv_rows(out: str) -> list[list[str]]:
    assert out.startswith("\ufeff"), "CSV must start with the UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(out[1:])))


def table_header_cells(out: str) -> list[str]:
    return re.split(r"\s{2,}", out.splitlines()[0].strip())


def assert_aligned(out: str) -> None:
    """Every cell of a tabulate table starts at its column's offset, counted in terminal cells."""
    lines = out.splitlines()
    rule = next(i for i, line in enumerate(lines) if line and set(line) <= {"-", " "})
    starts = [m.start() for m in re.finditer(r"-+", lines[rule])]
    assert len(starts) > 1
    for line in lines[rule - 1:]:
        if not line.strip():
            break  # end of this table
        cell_starts = [wcswidth(line[:m.start()]) for m in re.finditer(r"(?:^|(?<=\s\s))\S", line)]
        assert cell_starts and set(cell_starts) <= set(starts), f"misaligned: {line!r}"
        assert cell_starts[0] == 0


def assert_usage_error(result) -> None:
    assert result.code == 2
    assert result.out == ""
    (line,) = result.err.splitlines()
    assert line.startswith("supervise-tui: error: ")


def assert_data_error(result, *needles: str) -> str:
    assert result.code == 1
    assert "Traceback" not in result.err
    (line,) = result.err.splitlines()
    for needle in needles:
        assert needle in line
    return line


# --- load / validate ------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["table", "json"])
def test_load_bundled(run_cli, fmt):
    result = run_cli("load", "--format", fmt)
    assert result.code == 0, result.err
    if fmt == "json":
        report = json.loads(result.out)
        assert report["added"] == {"pillars": 5, "indicators": 8, "works": 32, "items": 317}
        assert report["round_created"] == "第1轮"
    else:
        assert result.out.splitlines()[1:] == [
            "  works: 新增 32, 变更 0, 退役 0, 未变 0",
            "  items: 新增 317, 变更 0, 退役 0, 未变 0",
            "  已创建报送轮次 第1轮",
        ]


def test_validate_reports_counts(run_cli, bundled_path):
    result = run_cli("validate", str(bundled_path))
    assert result.code == 0
    assert result.out == f"{bundled_path}: 有效 — 32 项重点工作, 99 个目标, 218 条举措\n"


# --- list ------------------------------------------------------------------------------

def test_list_json_all_items_in_order(loaded, run_cli, tasklist):
    rows = json_rows(run_cli("list", "--format", "json").out)
    assert [r["id"] for r in rows] == [i.id for i in tasklist.items]
    first = rows[0]
    assert (first["kind"], first["work_id"], first["lead_unit"], first["leader"], first["liaison"]) == (
        "target", "W01", "市税务局", "陈宋淼", "林良卡")
    assert first["text"] == tasklist.items[0].text


FILTERS = {
    # argv: which works' items are expected
    ("--pillar", "P2"): lambda w: w.pillar_id == "P2",
    ("--pillar", "二"): lambda w: w.pillar_id == "P2",
    ("--pillar", "优氛围增服务"): lambda w: w.pillar_id == "P5",
    ("--unit", "市公安"): lambda w: w.id in ("W13", "W17", "W24", "W31"),
    ("--unit", "市公安局"): lambda w: w.id in ("W13", "W17", "W24", "W31"),
    ("--unit", "市税务局"): lambda w: "市税务局" in (w.lead, *w.co),
    ("--unit", "市税务局", "--role-of-unit", "lead"): lambda w: w.lead == "市税务局",
    ("--leader", "杨光飞"): lambda w: w.leader == "杨光飞",
    ("--liaison", "林云德"): lambda w: w.liaison == "林云德",
    ("--liaison", "王旭勇"): lambda w: w.id == "W03",
}


@pytest.mark.parametrize("argv", list(FILTERS), ids=lambda a: " ".join(a))
def test_list_filters_json(loaded, run_cli, tasklist, argv):
    rows = json_rows(run_cli("list", *argv, "--format", "json").out)
    expected = ids_where(tasklist, FILTERS[argv])
    assert expected and [r["id"] for r in rows] == expected


def test_filter_expectations_are_what_the_source_says(tasklist):
    assert {w.id for w in tasklist.works if w.leader == "杨光飞"} == {"W12", "W13", "W14"}
    assert {w.id for w in tasklist.works if w.liaison == "林云德"} == {"W09", "W16"}
    assert {w.id for w in tasklist.works if w.lead == "市税务局"} == {"W01"}


def expected_ids(tasklist, argv: tuple[str, ...]) -> list[str]:
    if argv in FILTERS:
        return ids_where(tasklist, FILTERS[argv])
    option, value = argv
    if option == "--kind":
        return [i.id for i in tasklist.items if i.kind == value]
    assert option == "--search"
    return [i.id for i in tasklist.items if value in i.text]


@pytest.mark.parametrize("fmt", ["table", "csv"])
@pytest.mark.parametrize("argv", [("--pillar", "二"), ("--unit", "市公安"), ("--leader", "杨光飞"),
                                  ("--liaison", "林云德"), ("--kind", "target"), ("--search", "数据得地")],
                         ids=lambda a: " ".join(a))
def test_list_filters_table_and_csv(loaded, run_cli, tasklist, argv, fmt):
    result = run_cli("list", *argv, "--format", fmt)
    assert result.code == 0, result.err
    if fmt == "csv":
        rows = csv_rows(result.out)
        assert rows[0] == ZH_LIST_HEADINGS
        ids = [r[0] for r in rows[1:]]
    else:
        assert table_header_cells(result.out) == ZH_TABLE_HEADINGS
        assert_aligned(result.out)
        ids = [line.split()[0] for line in result.out.splitlines()[2:]]
    assert ids == expected_ids(tasklist, argv)


@pytest.mark.parametrize("kind, count", [("target", 99), ("measure", 218)])
def test_list_kind(loaded, run_cli, tasklist, kind, count):
    rows = json_rows(run_cli("list", "--kind", kind, "--format", "json").out)
    assert [r["id"] for r in rows] == [i.id for i in tasklist.items if i.kind == kind]
    assert len(rows) == count and {r["kind"] for r in rows} == {kind}


def test_list_filters_combine(loaded, run_cli, tasklist):
    rows = json_rows(run_cli("list", "--unit", "市公安", "--kind", "target", "--format", "json").out)
    assert [r["id"] for r in rows] == [i.id for i in tasklist.items
                                       if i.kind == "target" and i.work_id in ("W13", "W17", "W24", "W31")]


@pytest.mark.parametrize("term", ["税", "数据得地", "REITs", "技改投资增速1达到12%", "“非禁即入”"])
def test_list_search_chinese_substrings(loaded, run_cli, tasklist, term, isolated_locations):
    rows = json_rows(run_cli("list", "--search", term, "--format", "json").out)
    expected = searched(isolated_locations, term)  # the text, and units, people and notes
    assert {i.id for i in tasklist.items if term in i.text} <= set(expected)
    assert expected and [r["id"] for r in rows] == expected


def searched(db, term: str) -> list[str]:
    from supervise_tui.domain.db import connect

    conn = connect(db)
    try:
        return search_matches(conn, term)
    finally:
        conn.close()


def test_list_search_by_id(loaded, run_cli):
    rows = json_rows(run_cli("list", "--search", "W01-M1", "--format", "json").out)
    assert [r["id"] for r in rows] == [f"W01-M{n}" for n in range(10, 16)]


@pytest.mark.parametrize("term", ['"', '"1+N"', "OR AND", "NEAR(", "*", "W01-M1*"])
def test_list_search_with_quotes_and_operators_is_literal(loaded, run_cli, tasklist, term, isolated_locations):
    result = run_cli("list", "--search", term, "--format", "json")
    assert result.code == 0, result.err
    assert [r["id"] for r in json_rows(result.out)] == searched(isolated_locations, term)


def test_search_for_a_quote_finds_the_one_ascii_quoted_measure(tasklist):
    assert [i.id for i in tasklist.items if '"' in i.text] == ["W24-M08"]


def test_list_table_zh_aligned(loaded, run_cli):
    out = run_cli("list", "--pillar", "P5").out
    assert table_header_cells(out) == ZH_TABLE_HEADINGS
    assert_aligned(out)
    assert len(out.splitlines()) == 2 + sum(1 for _ in re.finditer(r"^W(2[4-9]|3[0-2])-", out, re.M))
    assert "W29-T06" in out


def test_list_table_en(loaded, run_cli):
    out = run_cli("--lang", "en", "list", "--kind", "target").out
    assert table_header_cells(out) == EN_TABLE_HEADINGS
    assert_aligned(out)
    rows = out.splitlines()[2:]
    assert len(rows) == 99 and all(re.split(r"\s{2,}", row)[1] == "target" for row in rows)


def test_language_from_environment(loaded, run_cli, monkeypatch):
    monkeypatch.setenv("SUPERVISE_TUI_LANG", "en")
    assert table_header_cells(run_cli("list", "--kind", "target").out) == EN_TABLE_HEADINGS


def test_list_table_clips_long_text_to_its_width(loaded, run_cli):
    out = run_cli("list", "--search", "增值税小规模纳税人").out
    row = next(line for line in out.splitlines() if line.startswith("W01-T01"))
    assert "…" in row
    assert max(wcswidth(line) for line in out.splitlines()) <= 160


def test_list_csv(loaded, run_cli, tasklist):
    rows = csv_rows(run_cli("list", "--format", "csv").out)
    assert rows[0] == ZH_LIST_HEADINGS
    assert len(rows) == 1 + 317
    by_id = {r[0]: r for r in rows[1:]}
    t06 = by_id["W29-T06"]
    assert t06[1:5] == ["目标", "完善拖欠账款和欠薪常态化预防清理机制",
                        "对审计涉及到的单位,要清查拖欠线索,督促整改,分类予以清欠。", "市经信局"]
    assert t06[5] == "未启动"
    # full text, never clipped, in CSV
    assert by_id["W01-T01"][3] == next(i.text for i in tasklist.items if i.id == "W01-T01")


def test_list_csv_en_headings(loaded, run_cli):
    rows = csv_rows(run_cli("--lang", "en", "list", "--unit", "市公安", "--format", "csv").out)
    assert rows[0] == EN_LIST_HEADINGS
    assert {r[4] for r in rows[1:]} == {"市发改局", "市商务局", "市委依法治市办", "市委宣传部"}


def test_list_json_and_csv_are_the_rows_the_screens_read(store, run_cli):
    """Streamed from the store, they hold exactly what the item queries give (codes in JSON, words in CSV)."""
    from supervise_tui.cli.items import ITEM_KEYS
    from supervise_tui.domain.queries import Scope, page_items

    store.execute("UPDATE item_state SET note = '=1+2', progress = 40 WHERE item_id = 'W01-T02'")
    rows = page_items(store, 1, Scope())
    assert json_rows(run_cli("list", "--format", "json").out) == [{k: r[k] for k in ITEM_KEYS} for r in rows]
    lines = csv_rows(run_cli("list", "--format", "csv").out)
    assert [line[0] for line in lines[1:]] == [r["id"] for r in rows]
    assert lines[2][1:] == ["目标", "强化财税政策保障", rows[1]["text"], "市税务局", "未启动", "40", "黄" if rows[1]["light"] == "yellow"
                            else {"red": "红", "green": "绿"}[rows[1]["light"]], "'=1+2"]


def test_list_streams_a_province_of_items(isolated_locations, run_cli, bundled_path):
    """Thousands of items come out whole, each once, in list order, in both machine formats."""
    from supervise_tui.domain.db import connect
    from supervise_tui.domain.synth import synthesize

    conn = connect(isolated_locations)
    synthesize(conn, str(bundled_path), items=5000, rounds=1)
    ids = [r[0] for r in conn.execute("SELECT id FROM items ORDER BY pos")]
    conn.close()
    assert [r["id"] for r in json_rows(run_cli("list", "--format", "json").out)] == ids
    assert [r[0] for r in csv_rows(run_cli("list", "--format", "csv").out)[1:]] == ids


def test_list_nothing_matches(loaded, run_cli):
    result = run_cli("list", "--search", "没有这样的内容")
    assert result.code == 0
    assert result.out == "没有符合条件的事项\n"
    assert json_rows(run_cli("list", "--search", "没有这样的内容", "--format", "json").out) == []
    assert csv_rows(run_cli("list", "--search", "没有这样的内容", "--format", "csv").out) == [ZH_LIST_HEADINGS]


# --- show --------------------------------------------------------------------------------

def test_show_table(loaded, run_cli):
    result = run_cli("show", "w29-t06")  # ids are matched whatever the case
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "W29-T06  目标  W29 完善拖欠账款和欠薪常态化预防清理机制"
    assert "6对审计涉及到的单位,要清查拖欠线索,督促整改,分类予以清欠。" in lines
    assert "实施阶段: 长期实施" in lines
    assert "分管领导: 林新豹" in lines and "联络员: 张小强" in lines
    assert "责任单位: *市经信局、市“两个健康”办、市司法局、市财政局、市审计局、市市场监管局、市国资办、市人力社保局" in lines
    history = result.out.split("各轮次状态:")[1]
    assert "第1轮" in history
    assert_aligned(history.strip("\n"))


def test_show_blank_people_say_none(loaded, run_cli):
    lines = run_cli("show", "W27-M01").out.splitlines()
    assert "分管领导: (无)" in lines and "联络员: (无)" in lines


def test_show_en(loaded, run_cli):
    out = run_cli("--lang", "en", "show", "W01-T04").out
    assert out.splitlines()[0].startswith("W01-T04  target  W01 强化财税政策保障")
    assert "4.自2023年1月1日至2027年12月31日" in out
    assert "stage: 2023-2027年" in out


def test_show_json(loaded, run_cli):
    item = json.loads(run_cli("show", "W02-M01", "--format", "json").out)
    assert isinstance(item, dict)
    assert (item["id"], item["kind"], item["work_id"], item["lead_unit"]) == ("W02-M01", "measure", "W02", "市财政局")
    assert item["units"][:2] == [{"name": "市财政局", "role": "lead"}, {"name": "市发改局", "role": "co"}]
    assert [h["round_name"] for h in item["history"]] == ["第1轮"]
    assert item["audit"] == []


# --- units / people ------------------------------------------------------------------------

def test_units_json(loaded, run_cli, tasklist):
    rows = json_rows(run_cli("units", "--format", "json").out)
    by_name = {r["name"]: r for r in rows}
    assert len(by_name) == len(rows)
    assert "市公安" not in by_name
    police = by_name["市公安局"]
    assert (police["works_lead"], police["works_co"]) == (0, 4)
    assert police["items_co"] == sum(1 for i in tasklist.items if i.work_id in ("W13", "W17", "W24", "W31"))
    tax = by_name["市税务局"]
    assert (tax["works_lead"], tax["items_lead"]) == (1, 19)
    lead_works = sum(r["works_lead"] for r in rows)
    assert lead_works == 32


def test_units_table_and_csv(loaded, run_cli):
    out = run_cli("units").out
    assert table_header_cells(out)[:3] == ["单位", "牵头工作", "配合工作"]
    assert_aligned(out)
    rows = csv_rows(run_cli("units", "--format", "csv").out)
    assert rows[0][:5] == ["单位", "牵头工作", "配合工作", "牵头事项", "配合事项"]
    police = next(r for r in rows if r[0] == "市公安局")
    assert police[1:3] == ["0", "4"]
    en = run_cli("--lang", "en", "units").out
    assert table_header_cells(en)[:3] == ["unit", "works led", "works co"]


def test_people_json(loaded, run_cli, tasklist):
    rows = json_rows(run_cli("people", "--format", "json").out)
    pairs = {(r["name"], r["role"]) for r in rows}
    expected = {(w.leader, "leader") for w in tasklist.works if w.leader} | {
        (w.liaison, "liaison") for w in tasklist.works if w.liaison}
    assert pairs == expected
    yang = next(r for r in rows if r["name"] == "杨光飞")
    assert (yang["role"], yang["works"], yang["work_ids"]) == ("leader", 3, "W12,W13,W14")


def test_people_table_and_csv(loaded, run_cli):
    out = run_cli("people").out
    assert table_header_cells(out)[:3] == ["姓名", "角色", "重点工作数"]
    assert_aligned(out)
    assert "分管领导" in out and "联络员" in out
    rows = csv_rows(run_cli("people", "--format", "csv").out)
    assert rows[0][:3] == ["姓名", "角色", "重点工作数"]
    assert ["杨光飞", "分管领导", "3", "W12,W13,W14"] in [r[:4] for r in rows]
    en = csv_rows(run_cli("--lang", "en", "people", "--format", "csv").out)
    assert en[0][:3] == ["name", "role", "works"]
    assert any(r[:2] == ["杨光飞", "leader"] for r in en)


# --- errors: data (1) ----------------------------------------------------------------------

@pytest.mark.parametrize("argv", [["list"], ["show", "W01-M01"], ["units"], ["people"],
                                  ["list", "--format", "json"]])
def test_empty_store(run_cli, isolated_locations, argv):
    assert_data_error(run_cli(*argv), str(isolated_locations), "supervise-tui load")


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("argv, needle", [
    (["list", "--unit", "不存在局"], "no unit named '不存在局'"),
    (["list", "--pillar", "P9"], "no pillar 'P9'"),
    (["list", "--leader", "无名氏"], "no leader or liaison named '无名氏'"),
    (["list", "--liaison", "无名氏"], "no leader or liaison named '无名氏'"),
    (["list", "--leader", "杨光飞", "--liaison", "林云德"], "not both"),
    (["list", "--round", "第9轮"], "no round '第9轮'"),
    (["show", "W99-M01"], "no item with id 'W99-M01'"),
    (["show", "W01-M01", "--format", "json", "--round", "99"], "no round '99'"),
])
def test_data_errors(loaded, run_cli, argv, needle):
    assert_data_error(run_cli(*argv), needle)


def test_load_bad_file(run_cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"works: [\n")
    assert_data_error(run_cli("load", str(bad)), str(bad))
    assert_data_error(run_cli("load", str(tmp_path / "missing.yaml")), "missing.yaml")


# --- errors: usage (2) ---------------------------------------------------------------------

@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("argv", [
    ["list", "--bogus"],
    ["show"],
    ["validate"],
    ["list", "--format", "xml"],
    ["list", "--kind", "task"],
    ["frobnicate"],
    ["--lang", "fr", "list"],
    ["list", "--pillar"],
])
def test_usage_errors(run_cli, argv):
    assert_usage_error(run_cli(*argv))


# --- a real process ------------------------------------------------------------------------

def test_help_in_a_subprocess(run_cli_subprocess):
    result = run_cli_subprocess("--help")
    assert result.code == 0, result.err
    for command in ("load", "validate", "list", "show", "units", "people"):
        assert command in result.text
    assert result.err == b""


def test_end_to_end_in_a_subprocess(run_cli_subprocess):
    assert run_cli_subprocess("load").code == 0
    result = run_cli_subprocess("list", "--unit", "市公安", "--kind", "target", "--format", "csv")
    assert result.code == 0, result.err
    assert result.out.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(result.out.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["W13-T01", "W13-T02", "W13-T03", "W17-T01"] + [
        f"W24-T0{n}" for n in range(1, 10)] + ["W31-T01", "W31-T02"]
    usage = run_cli_subprocess("list", "--bogus")
    assert usage.code == 2 and len(usage.err.splitlines()) == 1 and b"Traceback" not in usage.err
    data = run_cli_subprocess("show", "W99-M99")
    assert data.code == 1 and len(data.err.splitlines()) == 1 and b"Traceback" not in data.err


def test_show_never_prints_bidi_or_control_characters(run_cli, tmp_path):
    """A title may hold a right-to-left override (printable to YAML); the terminal never gets it raw."""
    path = tmp_path / "rtl.yaml"
    path.write_text(SMALL_TASKLIST.replace("  title: 强化财税政策保障\n", "  title: 强化\u202e财税政策保障\n")
                    .replace("    text: 举措一\n", "    text: 举措\u202e一\n"), encoding="utf-8")
    assert run_cli("load", str(path)).code == 0
    result = run_cli("show", "W01-M01")
    assert result.code == 0, result.err
    assert "\u202e" not in result.out
    assert result.out.splitlines()[0] == "W01-M01  举措  W01 强化\ufffd财税政策保障"
    assert "1.举措\ufffd一" in result.out.splitlines()
    listed = run_cli("list")
    assert "\u202e" not in listed.out and "举措\ufffd一" in listed.out
