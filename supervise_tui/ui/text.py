"""Building Rich Text from data: always literal, never parsed as markup."""

from __future__ import annotations

from rich.text import Text

from ..textsafe import printable


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
