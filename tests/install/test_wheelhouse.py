"""The wheelhouse check: every requirement of the tree has a wheel the target's interpreter takes.

Wheels here are made up (a zip with a METADATA file is all the check reads), so each case shows
one way a bundle goes wrong: a compiled wheel for one platform only, one Python only, a
dependency only Windows asks for, an extra, a too-new glibc, a version that does not fit.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tools.offline.targets import PYTHONS, TARGETS, target_of
from tools.offline.wheelhouse import Problem, read_wheels, resolve

PURE = "py3-none-any"


def wheel(folder: Path, name: str, version: str, tag: str = PURE, requires: tuple[str, ...] = (),
          requires_python: str | None = None) -> Path:
    """A wheel file holding only the METADATA the check reads."""
    dist = name.replace("-", "_")
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    if requires_python:
        lines.append(f"Requires-Python: {requires_python}")
    path = folder / f"{dist}-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{dist}-{version}.dist-info/METADATA", "\n".join(lines) + "\n")
    return path


def check(folder: Path, target: str, python=(3, 12), roots=("app==1.0",)):
    t = TARGETS[target]
    return resolve(read_wheels(folder), list(roots), t.tags(python), t.markers(python))


@pytest.fixture
def house(tmp_path: Path) -> Path:
    """app 1.0 -> yamlish (compiled, every target, every Python), rich-ish -> mdurl-ish."""
    wheel(tmp_path, "app", "1.0", requires=("yamlish>=6", "richish"))
    wheel(tmp_path, "richish", "15.0", requires=("mdurlish~=0.1", 'pytest; extra == "test"'))
    wheel(tmp_path, "mdurlish", "0.1.2")
    for py in ("cp311", "cp312", "cp313"):
        for plat in ("manylinux_2_17_x86_64", "manylinux_2_17_aarch64", "win_amd64"):
            wheel(tmp_path, "yamlish", "6.0", f"{py}-{py}-{plat}")
    return tmp_path


def test_a_whole_tree_resolves_for_every_target_and_python(house):
    for name in TARGETS:
        for python in PYTHONS:
            result = check(house, name, python)
            assert result.problems == [], (name, python)
            assert result.pins() == ["app==1.0", "mdurlish==0.1.2", "richish==15.0", "yamlish==6.0"]
            tag = "cp%d%d" % python
            assert result.chosen["yamlish"].path.name.startswith(f"yamlish-6.0-{tag}-{tag}-")


def test_a_compiled_wheel_missing_for_one_platform_is_named(house):
    for path in house.glob("yamlish-*-win_amd64.whl"):
        path.unlink()
    assert check(house, "linux-x86_64").problems == []
    problems = check(house, "windows-amd64").problems
    assert problems == [Problem("yamlish>=6", "app 1.0", "platform",
                                tuple(sorted(p.name for p in house.glob("yamlish-*.whl"))))]
    assert problems[0].describe().startswith("yamlish>=6, required by app 1.0: no wheel whose tags")


def test_a_compiled_wheel_missing_for_one_python_is_named(house):
    for path in house.glob("yamlish-6.0-cp313-*.whl"):
        path.unlink()
    assert check(house, "linux-aarch64", (3, 12)).problems == []
    assert [p.reason for p in check(house, "linux-aarch64", (3, 13)).problems] == ["platform"]


def test_a_dependency_only_windows_asks_for_is_looked_for_on_windows_only(house):
    wheel(house, "richish", "15.1", requires=("mdurlish~=0.1", 'colorish; sys_platform == "win32"'))
    assert check(house, "linux-x86_64").problems == []
    assert check(house, "windows-amd64").problems == [Problem('colorish; sys_platform == "win32"',
                                                              "richish 15.1", "missing")]
    wheel(house, "colorish", "0.4.6")
    assert check(house, "windows-amd64").pins() == [
        "app==1.0", "colorish==0.4.6", "mdurlish==0.1.2", "richish==15.1", "yamlish==6.0"]
    assert "colorish" not in check(house, "linux-x86_64").chosen


def test_an_extra_brings_its_own_requirements(house):
    wheel(house, "mdish", "3.0", requires=('linkish>=1,<3; extra == "linkify"', 'benchish; extra == "bench"'))
    problems = check(house, "linux-x86_64", roots=("mdish[linkify]",)).problems
    assert problems == [Problem('linkish>=1,<3; extra == "linkify"', "mdish 3.0", "missing")]
    wheel(house, "linkish", "2.0")
    assert check(house, "linux-x86_64", roots=("mdish[linkify]",)).pins() == ["linkish==2.0", "mdish==3.0"]
    assert check(house, "linux-x86_64", roots=("mdish",)).pins() == ["mdish==3.0"]


def test_linux_wheels_must_suit_glibc_2_28_and_not_musl(tmp_path):
    wheel(tmp_path, "app", "1.0", requires=("fast",))
    wheel(tmp_path, "fast", "2.0", "cp312-cp312-manylinux_2_34_x86_64")
    wheel(tmp_path, "fast", "2.0", "cp312-cp312-musllinux_1_2_x86_64")
    wheel(tmp_path, "fast", "2.0", "cp312-cp312-linux_x86_64")  # built here, fit for no other machine
    assert [p.reason for p in check(tmp_path, "linux-x86_64").problems] == ["platform"]
    wheel(tmp_path, "fast", "1.9", "cp312-cp312-manylinux_2_28_x86_64")
    assert check(tmp_path, "linux-x86_64").pins() == ["app==1.0", "fast==1.9"]
    wheel(tmp_path, "fast", "1.9", "cp312-cp312-manylinux2014_aarch64")
    assert check(tmp_path, "linux-aarch64").pins() == ["app==1.0", "fast==1.9"]


def test_an_abi3_wheel_serves_every_later_python(tmp_path):
    wheel(tmp_path, "app", "1.0", requires=("widths",))
    wheel(tmp_path, "widths", "0.9", "cp310-abi3-win_amd64")
    for python in PYTHONS:
        assert check(tmp_path, "windows-amd64", python).problems == []
    assert [p.reason for p in check(tmp_path, "linux-x86_64").problems] == ["platform"]


def test_requires_python_and_versions_are_honoured(tmp_path):
    wheel(tmp_path, "app", "1.0", requires=("old>=2", "lib"))
    wheel(tmp_path, "old", "1.0")
    wheel(tmp_path, "lib", "3.0", requires_python=">=3.13")
    result = check(tmp_path, "linux-x86_64", (3, 12))
    assert [(p.requirement, p.reason) for p in result.problems] == [("old>=2", "version"), ("lib", "python")]
    assert [(p.requirement, p.reason) for p in check(tmp_path, "linux-x86_64", (3, 13)).problems] == [
        ("old>=2", "version")]


def test_a_later_narrower_requirement_rules_out_a_wheel_chosen_earlier(tmp_path):
    wheel(tmp_path, "app", "1.0", requires=("a", "b"))
    wheel(tmp_path, "a", "1.0", requires=("c",))
    wheel(tmp_path, "b", "1.0", requires=("c<2",))
    wheel(tmp_path, "c", "2.0")
    assert check(tmp_path, "linux-x86_64").problems == [Problem("c<2", "b 1.0", "version", ("c-2.0-py3-none-any.whl",))]


def test_each_machine_is_served_by_its_own_target():
    assert target_of("linux", "x86_64").name == "linux-x86_64"
    assert target_of("linux", "aarch64").name == "linux-aarch64"
    assert target_of("linux", "arm64").name == "linux-aarch64"
    assert target_of("win32", "AMD64").name == "windows-amd64"
    assert target_of("darwin", "arm64") is None
    assert target_of("win32", "ARM64") is None
