import pickle

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supervise_tui.domain import yamlstrict
from supervise_tui.domain.yamlstrict import FileProblem, Mark, format_path, parse_yaml, read_yaml
from tests.domain.yaml_parsers import both_parsers  # noqa: F401  (every test on both event streams)

# The refusals' words are checked in English (test_i18n checks both languages).
pytestmark = pytest.mark.usefixtures("english")


def fails(src: str | bytes, **kw) -> FileProblem:
    data = src.encode("utf-8") if isinstance(src, str) else src
    with pytest.raises(FileProblem) as info:
        parse_yaml(data, "data.yaml", **kw)
    return info.value


def test_error_str_with_and_without_field():
    assert str(FileProblem("f.yaml", 3, 7, "works[3].name", "bad")) == "f.yaml:3:7: works[3].name: bad"
    assert str(FileProblem("f.yaml", 1, 1, "", "bad")) == "f.yaml:1:1: bad"
    e = pickle.loads(pickle.dumps(FileProblem("f.yaml", 2, 4, "a", "m")))
    assert (e.path, e.line, e.col, e.field, e.message) == ("f.yaml", 2, 4, "a", "m")


def test_format_path():
    assert format_path(("works", 3, "measures", 2, "text")) == "works[3].measures[2].text"
    assert format_path(()) == ""
    assert format_path((0, "a")) == "[0].a"


def test_size_limit():
    e = fails("a: 12345\n", max_bytes=8)
    assert (e.line, e.col) == (1, 1)
    assert "the file is 9 bytes, over the limit of 8 bytes" in e.message
    assert parse_yaml(b"a: 1234\n", max_bytes=8).value == {"a": "1234"}


def test_read_yaml_size_limit_and_name(tmp_path):
    p = tmp_path / "big.yaml"
    p.write_bytes(b"a: " + b"x" * 100 + b"\n")
    with pytest.raises(FileProblem) as info:
        read_yaml(p, max_bytes=50)
    assert info.value.path == str(p) and "50 bytes" in info.value.message
    doc = read_yaml(p)
    assert doc.name == str(p) and doc.value == {"a": "x" * 100}


def test_utf8_bom_accepted():
    doc = parse_yaml(b"\xef\xbb\xbf" + "名称: 市税务局\n".encode())
    assert doc.value == {"名称": "市税务局"}
    assert doc.mark(("名称",)) == Mark(1, 5)


@pytest.mark.parametrize(
    "prefix, line, col",
    [(b"", 1, 1), (b"title: ok\n", 2, 1), ("标题: 好\n名: ".encode(), 2, 4)],
)
def test_gbk_detected(prefix, line, col):
    e = fails(prefix + "名称: 市税务局\n".encode("gbk"))
    assert (e.line, e.col, e.field) == (line, col, "")
    assert "GBK/GB18030" in e.message and "UTF-8" in e.message


def test_utf16_bom():
    e = fails("a: 1\n".encode("utf-16"))
    assert (e.line, e.col) == (1, 1)
    assert "UTF-16" in e.message


def test_other_invalid_utf8():
    e = fails(b"a: 1\nb: \xff\n")
    assert (e.line, e.col) == (2, 4)
    assert "not valid UTF-8" in e.message and "GBK" not in e.message


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\x9f"])
def test_control_characters_refused(char):
    e = fails(f"a: 1\nb: x{char}y\n")
    assert (e.line, e.col) == (2, 5)
    assert f"U+{ord(char):04X} is not allowed" in e.message


def test_tab_and_crlf_allowed():
    doc = parse_yaml(b"a: 'x\ty'\r\nb: 2\r\n")
    assert doc.value == {"a": "x\ty", "b": "2"}
    assert doc.mark(("b",)) == Mark(2, 4)


def test_syntax_error_position():
    e = fails("a: 1\nb: [1, 2\nc: 3\n")
    assert (e.line, e.col, e.field) == (3, 2, "")
    assert "expected ',' or ']'" in e.message


