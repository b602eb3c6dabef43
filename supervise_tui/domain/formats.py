"""Rows out as a table for people, JSON or CSV for machines."""

from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Sequence

from wcwidth import wcswidth, wcwidth

from ..textsafe import one_line

FORMATS = ("table", "json", "csv")
# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_width(text: str) -> int:
    width = wcswidth(text)
    return width if width >= 0 else sum(max(wcwidth(ch), 0) for ch in text)


def clip(text: str, width: int) -> str:
    """Cut text to at most ``width`` terminal cells, ending in … when cut."""
    if cell_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = max(wcwidth(ch), 0)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def table(rows: Iterable[dict], columns: Sequence[tuple[str, str]], *, widths: dict[str, int] | None = None) -> str:
    """A plain-text table with wide characters aligned; cells are made printable first."""
    from tabulate import tabulate

    widths = widths or {}
    body = []
    for row in rows:
        cells = []
        for key, _ in columns:
            value = row.get(key)
            text = "" if value is None else one_line(str(value))
            cells.append(clip(text, widths[key]) if key in widths else text)
        body.append(cells)
    return tabulate(body, headers=[h for _, h in columns], tablefmt="simple", disable_numparse=True)


def to_json(rows: list[dict] | dict) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def neutralise(value: str) -> str:
    """Keep a CSV cell from being run as a spreadsheet formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def to_csv(rows: Iterable[dict], columns: Sequence[tuple[str, str]], *, bom: bool = True) -> str:
    """CSV text (with a UTF-8 BOM mark when written with utf-8) that Excel opens with Chinese intact."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([h for _, h in columns])
    for row in rows:
        writer.writerow([neutralise("" if row.get(k) is None else str(row.get(k))) for k, _ in columns])
    return ("\ufeff" if bom else "") + buf.getvalue()
