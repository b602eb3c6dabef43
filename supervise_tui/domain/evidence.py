"""Evidence references (佐证材料): document numbers and file names, one a line, a file's hash beside it.

A reference is text: a document number (``乐人才〔2024〕5号``) or a file in the unit's evidence
folder (``附件/人才名单.pdf``), which may carry the SHA-256 of its contents after ``#sha256=``.
Checked against a folder, a file reference gets its hash computed and stored; one whose
file is missing, or whose contents no longer match the hash it carries, is reported.
A reference is taken for a file when it carries a hash, names a folder (``/`` or ``\\``),
or ends in a file extension (``.pdf``); anything else is a document number and never looked up.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import EditRefused, EvidenceProblems
from ..i18n import Msg

HASH_MARK = "#sha256="
_HASH = re.compile(r"[0-9a-f]{64}")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")
REF_LIMIT = 500  # characters of one reference
CHUNK = 1 << 20


@dataclass(frozen=True)
class Ref:
    """One evidence reference: its text, and the SHA-256 it carries (lowercase hex), if any."""

    text: str
    sha256: str | None = None

    @property
    def is_file(self) -> bool:
        return self.sha256 is not None or "/" in self.text or "\\" in self.text \
            or bool(_EXTENSION.search(self.text))

    def line(self) -> str:
        return self.text + (HASH_MARK + self.sha256 if self.sha256 else "")


def parse_ref(line: str) -> Ref:
    """One typed reference; a ``#sha256=`` that is not 64 hex digits is refused."""
    text, mark, digest = line.strip().partition(HASH_MARK)
    text = text.strip()
    if not text:
        raise EditRefused("error.evidence.blank", ref=line)
    if len(line) > REF_LIMIT:
        raise EditRefused("error.evidence.too_long", limit=REF_LIMIT)
    if not mark:
        return Ref(text)
    digest = digest.strip().lower()
    if not _HASH.fullmatch(digest):
        raise EditRefused("error.evidence.bad_hash", ref=text)
    return Ref(text, digest)


def parse_refs(text: str | None) -> list[Ref]:
    """The references of a stored (or typed) evidence field, one a line; blank lines skipped."""
    return [parse_ref(line) for line in (text or "").splitlines() if line.strip()]


def read_refs(typed: list[str]) -> list[Ref]:
    """References as typed (``--evidence`` given again and again); a repeat is kept once."""
    out: list[Ref] = []
    for entry in typed:
        for line in entry.splitlines():
            if line.strip() and (ref := parse_ref(line)) not in out:
                out.append(ref)
    return out


def format_refs(refs: list[Ref]) -> str:
    """The stored form: one reference a line."""
    return "\n".join(ref.line() for ref in refs)


def canonical(text: str) -> str:
    """A whole evidence field checked and written one reference a line."""
    return format_refs(read_refs([text]))


@dataclass(frozen=True)
class Finding:
    """What a folder says of one file reference: ``hashed`` (found, hash taken now), ``same``
    (found, hash matches), ``missing``, ``changed`` (found, another hash) or ``outside`` (a path
    that leaves the folder, never opened)."""

    ref: Ref
    state: str
    found: str | None = None  # the hash of the file as it is now

    @property
    def problem(self) -> bool:
        return self.state in ("missing", "changed", "outside")


def file_hash(path: Path) -> str:
    import hashlib  # here, not above: loading OpenSSL's hashes costs every start, and few paths hash a file

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _inside(folder: Path, name: str) -> Path | None:
    """The file a reference names inside ``folder``; None when it would leave it."""
    relative = name.replace("\\", "/")
    if relative.startswith("/") or re.match(r"^[A-Za-z]:", relative):
        return None
    root = folder.resolve()
    path = (root / relative).resolve()
    return path if path == root or root in path.parents else None


def check_refs(refs: list[Ref], folder: str | os.PathLike) -> tuple[list[Ref], list[Finding]]:
    """Each file reference looked up in ``folder``: the references with the hashes found, and a
    finding for each file reference. A missing or changed file keeps the reference as it was."""
    folder = Path(folder)
    out, findings = [], []
    for ref in refs:
        if not ref.is_file:
            out.append(ref)
            continue
        path = _inside(folder, ref.text)
        if path is None:
            findings.append(Finding(ref, "outside"))
            out.append(ref)
            continue
        try:
            found = file_hash(path) if path.is_file() else None
        except OSError:
            found = None
        if found is None:
            findings.append(Finding(ref, "missing"))
            out.append(ref)
        elif ref.sha256 is None:
            findings.append(Finding(ref, "hashed", found))
            out.append(Ref(ref.text, found))
        else:
            findings.append(Finding(ref, "same" if found == ref.sha256 else "changed", found))
            out.append(ref)
    return out, findings


def short(digest: str | None) -> str:
    """A hash as a person compares it by eye: its first 12 hex digits."""
    return f"{digest[:12]}…" if digest else ""


def finding_msg(finding: Finding, folder: str | os.PathLike) -> Msg:
    """What a finding says, one line, naming the reference."""
    ref, where = finding.ref.text, os.fspath(folder)
    if finding.state == "hashed":
        return Msg("evidence.hashed", ref=ref, hash=short(finding.found))
    if finding.state == "same":
        return Msg("evidence.same", ref=ref)
    if finding.state == "changed":
        return Msg("error.evidence.changed", ref=ref, was=short(finding.ref.sha256), now=short(finding.found))
    return Msg(f"error.evidence.{finding.state}", ref=ref, folder=where)


def checked_against(refs: list[Ref], folder: str | os.PathLike) -> tuple[list[Ref], list[Msg]]:
    """``check_refs``, refusing with every problem at once when a file is missing, changed or outside.

    Returns the references with the hashes found and what was found of each file, as messages.
    """
    if not Path(folder).is_dir():
        raise EditRefused("error.evidence.no_folder", folder=os.fspath(folder))
    out, findings = check_refs(refs, folder)
    problems = [finding_msg(f, folder) for f in findings if f.problem]
    if problems:
        raise EvidenceProblems(problems)
    return out, [finding_msg(f, folder) for f in findings]


def shown(text: str | None) -> str:
    """A stored evidence field on one line: references joined by ``; ``, hashes shortened."""
    refs = []
    for line in (text or "").splitlines():
        body, mark, digest = line.partition(HASH_MARK)
        refs.append(body + (f"#{short(digest)}" if mark else ""))
    return "; ".join(r for r in refs if r.strip())
