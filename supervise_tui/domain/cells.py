"""Bulletin cells for each file format, a column at a time.

A column of a few hundred thousand rows is turned into cells with loops that run in C: coded
values (a status, a light, a progress) through a memo of the few values they take, free text
through one check of the whole batch for anything that needs escaping — only a batch that has
some goes cell by cell. What each format does with a cell:

- Markdown: the text shows literally — Markdown's punctuation is backslash-escaped, so a note
  typed as ``[x](http://…)`` or ``<b>`` is never a link or a tag, bare addresses are broken up so
  no renderer links them, line breaks become ``<br>``;
- HTML: escaped, with ``nw`` (never wrap) on ids, names, statuses and figures;
- CSV: a cell that a spreadsheet would run as a formula gets a leading apostrophe; a number
  stays a number (a progress change is ``20`` or ``-10``, never ``'+20``).

Every format first makes control and bidi characters visible (``textsafe.printable``).
"""

from __future__ import annotations

import csv
import html
import io
import operator
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate

from ..textsafe import printable
from .formats import neutralise
from .vocab import shown_value

Cells = Callable[[Sequence], list]

# What textsafe.printable changes (but the line feed), and the line breaks it folds.
_UNPRINTABLE = "\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\r"
# Markdown punctuation that can start a link, an emphasis, a code span, a tag or an entity, or
# break a table row; ":" after a letter and "." after www would let a renderer link an address.
_MD_PUNCT = re.compile(r"[\\`*_\[\]<>|~&@!]")
_MD_LINK = re.compile(r"(?<=[A-Za-z]):|(?i:(?<=www))\.")
# A superset of what md_text changes, one character a match: ":" and "." only where what precedes them
# would make an address a renderer links (MarkdownCells.escapes).
_MD_SPECIAL = re.compile(rf"[{_UNPRINTABLE}\n\\`*_\[\]<>|~&@!:.]")
_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_start = operator.methodcaller("start")
_UNPRINTABLE_RE = re.compile(f"[{_UNPRINTABLE}]")
_HTML_SPECIAL = re.compile(f"[{_UNPRINTABLE}&<>]")
_CSV_SPECIAL = re.compile(f"[{_UNPRINTABLE}]")
_FORMULA = re.compile(r"[=+\-@\t\r]")

# Keys whose few values are worth remembering once rendered.
CODED = {"status", "old_status", "new_status", "light", "old_light", "new_light", "class", "kind", "role",
         "progress", "old_progress", "new_progress", "progress_delta", "note_changed", "rate",
         "status_change", "light_change", "progress_change"}
# Columns that are never wrapped in print: ids, names, statuses, lights and figures.
NO_WRAP = CODED | {"id", "lead_unit", "leader", "liaison", "unit", "leaders", "liaisons", "group", "year",
                   "items", "items_lead", "done", "in_progress", "behind", "not_started", "not_reported",
                   "green", "yellow", "red", "count", "works", "metric", "value", "chased", "unreported"}
ARROW = " → "


def _printable(text: str) -> str:
    """textsafe.printable, skipped (it is slow on long non-ASCII text) where it would change nothing."""
    return printable(text) if _UNPRINTABLE_RE.search(text) else text


def md_text(text: str) -> str:
    """Text shown literally in Markdown (a table cell or a heading): escaped, line breaks as <br>."""
    text = _MD_PUNCT.sub(r"\\\g<0>", _printable(text))
    if ":" in text or "." in text:  # an address a renderer would link: "http:", "www."
        text = _MD_LINK.sub(r"\\\g<0>", text)
    return text.replace("\n", "<br>")


def html_text(text: str) -> str:
    return html.escape(_printable(text), quote=False)


def csv_text(text: str) -> str:
    return neutralise(_printable(text))


def _as_text(values: Sequence) -> list[str]:
    return ["" if v is None else str(v) for v in values]


# Cells made of two values, (old, new): shown as the value, or "old → new".
PAIRED = {"status_change", "light_change", "progress_change"}


def _change(key: str, value: tuple) -> str:
    """(old, new) of a status, light or progress as one cell: the value, or old → new."""
    field = key.removesuffix("_change")
    old, new = value
    before, after = shown_value(field, old), shown_value(field, new)
    if old == new or new is None:  # unchanged, or a retired item: its last value
        return before
    return after if old is None else f"{before}{ARROW}{after}"  # a new item: its first value


def shown(key: str, value: object) -> str:
    """A stored value as the bulletin shows it (composite ``*_change`` cells included)."""
    if key in PAIRED:
        return _change(key, value)  # type: ignore[arg-type]
    if key == "note_changed":
        return "✓" if value else ""
    return shown_value(key, value)


