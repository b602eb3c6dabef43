"""Editors' text: control characters shown as pictures in place, and put back where the user left them."""

from __future__ import annotations

import json
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from supervise_tui.textsafe import editable, json_escaped, restore, typed

CONTROL_HEAVY = st.text(alphabet=st.sampled_from(
    ["a", "b", "中", "\n", "\t", "\r", "\x1b", "\x07", "\x9b", "\x7f", "\x00", "\u202e", "\u2066", "\u2028", "[", "]"]),
    max_size=40)


def unsafe(text: str, *, multiline: bool) -> list[str]:
    allowed = {"\n", "\t"} if multiline else set()
    return [ch for ch in text if ch not in allowed and (unicodedata.category(ch) in ("Cc", "Zl", "Zp")
                                                        or 0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069)]


@given(CONTROL_HEAVY, st.booleans())
def test_editable_text_holds_no_control_character_and_keeps_every_place(text, multiline):
    shown = editable(text, multiline=multiline)
    assert unsafe(shown, multiline=multiline) == []
    assert len(shown) == len(text)
    assert restore(text, shown, multiline=multiline) == text  # nothing edited: exactly what was stored


@given(CONTROL_HEAVY, CONTROL_HEAVY, st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=5),
       st.booleans())
def test_what_is_saved_is_what_the_editor_showed_with_only_stored_controls(text, insert, at, cut, multiline):
    """Any edit (text typed at a place, some characters deleted there) saves text that shows exactly as the
    editor did, and holds no control character the stored text did not."""
    at = min(at, len(text))
    shown = editable(text, multiline=multiline)
    edited = shown[:at] + typed(insert, multiline=multiline) + shown[at + cut:]
    saved = restore(text, edited, multiline=multiline)
    assert editable(saved, multiline=multiline) == edited
    for ch in set(unsafe(saved, multiline=multiline)):
        assert saved.count(ch) <= text.count(ch)


def test_editing_next_to_a_control_keeps_it_and_deleting_its_picture_removes_it():
    note = "转账\x1b]52;c;QUJD\x07完成\r\n第二行"
    shown = editable(note, multiline=True)
    assert shown == "转账␛]52;c;QUJD␇完成␍\n第二行"
    assert restore(note, shown.replace("完成", "已完成"), multiline=True) == "转账\x1b]52;c;QUJD\x07已完成\r\n第二行"
    assert restore(note, shown.replace("␛", ""), multiline=True) == "转账]52;c;QUJD\x07完成\r\n第二行"
    assert restore(note, "全部重写", multiline=True) == "全部重写"


def test_a_typed_picture_stays_a_picture_and_a_pasted_control_becomes_one():
    assert restore("a\x1bb", "a␛b␛") == "a\x1bb␛"  # only the stored one goes back to ESC
    assert typed("x\x1b[2Jy\r\nz", multiline=True) == "x␛[2Jy\nz"
    assert typed("x\ny") == "x␊y"


@given(st.recursive(st.none() | st.integers() | CONTROL_HEAVY,
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(CONTROL_HEAVY, inner, max_size=4),
                    max_leaves=12))
def test_escaped_json_is_the_same_data_with_no_control_or_bidi_character_raw(data):
    text = json_escaped(json.dumps(data, ensure_ascii=False, indent=2))
    assert json.loads(text) == data
    assert unsafe(text.replace("\n", ""), multiline=False) == []
