"""The round subcommands: round, set, light, close-out, chase, diff, export — output, formats, exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest


@pytest.fixture
def cli(store, run_cli):
    """The CLI on a store holding the bundled task list and its first round (第1轮)."""
    return run_cli


def _json(result):
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_round_new_carries_forward_and_becomes_current(cli):
    assert cli("set", "W01-M01", "--status", "推进中", "--progress", "40").code == 0
    r = cli("round", "new", "2024年第二季度", "--period", "2024-Q2", "--due", "2024-06-30")
    assert (r.code, r.out) == (0, "已创建报送轮次 2024年第二季度（承接 第1轮 的状态，317 项）\n"
                                  "上一轮 第1轮 仍开放,可继续补报;关闭它: supervise-tui round close 第1轮\n")
    rows = _json(cli("round", "list", "--format", "json"))
    assert [(x["name"], x["period"], x["due"], x["current"], x["updated"]) for x in rows] == [
        ("第1轮", None, None, False, 1), ("2024年第二季度", "2024-Q2", "2024-06-30", True, 0)]
    item = _json(cli("list", "--search", "W01-M01", "--format", "json"))[0]
    assert (item["status"], item["progress"], item["updated_by"]) == ("in_progress", 40, None)


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_round_list_formats(cli, fmt):
    out = cli("round", "list", "--format", fmt).out
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
        assert rows[0][:3] == ["当前", "编号", "轮次"] and rows[1][:3] == ["*", "1", "第1轮"]
    else:
        assert "第1轮" in out and "进行中" in out


def test_round_use_close_reopen(cli):
    cli("round", "new", "第2轮")
    assert cli("round", "use", "1").out == "当前轮次: 第1轮\n"
    assert cli("round", "close").out == "已关闭轮次 第1轮，状态已冻结\n"
    refused = cli("--lang", "en", "set", "W01-M01", "--progress", "10")
    assert refused.code == 1 and "closed" in refused.err and refused.out == ""
    assert cli("set", "W01-M01", "--progress", "10", "--round", "第2轮").code == 0
    assert cli("round", "reopen", "第1轮", "--reason", "补报").code == 0
    assert cli("set", "W01-M01", "--progress", "10").out == "W01-M01 进度: 0 → 10\nW01-M01 状态: 未启动 → 推进中\n"


def test_round_new_says_the_previous_round_is_open_or_closes_it(cli):
    r = cli("round", "new", "第2轮")
    assert r.out == ("已创建报送轮次 第2轮（承接 第1轮 的状态，317 项）\n"
                     "上一轮 第1轮 仍开放,可继续补报;关闭它: supervise-tui round close 第1轮\n")
    r = cli("round", "new", "第3轮", "--close-previous")
    assert r.out == "已创建报送轮次 第3轮（承接 第2轮 的状态，317 项）\n已关闭轮次 第2轮，状态已冻结\n"
    rows = _json(cli("round", "list", "--format", "json"))
    assert [(x["name"], x["closed_at"] is not None, x["current"]) for x in rows] == [
        ("第1轮", False, False), ("第2轮", True, False), ("第3轮", False, True)]


def test_a_liaison_cannot_move_the_current_round(cli):
    cli("round", "new", "第2轮")
    r = cli("--role", "liaison", "--unit", "市税务局", "round", "use", "第1轮")
    assert (r.code, r.out, r.err) == (1, "", "supervise-tui: 只有督查人员可以切换当前轮次\n")
    assert [x["current"] for x in _json(cli("round", "list", "--format", "json"))] == [False, True]


def test_a_period_that_is_not_one_is_refused(cli):
    r = cli("round", "new", "第2轮", "--period", "2024年一季度")
    assert (r.code, r.out) == (1, "")
    assert r.err == ("supervise-tui: 期间 '2024年一季度' 须写作 2024(年度)、2024-Q1(季度)或 2024-03(月份)\n")


def test_reopen_needs_a_reason(cli):
    cli("round", "close")
    assert cli("round", "reopen", "第1轮").code == 2  # usage: --reason is required
    blank = cli("round", "reopen", "第1轮", "--reason", " ", "--lang", "en")
    assert blank.code == 1 and "reason" in blank.err


def test_set_takes_status_words_in_any_language(cli):
    for word, code in [("in progress", "in_progress"), ("blocked", "blocked"), ("已完成", "done")]:
        assert cli("set", "w01-m02", "--status", word).code == 0
        assert _json(cli("list", "--search", "W01-M02", "--format", "json"))[0]["status"] == code
    out = cli("set", "W01-M02", "--note", "第一行\n\x1b[31m红").out
    assert out == "W01-M02 备注:  → 第一行␊␛[31m红\n"  # shown literally, on one line


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("argv, message", [
    (["set", "W01-M02"], "--status"),
    (["set", "W01-M02", "--status", "finished"], "unknown status"),
    (["set", "W01-M02", "--progress", "120"], "0 to 100"),
    (["set", "W99-M99", "--progress", "10"], "no item"),
    (["--role", "liaison", "set", "W01-M02", "--progress", "10"], "--unit"),
    (["--role", "liaison", "--unit", "市公安", "set", "W01-M02", "--progress", "10"], "your unit"),
    (["--role", "liaison", "--unit", "市税务局", "round", "close"], "inspector"),
    (["--role", "liaison", "--unit", "市税务局", "close-out", "W01-M02"], "inspector"),
    (["light", "W01-M02", "red"], "reason"),
    (["light", "W01-M02", "purple", "--reason", "x"], "unknown light"),
    (["diff", "第1轮", "第9轮"], "no round"),
    (["round", "new", "第1轮"], "already"),
])
def test_refusals_are_one_line_and_exit_1(cli, argv, message):
    r = cli(*argv)
    assert r.code == 1 and message in r.err and r.err.count("\n") == 1


def test_a_liaison_sets_their_own_units_items(cli):
    r = cli("--role", "liaison", "--unit", "市税务局", "--user", "林良卡", "set", "W01-M02", "--progress", "20")
    assert r.code == 0
    item = _json(cli("show", "W01-M02", "--format", "json"))
    assert item["audit"][-1]["user"] == "林良卡"


def test_light_override_and_back_to_the_rules(cli):
    assert cli("light", "W01-M03", "绿", "--reason", "已现场核实").out == \
        "W01-M03 亮灯:  → 绿\nW01-M03 亮灯理由:  → 已现场核实\n"
    assert _json(cli("list", "--search", "W01-M03", "--format", "json"))[0]["light"] == "green"
    assert cli("light", "W01-M03", "auto").out == "W01-M03 亮灯恢复按规则计算\n"
    assert _json(cli("list", "--search", "W01-M03", "--format", "json"))[0]["light"] == "yellow"


def test_close_out(cli):
    not_done = cli("close-out", "W01-M04")
    assert (not_done.code, not_done.out) == (1, "")
    assert not_done.err == "supervise-tui: W01-M04 尚未完成(未启动 0%);对未完成的事项销号须写明理由\n"
    assert cli("close-out", "W01-M04", "--reason", "现场核查已办结").out == "W01-M04 已销号（轮次 第1轮）\n"
    item = _json(cli("list", "--search", "W01-M04", "--format", "json"))[0]
    assert (item["status"], item["progress"], item["closed_out"]) == ("done", 100, 1)
    again = cli("close-out", "W01-M04", "--lang", "en")
    assert again.code == 1 and "already closed out" in again.err
    assert cli("set", "W01-M05", "--status", "已完成").code == 0  # a done item needs no reason
    assert cli("close-out", "W01-M05").out == "W01-M05 已销号（轮次 第1轮）\n"


def test_close_out_is_reopened_with_a_reason(cli):
    assert cli("set", "W01-M04", "--status", "已完成").code == 0
    assert cli("close-out", "W01-M04").code == 0
    blank = cli("close-out", "W01-M04", "--reopen", "--lang", "en")
    assert (blank.code, blank.err) == (1, "supervise-tui: W01-M04: give the reason for reopening the close-out\n")
    liaison = cli("--role", "liaison", "--unit", "市税务局", "close-out", "W01-M04", "--reopen", "--reason", "x")
    assert liaison.code == 1 and "督查" in liaison.err
    r = cli("close-out", "W01-M04", "--reopen", "--reason", "复核发现未办结")
    assert (r.code, r.out) == (0, "W01-M04 已撤销销号（轮次 第1轮，理由已记录）\n")
    item = _json(cli("show", "W01-M04", "--format", "json"))
    assert (item["status"], item["progress"], item["closed_out"]) == ("done", 100, 0)
    assert [(a["action"], a["field"], a["old"], a["new"]) for a in item["audit"][-2:]] == [
        ("reopen_close_out", "closed_out", "1", "0"), ("reopen_close_out", "reason", None, "复核发现未办结")]
    again = cli("close-out", "W01-M04", "--reopen", "--reason", "x", "--lang", "en")
    assert (again.code, again.err) == (1, "supervise-tui: W01-M04 is not closed out (销号)\n")


def test_chase_formats(cli):
    cli("set", "W01-M01", "--status", "推进中", "--progress", "30")
    groups = _json(cli("chase", "--format", "json"))
    chased = {i["id"] for g in groups for i in g["items"]}
    assert "W01-M01" not in chased and "W01-M02" in chased and len(chased) == 316
    tax = next(g for g in groups if g["unit"] == "市税务局")
    assert (tax["leaders"], tax["liaisons"]) == (["陈宋淼"], ["林良卡"])
    rows = list(csv.reader(io.StringIO(cli("chase", "--format", "csv").out.lstrip("\ufeff"))))
    assert rows[0] == ["牵头单位", "分管领导", "联络员", "编号", "内容", "状态", "进度", "亮灯", "催办原因"]
    assert len(rows) == 317
    assert "未报送" in cli("chase").out


@pytest.fixture
def two_rounds(cli):
    cli("round", "new", "第2轮")
    cli("set", "W01-M01", "--status", "已完成", "--progress", "100")
    cli("set", "W01-M02", "--status", "受阻")
    cli("set", "W05-M01", "--note", "a|b")
    return cli


def test_diff_json(two_rounds):
    data = _json(two_rounds("diff", "第1轮", "第2轮", "--format", "json"))
    assert (data["from"]["name"], data["to"]["name"]) == ("第1轮", "第2轮")
    assert {k: data["counts"][k] for k in ("improved", "regressed", "unchanged", "note_changed", "changed")} == {
        "improved": 1, "regressed": 1, "unchanged": 315, "note_changed": 1, "changed": 3}
    assert [(r["id"], r["class"], r["new_status"]) for r in data["rows"]] == [
        ("W01-M01", "improved", "done"), ("W01-M02", "regressed", "blocked"), ("W05-M01", "unchanged", "not_started")]


def test_diff_table_md_csv(two_rounds):
    table = two_rounds("diff", "1", "2").out.splitlines()
    assert table[0] == "第1轮 → 第2轮" and table[1].startswith("好转 1 · 退步 1 · 未变 315")
    assert any(line.startswith("W01-M01") and "未启动 → 已完成" in line and "(+100)" in line for line in table)
    md = two_rounds("diff", "1", "2", "--format", "md").out
    assert "| W05-M01 |" in md and "a\\|b" not in md  # the note is not shown, only that it changed
    text = two_rounds("diff", "1", "2", "--format", "csv").out
    assert text.startswith("\ufeffid,class,work_id,") and "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(r["id"], r["class"], r["lead_unit"], r["progress_delta"], r["note_changed"]) for r in rows] == [
        ("W01-M01", "improved", "市税务局", "100", "0"), ("W01-M02", "regressed", "市税务局", "0", "0"),
        ("W05-M01", "unchanged", "市金融工作服务中心", "0", "1")]


def test_diff_shows_the_value_reached_and_an_evidence_change(two_rounds):
    two_rounds("set", "W13-T02", "--value", "12")  # ≥ 10 %: met, so done
    two_rounds("set", "W24-M01", "--evidence", "乐发改〔2024〕7号")  # nothing else changed
    table = two_rounds("diff", "1", "2").out.splitlines()
    assert table[1].endswith("备注有改 1 · 完成值有改 1 · 佐证有改 1")
    header = table[3]
    assert "完成值" in header and "佐证有改" in header
    line = next(ln for ln in table if ln.startswith("W13-T02"))
    assert "好转" in line and " → 12" in line
    line = next(ln for ln in table if ln.startswith("W24-M01"))
    assert "未变" in line and line.count("✓") == 1  # the evidence flag; the note's is blank
    rows = {r["id"]: r for r in _json(two_rounds("diff", "1", "2", "--format", "json"))["rows"]}
    assert (rows["W13-T02"]["new_value"], rows["W13-T02"]["value_changed"]) == ("12", True)
    assert (rows["W24-M01"]["class"], rows["W24-M01"]["evidence_changed"]) == ("unchanged", True)


def test_diff_summary_gives_the_counts_alone_in_every_format(two_rounds):
    table = two_rounds("diff", "1", "2", "--summary").out
    assert table == ("第1轮 → 第2轮\n"
                     "好转 1 · 退步 1 · 未变 315 · 新增 0 · 退役 0 · 备注有改 1 · 完成值有改 0 · 佐证有改 0\n")
    counts = {"improved": 1, "regressed": 1, "unchanged": 315, "new": 0, "retired": 0, "note_changed": 1,
              "value_changed": 0, "evidence_changed": 0, "changed": 3}
    assert _json(two_rounds("diff", "1", "2", "--summary", "--format", "json")) == {
        "from": {"id": 1, "name": "第1轮"}, "to": {"id": 2, "name": "第2轮"}, "counts": counts}
    text = two_rounds("diff", "1", "2", "--summary", "--format", "csv").out
    assert text == "\ufeffclass,count\r\n" + "".join(f"{k},{v}\r\n" for k, v in counts.items())
    md = two_rounds("diff", "1", "2", "--summary", "--format", "md").out
    assert md == "# 第1轮 → 第2轮\n\n好转 1 · 退步 1 · 未变 315 · 新增 0 · 退役 0 · 备注有改 1 · 完成值有改 0 · 佐证有改 0\n"
    # the same counts as the full diff's head, filters included
    assert _json(two_rounds("diff", "1", "2", "--summary", "--format", "json", "--unit", "市税务局"))["counts"] == \
        _json(two_rounds("diff", "1", "2", "--format", "json", "--unit", "市税务局"))["counts"]


def test_diff_filters_and_all(two_rounds):
    ids = lambda *a: [r["id"] for r in _json(two_rounds("diff", "1", "2", "--format", "json", *a))["rows"]]  # noqa: E731
    assert ids("--pillar", "一") == ["W01-M01", "W01-M02", "W05-M01"]
    assert ids("--unit", "市税务局") == ["W01-M01", "W01-M02"]
    assert ids("--leader", "黄道敏") == ["W05-M01"]
    assert len(ids("--all")) == 317


@pytest.mark.parametrize("fmt", ["md", "csv", "html", "json"])
def test_export_writes_into_exports_of_the_cwd(two_rounds, tmp_path, monkeypatch, fmt):
    monkeypatch.chdir(tmp_path)
    r = two_rounds("export", "--format", fmt)
    path = tmp_path / "exports" / f"bulletin-2-第2轮.{fmt}"
    assert (r.code, r.out) == (0, f"已导出 {path}\n")
    data = path.read_bytes()
    assert b"W01-M02" in data and len(data) > 1000


def test_export_out_dir_round_and_grouping(two_rounds, tmp_path):
    out = tmp_path / "reports"
    r = two_rounds("--lang", "en", "export", "--round", "第1轮", "--by", "unit", "--out", str(out), "--format", "json")
    assert r.code == 0 and r.out.startswith("exported ")
    data = json.loads((out / "bulletin-1-第1轮-by-unit.json").read_text(encoding="utf-8"))
    assert (data["round"]["name"], data["by"], data["changes"]) == ("第1轮", "unit", None)


def test_export_refuses_a_file_where_the_folder_should_be(two_rounds, tmp_path):
    (tmp_path / "taken").write_text("not a folder")
    r = two_rounds("export", "--out", str(tmp_path / "taken"))
    assert r.code == 1 and r.err.startswith("supervise-tui:")


def test_exit_status_of_a_real_process(store, run_cli_subprocess):
    assert run_cli_subprocess("round", "close").code == 0
    frozen = run_cli_subprocess("set", "W01-M01", "--progress", "5", "--lang", "en")
    assert frozen.code == 1 and b"closed" in frozen.err
    assert run_cli_subprocess("round").code == 2  # an action is required
