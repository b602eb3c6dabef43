"""Strict, safe YAML reader for hand-edited data files: all scalars stay str, every node keeps its position."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, NoReturn

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingStartEvent,
    ScalarEvent,
    StreamEndEvent,
)

from ..errors import FileProblem
from ..i18n import Msg

__all__ = ["Doc", "FileProblem", "Mark", "Path", "format_path", "parse_yaml", "read_yaml"]

Path = tuple[str | int, ...]

DEFAULT_MAX_BYTES = 8 * 1024 * 1024
# Deep nesting is never legitimate in a hand-edited file, and callers walk the data recursively.
MAX_DEPTH = 100

_UTF8_BOM = b"\xef\xbb\xbf"
# Exactly the complement of PyYAML's printable set, so the Reader never raises on its own.
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The line breaks PyYAML counts, so our positions agree with its marks.
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


@dataclass(frozen=True)
class Mark:
    """A 1-based source position."""

    line: int
    col: int


def format_path(path: Path) -> str:
    """Render a value path as a dotted field name like ``works[3].measures[2].text``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class Doc:
    """A parsed file: plain data in ``value`` plus the source position of every node."""

    name: str
    value: Any
    _marks: dict[Path, Mark] = field(default_factory=dict, repr=False)
    _key_marks: dict[Path, Mark] = field(default_factory=dict, repr=False)

    def mark(self, path: Path) -> Mark:
        """Position of the value node at ``path``; raises KeyError for unknown paths."""
        return self._marks[tuple(path)]

    def key_mark(self, path: Path) -> Mark:
        """Position of the mapping key that ends ``path``; raises KeyError for unknown paths."""
        return self._key_marks[tuple(path)]

    def error(self, path: Path, message: Msg | str, *, key: bool = False) -> FileProblem:
        """Build an error for ``path``, located at its nearest existing ancestor if it is missing."""
        path = tuple(path)
        at, n = (self._key_marks if key else self._marks).get(path), len(path)
        while at is None and n > 0:
            n -= 1
            at = self._marks.get(path[:n])
        at = at or Mark(1, 1)
        return FileProblem(self.name, at.line, at.col, format_path(path), message)


def read_yaml(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Doc:
    """Read and parse a file; OSError from opening it propagates unchanged."""
    name = os.fspath(path)
    with open(name, "rb") as f:
        data = f.read(max_bytes + 1)
    return parse_yaml(data, name, max_bytes=max_bytes)


def parse_yaml(data: bytes, name: str = "<string>", *, max_bytes: int = DEFAULT_MAX_BYTES) -> Doc:
    """Parse YAML bytes strictly into a Doc, raising FileProblem on any problem."""
    text = _decode(data, name, max_bytes)
    try:
        return _build(text, name)
    except yaml.MarkedYAMLError as e:
        at = e.problem_mark or e.context_mark
        msg = e.problem or e.context or "invalid YAML"
        if e.context and e.problem and e.context_mark is not None:
            msg += f" ({e.context} at line {e.context_mark.line + 1})"
        raise FileProblem(name, at.line + 1 if at else 1, at.column + 1 if at else 1, "",
                          Msg("file.yaml", detail=msg)) from None
    except yaml.YAMLError as e:
        raise FileProblem(name, 1, 1, "", Msg("file.yaml", detail=f"invalid YAML: {e}")) from None


def _position(text: str, index: int) -> tuple[int, int]:
    line, start = 1, 0
    for m in _BREAK.finditer(text, 0, index):
        line, start = line + 1, m.end()
    return line, index - start + 1


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _decode(data: bytes, name: str, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise FileProblem(name, 1, 1, "", Msg("file.too_large", limit=max_bytes))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem(name, 1, 1, "", Msg("file.utf16"))
    data = data.removeprefix(_UTF8_BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, col = _position(prefix := data[: e.start].decode("utf-8"), len(prefix))
        # Also try the tail alone: files get appended to by an editor using another encoding.
        if any(_decodes(chunk, "gb18030") for chunk in (data, data[e.start :])):
            msg = Msg("file.gbk")
        else:
            msg = Msg("file.not_utf8", byte=f"{data[e.start]:02X}")
        raise FileProblem(name, line, col, "", msg) from None
    if bad := _NON_PRINTABLE.search(text):
        line, col = _position(text, bad.start())
        what = "file.nul" if bad.group() == "\0" else "file.control"
        raise FileProblem(name, line, col, "", Msg(what, code=f"{ord(bad.group()):04X}"))
    return text


class _Events(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's event stream without composer, resolver or constructor."""

    def __init__(self, text: str):
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


class _Frame:
    __slots__ = ("container", "path", "key", "first_seen")

    def __init__(self, container: dict | list, path: Path):
        self.container, self.path = container, path
        self.key: str | None = None
        self.first_seen: dict[str, int] = {}


def _build(text: str, name: str) -> Doc:
    doc = Doc(name, None, {(): Mark(1, 1)})
    events = _Events(text)
    stack: list[_Frame] = []
    seen_document = False

    def fail(ev, path: Path, message: Msg) -> NoReturn:
        m = ev.start_mark
        raise FileProblem(name, m.line + 1, m.column + 1, format_path(path), message)

    while not isinstance(ev := events.get_event(), StreamEndEvent):
        if isinstance(ev, DocumentStartEvent):
            if seen_document:
                fail(ev, (), Msg("file.multiple_documents"))
            seen_document = True
            continue
        if isinstance(ev, CollectionEndEvent):
            stack.pop()
        if not isinstance(ev, (AliasEvent, CollectionStartEvent, ScalarEvent)):
            continue
        top = stack[-1] if stack else None
        awaiting_key = top is not None and isinstance(top.container, dict) and top.key is None
        if top is None:
            path: Path = ()
        elif awaiting_key:
            path = top.path
        elif isinstance(top.container, list):
            path = top.path + (len(top.container),)
        else:
            assert top.key is not None  # a value in a mapping comes after its key
            path = top.path + (top.key,)
        if isinstance(ev, AliasEvent):
            fail(ev, path, Msg("file.alias", name=ev.anchor))
        if ev.anchor is not None:
            fail(ev, path, Msg("file.anchor", name=ev.anchor))
        if ev.tag is not None:
            fail(ev, path, Msg("file.tag", tag=ev.tag))
        assert ev.start_mark is not None  # the parser marks every event
        at = Mark(ev.start_mark.line + 1, ev.start_mark.column + 1)
        if awaiting_key:
            assert top is not None
            if not isinstance(ev, ScalarEvent):
                fail(ev, path, Msg("file.key_not_scalar"))
            key = ev.value
            if key == "<<" and ev.style is None:
                fail(ev, path, Msg("file.merge_key"))
            if key in top.first_seen:
                fail(ev, path + (key,), Msg("file.duplicate_key", key=key, line=top.first_seen[key]))
            top.first_seen[key] = at.line
            top.key = key
            doc._key_marks[path + (key,)] = at
            continue
        value: Any = ev.value if isinstance(ev, ScalarEvent) else {} if isinstance(ev, MappingStartEvent) else []
        if top is None:
            doc.value = value
        elif isinstance(top.container, list):
            top.container.append(value)
        else:
            top.container[top.key] = value
            top.key = None
        doc._marks[path] = at
        if isinstance(ev, CollectionStartEvent):
            if len(stack) >= MAX_DEPTH:
                fail(ev, path, Msg("file.too_deep", limit=MAX_DEPTH))
            stack.append(_Frame(value, path))
    return doc
