"""Writing the bulletin to exports/: Markdown, CSV, HTML or JSON, atomically, under a safe name."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import BadValue
from ..textsafe import printable
from .bulletin import Section, sections, title
from .formats import EXPORT_FORMATS, neutralise
from .vocab import shown_value

# Told (rows written, rows in all) as the file is rendered; it may raise to stop the export.
Progress = Callable[[int, int], None]
_UNSAFE_NAME = re.compile(r"[^\w\-]+")  # \w keeps letters and digits of every script (第1轮, 2024年)


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


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, fsync, then rename over ``path``.

    Until the rename the old file is untouched, so a failure never leaves a half file.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
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


def _text(key: str, value) -> str:
    return printable(shown_value(key, value))


def md_cell(text: str) -> str:
    """A Markdown table cell that keeps the table's shape and shows the text literally."""
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def _tracked(b: dict, progress: Progress | None) -> Iterator[Section]:
    """The bulletin's sections in order, telling ``progress`` how many rows are done after each."""
    parts = sections(b)
    total, done = sum(len(s.rows) for s in parts), 0
    for s in parts:
        yield s
        done += len(s.rows)
        if progress is not None:
            progress(done, total)


def to_markdown(b: dict, progress: Progress | None = None) -> str:
    from tabulate import tabulate

    out = [f"# {md_cell(printable(title(b)))}", ""]
    for s in _tracked(b, progress):
        out += [f"{'#' * s.level} {md_cell(printable(s.title))}", ""]
        if s.columns:
            if s.rows:
                body = [[md_cell(_text(k, r.get(k))) for k, _ in s.columns] for r in s.rows]
                out.append(tabulate(body, headers=[md_cell(h) for _, h in s.columns], tablefmt="pipe",
                                    disable_numparse=True))
            else:
                out.append(md_cell(_none()))
            out.append("")
    return "\n".join(out)


def to_csv(b: dict, progress: Progress | None = None) -> bytes:
    """One CSV (UTF-8 with BOM, for Excel): each table under its title row, a blank row between."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(printable(title(b)))])
    for s in _tracked(b, progress):
        writer.writerow([])
        writer.writerow([neutralise(printable(s.title))])
        if s.columns:
            writer.writerow([neutralise(h) for _, h in s.columns])
            writer.writerows([neutralise(_text(k, r.get(k))) for k, _ in s.columns] for r in s.rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


_CSS = """body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#111}
table{border-collapse:collapse;margin:0 0 1.5em;width:100%}th,td{border:1px solid #999;padding:.25em .5em;
vertical-align:top;text-align:left;white-space:pre-wrap}th{background:#eee}
.light-red{background:#f8d0d0}.light-yellow{background:#fbefc0}.light-green{background:#d5efd5}
.class-improved{color:#17602a;font-weight:bold}.class-regressed{color:#a01010;font-weight:bold}
@media print{body{margin:0;font-size:10pt}h2,h3{break-after:avoid}tr{break-inside:avoid}
thead{display:table-header-group}th{background:#eee!important;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.light-red,.light-yellow,.light-green{-webkit-print-color-adjust:exact;print-color-adjust:exact}}"""


def _html_cell(key: str, value) -> str:
    css = ""
    if key in ("light", "old_light", "new_light") and value:
        css = f' class="light-{html.escape(str(value))}"'
    elif key == "class" and value in ("improved", "regressed"):
        css = f' class="class-{value}"'
    return f"<td{css}>{html.escape(_text(key, value))}</td>"


def _html_section(s: Section) -> list[str]:
    out = [f"<h{s.level}>{html.escape(printable(s.title))}</h{s.level}>"]
    if not s.columns:
        return out
    if not s.rows:
        return out + [f"<p>{html.escape(_none())}</p>"]
    out.append("<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for _, h in s.columns)
               + "</tr></thead><tbody>")
    out += ["<tr>" + "".join(_html_cell(k, r.get(k)) for k, _ in s.columns) + "</tr>" for r in s.rows]
    return out + ["</tbody></table>"]


def to_html(b: dict, progress: Progress | None = None) -> str:
    """A self-contained page (no external files, no script) that prints well."""
    from ..i18n import language

    head = html.escape(printable(title(b)))
    body = [line for s in _tracked(b, progress) for line in _html_section(s)]
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{"en" if language() == "en" else "zh-CN"}">',
        '<head><meta charset="utf-8">', f"<title>{head}</title>", f"<style>{_CSS}</style></head>",
        "<body>", f"<h1>{head}</h1>", *body, "</body></html>", ""])


def _none() -> str:
    from ..i18n import t

    return t("detail.none")


def render(b: dict, fmt: str, progress: Progress | None = None) -> bytes:
    """The bulletin in one of EXPORT_FORMATS, as the bytes of the file."""
    if fmt == "md":
        return to_markdown(b, progress).encode("utf-8")
    if fmt == "csv":
        return to_csv(b, progress)
    if fmt == "html":
        return to_html(b, progress).encode("utf-8")
    if fmt == "json":
        return (json.dumps(b, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    raise BadValue("error.bad_format", allowed=", ".join(EXPORT_FORMATS), fmt=fmt)


def export_bulletin(b: dict, fmt: str, folder: Path, progress: Progress | None = None) -> Path:
    """Render and write the bulletin into ``folder`` (created if needed); returns the file written."""
    data = render(b, fmt, progress)
    folder.mkdir(parents=True, exist_ok=True)
    path = confined(folder, export_name(b["round"]["id"], b["round"]["name"], fmt, b["by"]))
    write_atomic(path, data)
    return path
