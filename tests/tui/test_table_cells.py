"""Cutting a cell to its width: the quick first-line cut agrees with rich's grapheme split everywhere."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, chop_cells

from supervise_tui.ui.widgets.tablemodel import fit_cell, head_cells

# What a cell may hold: ASCII, Chinese and full-width forms, combining marks and other zero-width
# characters, emoji with joiners, skin tones and variation selectors, and C1 controls.
PIECES = st.sampled_from(["a", "Z", " ", "1", "中", "文", "，", "Ａ", "\u0301", "\u200b", "\u200d", "\ufe0f",
                          "👩", "💻", "❤", "\U0001f3fb", "🇨", "🇳", "\x85", "…", "ｶ", "한"])


@settings(max_examples=1500)
@given(text=st.lists(PIECES, max_size=40).map("".join), width=st.integers(1, 30))
def test_the_first_line_cut_is_rich_s(text, width):
    expected = chop_cells(text, width)
    assert head_cells(text, width) == (expected[0] if expected else "")


@settings(max_examples=1500)
@given(text=st.lists(PIECES, max_size=60).map("".join), width=st.integers(1, 30),
       align=st.sampled_from(["left", "right"]))
def test_a_fitted_cell_is_exactly_its_width_and_starts_as_the_text(text, width, align):
    cell = fit_cell(text, width, align)
    assert cell_len(cell) == width
    shown = cell.rstrip(" ")
    if align == "left" and shown.endswith("…") and cell_len(text) > width:
        assert text.strip("\u200d").startswith(shown[:-1])
