"""The exchange file format: canonical bytes, the MAC, the strict reader and its limits, safe names,
and writes that are read back before they count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from supervise_tui.domain.exchange import fileformat as ff
from supervise_tui.domain.exchange.liaison import SPEC as RETURN_SPEC
from supervise_tui.errors import ExchangeRefused
from supervise_tui.textsafe import one_line

KEY = bytes(range(32))


def a_return(**changes) -> dict:
    obj = {"format": ff.RETURN_FORMAT, "version": 1, "return": "R-1", "unit": "市税务局", "key": 1,
           "round": {"id": 1, "name": "第1轮"}, "package": "P-1", "seq": 1, "written_at": "2024-03-15T10:00:00+08:00",
           "written_by": "林良卡",
           "items": [{"id": "W01-M01", "base_version": 0, "base": {"progress": 0}, "new": {"progress": 30},
                      "audit": []}]}
    obj.update(changes)
    return obj


def refusal(data: bytes) -> str:
    with pytest.raises(ExchangeRefused) as info:
        ff.read_bytes(data, kind=ff.RETURN_FORMAT, spec=RETURN_SPEC, name="r.json")
    return str(info.value)


def test_canonical_bytes_sort_keys_drop_spaces_keep_chinese_and_leave_out_the_mac():
    obj = {"b": 1, "a": {"y": "乐清", "x": [1, "两"]}, "mac": "ignored"}
    assert ff.canonical(obj) == '{"a":{"x":[1,"两"],"y":"乐清"},"b":1}'.encode()
    # the layout of the file on disk does not enter the MAC
    assert ff.canonical(json.loads(ff.encode(obj))) == ff.canonical(obj)


def test_mac_is_hmac_sha256_of_the_canonical_bytes_and_any_change_breaks_it():
    import hashlib
    import hmac

    obj = a_return()
    obj["mac"] = ff.sign(KEY, obj)
    assert obj["mac"] == hmac.new(KEY, ff.canonical(obj), hashlib.sha256).hexdigest()
    assert ff.verifies(KEY, obj)
    assert not ff.verifies(bytes(32), obj)
    obj["items"][0]["new"]["progress"] = 31
    assert not ff.verifies(KEY, obj)
    assert not ff.verifies(KEY, {k: v for k, v in obj.items() if k != "mac"})


def test_a_well_formed_return_reads_back_as_written():
    obj = a_return()
    obj["mac"] = ff.sign(KEY, obj)
    assert ff.read_bytes(ff.encode(obj), kind=ff.RETURN_FORMAT, spec=RETURN_SPEC, name="r.json") == obj


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("data, reason", [
    (b'{"format": "supervise-tui/return", "format": "x"}', "the key 'format' appears twice"),
    (b'{"format": 1.5}', "decimals and non-numbers (1.5) are not allowed"),
    (b'{"format": NaN}', "decimals and non-numbers (NaN) are not allowed"),
    (b'{"format": "\xff"}', "not valid UTF-8 (at byte 12)"),
    (b'{"format": ', "not valid JSON (line 1, column 12: Expecting value)"),
    (b'[1, 2]', "expected an object"),
    (b'{"format": "supervise-tui/round-package"}', "not a return file (format is 'supervise-tui/round-package')"),
    (b'{"format": "supervise-tui/return", "version": 2}',
     "format version 2 is not supported (this app reads 1); upgrade the app"),
    (b"[" * 10 + b"]" * 10, "nested deeper than 8 levels"),
    (b"[" * 100_000 + b"]" * 100_000, "nested deeper than 8 levels"),
])
def test_malformed_files_are_refused_with_one_line_naming_the_file(data, reason):
    assert refusal(data) == f"r.json: {reason}"


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("change, reason", [
    ({"extra": 1}, "unknown field 'extra'"),
    ({"seq": "1"}, "seq: expected a whole number"),
    ({"seq": True}, "seq: expected a whole number"),
    ({"seq": 0}, "seq: 0 is not between 1 and 9007199254740992"),
    ({"unit": "市" * 1001}, "unit: longer than 1000 characters"),
    ({"unit": "\ud800"}, "unit: holds an invalid Unicode surrogate"),
    ({"round": {"id": 1}}, "round: missing field 'name'"),
    ({"items": [{"id": "W01-M01", "base_version": 0, "base": {}, "new": {"status": "finished"}, "audit": []}]},
     "items[0].new.status: 'finished' is not one of not_started / in_progress / done / behind / blocked"),
    ({"items": [{"id": "W01-M01", "base_version": 0, "base": {}, "new": {"note": "x" * 20_001}, "audit": []}]},
     "items[0].new.note: longer than 20000 characters"),
    ({"items": [{"id": "W01-M01", "base_version": 0, "base": {}, "new": {"light": "red"}, "audit": []}]},
     "items[0].new: unknown field 'light'"),
    ({"items": {}}, "items: expected a list"),
])
def test_wrong_fields_types_and_lengths_are_refused_where_they_are(change, reason):
    obj = a_return(**change)
    obj["mac"] = "0" * 64
    assert refusal(json.dumps(obj).encode()) == f"r.json: {reason}"  # \ud800 stays an escape


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch, english):
    monkeypatch.setattr(ff, "MAX_BYTES", 100)
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 101)
    with pytest.raises(ExchangeRefused) as info:
        ff.read(path, kind=ff.RETURN_FORMAT, spec=RETURN_SPEC)
    assert str(info.value) == "big.json: the file has 101 bytes, more than the limit of 100"


# what any bytes can do to the reader: be read, or be refused with the one kind of error
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=15)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(RETURN_SPEC.fields) + ["x"]), JSONISH, max_size=14))
@example({"version": "\n"})  # a line break in a value the refusal names (found by this test)
@example({"format": "\x1b]2;x\x07"})
def test_any_object_is_read_whole_or_refused_whole(obj):
    data = json.dumps({"format": ff.RETURN_FORMAT, "version": 1, **obj}).encode()
    try:
        out = ff.read_bytes(data, kind=ff.RETURN_FORMAT, spec=RETURN_SPEC, name="r.json")
    except ExchangeRefused as exc:
        assert str(exc).startswith("r.json: ") and str(exc) == one_line(str(exc))  # one line, inert
    else:
        assert set(out) == set(RETURN_SPEC.fields)


ITEM_FIELDS = sorted(RETURN_SPEC.fields["items"].inner.fields) + ["x"]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(RETURN_SPEC.fields) + ["x"]), JSONISH, max_size=3),
       st.dictionaries(st.sampled_from(ITEM_FIELDS), JSONISH, max_size=2),
       st.dictionaries(st.sampled_from(["status", "progress", "note", "x"]), JSONISH, max_size=2))
def test_the_fast_check_says_yes_exactly_when_the_full_walk_finds_nothing(top, item, new):
    """The quick yes/no that spares a good file the full walk agrees with the walk on every shape."""
    obj = a_return(**top)
    if isinstance(obj["items"], list) and obj["items"] and isinstance(obj["items"][0], dict):
        obj["items"][0].update(item)
        if isinstance(obj["items"][0].get("new"), dict):
            obj["items"][0]["new"].update(new)
    try:
        ff.check(RETURN_SPEC, obj)
    except ff.Malformed:
        assert not ff.compiled(RETURN_SPEC)(obj)
    else:
        assert ff.compiled(RETURN_SPEC)(obj)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_are_refused_with_one_line(data):
    with pytest.raises(ExchangeRefused):
        ff.read_bytes(data, kind=ff.RETURN_FORMAT, spec=RETURN_SPEC, name="r.json")


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize("parts, expected", [
    (("return", "r1", "第1轮", "市税务局", "0001"), "return-r1-第1轮-市税务局-0001.json"),
    (("package", "r2", "2024:Q1?*", "市 公安/局"), "package-r2-2024_Q1-市_公安_局.json"),
    (("..", "..", "etc"), "_-_-etc.json"),
    (("con",), "_con.json"),
    (("LPT1",), "_LPT1.json"),
    (("r", "x" * 300), "r-" + "x" * 40 + ".json"),
    (("a\x1b[31mb", "c\td. "), "a_[31mb-c_d.json"),
])
def test_file_names_are_safe_on_windows_and_fat_sticks(parts, expected):
    name = ff.file_name(*parts)
    assert name == expected
    assert len(name) <= ff.NAME_MAX and not set(name) & set('<>:"/\\|?*') and name.isprintable()


def test_a_name_is_confined_to_its_folder(tmp_path, english):
    assert ff.confined(tmp_path, "a.json") == tmp_path.resolve() / "a.json"
    for name in ("../a.json", "sub/a.json", "/etc/passwd", ".."):
        with pytest.raises(ExchangeRefused):
            ff.confined(tmp_path, name)


# --------------------------------------------------------------------------- writing


def test_a_write_is_atomic_synced_read_back_and_gets_the_usual_permissions(tmp_path):
    import os

    path = tmp_path / "out.json"
    path.write_bytes(b"old")
    seen = []
    ff.write_verified(path, b"new", seen.append)
    assert path.read_bytes() == b"new" and seen == [b"new"]
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left


def test_a_file_the_medium_did_not_keep_is_removed_and_refused(tmp_path, monkeypatch, english):
    path = tmp_path / "out.json"
    monkeypatch.setattr(ff, "_read_back", lambda p: b"garbled")
    with pytest.raises(ExchangeRefused) as info:
        ff.write_verified(path, b"what was meant", lambda data: None)
    assert "what was read back differs" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_reads_back_but_does_not_check_is_removed(tmp_path):
    path = tmp_path / "out.json"

    def fail(data: bytes) -> None:
        raise ExchangeRefused("error.exchange.read_back", path=str(path))

    with pytest.raises(ExchangeRefused):
        ff.write_verified(path, b"x", fail)
    assert not path.exists() and list(Path(tmp_path).iterdir()) == []
