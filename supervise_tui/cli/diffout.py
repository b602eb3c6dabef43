"""The round diff on stdout, streamed: rows are written as the store yields them, in chunks.

A province-wide diff can hold hundreds of thousands of rows; none of these writers gathers
them in a list.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable

from ..domain.cells import md_text as md_cell
from ..domain.diff import CLASSES, EXPORT_KEYS
from ..domain.vocab import LIGHTS, STATUSES, word
from ..i18n import t
from ..textsafe import cell_width, clip, json_escaped, one_line, printable
from .output import on_terminal

CHUNK = 2000
TEXT_CELLS = 40  # the item text column of the diff table, in terminal cells


def _chunked(lines: Iterable, write: Callable, joiner: str | bytes = "") -> None:
    chunk: list = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= CHUNK:
            write(joiner.join(chunk))
            chunk.clear()
    write(joiner.join(chunk))


class _Cells:
    """Turns diff rows into the words a person reads; the vocabulary is looked up once, not per row."""

    def __init__(self) -> None:
        self.status = {None: ""} | {s: word("status", s) for s in STATUSES}
        self.light = {None: ""} | {x: word("light", x) for x in LIGHTS}
        self.cls = {c: word("diff.class", c) for c in CLASSES}
        self.tick = "✓"

    def __call__(self, row: dict) -> list[str]:
        """id, class, lead unit, status, light, progress, value reached, note changed, evidence changed, text
        ("old → new" where they differ)."""
        cells = []
        for words, old, new in ((self.status, row["old_status"], row["new_status"]),
                                (self.light, row["old_light"], row["new_light"])):
            cells.append(words[old] if old == new else f"{words[old]} → {words[new]}")
        old, new, delta = row["old_progress"], row["new_progress"], row["progress_delta"]
        progress = ("" if old is None else str(old)) if old == new else \
            f"{'' if old is None else old} → {'' if new is None else new}" + (f" ({delta:+d})" if delta else "")
        value = f"{row['old_value'] or ''} → {row['new_value'] or ''}" if row["value_changed"] else \
            row["new_value"] or ""
        return [row["id"], self.cls[row["class"]], row["lead_unit"] or "", *cells, progress, value,
                self.tick if row["note_changed"] else "", self.tick if row["evidence_changed"] else "", row["text"]]


def _columns() -> list[str]:
    return [t("col.id"), t("bulletin.col.class"), t("col.lead_unit"), t("col.status"), t("col.light"),
            t("col.progress"), t("diff.col.value"), t("bulletin.col.note_changed"), t("diff.col.evidence_changed"),
            t("col.text")]


def _head(old, new, counts) -> str:
    return f"{one_line(t('diff.heading', old=old.name, new=new.name))}\n{t('diff.counts', **counts)}\n"


def _side(rnd) -> dict:
    return {"id": rnd.id, "name": rnd.name}


def summary(old, new, counts: dict, fmt: str) -> None:
    """The counts alone, as ``sqldiff --summary`` or ``git diff --stat`` give them."""
    if fmt == "json":
        sys.stdout.write(json_escaped(json.dumps({"from": _side(old), "to": _side(new), "counts": counts},
                                                 ensure_ascii=False)) + "\n")
    elif fmt == "csv":
        sys.stdout.buffer.write(("\ufeffclass,count\r\n" + "".join(f"{k},{v}\r\n" for k, v in counts.items()))
                                .encode("utf-8"))
    elif fmt == "md":
        sys.stdout.write(f"# {md_cell(printable(t('diff.heading', old=old.name, new=new.name)))}\n\n"
                         f"{md_cell(t('diff.counts', **counts))}\n")
    else:
        sys.stdout.write(_head(old, new, counts))


def table(old, new, counts, rows) -> None:
    headings = _columns()
    widths = [max(w, cell_width(h)) for w, h in zip((12, 6, 14, 17, 8, 16, 24, 4, 4), headings)]
    text_width = TEXT_CELLS
    padded: dict[tuple[int, str], str] = {}  # the few distinct words and units, fitted once

    def fit(n: int, cell: str) -> str:
        key = (n, cell)
        if key not in padded:
            if n == 2:  # the lead unit comes from the task list file: made printable
                cell = one_line(cell)
            cell = clip(cell, widths[n])
            padded[key] = cell + " " * (widths[n] - cell_width(cell))
        return padded[key]

    def line(cells: list[str]) -> str:
        item_id, cls, unit, status, light, progress, value, note, evidence, text = cells
        value = clip(value, widths[6])  # many distinct values: not kept in ``padded``
        value += " " * (widths[6] - cell_width(value))
        # ids and progress figures are ASCII: their width is their length
        return "  ".join((item_id.ljust(widths[0]) if len(item_id) <= widths[0] else clip(item_id, widths[0]),
                          fit(1, cls), fit(2, unit), fit(3, status), fit(4, light),
                          progress.ljust(widths[5]), value, fit(7, note), fit(8, evidence),
                          clip(one_line(text), text_width))) + "\n"

    cells = _Cells()
    sys.stdout.write(_head(old, new, counts) + "\n")
    sys.stdout.write("  ".join(h + " " * (w - cell_width(h)) for h, w in zip(headings, widths + [0])).rstrip() + "\n")
    sys.stdout.write("  ".join("-" * w for w in widths + [text_width]) + "\n")
    _chunked((line(cells(r)) for r in rows), sys.stdout.write)


def markdown(old, new, counts, rows) -> None:
    cells = _Cells()
    headings = _columns()
    sys.stdout.write(f"# {md_cell(printable(t('diff.heading', old=old.name, new=new.name)))}\n\n"
                     f"{md_cell(t('diff.counts', **counts))}\n\n")
    sys.stdout.write("| " + " | ".join(headings) + " |\n|" + "---|" * len(headings) + "\n")
    _chunked(("| " + " | ".join(md_cell(printable(c)) for c in cells(r)) + " |\n" for r in rows),
             sys.stdout.write)


def json_rows(old, new, counts, lines) -> None:
    head = {"from": _side(old), "to": _side(new), "counts": counts}
    sys.stdout.write(json_escaped(json.dumps(head, ensure_ascii=False))[:-1] + ', "rows": [\n')
    _chunked(((",\n" if n else "") + line for n, line in enumerate(lines)),
             lambda text: sys.stdout.write(json_escaped(text)))
    sys.stdout.write("\n]}\n")


def csv_rows(lines) -> None:
    """The export columns, codes not words, for machines; UTF-8 with a BOM for Excel.

    On a terminal each control and bidi character is made visible; to a file or a pipe the
    store's bytes go as they are."""
    sys.stdout.flush()
    out = sys.stdout.buffer
    out.write(("\ufeff" + ",".join(EXPORT_KEYS) + "\r\n").encode("utf-8"))
    if on_terminal():
        _chunked(lines, lambda data: out.write(printable(data.decode("utf-8")).encode("utf-8")), b"")
    else:
        _chunked(lines, out.write, b"")  # the store hands over UTF-8 bytes: written as they are
    out.flush()
