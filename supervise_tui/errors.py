"""One family of errors: what a person is told when the app refuses or a file or store is wrong.

Every error carries a catalogue key and its values (a ``Msg``), so it reads in the user's
language wherever it is shown: the CLI prints ``str(error)`` as one line and exits with
``error.exit_code``; the TUI shows it in a notification or the dialog that caused it. The
CLI and the TUI each catch ``SuperviseError`` once; anything else is a bug.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .i18n import Msg


class SuperviseError(Exception):
    """A refusal or a problem the user can act on; ``str()`` is the message in the current language."""

    exit_code = 1

    def __init__(self, key: str, /, **params: object):
        self.msg = Msg(key, **params)
        super().__init__(key)

    @property
    def key(self) -> str:
        return self.msg.key

    @property
    def params(self) -> dict[str, object]:
        return self.msg.params

    def __str__(self) -> str:
        return str(self.msg)

    def __reduce__(self):  # pickled by name and values, as any subclass is built
        return _rebuild, (type(self), self.msg.key, self.msg.params)


def _rebuild(cls: type[SuperviseError], key: str, params: dict) -> SuperviseError:
    error = cls.__new__(cls)
    SuperviseError.__init__(error, key, **params)
    return error


class UsageError(SuperviseError):
    """The command was typed wrong (exit status 2)."""

    exit_code = 2


class BadValue(SuperviseError, ValueError):
    """A value a person typed that the app cannot read (a status, a light, a percentage)."""


class StoreError(SuperviseError):
    """A problem with the database file itself: unreadable, too new, someone else's, empty."""


class NotFound(SuperviseError, LookupError):
    """A name or id the user gave matches nothing in the store."""


class EditRefused(SuperviseError):
    """The action breaks a rule (role, lock, value); nothing was written."""


class FrozenRound(EditRefused):
    """The round is closed, so its state cannot change."""


class ExchangeRefused(SuperviseError):
    """A package or return file refused whole (changed, another unit's, malformed, a rotated key…).

    An import of many files goes on with the next file; other errors stop it.
    """


class RoundMoved(EditRefused):
    """The store's current round moved (another session opened or chose one) since this one showed its round.

    Nothing was written: an edit goes to the round on screen only once the user has agreed to it.
    """


class SettingsError(SuperviseError, ValueError):
    """The settings file is unreadable or holds a bad value."""


class FileProblem(SuperviseError, ValueError):
    """One problem in a data file, located as FILE:LINE:COL: field: message."""

    def __init__(self, path: str, line: int, col: int, field: str, message: Msg | str):
        self.path, self.line, self.col, self.field, self.detail = path, line, col, field, message
        detail = Msg("error.field", field=field, detail=message) if field else message
        super().__init__("error.file", path=f"{path}:{line}:{col}", detail=detail)

    @property
    def message(self) -> str:
        """What is wrong, in the current language, without the place."""
        return str(self.detail)

    def __reduce__(self):
        return type(self), (self.path, self.line, self.col, self.field, self.detail)


class FileProblems(SuperviseError, ValueError):
    """A file with several problems, each a FileProblem: the CLI prints them one a line."""

    def __init__(self, problems: list[FileProblem]):
        self.problems = problems
        super().__init__("error.problems", count=len(problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def __reduce__(self):
        return type(self), (self.problems,)


class EvidenceProblems(EditRefused):
    """Evidence files that do not match the evidence folder, each a Msg; nothing was written."""

    def __init__(self, problems: list[Msg]):
        self.problems = problems
        super().__init__("error.evidence.problems", count=len(problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def __reduce__(self):
        return type(self), (self.problems,)


@contextmanager
def naming(path: object) -> Iterator[None]:
    """An OSError raised inside that names no file (a write on a full disk) is made to name ``path``."""
    try:
        yield
    except OSError as exc:
        if not exc.filename:
            exc.filename = str(path)
        raise


def describe(exc: BaseException) -> str:
    """What went wrong, as the user is told it: ours in their language, a file's or the store's named."""
    import errno
    import sqlite3

    from .i18n import t

    if isinstance(exc, SuperviseError):
        return str(exc)
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return t("error.disk_full", path=exc.filename or "")
        return t("error.file", path=exc.filename or "", detail=exc.strerror or exc)
    if isinstance(exc, sqlite3.Error):
        return str(store_error(exc, "")) if getattr(exc, "sqlite_errorname", None) else \
            t("error.store.sqlite", detail=exc)
    return str(exc) or type(exc).__name__


def store_error(exc: BaseException, path: object) -> StoreError:
    """A StoreError for an sqlite3 error on the store at ``path``: what happened, and what to do.

    Told apart by SQLite's own error name, so the words do not depend on its English messages.
    """
    from .i18n import Msg

    name = getattr(exc, "sqlite_errorname", "") or ""
    where = str(path)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreError("error.store.busy", path=where)
    if name == "SQLITE_FULL" or (name.startswith("SQLITE_IOERR") and where and disk_full(where)):
        return StoreError("error.store.full", path=where)
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM")):
        return StoreError("error.store.read_only", path=where, reason=Msg("store.ro.file"))
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return StoreError("error.store.corrupt", path=where, detail=str(exc))
    if name.startswith("SQLITE_CANTOPEN"):
        return StoreError("error.store.cannot_open", path=where, detail=str(exc))
    return StoreError("error.store.failed", path=where, detail=str(exc))


def disk_full(path: object) -> bool:
    """Whether the disk holding ``path`` (a file, or a folder to write into) has no room left."""
    import shutil
    from pathlib import Path

    where = Path(str(path))
    folder = where if where.is_dir() else where.parent
    try:
        return shutil.disk_usage(folder).free < 64 * 1024  # not even room for a WAL's index
    except OSError:
        return False
