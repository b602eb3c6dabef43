"""Rows out on stdout: a table for people (wide characters aligned), JSON or CSV for programs."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Sequence

from ..domain.formats import neutralise
from ..domain.vocab import shown_value
from ..i18n import t
from ..textsafe import clip, json_escaped, one_line, printable

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
    """JSON with Chinese as itself and every control or bidi character escaped (``\\u001b``)."""
    return json_escaped(json.dumps(rows, ensure_ascii=False, indent=2))


def say_out(text: str) -> None:
    """A message on stdout quoting names from the store: on a terminal their control and bidi
    characters are made visible; to a file or a pipe (a script reading a path) it is exact."""
    print(one_line(text) if on_terminal() else text)


def on_terminal() -> bool:
    """Whether stdout is a terminal (a person reads it) rather than a file or a pipe (the data, exact)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def to_csv(rows: Iterable[dict], columns: Columns, *, bom: bool = True, shown: bool = False) -> str:
    """CSV text (with a UTF-8 BOM mark when written with utf-8) that Excel opens with Chinese intact.

    ``shown``: for a terminal, each cell's control and bidi characters are made visible.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([h for _, h in columns])
    for row in rows:
        cells = [neutralise("" if row.get(k) is None else str(row.get(k))) for k, _ in columns]
        writer.writerow([printable(c) for c in cells] if shown else cells)
    return ("\ufeff" if bom else "") + buf.getvalue()


def emit(rows: list[dict], columns: Columns, fmt: str, *, widths: dict[str, int] | None = None) -> None:
    """Print ``rows`` in ``fmt`` (table, json or csv); a table of no rows says so."""
    if fmt == "json":
        print(to_json(rows))
    elif fmt == "csv":
        write_bytes(to_csv(rows, columns, shown=on_terminal()).encode("utf-8"))
    else:
        print(table(rows, columns, widths=widths) if rows else t("cli.no_items"))


def _batches(cursor) -> Iterable[list]:
    while batch := cursor.fetchmany(STREAM_BATCH):
        yield batch


STREAM_BATCH = 2000
_FORMULA = re.compile(r"[=+\-@\t\r]")


def _csv_column(key: str):
    """How a streamed CSV column turns stored values into cells, a batch at a time (loops in C)."""
    if key in WORDED:
        words: dict = {}

        def coded(values):
            for value in set(values) - words.keys():
                words[value] = cell_text(key, value)
            return map(words.__getitem__, values)
        return coded

    def text(values):
        cells = ["" if v is None else str(v) for v in values] if not all(map(str.__instancecheck__, values)) \
            else values
        return map(neutralise, cells) if any(map(_FORMULA.match, cells)) else cells
    return text


def csv_stream(cursor, columns: Columns) -> None:
    """Rows of ``cursor`` (values in the order of ``columns``) as CSV on stdout, written as the store
    yields them: UTF-8 with a BOM for Excel, coded fields in words, formulas neutralised."""
    sys.stdout.flush()
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False)
    try:
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([h for _, h in columns])
        cells = [_csv_column(key) for key, _ in columns]
        if on_terminal():  # a person reads it: control and bidi characters made visible, as in the TUI
            cells = [lambda values, cell=cell: map(printable, cell(values)) for cell in cells]
        for batch in _batches(cursor):
            writer.writerows(zip(*map(lambda cell, values: cell(values), cells, zip(*batch))))
        out.flush()
    finally:
        out.detach()


def json_stream(cursor) -> None:
    """A JSON list on stdout of the JSON objects ``cursor`` yields (one per row), one per line."""
    first = True
    for batch in _batches(cursor):
        sys.stdout.write(json_escaped(("[\n" if first else ",\n") + ",\n".join(row[0] for row in batch)))
        first = False
    sys.stdout.write("[]\n" if first else "\n]\n")


def write_bytes(data: bytes) -> None:
    """Bytes straight to stdout, after whatever text was printed before them."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def item_columns() -> list[tuple[str, str]]:
    return [("id", t("col.id")), ("kind", t("col.kind")), ("work_title", t("col.work")),
            ("text", t("col.text")), ("lead_unit", t("col.lead_unit")), ("status", t("col.status")),
            ("progress", t("col.progress")), ("light", t("col.light")), ("note", t("col.note"))]