class _Memo(dict):
    def __init__(self, make: Callable[[object], object]):
        super().__init__()
        self.make = make

    def __missing__(self, value):
        cell = self[value] = self.make(value)
        return cell


class CellFormat:
    """How one file format renders a column; ``column(key)`` gives the function for its values."""

    special: re.Pattern
    punctuation: tuple[str, ...] = ()  # the printable characters that ``special`` finds
    wrap: str = "{}"  # around every cell (HTML: the <td>)

    def __init__(self) -> None:
        self._memos: dict[str, _Memo] = {}

    def text(self, value: str) -> str:
        raise NotImplementedError

    def plain(self, text: str) -> bool:
        """Whether ``text`` has nothing this format changes (a character-class search of long
        non-ASCII text is slow; a check that every character is printable is quick and settles
        most columns, as every character escaped is unprintable but a few)."""
        if text.isprintable():
            return not any(map(text.__contains__, self.punctuation))
        return self.special.search(text) is None

    def coded(self, key: str, value: object) -> object:
        return self.text(shown(key, value))

    def wrapped(self, key: str) -> str:
        return self.wrap

    def column(self, key: str) -> Cells:
        """The function that makes ``key``'s cells from its values; a row puts each in ``slot(key)``."""
        if key in CODED:
            memo = self._memos.get(key)
            if memo is None:
                wrap = self.wrapped(key)
                memo = self._memos[key] = _Memo(lambda v: wrap.format(self.coded(key, v)))
            return lambda values: list(map(memo.__getitem__, values))
        return self._free

    def slot(self, key: str) -> str:
        """Where a row puts ``key``'s cell: a coded cell is made whole once per value (its memo holds the
        wrap); a free one is wrapped by the row's template, one format call per row rather than a cell."""
        return "{}" if key in CODED else self.wrapped(key)

    def _free(self, values: Sequence) -> list[str]:
        """Free text: the whole column checked at once in C (joined by a space, which no format
        escapes); only a column that has something to escape goes cell by cell, and only the
        cells that need it are escaped in Python."""
        try:
            joined = " ".join(values)
        except TypeError:  # a number or a NULL among them
            values = _as_text(values)
            joined = " ".join(values)
        if self.plain(joined):
            return list(values)
        return self._escaped(values, joined)

    def _escaped(self, values: Sequence[str], joined: str) -> list[str]:
        """The cells of a column that may have something to escape (``joined``: the column as one text,
        a space between cells): one search of the whole text finds the cells, and only those are
        escaped. Every match of ``special`` is one character, so it lies in one cell, never the space."""
        cells = list(values)
        found = [at for at in map(_start, self.special.finditer(joined)) if self.escapes(joined, at)]
        if found:
            starts = list(accumulate([len(v) + 1 for v in cells], initial=0))
            text = self.text
            for n in {bisect_right(starts, at) - 1 for at in found}:
                cells[n] = text(cells[n])
        return cells

    def escapes(self, text: str, at: int) -> bool:
        """Whether ``text()`` changes the character of ``text`` at ``at``, which ``special`` found."""
        return True


class MarkdownCells(CellFormat):
    special = _MD_SPECIAL
    punctuation = tuple("\\`*_[]<>|~&@!:.")

    def escapes(self, text: str, at: int) -> bool:
        # as _MD_LINK: a ":" after a Latin letter, a "." after "www"
        char = text[at]
        if char == ":":
            return at > 0 and text[at - 1] in _LATIN
        if char == ".":
            return text[max(at - 3, 0):at].lower() == "www"
        return True

    def text(self, value: str) -> str:
        return md_text(value)


# The HTML cells coloured by their value: each made whole, its <td> and class, once per value.
_MARKED = ("light", "light_change", "class")


class HtmlCells(CellFormat):
    special = _HTML_SPECIAL
    punctuation = ("&", "<", ">")

    def text(self, value: str) -> str:
        return html_text(value)

    def _escaped(self, values: Sequence[str], joined: str) -> list[str]:
        # A printable column (an "R&D" in item texts) needs only these three tests per cell: written out,
        # they take half the time of the search.
        if joined.isprintable():
            return [html_text(v) if "&" in v or "<" in v or ">" in v else v for v in values]
        return super()._escaped(values, joined)

    def wrapped(self, key: str) -> str:
        return '<td class="nw">{}</td>' if key in NO_WRAP else "<td>{}</td>"

    def column(self, key: str) -> Cells:
        if key in _MARKED:
            memo = self._memos.setdefault(key, _Memo(lambda v: self._marked(key, v)))
            return lambda values: list(map(memo.__getitem__, values))
        return super().column(key)

    def slot(self, key: str) -> str:
        return "{}" if key in _MARKED else super().slot(key)

    def _marked(self, key: str, value) -> str:
        """A light or change class cell, coloured by its (new) value."""
        code = (value[1] or value[0]) if isinstance(value, tuple) else value
        css = "nw"
        if key != "class" and code in ("red", "yellow", "green"):
            css += f" light-{code}"
        elif key == "class" and code in ("improved", "regressed"):
            css += f" class-{code}"
        return f'<td class="{css}">{self.coded(key, value)}</td>'


