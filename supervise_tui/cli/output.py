"""Rows out on stdout: a table for people (wide characters aligned), JSON or CSV for programs."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence

from ..domain.formats import neutralise
from ..domain.vocab import shown_value
from ..i18n import t
from ..textsafe import clip, one_line

Columns = Sequence[tuple[str, str]]  # (key in the row, heading)

# Fields whose stored codes become words in tables and CSV (JSON keeps the codes).
WORDED = ("status", "light", "kind", "role")


def worded(row: dict) -> dict:
    """The row with its coded fields (status, light, kind, role) in the interface language."""
    return row | {key: shown_value(key, row[key]) for key in WORDED if row.get(key)}


def cell_text(field: str, value: object) -> str:
    """One value as a table or CSV cell: a coded field in words, evidence on one line, anything else as stored."""
    if field in WORDED or field == "evidence":
        return shown_value(field, value)
    return "" if value is None else str(value)


def table(rows: Iterable[dict], columns: Columns, *, widths: dict[str, int] | None = None) -> str:
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


def to_csv(rows: Iterable[dict], columns: Columns, *, bom: bool = True) -> str:
    """CSV text (with a UTF-8 BOM mark when written with utf-8) that Excel opens with Chinese intact."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([h for _, h in columns])
    for row in rows:
        writer.writerow([neutralise("" if row.get(k) is None else str(row.get(k))) for k, _ in columns])
    return ("\ufeff" if bom else "") + buf.getvalue()


def emit(rows: list[dict], columns: Columns, fmt: str, *, widths: dict[str, int] | None = None) -> None:
    """Print ``rows`` in ``fmt`` (table, json or csv); a table of no rows says so."""
    if fmt == "json":
        print(to_json(rows))
    elif fmt == "csv":
        write_bytes(to_csv(rows, columns).encode("utf-8"))
    else:
        print(table(rows, columns, widths=widths) if rows else t("cli.no_items"))


def write_bytes(data: bytes) -> None:
    """Bytes straight to stdout, after whatever text was printed before them."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def item_columns() -> list[tuple[str, str]]:
    return [("id", t("col.id")), ("kind", t("col.kind")), ("work_title", t("col.work")),
            ("text", t("col.text")), ("lead_unit", t("col.lead_unit")), ("status", t("col.status")),
            ("progress", t("col.progress")), ("light", t("col.light")), ("note", t("col.note"))]
