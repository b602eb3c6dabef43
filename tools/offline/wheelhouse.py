"""Does a folder of wheels hold the app's whole dependency tree for one interpreter?

The same walk serves twice: when the bundle is built, for each target and Python it
is made for (tags from ``packaging.tags``, markers of that target), and on the laptop,
by the installer, for the interpreter it found (``sys_tags()`` and its own markers), so a
wheel the machine cannot take is named before anything is installed.

Standard library only, plus ``packaging``; where that is not installed (a bare Python on
the laptop), the copy inside the bundle's pip wheel is used.
"""

from __future__ import annotations

import email.parser
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

# The installer sets this: a laptop's own `packaging`, if any, may be too old; pip's copy is known.
VENDORED = False


def _packaging():
    if not VENDORED:
        try:
            from packaging import requirements, specifiers, tags, utils, version

            return requirements, specifiers, tags, utils, version
        except ImportError:
            pass
    from pip._vendor.packaging import requirements, specifiers, tags, utils, version

    return requirements, specifiers, tags, utils, version


def tags_module():
    return _packaging()[2]


@dataclass(frozen=True)
class Wheel:
    path: Path
    name: str  # canonical (PEP 503) name
    version: object  # packaging Version
    tags: frozenset
    requires: tuple[str, ...]
    requires_python: str | None


def read_wheel(path: Path) -> Wheel:
    """A wheel's name, version and tags from its file name; its requirements from its METADATA."""
    _, _, _, utils, _ = _packaging()
    name, version, _, tags = utils.parse_wheel_filename(path.name)
    with zipfile.ZipFile(path) as zf:
        meta_name = next((n for n in zf.namelist()
                          if n.count("/") == 1 and n.endswith(".dist-info/METADATA")), None)
        if meta_name is None:
            raise ValueError(f"{path.name}: no .dist-info/METADATA inside")
        meta = email.parser.BytesParser().parsebytes(zf.read(meta_name), headersonly=True)
    return Wheel(path=path, name=utils.canonicalize_name(name), version=version, tags=frozenset(tags),
                 requires=tuple(meta.get_all("Requires-Dist") or ()), requires_python=meta.get("Requires-Python"))


def read_wheels(folder: Path) -> list[Wheel]:
    return [read_wheel(p) for p in sorted(Path(folder).glob("*.whl"))]


@dataclass(frozen=True)
class Problem:
    """A requirement the folder cannot meet for this interpreter."""

    requirement: str  # as written, e.g. "pyyaml>=6.0"
    required_by: str  # "supervise-tui 0.1.0", or "(the app)" for the roots
    reason: str  # missing | platform | version | python
    seen: tuple[str, ...] = ()  # the wheel files of that name that were there

    def describe(self) -> str:
        why = {
            "missing": "no wheel of that name in the folder",
            "platform": "no wheel whose tags this interpreter accepts",
            "version": "no wheel of a version it allows",
            "python": "no wheel whose Requires-Python allows this Python",
        }[self.reason]
        seen = f" (there: {', '.join(self.seen)})" if self.seen else ""
        return f"{self.requirement}, required by {self.required_by}: {why}{seen}"


@dataclass
class Resolution:
    chosen: dict = field(default_factory=dict)  # canonical name -> Wheel
    problems: list[Problem] = field(default_factory=list)

    def pins(self) -> list[str]:
        return sorted(f"{w.name}=={w.version}" for w in self.chosen.values())


def resolve(wheels: list[Wheel], roots: list[str], accepted: list, markers: dict[str, str],
            root_label: str = "(the app)") -> Resolution:
    """Walk ``roots`` through the wheels' Requires-Dist, choosing for each name the newest wheel
    whose tags are in ``accepted`` and whose version and Requires-Python fit; then check that every
    requirement met on the way is met by the wheel chosen for it.
    """
    requirements, specifiers, _, utils, version = _packaging()
    accepted = frozenset(accepted)
    python = version.Version(markers["python_full_version"])
    by_name: dict[str, list[Wheel]] = {}
    for w in wheels:
        by_name.setdefault(w.name, []).append(w)
    result = Resolution()
    edges: list[tuple[object, str, str]] = []  # (Requirement, as written, required_by) for the final check
    extras_done: dict[str, set[str]] = {}
    queue: list[tuple[str, str, str]] = [(r, root_label, "") for r in roots]  # (requirement, by, parent extra)

    while queue:
        text, by, parent_extra = queue.pop(0)
        req = requirements.Requirement(text)
        if req.marker is not None and not req.marker.evaluate(dict(markers, extra=parent_extra)):
            continue
        name = utils.canonicalize_name(req.name)
        edges.append((req, text, by))
        if name not in result.chosen:
            found = by_name.get(name, [])
            fits = [w for w in found if accepted & w.tags]
            in_range = [w for w in fits if req.specifier.contains(w.version, prereleases=True)]
            runnable = [w for w in in_range if not w.requires_python
                        or specifiers.SpecifierSet(w.requires_python).contains(python, prereleases=True)]
            if not runnable:
                reason = ("missing" if not found else "platform" if not fits
                          else "version" if not in_range else "python")
                result.problems.append(Problem(text, by, reason, tuple(w.path.name for w in found)))
                continue
            result.chosen[name] = max(runnable, key=lambda w: w.version)
        chosen = result.chosen[name]
        wanted = {""} | set(req.extras)
        new = wanted - extras_done.setdefault(name, set())
        extras_done[name] |= new
        label = f"{chosen.name} {chosen.version}"
        queue += [(r, label, extra) for extra in sorted(new) for r in chosen.requires]

    for req, text, by in edges:  # a later, narrower requirement may rule out a wheel chosen earlier
        chosen = result.chosen.get(utils.canonicalize_name(req.name))
        if chosen is not None and not req.specifier.contains(chosen.version, prereleases=True):
            result.problems.append(Problem(text, by, "version", (chosen.path.name,)))
    return result