class CsvCells(CellFormat):
    special = _CSV_SPECIAL

    def text(self, value: str) -> str:
        return csv_text(value)

    def coded(self, key: str, value: object) -> object:
        if key == "progress_delta":  # a number in a spreadsheet: 20, -10 (a "+20" would need guarding)
            return value if isinstance(value, int) else ""
        return shown(key, value)

    def _free(self, values: Sequence) -> list[str]:
        cells = super()._free(values)
        if any(map(_FORMULA.match, cells)):
            cells = list(map(neutralise, cells))
        return cells


# What makes csv.writer (QUOTE_MINIMAL, lineterminator "\r\n") quote a field.
_CSV_QUOTED = (",", '"', "\r", "\n")


def csv_lines(rows: Sequence[Sequence]) -> str:
    """``rows`` as ``csv.writer(out, lineterminator="\r\n").writerows`` writes them, a column at a time.

    The csv module looks at every character of every field (a long Chinese text costs it about a
    hundred instructions a character); here a column with nothing to quote, as most are, is checked
    with four searches in C and joined as it is, and only in a column that has something are its
    cells looked at one by one. A row of a single field goes to the csv module (which writes an
    empty one as ``""``).
    """
    if not rows:
        return ""
    if len(rows[0]) < 2:
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        return out.getvalue()
    return csv_column_lines(list(zip(*rows)))


def csv_column_lines(columns: Sequence[Sequence]) -> str:
    """``csv_lines`` of the rows these columns (of equal length) make."""
    if len(columns) < 2:  # none, or one: as csv_lines writes them
        return csv_lines(list(zip(*columns)))
    quoted: list[Sequence[str]] = []
    for values in columns:
        try:
            joined = "".join(values)
            column: Sequence[str] = values
        except TypeError:  # a number or a NULL among them
            column = _as_text(values)
            joined = "".join(column)
        if any(map(joined.__contains__, _CSV_QUOTED)):  # each cell's four tests written out: twice as quick
            column = ['"' + v.replace('"', '""') + '"' if "," in v or '"' in v or "\r" in v or "\n" in v else v
                      for v in column]
        quoted.append(column)
    return "".join(map(_template("", ",", "\r\n", ["{}"] * len(quoted)).format, *quoted))


def _template(start: str, between: str, end: str, slots: Sequence[str]) -> str:
    """A row as one format string: ``start``, the slots with ``between`` between them, ``end``."""
    def literal(text: str) -> str:
        return text.replace("{", "{{").replace("}", "}}")
    return literal(start) + literal(between).join(slots) + literal(end)


def table_cells(fmt: CellFormat, keys: Sequence[str], columns: Sequence[Sequence]) -> list[list[str]]:
    """Columns of values (in the order of ``keys``, two for a PAIRED key) as columns of cells of ``fmt``
    (each to go in its key's ``fmt.slot``)."""
    if not columns or not columns[0]:
        return []
    values = iter(columns)
    cells = []
    for key in keys:
        column = list(zip(next(values), next(values))) if key in PAIRED else next(values)
        cells.append(fmt.column(key)(column))
    return cells


def column_cells(fmt: CellFormat, keys: Sequence[str], columns: Sequence[Sequence]) -> list[Sequence]:
    """Columns of values as rows of whole cells of ``fmt`` (each in its slot): for the small tables."""
    cells = table_cells(fmt, keys, columns)
    slots = [fmt.slot(key) for key in keys]
    return list(zip(*(column if slot == "{}" else list(map(slot.format, column))
                      for column, slot in zip(cells, slots))))


def table_lines(fmt: CellFormat, keys: Sequence[str], columns: Sequence[Sequence], start: str, between: str,
                end: str) -> str:
    """Columns of values as the lines of a table of ``fmt``: each row ``start``, its cells (each in its
    slot) with ``between`` between them, and ``end``; made by one format call per row."""
    cells = table_cells(fmt, keys, columns)
    if not cells:
        return ""
    return "".join(map(_template(start, between, end, [fmt.slot(key) for key in keys]).format, *cells))


__all__ = ["CellFormat", "CsvCells", "csv_column_lines", "csv_lines", "HtmlCells", "MarkdownCells", "column_cells",
           "md_text", "shown", "table_cells", "table_lines"]
