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
