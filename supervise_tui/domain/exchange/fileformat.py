"""The exchange files: canonical JSON, its MAC, a strict reader with limits, safe names, careful writes.

A package or return is one UTF-8 JSON object with ``format``, ``version`` and ``mac``. The
MAC is HMAC-SHA256 with the unit's key over the canonical encoding of every other field:
keys sorted by code point, no insignificant whitespace, UTF-8, no floats (exactly what
``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` writes). The
file itself is indented for people to read; its layout does not enter the MAC.

Reading trusts nothing in the file: its size, nesting, string lengths, field names and types
are checked before any of it is used, and no path inside a file is ever opened.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import ExchangeRefused
from ...i18n import Msg
from ...textsafe import one_line

PACKAGE_FORMAT = "supervise-tui/round-package"
RETURN_FORMAT = "supervise-tui/return"
KIND_NAMES = {PACKAGE_FORMAT: "exchange.kind.package", RETURN_FORMAT: "exchange.kind.return"}
VERSION = 1  # the one version of both formats this app writes and reads

MAX_BYTES = 64 * 1024 * 1024  # a unit's return with every note at its limit stays well below
MAX_DEPTH = 8  # the deepest our files nest is 5 (items → fields → audit row)
NAME_LIMIT = 1_000  # ids, names, dates, numerals
TEXT_LIMIT = 20_000  # item texts, notes, evidence, values (the store's own limit)
LIST_LIMIT = 100_000  # items in a file, rows in a list
INT_LIMIT = 2 ** 53  # integers every JSON reader keeps exact


def canonical(obj: dict) -> bytes:
    """The bytes the MAC covers: sorted keys, no spaces, UTF-8; the ``mac`` field left out."""
    body = {k: v for k, v in obj.items() if k != "mac"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sign(key: bytes, obj: dict) -> str:
    return hmac.new(key, canonical(obj), hashlib.sha256).hexdigest()


def verifies(key: bytes, obj: dict) -> bool:
    """Whether ``obj["mac"]`` is the MAC of the rest under ``key`` (compared in constant time)."""
    mac = obj.get("mac")
    return isinstance(mac, str) and hmac.compare_digest(sign(key, obj), mac)


def encode(obj: dict) -> bytes:
    """The file as written: indented, readable, UTF-8, ending in a newline."""
    return (json.dumps(obj, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- the strict reader


@dataclass(frozen=True)
class Text:
    limit: int = NAME_LIMIT
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Int:
    low: int = 0
    high: int = INT_LIMIT


@dataclass(frozen=True)
class Bool:
    pass


@dataclass(frozen=True)
class Maybe:
    """The value, or null."""

    inner: Any


@dataclass(frozen=True)
class ListOf:
    inner: Any
    limit: int = LIST_LIMIT


@dataclass(frozen=True)
class Record:
    """An object with these fields; those in ``optional`` may be left out, no other is allowed."""

    fields: dict
    optional: frozenset = frozenset()


@dataclass(frozen=True)
class MapOf:
    """An object whose keys are names and whose values all have one shape."""

    inner: Any
    limit: int = 1_000


class Malformed(Exception):
    """Where in the file (a path like ``items[3].new.status``) and what is wrong."""

    def __init__(self, where: str, detail: Msg):
        super().__init__(where)
        self.where, self.detail = where, detail


def _dup_refused(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):  # json would keep the last one silently, and the MAC would cover another text
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise Malformed("", Msg("exchange.bad.duplicate", key=key))
            seen.add(key)
    return out


def _no_float(text: str) -> Any:
    raise Malformed("", Msg("exchange.bad.float", value=text))


def _no_constant(text: str) -> Any:
    raise Malformed("", Msg("exchange.bad.float", value=text))


# Where json.loads could make a lone surrogate: a \uD800–\uDFFF escape (raw UTF-8 cannot hold one).
_SURROGATE_ESCAPE = re.compile(r"\\[uU][dD][89a-fA-F]")


def parse(data: bytes) -> Any:
    """JSON from bytes, refusing what has no single meaning: duplicate keys, floats, NaN, bad UTF-8.

    Nesting deep enough to exhaust the parser is refused here; any nesting deeper than our files
    have fails their shape, and ``read_bytes`` then names the depth (``_depth``).
    """
    return _parse(data)[1]


def _parse(data: bytes) -> tuple[str, Any]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a BOM an editor added is no part of the text
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Malformed("", Msg("exchange.bad.utf8", offset=exc.start)) from None
    try:
        return text, json.loads(text, object_pairs_hook=_dup_refused, parse_float=_no_float,
                                parse_constant=_no_constant)
    except RecursionError:
        raise Malformed("", Msg("exchange.bad.depth", limit=MAX_DEPTH)) from None
    except json.JSONDecodeError as exc:
        raise Malformed("", Msg("exchange.bad.json", line=exc.lineno, col=exc.colno, detail=exc.msg)) from None


def _depth(value: Any, limit: int) -> None:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            raise Malformed("", Msg("exchange.bad.depth", limit=limit))
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def check(spec: Any, value: Any, where: str = "") -> None:
    """Raise Malformed at the first place ``value`` does not have the shape ``spec`` says."""
    if isinstance(spec, Maybe):
        if value is not None:
            check(spec.inner, value, where)
    elif isinstance(spec, Text):
        if not isinstance(value, str):
            raise Malformed(where, Msg("exchange.bad.type", expected=Msg("exchange.type.text")))
        if len(value) > spec.limit:
            raise Malformed(where, Msg("exchange.bad.too_long", limit=spec.limit))
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate written as \\ud800
            raise Malformed(where, Msg("exchange.bad.surrogate")) from None
        if spec.choices and value not in spec.choices:
            raise Malformed(where, Msg("exchange.bad.choice", value=value, allowed=" / ".join(spec.choices)))
    elif isinstance(spec, Int):
        if not isinstance(value, int) or isinstance(value, bool):
            raise Malformed(where, Msg("exchange.bad.type", expected=Msg("exchange.type.int")))
        if not spec.low <= value <= spec.high:
            raise Malformed(where, Msg("exchange.bad.range", value=value, low=spec.low, high=spec.high))
    elif isinstance(spec, Bool):
        if not isinstance(value, bool):
            raise Malformed(where, Msg("exchange.bad.type", expected=Msg("exchange.type.bool")))
    elif isinstance(spec, ListOf):
        if not isinstance(value, list):
            raise Malformed(where, Msg("exchange.bad.type", expected=Msg("exchange.type.list")))
        if len(value) > spec.limit:
            raise Malformed(where, Msg("exchange.bad.too_many", limit=spec.limit))
        for n, element in enumerate(value):
            check(spec.inner, element, f"{where}[{n}]")
    elif isinstance(spec, MapOf):
        if not isinstance(value, dict):
            raise Malformed(where, Msg("exchange.bad.type", expected=Msg("exchange.type.object")))
        if len(value) > spec.limit:
            raise Malformed(where, Msg("exchange.bad.too_many", limit=spec.limit))
        for key, element in value.items():
            check(Text(), key, where)
            check(spec.inner, element, f"{where}.{key}" if where else key)
    elif isinstance(spec, Record):
        if not isinstance(value, dict):
            raise Malformed(where, Msg("exchange.bad.type", expected=Msg("exchange.type.object")))
        for key in value:
            if key not in spec.fields:
                raise Malformed(where, Msg("exchange.bad.unknown_field", name=_shown_key(key)))
        for key, inner in spec.fields.items():
            path = f"{where}.{key}" if where else key
            if key not in value:
                if key not in spec.optional:
                    raise Malformed(where, Msg("exchange.bad.missing_field", name=key))
                continue
            check(inner, value[key], path)
    else:  # pragma: no cover - a spec this module does not know is a bug here
        raise TypeError(spec)


def compiled(spec: Any) -> Callable[[Any], bool]:
    """A fast yes/no for ``spec`` (the same rules as ``check`` but lone surrogates); ``check`` says why not.

    A return of a thousand items is millions of values: the walk that can say where a value is
    wrong runs only for a file that is wrong.
    """
    if isinstance(spec, Maybe):
        inner = compiled(spec.inner)
        return lambda v: v is None or inner(v)
    if isinstance(spec, Text):
        limit, choices = spec.limit, frozenset(spec.choices)
        if choices:
            return lambda v: type(v) is str and v in choices
        return lambda v: type(v) is str and len(v) <= limit
    if isinstance(spec, Int):
        low, high = spec.low, spec.high
        return lambda v: type(v) is int and low <= v <= high
    if isinstance(spec, Bool):
        return lambda v: type(v) is bool
    if isinstance(spec, ListOf):
        element, most = compiled(spec.inner), spec.limit
        return lambda v: type(v) is list and len(v) <= most and all(map(element, v))
    if isinstance(spec, MapOf):
        value, most, key = compiled(spec.inner), spec.limit, compiled(Text())
        return lambda v: (type(v) is dict and len(v) <= most and all(map(key, v))
                          and all(map(value, v.values())))
    if isinstance(spec, Record):
        names = frozenset(spec.fields)
        required = names - spec.optional
        fields = [(name, compiled(inner)) for name, inner in spec.fields.items()]

        def record(v: Any) -> bool:
            if type(v) is not dict:
                return False
            keys = v.keys()
            if not (keys <= names and required <= keys):
                return False
            for name, ok in fields:
                if name in v and not ok(v[name]):
                    return False
            return True

        return record
    raise TypeError(spec)  # pragma: no cover


def _shown_key(key: str) -> str:
    """A name or value from the file, for a one-line refusal: cut at 40 characters, controls visible."""
    return one_line(key if len(key) <= 40 else key[:40] + "…")


def read(path: Path, *, kind: str, spec: Record, name: str | None = None) -> dict:
    """Read one exchange file whole and check it against ``spec``; refuse it with one line otherwise.

    ``kind`` is the ``format`` expected (a package or a return). Every check runs before any
    value is used; the caller still checks the MAC.
    """
    shown = name or path.name
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ExchangeRefused("error.exchange.refused", file=shown,
                                  reason=Msg("exchange.bad.too_large", size=size, limit=MAX_BYTES))
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ExchangeRefused("error.exchange.refused", file=shown,
                              reason=Msg("exchange.bad.unreadable", detail=exc.strerror or str(exc))) from None
    if len(data) > MAX_BYTES:  # it grew since stat()
        raise ExchangeRefused("error.exchange.refused", file=shown,
                              reason=Msg("exchange.bad.too_large", size=len(data), limit=MAX_BYTES))
    return read_bytes(data, kind=kind, spec=spec, name=shown)


_COMPILED: dict[int, Callable[[Any], bool]] = {}


def read_bytes(data: bytes, *, kind: str, spec: Record, name: str) -> dict:
    """The file's object if it has exactly the shape ``spec`` says, else ExchangeRefused naming where and why.

    A well-formed file is passed by one quick look (``compiled``); only a file that fails it is
    walked again to find the first thing wrong: too deep, not an object, the wrong format or
    version, then the field and the reason (``check``).
    """
    fast = _COMPILED.get(id(spec))
    if fast is None:
        fast = _COMPILED[id(spec)] = compiled(spec)
    try:
        text, obj = _parse(data)
        if (type(obj) is dict and obj.get("format") == kind and obj.get("version") == VERSION and fast(obj)
                and not _SURROGATE_ESCAPE.search(text)):
            return obj
        _depth(obj, MAX_DEPTH)
        if not isinstance(obj, dict):
            raise Malformed("", Msg("exchange.bad.type", expected=Msg("exchange.type.object")))
        found = obj.get("format")
        if found != kind:
            raise Malformed("", Msg("exchange.bad.format", found=_shown_key(str(found)),
                                          expected=Msg(KIND_NAMES[kind])))
        version = obj.get("version")
        if version != VERSION:
            raise Malformed("", Msg("exchange.bad.version", found=_shown_key(str(version)),
                                           supported=VERSION))
        check(spec, obj)  # where and what: raises for any file the quick look refused
    except Malformed as exc:
        reason = Msg("exchange.bad.at", where=exc.where, detail=exc.detail) if exc.where else exc.detail
        raise ExchangeRefused("error.exchange.refused", file=name, reason=reason) from None
    return obj  # a surrogate-like escape that made no surrogate (an escaped backslash before it)


# --------------------------------------------------------------------------- names and writing

# What Windows and FAT/exFAT refuse in a name, and the names they reserve whatever the extension.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+|\s+')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
PART_LIMIT = 40  # characters of a round or unit name kept in a file name
NAME_MAX = 120  # characters of a whole file name: FAT allows 255 UTF-16 units; paths on Windows stay short


def name_part(text: str) -> str:
    """A piece of a file name from data: letters of any script kept, anything a file system minds replaced."""
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE.sub("_", text).strip(" ._")
    text = text[:PART_LIMIT].rstrip(" ._")
    return text or "_"


def file_name(*parts: str, suffix: str = ".json") -> str:
    """``parts`` joined with ``-``, safe on Windows and FAT sticks: no ``:?*``, no reserved names, short."""
    stem = "-".join(name_part(p) for p in parts)[: NAME_MAX - len(suffix)].rstrip(" ._-")
    if _RESERVED.match(stem):
        stem = "_" + stem
    return stem + suffix


def confined(folder: Path, name: str) -> Path:
    """``folder/name``, refusing a name that would leave ``folder``."""
    folder = folder.resolve()
    path = (folder / name).resolve()
    if path.parent != folder or name != path.name:
        raise ExchangeRefused("error.exchange.bad_name", name=name, folder=str(folder))
    return path


def write_verified(path: Path, data: bytes, check_back) -> None:
    """Write ``data`` to ``path`` atomically, sync it, then read it back from the medium and check it.

    USB sticks acknowledge writes they have not made: the file is read again (the cache dropped
    where the system allows) and must equal what was written and pass ``check_back(bytes)``.
    A file that fails is removed and the error raised; the old file of that name, if any, is gone too.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(fd, "wb") as out:  # 0o666 less the umask: the permissions any new file gets
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sync_folder(path.parent)
    try:
        back = _read_back(path)
        if back != data:
            raise ExchangeRefused("error.exchange.read_back", path=str(path))
        check_back(back)
    except BaseException:
        try:
            os.unlink(path)
        except OSError:
            pass
        raise


def _sync_folder(folder: Path) -> None:
    """Make a rename durable; not every system lets a folder be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _read_back(path: Path) -> bytes:
    with open(path, "rb") as fh:
        advise = getattr(os, "posix_fadvise", None)
        if advise is not None:  # drop the cached pages, so the bytes come from the medium
            try:
                advise(fh.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
            except OSError:
                pass
        return fh.read(MAX_BYTES + 1)
