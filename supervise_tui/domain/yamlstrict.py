"""Strict, safe YAML reader for hand-edited data files: all scalars stay str, every node keeps its position.

Two event streams feed the same strict reader: libyaml's (``yaml._yaml.CParser``, C speed) where
PyYAML was built with it, and PyYAML's pure-Python one otherwise. A valid file is read by libyaml
in one fast pass that keeps only the values, from the file a piece at a time, handing each of the
root's works to the caller as soon as it is read (``on_work``); the positions of its nodes are found
by a second pass when a problem must be placed (``Doc.errors``). A file the fast pass cannot take — a refusal, a
syntax error — is read again by PyYAML's parser, with positions, which raises the refusal: every
refusal reads the same, at the same place, on either stream.

The two parsers differ on a few inputs a hand-edited list hardly holds, and those files go to
PyYAML's parser from the start (``_fast``): a tab (libyaml takes tabs where PyYAML refuses them),
a ``?`` (libyaml places the empty values of explicit keys elsewhere and takes some ``?`` in flow
collections that PyYAML refuses), a comment right after a block scalar's ``|`` or ``>``; and, found
in the fast pass, an empty document or an empty value in a ``{...}`` mapping (placed elsewhere).
"""

from __future__ import annotations

import codecs
import io
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from sys import intern as _intern
from typing import Any, BinaryIO, NoReturn

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

_CParser: Any
try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml: the pure-Python stream serves alone
    _CParser = None

__all__ = ["Doc", "FileProblem", "Mark", "Path", "format_path", "parse_yaml", "read_yaml"]

Path = tuple[str | int, ...]

# Which event stream reads files: "c" (libyaml) where available, else "python". Tests run both.
PARSER = "c" if _CParser is not None else "python"

# The largest file read. The bundled list (317 items) is under 0.1 MB; a province's list of a few
# hundred thousand items is tens of MB. Read by libyaml a work at a time, a task list peaks at about
# 2.1 times the file's size to validate and 2.6 times to load (beyond the interpreter): about 270 MB
# at this limit. PyYAML's pure-Python parser holds the whole file with every position (about 18 times).
DEFAULT_MAX_BYTES = 100 * 1000 * 1000
# Deep nesting is never legitimate in a hand-edited file, and callers walk the data recursively.
MAX_DEPTH = 100

_UTF8_BOM = b"\xef\xbb\xbf"
# Exactly the complement of PyYAML's printable set, so the Reader never raises on its own.
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The line breaks PyYAML counts, so our positions agree with its marks.
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


@dataclass(frozen=True, slots=True)
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
    """A parsed file: plain data in ``value`` plus the source position of every node.

    The positions are found on demand (a second pass over ``source``, or over the file ``name`` when
    it was read from there) when the fast pass read it. ``streamed``: the fast pass handed each of the
    root's works to ``on_work`` as it was read (see ``parse_yaml``).
    """

    name: str
    value: Any
    _marks: dict[Path, Mark] | None = field(default_factory=dict, repr=False)
    _key_marks: dict[Path, Mark] = field(default_factory=dict, repr=False)
    source: bytes | None = field(default=None, repr=False)
    from_file: bool = False
    streamed: bool = False

    def _reopen(self) -> BinaryIO:
        return open(self.name, "rb") if self.from_file else io.BytesIO(self.source or b"")

    def _all_marks(self) -> dict[Path, Mark]:
        if self._marks is None:
            with self._reopen() as stream:
                self._marks, self._key_marks = _locate(stream, None, None)
        return self._marks

    def mark(self, path: Path) -> Mark:
        """Position of the value node at ``path``; raises KeyError for unknown paths."""
        return self._all_marks()[tuple(path)]

    def key_mark(self, path: Path) -> Mark:
        """Position of the mapping key that ends ``path``; raises KeyError for unknown paths."""
        self._all_marks()
        return self._key_marks[tuple(path)]

    def error(self, path: Path, message: Msg | str, *, key: bool = False) -> FileProblem:
        """Build an error for ``path``, located at its nearest existing ancestor if it is missing."""
        return self.errors([(path, message, key)])[0]

    def errors(self, problems: Iterable[tuple[Path, Msg | str, bool]]) -> list[FileProblem]:
        """Errors for (path, message, at its key) triples, each placed as ``error`` places it.

        A document read by the fast pass is read once more for the positions of these paths only.
        """
        problems = [(tuple(path), message, key) for path, message, key in problems]
        marks, key_marks = self._marks, self._key_marks
        if marks is None:
            values = {path[:n] for path, _, _ in problems for n in range(len(path) + 1)}
            with self._reopen() as stream:
                marks, key_marks = _locate(stream, values, {path for path, _, key in problems if key})
        out = []
        for path, message, key in problems:
            at, n = (key_marks if key else marks).get(path), len(path)
            while at is None and n > 0:
                n -= 1
                at = marks.get(path[:n])
            at = at or Mark(1, 1)
            out.append(FileProblem(self.name, at.line, at.col, format_path(path), message))
        return out