def test_scanner_error_position():
    e = fails("a: 1\n  b: 2\n")
    assert (e.line, e.col) == (2, 4)
    assert "mapping values are not allowed here" in e.message


def test_anchor_refused():
    e = fails("a: 1\nb: &x 2\n")
    assert (e.line, e.col, e.field) == (2, 4, "b")
    assert "anchors (&x) are not allowed" in e.message


def test_alias_refused():
    e = fails("a:\n  - 1\n  - *x\n")
    assert (e.line, e.col, e.field) == (3, 5, "a[1]")
    assert "aliases (*x) are not allowed" in e.message


def test_merge_key_refused():
    e = fails("a:\n  b: 1\n  <<: {c: 2}\n")
    assert (e.line, e.col, e.field) == (3, 3, "a")
    assert "merge keys (<<) are not allowed" in e.message
    assert parse_yaml(b"'<<': x\n").value == {"<<": "x"}


@pytest.mark.parametrize("tag", ["!!str", "!!python/object:os.system", "!foo", "!"])
def test_tags_refused(tag):
    e = fails(f"a: 1\nb: {tag} x\n")
    assert (e.line, e.col, e.field) == (2, 4, "b")
    assert "tags are not allowed" in e.message


def test_tag_on_collection_refused():
    e = fails("a: !!map {b: 1}\n")
    assert (e.line, e.col) == (1, 4)
    assert "tags are not allowed" in e.message


def test_duplicate_key():
    e = fails("works:\n  - name: a\n    text: x\n    name: b\n")
    assert (e.line, e.col, e.field) == (4, 5, "works[0].name")
    assert "duplicate key 'name' (first at line 2)" in e.message


def test_duplicate_key_quoted_vs_plain():
    e = fails("x: 1\n'x': 2\n")
    assert (e.line, e.col) == (2, 1)
    assert "duplicate key 'x' (first at line 1)" in e.message


@pytest.mark.parametrize("src, line, col", [("? [a, b]\n: 1\n", 1, 3), ("a: 1\n{b: 1}: 2\n", 2, 1)])
def test_complex_keys_refused(src, line, col):
    e = fails(src)
    assert (e.line, e.col) == (line, col)
    assert "mapping keys must be scalars" in e.message


def test_multiple_documents_refused():
    e = fails("a: 1\n---\nb: 2\n")
    assert (e.line, e.col) == (2, 1)
    assert "multiple documents" in e.message


def test_single_explicit_document_ok():
    assert parse_yaml(b"---\na: 1\n...\n# trailing comment\n").value == {"a": "1"}


@pytest.mark.parametrize("src", [b"", b"# only a comment\n", b"\n\n"])
def test_empty_file_gives_none(src):
    doc = parse_yaml(src)
    assert doc.value is None
    assert doc.mark(()) == Mark(1, 1)


def test_nesting_limit():
    e = fails("[" * 150 + "]" * 150)
    assert (e.line, e.col) == (1, 101)
    assert "nesting deeper than" in e.message


@pytest.mark.parametrize(
    "text", ["010", "no", "on", "yes", "3:30", "2023-11-23", "1e3", "1.5", "null", "~", "true", ".inf", "0x1F", "-0"]
)
def test_no_implicit_typing(text):
    doc = parse_yaml(f"k: {text}\nl: [{text}]\n{text}: v\n".encode())
    assert doc.value == {"k": text, "l": [text], text: "v"}
    assert all(type(x) is str for x in (doc.value["k"], doc.value["l"][0]))


def test_empty_plain_scalar_is_empty_string():
    assert parse_yaml(b"a:\nb: ''\n").value == {"a": "", "b": ""}
    assert parse_yaml(b"- \n- x\n").value == ["", "x"]


