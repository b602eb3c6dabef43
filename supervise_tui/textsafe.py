"""Making text from files and people safe to put on a terminal, shown as typed."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidi embedding,
# override and isolate marks that can reorder what a reader sees.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _placeholder(match: re.Match) -> str:
    ch = match.group()
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ for ESC, ␀ for NUL: the control pictures block
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def printable(text: str, *, keep_newlines: bool = True) -> str:
    """Replace control and bidi characters with visible placeholders."""
    out = _UNSAFE.sub(_placeholder, text)
    out = out.replace("\t", "    ")
    if not keep_newlines:
        out = out.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return out


def one_line(text: str) -> str:
    """Printable text folded onto one line (for table cells)."""
    return printable(text, keep_newlines=False)
