"""Writing the bulletin to exports/: Markdown, CSV, HTML or JSON, streamed, atomically, under a safe name.

Every format is written as the store yields the rows, a batch at a time, into a temporary file
in the target folder that replaces the old file only when complete: memory stays flat whatever
the number of items, and a failure or a cancel never leaves half a file. The small tables are
laid out by tabulate (padded, for people reading the Markdown as text); the item lists are
written unpadded in the same table shape, so no cell is repeated or padded out of proportion.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from itertools import groupby, islice
from pathlib import Path
from typing import BinaryIO, TextIO

from ..errors import BadValue, SuperviseError
from ..i18n import language, t
from ..textsafe import json_escaped, printable
from .bulletin import Bulletin, Heading, Paragraph, Table, header, parts, title
from .cells import (
    CellFormat,
    CsvCells,
    HtmlCells,
    MarkdownCells,
    column_cells,
    csv_column_lines,
    html_text,
    md_text,
    table_cells,
    table_lines,
)
from .formats import EXPORT_FORMATS, neutralise

# Told (rows written, rows in all) as the file is written; it may raise to stop the export.
Progress = Callable[[int, int], None]
_UNSAFE_NAME = re.compile(r"[^\w\-]+")  # \w keeps letters and digits of every script (第1轮, 2024年)
BATCH = 2000  # rows read, rendered and written at a time (and how often progress is told)


def export_name(round_id: int, round_name: str, fmt: str, by: str = "pillar") -> str:
    """A file name from the round and format, with nothing in it that could leave the folder."""
    stem = _UNSAFE_NAME.sub("_", round_name).strip("_.")[:60] or "round"
    grouping = "" if by == "pillar" else f"-by-{by}"
    return f"bulletin-{round_id}-{stem}{grouping}.{fmt}"


def confined(folder: Path, name: str) -> Path:
    """``folder/name``, refusing any name that would resolve outside ``folder``."""
    folder = folder.resolve()
    path = (folder / name).resolve()
    if path.parent != folder:
        raise BadValue("error.export_name", name=name, folder=str(folder))
    return path


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A new file beside ``path`` to write into; on success it is synced and renamed over ``path``.

    It is created with the permissions the user's umask gives any new file (mkstemp's would be
    0600). Until the rename the old file is untouched, so a failure never leaves a half file.
    """
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb", buffering=1 << 16) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        try:
            os.replace(tmp, path)
        except PermissionError:
            # On Windows a file another program holds open (Excel, a CSV being looked at) cannot be
            # replaced; the old file stays as it was and the user is told what to close.
            raise SuperviseError("error.export.locked", path=str(path)) from None
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:  # make the rename itself durable; not every platform lets a folder be opened
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through ``atomic_file``."""
    with atomic_file(path) as out:
        out.write(data)


class _Tracker:
    """Counts rows written and tells ``progress``."""

    def __init__(self, total: int, progress: Progress | None):
        self.total, self.done, self.progress = total, 0, progress

    def add(self, rows: int) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(self.done, self.total)


def _batches(rows: Iterable[Sequence]) -> Generator[list, None, None]:
    """Rows a batch at a time; a cursor is closed when done or abandoned (so its tables can be dropped)."""
    fetch = getattr(rows, "fetchmany", None)
    if fetch is None:
        it = iter(rows)
        while batch := list(islice(it, BATCH)):
            yield batch
        return
    try:
        while batch := fetch(BATCH):
            yield batch
    finally:
        rows.close()  # type: ignore[attr-defined]


def _runs(columns: list[Sequence]) -> Iterator[tuple[object, list[Sequence]]]:
    """The columns of a batch of a split table (the first is the group) in runs of one group."""
    groups, rest = columns[0], columns[1:]
    if groups.count(groups[0]) == len(groups):  # the usual case: the whole batch in one group
        yield groups[0], rest
        return
    start = 0
    for group, members in groupby(groups):
        end = start + len(list(members))
        yield group, [column[start:end] for column in rest]
        start = end


_CLOSED = object()


class _Writer:
    """Walks the parts of a bulletin; a format fills in how each part is written."""

    cells: CellFormat

    def __init__(self, b: Bulletin, out: TextIO, progress: Progress | None):
        self.b, self.out = b, out
        self.parts = list(parts(b))
        self.tracker = _Tracker(sum(p.count for p in self.parts if isinstance(p, Table)), progress)

    def write(self) -> None:
        self.begin()
        for part in self.parts:
            if isinstance(part, Heading):
                self.heading(part.text, part.level)
            elif isinstance(part, Paragraph):
                self.paragraph(part.text)
            elif part.big:
                self.big_table(part)
            else:
                rows = list(part.rows())
                self.small_table(part, column_cells(self.cells, part.keys, list(zip(*rows))))
                self.tracker.add(len(rows))
        self.end()
        if not self.tracker.total and self.tracker.progress is not None:
            self.tracker.progress(0, 0)

    def big_table(self, table: Table) -> None:
        """An item list, a batch at a time; a split table opens a sub-heading and table per group."""
        current: object = _CLOSED  # the group of the table being written
        with closing(_batches(table.rows())) as batches:
            for batch in batches:
                columns: list[Sequence] = list(zip(*batch))
                for group, values in (_runs(columns) if table.split else [(None, columns)]):
                    if current is _CLOSED or (table.split and group != current):
                        if current is not _CLOSED:
                            self.table_end()
                        if table.split:
                            name = group if group is not None else t("detail.none")
                            self.heading(f"{table.split} — {name}", 3)
                        self.table_start(table)
                        current = group
                    self.table_lines(table.keys, values)
                self.tracker.add(len(batch))
        if current is not _CLOSED:
            self.table_end()

    def begin(self) -> None: ...

    def end(self) -> None: ...

    def heading(self, text: str, level: int) -> None: ...

    def paragraph(self, text: str) -> None: ...

    def small_table(self, table: Table, rows: list[Sequence]) -> None: ...

    def table_start(self, table: Table) -> None: ...

    def table_lines(self, keys: Sequence[str], columns: Sequence[Sequence]) -> None:
        """Rows of a big table, given as columns of values."""

    def table_end(self) -> None: ...



class _Markdown(_Writer):
    """Blocks (headings, paragraphs, tables) with one blank line between them."""

    def block(self, text: str) -> None:
        self.out.write("\n" + text)

    def begin(self) -> None:
        self.cells = MarkdownCells()
        self.out.write(f"# {md_text(title(self.b))}\n")
        fields = [f"- {md_text(t('bulletin.header.field', label=label, value=value))}\n"
                  for label, value in header(self.b)]
        if fields:
            self.block("".join(fields))

    def heading(self, text: str, level: int) -> None:
        self.block(f"{'#' * level} {md_text(text)}\n")

    def paragraph(self, text: str) -> None:
        self.block(f"{md_text(text)}\n")

    def small_table(self, table: Table, rows: list[Sequence]) -> None:
        from tabulate import tabulate

        if not rows:
            self.paragraph(t("detail.none"))
            return
        self.block(tabulate(rows, headers=[md_text(h) for h in table.headings], tablefmt="pipe",
                            disable_numparse=True) + "\n")

    def table_start(self, table: Table) -> None:
        self.block(f"| {' | '.join(md_text(h) for h in table.headings)} |\n|{':---|' * len(table.keys)}\n")

    def table_lines(self, keys: Sequence[str], columns: Sequence[Sequence]) -> None:
        self.out.write(table_lines(self.cells, keys, columns, "| ", " | ", " |\n"))


class _Csv(_Writer):
    """One CSV (UTF-8 with BOM, for Excel): each table under its title row, a blank row between."""

    def begin(self) -> None:
        self.cells = CsvCells()
        self.csv = csv.writer(self.out, lineterminator="\r\n")
        self.out.write("\ufeff")
        self.csv.writerow([neutralise(printable(title(self.b)))])
        self.csv.writerows([neutralise(printable(label)), neutralise(printable(value))]
                           for label, value in header(self.b))

    def heading(self, text: str, level: int) -> None:
        self.csv.writerows([[], [neutralise(printable(text))]])

    def paragraph(self, text: str) -> None:
        self.csv.writerow([neutralise(printable(text))])

    def small_table(self, table: Table, rows: list[Sequence]) -> None:
        self.table_start(table)
        self.csv.writerows(rows)

    def table_start(self, table: Table) -> None:
        self.csv.writerow([neutralise(h) for h in table.headings])

    def table_lines(self, keys: Sequence[str], columns: Sequence[Sequence]) -> None:
        self.out.write(csv_column_lines(table_cells(self.cells, keys, columns)))

    def table_end(self) -> None:
        pass


# A4 in print, with page numbers; ids, names, statuses and figures never wrap (class nw); the
# item text takes the room that is left.
_CSS = """body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","SimSun",sans-serif;
margin:2em;color:#111;line-height:1.45}
h1{text-align:center;font-size:1.5em;margin:0 0 .4em}h2{font-size:1.2em;margin:1.2em 0 .5em}
h3{font-size:1.05em;margin:1em 0 .4em}
.meta{text-align:center;margin:0 0 1.2em;padding-bottom:.6em;border-bottom:2px solid #b00}
.meta span{display:inline-block;margin:0 .8em;white-space:nowrap}
table{border-collapse:collapse;margin:0 0 1.2em;width:100%}
table.summary{width:auto;min-width:50%}
th,td{border:1px solid #888;padding:.2em .4em;vertical-align:top;text-align:left}
td{white-space:pre-wrap;overflow-wrap:anywhere}th{background:#eee;font-weight:bold;white-space:nowrap}
.nw{white-space:nowrap;overflow-wrap:normal}
.light-red{background:#f8d0d0}.light-yellow{background:#fbefc0}.light-green{background:#d5efd5}
.class-improved{color:#17602a;font-weight:bold}.class-regressed{color:#a01010;font-weight:bold}
@page{size:A4;margin:16mm 14mm 16mm 14mm;@bottom-center{content:counter(page) " / " counter(pages);font-size:9pt}}
@media print{body{margin:0;font-size:9.5pt}h1,h2,h3{break-after:avoid}tr{break-inside:avoid}
thead{display:table-header-group}th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.light-red,.light-yellow,.light-green,.meta{-webkit-print-color-adjust:exact;print-color-adjust:exact}}"""


class _Html(_Writer):
    """A self-contained page (no external files, no script) that prints as an A4 office document."""

    def begin(self) -> None:
        self.cells = HtmlCells()
        head = html_text(title(self.b))
        meta = "".join(f"<span>{html_text(t('bulletin.header.field', label=label, value=value))}</span>"
                       for label, value in header(self.b))
        self.out.write("\n".join([
            "<!DOCTYPE html>", f'<html lang="{"en" if language() == "en" else "zh-CN"}">',
            '<head><meta charset="utf-8">', f"<title>{head}</title>", f"<style>{_CSS}</style></head>",
            "<body>", f"<h1>{head}</h1>", f'<p class="meta">{meta}</p>', ""]))

    def end(self) -> None:
        self.out.write("</body></html>\n")

    def heading(self, text: str, level: int) -> None:
        self.out.write(f"<h{level}>{html_text(text)}</h{level}>\n")

    def paragraph(self, text: str) -> None:
        self.out.write(f"<p>{html_text(text)}</p>\n")

    def small_table(self, table: Table, rows: list[Sequence]) -> None:
        if not rows:
            self.paragraph(t("detail.none"))
            return
        self.table_start(table, "summary")
        self.table_rows(rows)
        self.table_end()

    def table_start(self, table: Table, css: str = "items") -> None:
        self.out.write(f'<table class="{css}"><thead><tr>'
                       + "".join(f"<th>{html_text(h)}</th>" for h in table.headings) + "</tr></thead><tbody>\n")

    def table_rows(self, rows: list[Sequence]) -> None:
        self.out.write("".join(map("<tr>{}</tr>\n".format, map("".join, rows))))

    def table_lines(self, keys: Sequence[str], columns: Sequence[Sequence]) -> None:
        self.out.write(table_lines(self.cells, keys, columns, "<tr>", "", "</tr>\n"))

    def table_end(self) -> None:
        self.out.write("</tbody></table>\n")


def _json_list(out: TextIO, rows: Iterable[Sequence], tracker: _Tracker) -> None:
    """JSON objects (the second value of each row), one per line, as the rows of a JSON list."""
    first = True
    with closing(_batches(rows)) as batches:
        for batch in batches:
            out.write(json_escaped(("" if first else ",\n") + ",\n".join(row[1] for row in batch)))
            first = False
            tracker.add(len(batch))


def _write_json(b: Bulletin, out: TextIO, progress: Progress | None) -> None:
    """The bulletin's data: small parts as they are, each list one object per line, made by SQLite."""
    changed = b.changes["changed"] if b.changes else 0
    tracker = _Tracker(b.red_count + b.chase_count + changed, progress)

    def dump(value) -> str:
        return json_escaped(json.dumps(value, ensure_ascii=False))

    head = {"document": b.document, "round": b.round, "generated_at": b.generated_at, "by": b.by,
            "overall": b.overall, "breakdown": b.breakdown, "pillars": b.pillars, "units": b.units,
            "attainment": b.attainment}
    out.write("{\n" + "".join(f"{dump(k)}: {dump(v)},\n" for k, v in head.items()) + '"red": [\n')
    _json_list(out, b.json_rows("red"), tracker)
    out.write('\n],\n"chase": [\n')
    with closing(b.json_rows("chase")) as cursor:
        row = cursor.fetchone()
        for n, unit in enumerate(b.chase):
            out.write(("" if n == 0 else ",\n") + dump(unit)[:-1] + ', "items": [')
            items: list[str] = []
            sep = "\n"
            while row is not None and row[0] == unit["unit"]:
                items.append(row[1])
                row = cursor.fetchone()
                if len(items) == BATCH or row is None or row[0] != unit["unit"]:
                    out.write(json_escaped(sep + ",\n".join(items)))
                    tracker.add(len(items))
                    items, sep = [], ",\n"
            out.write("\n]}")
    out.write('\n],\n"changes": ')
    if b.previous is None or b.changes is None:
        out.write("null")
    else:
        out.write(f'{{"from": {dump(b.previous)}, "counts": {dump(b.changes)}, "rows": [\n')
        _json_list(out, b.json_rows("changes"), tracker)
        out.write("\n]}")
    if b.imported:  # only where the exchange is used
        out.write(f',\n"imported": {dump(b.imported)}')
    out.write(f',\n"goals": {dump(b.goals)}\n}}\n')
    if progress is not None and not tracker.total:
        progress(0, 0)


_WRITERS: dict[str, type[_Writer]] = {"md": _Markdown, "csv": _Csv, "html": _Html}


def write_bulletin(b: Bulletin, fmt: str, out: BinaryIO, progress: Progress | None = None) -> None:
    """Write the bulletin in one of EXPORT_FORMATS to the binary file ``out``, as it is read."""
    if fmt not in EXPORT_FORMATS:
        raise BadValue("error.bad_format", allowed=", ".join(EXPORT_FORMATS), fmt=fmt)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    try:
        if fmt == "json":
            _write_json(b, text, progress)
        else:
            _WRITERS[fmt](b, text, progress).write()
        text.flush()
    finally:
        text.detach()  # the caller's file stays open


def render(b: Bulletin, fmt: str, progress: Progress | None = None) -> bytes:
    """The bulletin in one of EXPORT_FORMATS, as the bytes of the file (for small bulletins and tests)."""
    buf = io.BytesIO()
    write_bulletin(b, fmt, buf, progress)
    return buf.getvalue()


def export_bulletin(b: Bulletin, fmt: str, folder: Path, progress: Progress | None = None) -> Path:
    """Write the bulletin into ``folder`` (created if needed), streamed; returns the file written."""
    if fmt not in EXPORT_FORMATS:
        raise BadValue("error.bad_format", allowed=", ".join(EXPORT_FORMATS), fmt=fmt)
    folder.mkdir(parents=True, exist_ok=True)
    path = confined(folder, export_name(b.rnd.id, b.rnd.name, fmt, b.by))
    with atomic_file(path) as out:
        write_bulletin(b, fmt, out, progress)
    return path