def read_yaml(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES, on_work: OnWork | None = None) -> Doc:
    """Read and parse a file (its size checked before it is read); OSError from opening it propagates.

    A file the fast pass takes is read from the file a piece at a time, never held whole.
    """
    name = os.fspath(path)
    with open(name, "rb") as f:
        _check_size(name, os.fstat(f.fileno()).st_size, max_bytes)
        if not f.seekable():  # a pipe (`load /dev/stdin`, `<(…)`): it can be read but once, so read it whole
            return parse_yaml(f.read(max_bytes + 1), name, max_bytes=max_bytes, on_work=on_work)
        if PARSER == "c" and _fast(f):
            f.seek(0)
            try:
                return Doc(name, _values(_c_events(f), on_work), None, from_file=True, streamed=on_work is not None)
            except (_Unusual, yaml.YAMLError):
                pass  # PyYAML's parser says what is wrong, where, in its words
        f.seek(0)
        data = f.read(max_bytes + 1)
    _check_size(name, len(data), max_bytes)  # it may have grown since its size was looked at
    return _parse_slow(data, name, max_bytes)


# Called with each item of the root mapping's ``works`` list, and its index, once the item is read
# whole; what it returns stands in the list instead (the fast pass only: see ``parse_yaml``).
OnWork = Callable[[Any, int], Any]


def parse_yaml(data: bytes, name: str = "<string>", *, max_bytes: int = DEFAULT_MAX_BYTES,
               on_work: OnWork | None = None) -> Doc:
    """Parse YAML bytes strictly into a Doc, raising FileProblem on any problem.

    With ``on_work``, a document read by the fast pass hands each work over as soon as it is read,
    so a caller that keeps only what it makes of them never holds the whole raw tree
    (``Doc.streamed`` says whether it did; if not, the works are in ``value`` as read).
    """
    _check_size(name, len(data), max_bytes)
    if PARSER == "c" and _fast(io.BytesIO(data)):
        try:
            return Doc(name, _values(_c_events(io.BytesIO(data)), on_work), None, source=data,
                       streamed=on_work is not None)
        except (_Unusual, yaml.YAMLError):
            pass  # PyYAML's parser below says what is wrong, where, in its words
    return _parse_slow(data, name, max_bytes)


