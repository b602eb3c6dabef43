"""The strict task list loader: one test per bad input, through the parser and the validate/load commands."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from supervise_tui.domain.tasklist import parse_tasklist
from supervise_tui.errors import FileProblem, FileProblems
from tests.conftest import SMALL_TASKLIST
from tests.domain.yaml_parsers import both_parsers  # noqa: F401  (every test on both event streams)

# The refusals' words are checked in English (test_i18n checks both languages).
pytestmark = pytest.mark.usefixtures("english")

# A small valid task list (conftest.SMALL_TASKLIST); tests edit one line of it to make each bad input.
VALID = SMALL_TASKLIST


def edited(old: str, new: str) -> str:
    assert VALID.count(old) == 1, old
    return VALID.replace(old, new)


def problems(text: str | bytes, name: str = "t.yaml") -> list[str]:
    """The FILE:LINE:COL lines a task list's validation reports."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(FileProblems) as info:
        parse_tasklist(data, name)
    return [str(p) for p in info.value.problems]


def yaml_error(text: str | bytes, name: str = "t.yaml") -> FileProblem:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(FileProblem) as info:
        parse_tasklist(data, name)
    return info.value


def write(tmp_path: Path, text: str | bytes, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def assert_one_clean_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# --- the valid file --------------------------------------------------------------

def test_valid_file_parses():
    tl = parse_tasklist(VALID.encode("utf-8"), "t.yaml")
    (work,) = tl.works
    assert (work.id, work.seq, work.pillar_id, work.lead, work.co) == ("W01", 1, "P1", "市税务局", ("市公安",))
    assert (work.stage_text, work.stage_start, work.stage_end) == ("2023-2027年", 2023, 2027)
    assert [(i.id, i.kind, i.no, i.text) for i in work.items] == [
        ("W01-T01", "target", 1, "目标一"), ("W01-M01", "measure", 1, "举措一"), ("W01-M02", "measure", 2, "举措二")]
    assert tl.aliases == {"市公安": "市公安局"}


def test_utf8_bom_is_accepted():
    tl = parse_tasklist(b"\xef\xbb\xbf" + VALID.encode("utf-8"), "t.yaml")
    assert tl.document["doc_number"] == "乐政办发〔2023〕43号"


# --- each bad input --------------------------------------------------------------

def test_duplicate_key_names_both_lines():
    e = yaml_error(edited("  title: 强化财税政策保障\n", "  title: 强化财税政策保障\n  title: 又一个标题\n"))
    assert str(e) == "t.yaml:17:3: works[0].title: duplicate key 'title' (first at line 16)"


def test_duplicate_key_at_top_level():
    e = yaml_error(VALID + "schema: '1'\n")
    assert (e.line, e.col) == (39, 1)
    assert "duplicate key 'schema' (first at line 1)" in e.message


def test_anchor_refused():
    e = yaml_error(edited("- id: P1\n", "- &p1\n  id: P1\n"))
    assert str(e) == "t.yaml:8:3: pillars[0]: anchors (&p1) are not allowed"


def test_alias_refused():
    e = yaml_error(edited("  pillar: P1\n", "  pillar: *p1\n"))
    assert str(e) == "t.yaml:15:11: works[0].pillar: aliases (*p1) are not allowed"


def test_merge_key_refused():
    e = yaml_error(edited("  stage:\n", "  <<: x\n  stage:\n"))
    assert "merge keys" in e.message and (e.line, e.col) == (17, 3)


def test_gbk_bytes_named_as_gbk():
    e = yaml_error(VALID.encode("gbk"))
    assert e.message == "file is not valid UTF-8; it looks like GBK/GB18030 and must be saved as UTF-8"
    assert (e.line, e.col) == (3, 15)  # the first byte that is not UTF-8: 乐 in doc_number


def test_utf16_named():
    e = yaml_error(VALID.encode("utf-16"))
    assert "UTF-16" in e.message and (e.line, e.col) == (1, 1)


def test_syntax_error_has_line_and_column():
    e = yaml_error(edited("  seq: 1\n", "  seq: [1\n"))
    assert (e.line, e.col) == (14, 10)
    assert str(e).startswith("t.yaml:14:10: expected ',' or ']'")
    assert "line 13" in e.message  # where the unclosed [ started


def test_bad_indentation_is_a_syntax_error_with_position():
    e = yaml_error(edited("  numeral: 一\n  pillar", "  numeral: 一\n   pillar"))
    assert (e.line, e.col) == (15, 10)
    assert e.message == "mapping values are not allowed here"


def test_wrong_type_seq_not_a_number():
    assert problems(edited("  seq: 1\n", "  seq: abc\n")) == [
        "t.yaml:13:8: works[0].seq: expected a whole number, got 'abc'"]


def test_wrong_type_targets_not_a_list():
    text = edited("  targets:\n  - id: W01-T01\n    no: 1\n    text: 目标一\n", "  targets: text\n")
    assert problems(text) == ["t.yaml:28:12: works[0].targets: expected a list"]


def test_wrong_type_text_is_a_mapping():
    assert problems(edited("    text: 举措二\n", "    text:\n      zh: 举措二\n")) == [
        "t.yaml:39:7: works[0].measures[1].text: expected text"]


def test_missing_field():
    assert problems(edited("  title: 强化财税政策保障\n", "")) == [
        "t.yaml:12:3: works[0]: missing field 'title'"]


def test_unknown_field():
    assert problems(edited("  leader: 陈宋淼\n", "  leader: 陈宋淼\n  colour: red\n")) == [
        "t.yaml:27:3: works[0].colour: unknown field 'colour'"]


def test_duplicate_id():
    assert problems(edited("  - id: W01-M02\n", "  - id: W01-M01\n")) == [
        "t.yaml:36:9: works[0].measures[1].id: duplicate id 'W01-M01'"]


def test_pillar_reference_to_no_pillar():
    assert problems(edited("  pillar: P1\n", "  pillar: P9\n")) == [
        "t.yaml:15:11: works[0].pillar: no pillar with id 'P9'"]


def test_id_must_match_its_work():
    assert problems(edited("  - id: W01-M02\n", "  - id: W02-M02\n")) == [
        "t.yaml:36:9: works[0].measures[1].id: measure id 'W02-M02' must look like W01-M01"]


def test_stage_that_ends_before_it_starts():
    assert problems(edited("    end: 2027\n", "    end: 2020\n")) == [
        "t.yaml:20:10: works[0].stage.end: stage ends (2020) before it starts (2023)"]


def test_alias_pointing_at_another_alias():
    text = edited("  市公安: 市公安局\n", "  市公安: 公安局\n  公安局: 市公安局\n")
    assert problems(text) == [
        "t.yaml:6:8: aliases.市公安: '公安局' is itself an alias; point '市公安' at the unit's own name"]


def test_unsupported_schema():
    assert problems(edited("schema: '1'\n", "schema: '2'\n")) == [
        "t.yaml:1:9: schema: unsupported schema '2' (this app reads 1)"]


def test_not_a_mapping_at_all():
    assert problems("- just\n- a list\n") == ["t.yaml:1:1: expected a mapping"]


def test_missing_ids_are_reported_not_crashed_on():
    text = edited("  - id: W01-M01\n    no: 1\n", "  - no: 1\n").replace("  - id: W01-M02\n    no: 2\n", "  - no: 2\n")
    assert problems(text) == [
        "t.yaml:33:5: works[0].measures[0]: missing field 'id'",
        "t.yaml:35:5: works[0].measures[1]: missing field 'id'",
    ]


def test_size_limit(tmp_path):
    """A file over the limit is refused, saying its size and the limit, before it is read."""
    from supervise_tui.domain.tasklist import load_tasklist
    from supervise_tui.domain.yamlstrict import DEFAULT_MAX_BYTES

    path = write(tmp_path, VALID)
    with open(path, "r+b") as f:
        f.truncate(DEFAULT_MAX_BYTES + 1)  # sparse: no disk taken
    with pytest.raises(FileProblem) as info:
        load_tasklist(path)
    assert (info.value.line, info.value.col) == (1, 1)
    assert info.value.message == (f"the file is {DEFAULT_MAX_BYTES + 1} bytes, over the limit of {DEFAULT_MAX_BYTES} "
                                  "bytes (about 100 MB) for a task list; split or trim it first")


# --- every problem at once, in file order -----------------------------------------

MANY_PROBLEMS = """\
schema: '1'
document:
  doc_number: X
  title: Y
  written: 2023-11-23
pillars:
- id: P1
  title: 提信心增预期
works:
- id: W01
  seq: abc
  pillar: P9
  title: 标题
  stage:
    text: 长期实施
  units:
    lead: 市税务局
  targets: text
  measures:
  - id: W01-M01
    txt: 举措一
  - id: W01-M01
    text: 举措二
"""

MANY_PROBLEMS_LINES = [
    "many.yaml:5:3: document.written: unknown field 'written'",
    "many.yaml:11:8: works[0].seq: expected a whole number, got 'abc'",
    "many.yaml:12:11: works[0].pillar: no pillar with id 'P9'",
    "many.yaml:18:12: works[0].targets: expected a list",
    "many.yaml:20:5: works[0].measures[0]: missing field 'text'",
    "many.yaml:21:5: works[0].measures[0].txt: unknown field 'txt'",
    "many.yaml:22:9: works[0].measures[1].id: duplicate id 'W01-M01'",
]


def test_every_problem_reported_at_once_in_file_order():
    assert problems(MANY_PROBLEMS, "many.yaml") == MANY_PROBLEMS_LINES


def test_validate_cli_prints_every_problem(tmp_path, monkeypatch, run_cli):
    write(tmp_path, MANY_PROBLEMS, "many.yaml")
    monkeypatch.chdir(tmp_path)
    result = run_cli("validate", "many.yaml")
    assert result.code == 1
    assert result.out == ""
    assert result.err.splitlines() == MANY_PROBLEMS_LINES


# --- implicit typing never happens --------------------------------------------------

def test_implicit_typing_stays_text():
    text = (edited("  title: 强化财税政策保障\n", "  title: no\n")
            .replace("  title: 提信心增预期\n", "  title: 3:30\n")
            .replace("    text: 目标一\n", "    text: 010\n")
            .replace("    text: 举措一\n", "    text: 2023-11-23\n")
            .replace("    text: 举措二\n", "    text: 1e3\n")
            .replace("  leader: 陈宋淼\n", "  leader: yes\n")
            .replace("  liaison: 林良卡\n", "  liaison: null\n")
            .replace("  numeral: 一\n  pillar", "  numeral: ~\n  pillar"))
    tl = parse_tasklist(text.encode("utf-8"), "t.yaml")
    (work,) = tl.works
    assert (work.title, tl.pillars[0].title) == ("no", "3:30")
    assert [i.text for i in work.items] == ["010", "2023-11-23", "1e3"]
    assert (work.leader, work.liaison, work.numeral) == ("yes", "null", "~")


def test_leading_zero_number_is_decimal_not_octal():
    tl = parse_tasklist(edited("    no: 2\n", "    no: 010\n").encode("utf-8"), "t.yaml")
    assert tl.works[0].items[-1].no == 10


def test_number_too_large_for_the_store():
    assert problems(edited("  seq: 1\n", "  seq: 99999999999999999999\n")) == [
        "t.yaml:13:8: works[0].seq: number 99999999999999999999 is too large"]


def test_number_fields_refuse_what_is_not_a_whole_number():
    assert problems(edited("    no: 2\n", "    no: 0x1F\n")) == [
        "t.yaml:37:9: works[0].measures[1].no: expected a whole number, got '0x1F'"]


# --- the commands ---------------------------------------------------------------------

def test_validate_cli_valid_file(small_tasklist_file, run_cli):
    result = run_cli("--lang", "en", "validate", str(small_tasklist_file))
    assert result.code == 0, result.err
    assert result.out == f"{small_tasklist_file}: valid — 1 key works, 1 targets, 2 measures\n"


@pytest.mark.parametrize("data, needle", [
    (VALID.encode("gbk"), "GBK"),
    (edited("  seq: 1\n", "  seq: [1\n").encode("utf-8"), ":14:10: expected ',' or ']'"),
    (edited("- id: P1\n", "- &p1\n  id: P1\n").encode("utf-8"), ":8:3: pillars[0]: anchors (&p1)"),
    (edited("  title: 强化财税政策保障\n", "  title: a\n  title: b\n").encode("utf-8"), "(first at line 16)"),
])
def test_validate_cli_one_line_per_yaml_error(tmp_path, run_cli, data, needle):
    path = write(tmp_path, data)
    result = run_cli("validate", str(path))
    assert result.code == 1
    line = assert_one_clean_line(result.err)
    assert str(path) in line and needle in line


def test_validate_cli_missing_file(tmp_path, run_cli):
    result = run_cli("validate", str(tmp_path / "nowhere.yaml"))
    assert result.code == 1
    line = assert_one_clean_line(result.err)
    assert "nowhere.yaml" in line


def test_validate_bundled_file(run_cli, bundled_path):
    result = run_cli("--lang", "en", "validate", str(bundled_path))
    assert result.code == 0
    assert result.out.endswith("valid — 32 key works, 99 targets, 218 measures\n")


# --- nothing is written unless the whole file is valid ----------------------------------

def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.mark.parametrize("bad", [MANY_PROBLEMS.encode("utf-8"), VALID.encode("gbk"),
                                 edited("  seq: 1\n", "  seq: [1\n").encode("utf-8")])
def test_load_of_a_bad_file_leaves_the_store_as_it_was(store, isolated_locations, tmp_path, run_cli, bad):
    store.close()
    before = dump(isolated_locations)
    result = run_cli("load", str(write(tmp_path, bad)))
    assert result.code == 1
    assert result.out == ""
    assert dump(isolated_locations) == before


def test_load_of_a_bad_file_creates_no_database(isolated_locations, tmp_path, run_cli):
    result = run_cli("load", str(write(tmp_path, MANY_PROBLEMS)))
    assert result.code == 1
    assert result.err.splitlines()[0] == f"{tmp_path / 'bad.yaml'}:5:3: document.written: unknown field 'written'"
    assert not isolated_locations.exists()


def test_load_of_the_small_valid_file(isolated_locations, small_tasklist_file, run_cli):
    result = run_cli("--lang", "en", "load", str(small_tasklist_file))
    assert result.code == 0, result.err
    conn = sqlite3.connect(isolated_locations)
    assert conn.execute("SELECT id, text FROM items ORDER BY pos").fetchall() == [
        ("W01-T01", "目标一"), ("W01-M01", "举措一"), ("W01-M02", "举措二")]
    assert conn.execute("SELECT name FROM units ORDER BY name").fetchall() == [("市公安局",), ("市税务局",)]
    conn.close()


# --- what a YAML escape could smuggle in ---------------------------------------------------

@pytest.mark.parametrize("escaped, code", [("\\e[31m", "001B"), ("\\x00", "0000"), ("\\x9b", "009B"),
                                           ("\\ud800", "D800"), ("\\r", "000D")])
def test_control_characters_written_as_escapes_are_refused(escaped, code):
    text = edited("    text: 举措二\n", f'    text: "举措{escaped}二"\n')
    assert problems(text) == [f"t.yaml:38:11: works[0].measures[1].text: control character U+{code} is not allowed"]


def test_tab_and_newline_escapes_are_text():
    tl = parse_tasklist(edited("    text: 举措二\n", '    text: "举措\\t二\\n第二行"\n').encode("utf-8"), "t.yaml")
    assert tl.works[0].items[-1].text == "举措\t二\n第二行"


def test_unit_names_and_aliases_are_checked_too():
    text = edited("  市公安: 市公安局\n", '  "市公安\\e": 市公安局\n').replace("    - 市公安\n", '    - "市\\x07公安"\n')
    assert problems(text) == [
        "t.yaml:6:3: aliases.市公安\x1b: control character U+001B is not allowed",
        "t.yaml:25:7: works[0].units.co[0]: control character U+0007 is not allowed",
    ]


def test_validate_cli_never_prints_a_control_character(tmp_path, run_cli):
    text = edited("  市公安: 市公安局\n", '  "市公安\\e[2J": 市公安局\n')
    result = run_cli("validate", str(write(tmp_path, text)))
    assert result.code == 1
    line = assert_one_clean_line(result.err)
    assert "\x1b" not in result.err
    assert line.endswith("aliases.市公安␛[2J: control character U+001B is not allowed")


# --- big inputs stay bounded ------------------------------------------------------------------

def test_a_text_over_the_limit_is_refused_where_it_is():
    from supervise_tui.domain.tasklist import TEXT_LIMIT

    huge = "长" * 1_000_000
    assert problems(edited("    text: 举措二\n", f"    text: {huge}\n")) == [
        f"t.yaml:38:11: works[0].measures[1].text: text of 1000000 characters is longer than the limit of {TEXT_LIMIT}"]
    just = "长" * TEXT_LIMIT
    tl = parse_tasklist(edited("    text: 举措二\n", f"    text: {just}\n").encode("utf-8"), "t.yaml")
    assert tl.works[0].items[-1].text == just
    assert problems(edited("  leader: 陈宋淼\n", f"  leader: {just}名\n")) == [
        f"t.yaml:26:11: works[0].leader: text of {TEXT_LIMIT + 1} characters is longer than the limit of {TEXT_LIMIT}"]


def test_the_limit_is_far_above_the_longest_text_of_the_bundled_list(tasklist):
    from supervise_tui.domain.tasklist import TEXT_LIMIT

    longest = max(len(i.text) for i in tasklist.items)
    assert 5 * longest < TEXT_LIMIT


def test_loading_a_million_character_measure_is_one_line_and_changes_nothing(store, tmp_path, run_cli):
    before = store.execute("SELECT count(*), max(length(text)) FROM items").fetchone()
    path = write(tmp_path, edited("    text: 举措二\n", f"    text: {'长' * 1_000_000}\n"))
    result = run_cli("load", str(path))
    assert result.code == 1
    assert assert_one_clean_line(result.err).startswith(f"{path}:38:11: works[0].measures[1].text: text of 1000000")
    assert store.execute("SELECT count(*), max(length(text)) FROM items").fetchone() == before
