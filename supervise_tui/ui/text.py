"""Building Rich Text from data: always literal, never parsed as markup."""

from __future__ import annotations

from rich.text import Text

from ..textsafe import one_line, printable


def literal(value: object, style: str = "") -> Text:
    """Text exactly as stored, with control and bidi characters made visible."""
    return Text(printable("" if value is None else str(value)), style=style)


def line(*parts: tuple[object, str] | str) -> Text:
    """Join literal parts, each either a plain value or a (value, style) pair."""
    out = Text()
    for part in parts:
        value, style = part if isinstance(part, tuple) else (part, "")
        out.append_text(literal(value, style))
    return out


def label(value: object, style: str = "") -> Text:
    """A one-line label (a choice in a list): literal, line breaks made visible, cut with … if too long.

    A long name never wraps, so it cannot push a dialog's buttons out of sight.
    """
    return Text(one_line("" if value is None else str(value)), style=style, no_wrap=True, overflow="ellipsis")


# A long note in the detail view: the first lines, then how much there is. The whole of it is
# read where it is edited (n), so opening an item costs the same however long its note is.
EXCERPT_LINES = 12
EXCERPT_CHARS = 1_200


def excerpt(value: object, style: str = "") -> Text:
    """Literal text cut to its first EXCERPT_LINES lines (and EXCERPT_CHARS characters), saying how
    many lines and characters the whole has when it is cut."""
    from ..i18n import t

    text = "" if value is None else str(value)
    head = text[:EXCERPT_CHARS]
    if head.count("\n") >= EXCERPT_LINES:
        head = head[:_nth(head, "\n", EXCERPT_LINES)]
    if len(head) == len(text):
        return literal(text, style)
    shown = literal(head.rstrip("\n"), style)
    shown.append("\n" + t("detail.cut", lines=text.count("\n") + 1, chars=len(text)), style="dim italic")
    return shown


def _nth(text: str, needle: str, n: int) -> int:
    """Where the ``n``-th ``needle`` in ``text`` stands."""
    at = -1
    for _ in range(n):
        at = text.index(needle, at + 1)
    return at
