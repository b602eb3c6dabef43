"""A virtual table's text helpers and data model: fitting a cell to its width, a column, a row source."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, runtime_checkable

from rich.cells import cell_len, chop_cells, get_character_cell_size

# --------------------------------------------------------------------------- #
# Text helpers
# --------------------------------------------------------------------------- #


ELLIPSIS = "…"

# One character's width in cells, remembered: rich looks each one up in its table every time.
_char_cells = lru_cache(maxsize=8192)(get_character_cell_size)


def head_cells(text: str, width: int) -> str:
    """The longest start of ``text`` within ``width`` cells, cut between graphemes: the first line of
    rich's ``chop_cells``, without splitting the whole text into graphemes first (a page-down cuts
    hundreds of long cells). Only a joiner or a variation selector joins characters into one grapheme
    there; text with either goes to ``chop_cells`` itself."""
    if "\u200d" in text or "\ufe0f" in text:
        lines = chop_cells(text, width)
        return lines[0] if lines else ""
    used = 0
    for index, char in enumerate(text):
        size = _char_cells(char)
        if size:  # a zero-width character stays with the one before it
            if used + size > width:
                return text[:index]
            used += size
    return text if used else ""  # rich gives no line for text of zero width


def fit_cell(text: str, width: int, align: str = "left") -> str:
    """Pad or truncate `text` to exactly `width` terminal cells.

    Width is measured in terminal cells (CJK characters count 2).  Text that
    does not fit is cut on a character (grapheme) boundary and ends with "…";
    a wide character is never split — if only half of it would fit, a space
    pads the gap instead.

    Args:
        text: Text to fit (should already be `printable`).
        width: Target width in cells.
        align: "left" or "right".
    """
    if width <= 0:
        return ""
    # A joiner at either end joins nothing of the cell's own; left there, rich would join it to the
    # padding and measure the cell a cell short.
    text = text.strip("\u200d")
    # Guard against pathological (very long) cells: no char is wider than 2
    # cells, so anything past 2*width+2 chars can't be visible anyway.
    limit = width * 2 + 2
    clipped = len(text) > limit
    if clipped:
        text = text[:limit]
    size = cell_len(text)
    if not clipped and size <= width:
        pad = " " * (width - size)
        return pad + text if align == "right" else text + pad
    if width == 1:
        return ELLIPSIS
    kept = head_cells(text, width - 1) + ELLIPSIS
    pad = " " * (width - cell_len(kept))
    return pad + kept if align == "right" else kept + pad


# --------------------------------------------------------------------------- #
# Data model
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Column:
    """A table column.

    Attributes:
        label: Header text (shown literally).
        width: Width in terminal cells; ``0`` = share the remaining width.
        align: ``"left"`` or ``"right"``.
        style_fn: Optional ``cell text -> Rich style string`` (e.g. colour a
            status).  Invalid style strings are ignored.
        drop: When the table is too narrow, columns with ``drop > 0`` are
            left out, the highest first, rather than starving the flexible
            columns; ``0`` = always shown.
        min_width: The width a flexible column (``width=0``) asks for before
            droppable columns give way to it.
        weight: A flexible column's share of the spare width.
    """

    label: str
    width: int
    align: str = "left"
    style_fn: Callable[[str], str] | None = None
    drop: int = 0
    min_width: int = 0
    weight: int = 1


@runtime_checkable
class RowSource(Protocol):
    """Where the rows come from; typically SQL with LIMIT/OFFSET (or keyset) over SQLite."""

    @property
    def columns(self) -> Sequence[Column]:
        """The columns, in order (a plain attribute is fine)."""
        ...

    def count(self) -> int:
        """Total number of rows."""
        ...

    def rows(self, offset: int, limit: int) -> Sequence[Sequence[str]]:
        """Rows ``offset .. offset+limit-1`` (fewer at the end); cells are plain str."""
        ...

    def key(self, row: Sequence[str]) -> str:
        """Stable key of a row (e.g. its business id).

        A row with a true ``heading`` attribute is a group's heading: its first cell is drawn
        across the whole width.
        """
        ...


@dataclass(frozen=True)
class _Layout:
    widths: tuple[int, ...]
    total: int
    shown: tuple[bool, ...]  # False: dropped at this width