def _check_size(name: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise FileProblem(name, 1, 1, "", Msg("file.too_large", size=size, limit=max_bytes,
                                                 limit_mb=max_bytes // 1_000_000))


def _parse_slow(data: bytes, name: str, max_bytes: int) -> Doc:
    """PyYAML's pure-Python parser, every node's position kept: it places every refusal."""
    text = _decode(data, name, max_bytes)
    try:
        return _build(_Events(text), name)
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


_CHUNK = 1 << 20
_BLOCK_HEADER_COMMENT = re.compile(rb"[|>][-+0-9]*#")
_BLOCK_HEADER_TAIL = re.compile(rb"[|>][-+0-9]*\Z")  # a header that may go on in the next piece
_BLOCK_HEADER_REST = re.compile(rb"[-+0-9]*")


def _fast(stream: BinaryIO) -> bool:
    """Whether libyaml reads the stream exactly as PyYAML does (see the module's docstring), and it
    is UTF-8 (a BOM allowed) with no character the reader refuses.

    Read a megabyte at a time, so a large file is never held whole nor as text; ``_decode`` says
    where the first problem is when there is one.
    """
    if _CParser is None:
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    carry = False  # whether the pieces so far end in what may be a block scalar's header
    first = True
    try:
        while chunk := stream.read(_CHUNK):
            if first and chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                return False
            first = False
            if b"\t" in chunk or b"?" in chunk or _BLOCK_HEADER_COMMENT.search(chunk):
                return False
            rest = _BLOCK_HEADER_REST.match(chunk).end() if carry else 0  # type: ignore[union-attr]
            if carry and chunk[rest:rest + 1] == b"#":
                return False
            carry = (carry and rest == len(chunk)) or _BLOCK_HEADER_TAIL.search(chunk) is not None
            if _NON_PRINTABLE.search(decoder.decode(chunk)):
                return False
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _c_events(stream: BinaryIO):
    """libyaml's event stream over a binary stream at its start, read from there a piece at a time."""
    if stream.read(len(_UTF8_BOM)) != _UTF8_BOM:
        stream.seek(0)  # (after a BOM, positions count from after it, as in the decoded text)
    return _CParser(stream)


class _Unusual(Exception):
    """The fast pass met something the strict reader refuses: the full pass says what and where."""


def _values(events, on_work: OnWork | None = None) -> Any:
    """The document's plain data, read fast: no positions; anything to refuse raises _Unusual.

    Each item of the root mapping's ``works`` list goes through ``on_work`` once read whole.
    """
    get = events.get_event
    hand: OnWork = on_work or (lambda value, _: value)
    scalar, mapping_start, sequence_start = ScalarEvent, MappingStartEvent, yaml.events.SequenceStartEvent
    root: Any = None
    # [container, key, in flow style, is the works list] per open collection; key is _NO_KEY while
    # awaiting one, _LIST in a list
    stack: list[list] = []
    top: list | None = None
    documents = 0
    while True:
        ev = get()
        kind = ev.__class__
        if kind is scalar:
            if ev.anchor is not None or ev.tag is not None:
                raise _Unusual
            value = ev.value
            if not value and not ev.style and (top is None or top[2]):
                raise _Unusual  # an empty root or flow-mapping value: libyaml places it elsewhere
            if top is None:
                root = value
            elif top[1] is _LIST:
                top[0].append(hand(value, len(top[0])) if top[3] else value)
            elif top[1] is _NO_KEY:
                if value in top[0] or (value == "<<" and not ev.style):
                    raise _Unusual
                top[1] = _intern(value)  # one string per distinct key, not one per use
            else:
                top[0][top[1]] = value
                top[1] = _NO_KEY
        elif kind is mapping_start or kind is sequence_start:
            if ev.anchor is not None or ev.tag is not None or len(stack) >= MAX_DEPTH:
                raise _Unusual
            container: Any = {} if kind is mapping_start else []
            works = on_work is not None and kind is sequence_start and len(stack) == 1 and stack[0][1] == "works"
            if top is None:
                root = container
            elif top[1] is _LIST:
                top[0].append(container)
            elif top[1] is _NO_KEY:
                raise _Unusual  # a collection as a key
            else:
                top[0][top[1]] = container
                top[1] = _NO_KEY
            top = [container, _NO_KEY if kind is mapping_start else _LIST, kind is mapping_start and ev.flow_style,
                   works]
            stack.append(top)
        elif isinstance(ev, CollectionEndEvent):
            stack.pop()
            top = stack[-1] if stack else None
            if top is not None and top[3]:  # a work read whole: handed over, its raw tree let go
                top[0][-1] = hand(top[0][-1], len(top[0]) - 1)
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Unusual
        elif kind is StreamEndEvent:
            return root
        elif kind is AliasEvent:
            raise _Unusual


_NO_KEY, _LIST = object(), object()


def _locate(stream: BinaryIO, values: set[Path] | None, keys: set[Path] | None) -> tuple[dict, dict]:
    """The positions of the value nodes at ``values`` and of the keys ending ``keys`` (None: all),
    in a document the fast pass read (so libyaml places them as PyYAML would)."""
    events = _c_events(stream)
    marks: dict[Path, Mark] = {(): Mark(1, 1)}
    key_marks: dict[Path, Mark] = {}
    stack: list[list] = []  # [path, next index (a list) or the pending key (a mapping) or _NO_KEY]
    while not isinstance(ev := events.get_event(), StreamEndEvent):
        if isinstance(ev, CollectionEndEvent):
            stack.pop()
            continue
        if not isinstance(ev, (ScalarEvent, CollectionStartEvent)):
            continue
        top = stack[-1] if stack else None
        assert ev.start_mark is not None  # the parser marks every event
        at = Mark(ev.start_mark.line + 1, ev.start_mark.column + 1)
        if top is None:
            path: Path = ()
        elif isinstance(top[1], int):
            path = top[0] + (top[1],)
            top[1] += 1
        elif top[1] is _NO_KEY:  # a key (always a scalar in a document that read)
            key = ev.value if isinstance(ev, ScalarEvent) else ""
            top[1] = key
            if keys is None or top[0] + (key,) in keys:
                key_marks[top[0] + (key,)] = at
            continue
        else:
            path = top[0] + (top[1],)
            top[1] = _NO_KEY
        if values is None or path in values:
            marks[path] = at
        if isinstance(ev, CollectionStartEvent):
            stack.append([path, _NO_KEY if isinstance(ev, MappingStartEvent) else 0])
    return marks, key_marks


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


def _build(events, name: str) -> Doc:
    """The document with every node's position, or the first refusal, placed."""
    marks: dict[Path, Mark] = {(): Mark(1, 1)}
    doc = Doc(name, None, marks)
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
            key = _intern(ev.value)
            if key == "<<" and not ev.style:  # plain: None from PyYAML, "" from libyaml
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
        marks[path] = at
        if isinstance(ev, CollectionStartEvent):
            if len(stack) >= MAX_DEPTH:
                fail(ev, path, Msg("file.too_deep", limit=MAX_DEPTH))
            stack.append(_Frame(value, path))
    return doc
