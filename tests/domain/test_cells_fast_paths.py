"""The quick checks in front of the escaping searches give what the searches alone give.

A bulletin column of free text (cells.CellFormat._free) and JSON text (textsafe.json_escaped) are
first tested with ``str.isprintable`` and a few ``in`` checks, and only text that fails goes on to
the character-class search — of a whole column at once, whose matches pick the cells to escape.
These property tests hold the quick path to escaping every cell alone, on text
drawn with every kind of character those searches look for.
"""

from __future__ import annotations

import csv
import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from supervise_tui.domain.cells import (
    _FORMULA,
    PAIRED,
    CsvCells,
    HtmlCells,
    MarkdownCells,
    _as_text,
    column_cells,
    csv_column_lines,
    csv_lines,
    table_lines,
)
from supervise_tui.domain.formats import neutralise
from supervise_tui.textsafe import json_escaped

# Controls, DEL and C1, bidi marks and isolates, line and paragraph separators, soft hyphen,
# zero-width and ideographic spaces, the punctuation Markdown and HTML escape, formula starts.
AWKWARD = ("\x00\x01\t\n\x0b\r\x1b\x7f\x85\x9b\u00ad\u200b\u200e\u200f\u202a\u202e\u2066\u2069\u2028\u2029"
           "\u3000\ufeff\\`*_[]<>|~&@!:.=+-\"' ")
# Whole pieces too: an address a renderer would link ("www.", "http:") is escaped by what precedes it.
PIECES = ("www.", "WWW.example", "http://x.cn", "mailto:a@b", "督查", "事项进度", "红灯", "牵头单位", "第1轮")
TEXT = st.lists(st.one_of(st.sampled_from(AWKWARD), st.characters(codec="utf-8"), st.sampled_from(PIECES)),
                max_size=12).map("".join)
CELL = st.one_of(TEXT, TEXT, st.integers(-5, 100), st.none())


def _searched(fmt, values: list) -> list[str]:
    """Every cell escaped alone: Markdown and HTML escape every cell (a cell with nothing to escape
    comes out as it went in); CSV makes each cell with a special character printable, then guards a
    formula."""
    values = _as_text(values)
    if not isinstance(fmt, CsvCells):
        return [fmt.text(v) for v in values]
    cells = [fmt.text(v) if fmt.special.search(v) else v for v in values]
    if any(map(_FORMULA.match, cells)):  # a spreadsheet would run it
        cells = list(map(neutralise, cells))
    return cells


@settings(max_examples=600)
@given(column=st.lists(CELL, max_size=12))
def test_a_column_comes_out_as_if_each_cell_were_searched(column):
    for fmt in (MarkdownCells(), HtmlCells(), CsvCells()):
        assert fmt._free(list(column)) == _searched(fmt, list(column)), type(fmt).__name__


_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


@settings(max_examples=1000)
@given(text=TEXT)
def test_json_text_is_escaped_as_the_search_alone_would(text):
    assert json_escaped(text) == _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


CSV_CELL = st.one_of(CELL, st.lists(st.sampled_from((",", '"', "\r", "\n", "\r\n", "a", "税", " ")), max_size=5)
                     .map("".join))


@settings(max_examples=600)
@given(rows=st.integers(1, 5).flatmap(lambda width: st.lists(st.lists(CSV_CELL, min_size=width, max_size=width),
                                                             max_size=6)))
def test_csv_lines_are_what_the_csv_module_writes(rows):
    """Quotes, commas, CR and LF anywhere, numbers and NULLs among text, empty cells, one column or several."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    assert csv_lines(rows) == out.getvalue()
    assert csv_column_lines(list(zip(*rows))) == out.getvalue()  # as the bulletin writes its lists, by column


# A free-text column, a coded one, one an HTML cell colours, a paired one (two value columns), an id.
TABLE_KEYS = ("text", "status", "light", "light_change", "id")
LIGHTS = st.sampled_from(("red", "yellow", "green", None))
TABLE_ROW = st.tuples(TEXT, st.sampled_from(("done", "blocked", "in_progress", None)), LIGHTS, LIGHTS, LIGHTS, TEXT)


@settings(max_examples=300)
@given(rows=st.lists(TABLE_ROW, max_size=6), ends=st.tuples(*[st.sampled_from(("", "| ", " | ", "{", "}", "<tr>"))] * 3))
def test_a_big_tables_lines_are_its_cells_joined_row_by_row(rows, ends):
    """One format call per row (each free cell wrapped by the row's template) gives the rows of whole
    cells the small tables use, joined: in every format, with braces in the line's fixed text."""
    start, between, end = ends
    columns = list(zip(*rows)) if rows else []
    assert not rows or len(columns) == sum(2 if key in PAIRED else 1 for key in TABLE_KEYS)
    for fmt in (MarkdownCells(), HtmlCells(), CsvCells()):
        expected = "".join(start + between.join(row) + end for row in column_cells(fmt, TABLE_KEYS, columns))
        assert table_lines(fmt, TABLE_KEYS, columns, start, between, end) == expected, type(fmt).__name__
