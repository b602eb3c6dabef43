"""Making text from files and people safe to put on a terminal, shown as typed."""

from __future__ import annotations

import re
from collections.abc import Callable


def _build_table() -> dict[int, int]:
    table: dict[int, int] = {}
    for code in range(0x20):  # C0 controls, ESC included -> control pictures ␀..␟
        table[code] = 0x2400 + code
    table[0x7F] = 0x2421  # DEL -> ␡
    for code in range(0x80, 0xA0):  # C1 controls (0x9B is CSI on 8-bit terminals)
        table[code] = 0xFFFD
    # Bidi embeddings, overrides and isolates reorder what a reader sees; the
    # line and paragraph separators are zero-width to Rich but break terminal lines.
    for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029):
        table[code] = 0xFFFD
    return table


_ONE_LINE = _build_table()
_MULTI_LINE = {code: repl for code, repl in _ONE_LINE.items() if code != 0x0A}


def one_line(text: str) -> str:
    """Text for one terminal line: every control and bidi character made visible (\\n too)."""
    if text.isascii() and text.isprintable():
        return text
    return text.translate(_ONE_LINE)


# JSON keeps C0 controls escaped already; these it would write raw: DEL, the C1 controls, the
# bidi embeddings, overrides and isolates, and the line and paragraph separators.
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def json_escaped(text: str) -> str:
    """JSON text with every control and bidi character written as a ``\\uXXXX`` escape: the same
    data to a program, inert on a terminal. Only valid inside JSON made by ``json.dumps`` or SQLite,
    where such characters can stand only inside strings."""
    # Each of them is unprintable: text that is all printable (line breaks aside), as nearly all
    # is, is settled by one check several times quicker than the search over long Chinese text.
    if text.replace("\n", " ").isprintable():
        return text
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def printable(text: str) -> str:
    """Multi-line text with line breaks kept and every other control or bidi character made visible."""
    if text.isascii() and text.isprintable():
        return text
    return text.replace("\r\n", "\n").translate(_MULTI_LINE)


# In an editor each character keeps its place: a stored control character is shown as its
# picture, one for one, so what the user did not touch can be put back exactly (``restore``).
# Tabs and line breaks are the editor's own business and stay.
_EDITOR_MULTI = {code: repl for code, repl in _ONE_LINE.items() if code not in (0x09, 0x0A)}


def editable(text: str, *, multiline: bool = False) -> str:
    """Text for an editor (Input, TextArea): each control or bidi character replaced by a visible
    one in its place, so the editor never writes it to the terminal; ``len`` is unchanged."""
    if text.isascii() and text.isprintable():
        return text
    return text.translate(_EDITOR_MULTI if multiline else _ONE_LINE)


def typed(text: str, *, multiline: bool = False) -> str:
    """Text typed or pasted into an editor, made visible as ``editable`` does (a pasted CRLF is a line break)."""
    if multiline:
        text = text.replace("\r\n", "\n")
    return editable(text, multiline=multiline)


def restore(original: str, edited: str, *, multiline: bool = False) -> str:
    """What to store after an edit: the user's text, with the original's control characters back
    wherever the user left that part as it was shown (``editable(original)``).

    Edited stretches are taken as typed, so a control character goes only if the user edited it away.
    """
    shown = editable(original, multiline=multiline)
    if shown == original or edited == shown:
        return original if edited == shown else edited
    # The common prefix and suffix are found directly; only the stretch between is compared.
    start = 0
    limit = min(len(shown), len(edited))
    while start < limit and shown[start] == edited[start]:
        start += 1
    end = 0
    while end < limit - start and shown[-1 - end] == edited[-1 - end]:
        end += 1
    from difflib import SequenceMatcher

    middle_shown, middle_edited = shown[start:len(shown) - end], edited[start:len(edited) - end]
    parts = [original[:start]]
    matcher = SequenceMatcher(None, middle_shown, middle_edited, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        parts.append(original[start + i1:start + i2] if op == "equal" else middle_edited[j1:j2])
    parts.append(original[len(original) - end:])
    return "".join(parts)


def cell_width(text: str) -> int:
    """How many terminal cells ``text`` takes (CJK characters take two), by wcwidth."""
    from wcwidth import wcswidth, wcwidth

    width = wcswidth(text)
    return width if width >= 0 else sum(max(wcwidth(ch), 0) for ch in text)


ELLIPSIS = "…"


def clip(text: str, width: int, measure: Callable[[str], int] = cell_width) -> str:
    """Cut ``text`` to at most ``width`` cells, ending in … when cut; a wide character is never split.

    ``measure`` gives a string's width in cells: wcwidth for printed output, Rich's
    ``cell_len`` in the TUI (what Textual draws with). The cut is found by halving, a few
    measurements of prefixes, not one per character, and a text far longer than the width
    is cut first (no character is wider than two cells), so a huge text costs no more.
    """
    if width <= 0:
        return ""
    limit = 2 * width + 2
    cut = len(text) > limit
    if cut:
        text = text[:limit]
    elif measure(text) <= width:
        return text
    if width == 1:
        return ELLIPSIS
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that leaves a cell for the …
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if measure(text[:mid]) <= width - 1 else (lo, mid - 1)
    return text[:lo] + ELLIPSIS