def test_positions_of_nested_paths():
    src = (
        "works:\n"
        "  - name: a\n"
        "  - name: b\n"
        "    measures:\n"
        "      - text: first\n"
        "      - {text: 'second', id: 2}\n"
    )
    doc = parse_yaml(src.encode(), "w.yaml")
    assert doc.value["works"][1]["measures"][1] == {"text": "second", "id": "2"}
    assert doc.mark(("works",)) == Mark(2, 3)
    assert doc.mark(("works", 1)) == Mark(3, 5)
    assert doc.mark(("works", 1, "measures", 0, "text")) == Mark(5, 15)
    assert doc.mark(("works", 1, "measures", 1, "text")) == Mark(6, 16)
    assert doc.key_mark(("works", 1, "measures", 1, "id")) == Mark(6, 26)
    assert doc.key_mark(("works", 0, "name")) == Mark(2, 5)
    with pytest.raises(KeyError):
        doc.mark(("works", 5))


def test_doc_error_locates_missing_path_at_ancestor():
    doc = parse_yaml(b"works:\n  - name: a\n    extra: 1\n", "w.yaml")
    assert str(doc.error(("works", 0, "owner"), "required")) == "w.yaml:2:5: works[0].owner: required"
    assert str(doc.error(("works", 0, "extra"), "unknown field", key=True)) == "w.yaml:3:5: works[0].extra: unknown field"
    assert str(doc.error(("works", 0, "extra"), "bad")) == "w.yaml:3:12: works[0].extra: bad"


# PyYAML's emitter folds NEL/LS/PS (YAML 1.1 line breaks) inside quotes, so even yaml.safe_load can't round-trip them.
scalars = st.text(st.characters(exclude_characters="\x85\u2028\u2029"), max_size=20)
trees = st.recursive(
    scalars,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(scalars, kids, max_size=4),
    max_leaves=20,
)


def same(a, b) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    return type(b) is str and a == b


# The stream is chosen once per test (the fixture), not per example.
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(trees)
def test_roundtrip_of_string_trees(obj):
    text = yaml.safe_dump(obj, allow_unicode=True, sort_keys=False)
    assert same(obj, parse_yaml(text.encode("utf-8")).value)


yamlish = st.text(alphabet="-:?[]{},&*!|>'\"#%@` \t\n\rab01.~<", max_size=60).map(str.encode)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=60), yamlish))
def test_arbitrary_bytes_only_raise_yamlfileerror(data):
    try:
        parse_yaml(data)
    except FileProblem as e:
        assert e.line >= 1 and e.col >= 1


def _outcome(data: bytes, parser: str):
    """What reading ``data`` with one stream gives: the value and every position, or the refusal."""
    before = yamlstrict.PARSER
    yamlstrict.PARSER = parser
    try:
        doc = parse_yaml(data, "d.yaml")
        doc.mark(())
        return ("value", doc.value, doc._marks, doc._key_marks)
    except FileProblem as e:
        return ("refused", str(e))
    finally:
        yamlstrict.PARSER = before


# Characters and pieces that make YAML's corners: indicators, indentation, line breaks, block scalars.
yaml_pieces = st.lists(st.sampled_from([*"-:?[]{},&*!|>'\"#%@` \n\rab01.~<\t", "  ", "\n  ", "- ", ": ", "? ",
                                        "名", "\n- ", "|-", ">+", "|2"]), max_size=30).map(lambda p: "".join(p).encode())


@pytest.mark.skipif(yamlstrict._CParser is None, reason="PyYAML was built without libyaml")
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(yamlish, yaml_pieces, st.binary(max_size=60),
                 trees.map(lambda obj: yaml.safe_dump(obj, allow_unicode=True).encode("utf-8")),
                 trees.map(lambda obj: yaml.safe_dump(obj, allow_unicode=True, default_style="|").encode("utf-8"))))
def test_both_streams_read_every_input_alike(data):
    """The same value and positions, or the same refusal at the same place in the same words."""
    assert _outcome(data, "c") == _outcome(data, "python")
