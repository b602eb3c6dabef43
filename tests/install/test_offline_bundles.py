"""What `make bundle` writes: per target one zip with the whole tree as wheels for every Python it
serves (the wheelhouse check, with packaging.tags), its installer, INSTALL.txt and SHA256SUMS."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest

from tools.offline.targets import PYTHONS, TARGETS
from tools.offline.wheelhouse import read_wheels, resolve

pytestmark = pytest.mark.slow

FILES = {
    "linux": ["INSTALL.txt", "SHA256SUMS", "check/bundle.json", "check/bundle_check.py", "check/wheelhouse.py",
              "install.sh"],
    "windows": ["INSTALL.txt", "SHA256SUMS", "check/bundle.json", "check/bundle_check.py", "check/wheelhouse.py",
                "install.bat", "install.ps1"],
}
# The platform part of the compiled PyYAML wheel each target must get.
YAML_PLATFORM = {"linux-x86_64": r"manylinux\w*_x86_64", "linux-aarch64": r"manylinux\w*_aarch64",
                 "windows-amd64": r"win_amd64"}


def test_one_zip_per_target_named_for_it(built):
    assert sorted(built.zips) == ["linux-aarch64", "linux-x86_64", "windows-amd64"]
    for name, path in built.zips.items():
        assert path.name == f"supervise-tui-{built.version}-offline-{name}.zip"


def test_every_target_has_the_whole_tree_for_every_python_and_nothing_else(built, unpack, tmp_path):
    for name, target in TARGETS.items():
        folder = unpack(name, tmp_path / name)
        wheels = read_wheels(folder / "wheels")
        used = set()
        for python in PYTHONS:
            result = resolve(wheels, [f"supervise-tui=={built.version}"], target.tags(python), target.markers(python))
            assert result.problems == [], (name, python, [p.describe() for p in result.problems])
            cp = "cp%d%d" % python
            assert re.fullmatch(rf"pyyaml-[\d.]+-{cp}-{cp}-(\w+\.)*{YAML_PLATFORM[name]}(\.\w+)*\.whl",
                                result.chosen["pyyaml"].path.name), (name, python)
            assert {"supervise-tui", "textual", "sqlite-utils", "platformdirs", "wcwidth"} <= set(result.chosen)
            used |= {w.path.name for w in result.chosen.values()}
        assert used == {w.path.name for w in wheels}, f"{name}: wheels no Python needs"
        assert not [w for w in wheels if w.name == "setuptools"]


def test_each_bundle_has_its_installer_checker_and_instructions(built, unpack, tmp_path):
    for name, target in TARGETS.items():
        folder = unpack(name, tmp_path / name)
        files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                       if p.is_file() and p.parent.name != "wheels")
        assert files == FILES[target.os], name
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix != ".whl":
                assert b"@VERSION@" not in path.read_bytes() and b"@TARGET@" not in path.read_bytes()


def test_sha256sums_lists_every_file_with_its_digest(built, unpack, tmp_path):
    for name in TARGETS:
        folder = unpack(name, tmp_path / name)
        files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                       if p.is_file() and p.name != "SHA256SUMS")
        expected = [f"{hashlib.sha256((folder / f).read_bytes()).hexdigest()}  {f}" for f in files]
        assert (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines() == expected


def test_install_txt_is_chinese_first_then_english(built, unpack, tmp_path):
    for name, target in TARGETS.items():
        raw = (unpack(name, tmp_path / name) / "INSTALL.txt").read_bytes()
        text = raw.decode("utf-8-sig")
        zh, en = text.index("离线安装包"), text.index("offline bundle (")
        assert zh < en
        assert f"supervise-tui-{built.version}-offline-{name}.zip" in text[:en] and \
            f"supervise-tui-{built.version}-offline-{name}.zip" in text[en:]
        command = "install.bat" if target.os == "windows" else "sh install.sh"
        assert command in text[:en] and command in text[en:]
        assert "supervise-tui selfcheck" in text[:en] and "supervise-tui selfcheck" in text[en:]


def test_windows_files_read_right_on_windows(built, unpack, tmp_path):
    folder = unpack("windows-amd64", tmp_path)
    ps1 = (folder / "install.ps1").read_bytes()
    # Windows PowerShell 5.1 takes a file without a BOM for the ANSI code page: the Chinese would break.
    assert ps1.startswith(b"\xef\xbb\xbf")
    bat = (folder / "install.bat").read_bytes()
    assert bat.isascii()  # cmd reads a batch file in the console's code page
    for data in (ps1, bat, (folder / "INSTALL.txt").read_bytes()):
        assert data.count(b"\n") == data.count(b"\r\n") > 0
    assert b"install.ps1" in bat and b"-ExecutionPolicy Bypass" in bat


def test_linux_files_are_unix_text_and_install_sh_is_executable(built, unpack, tmp_path):
    for name in ("linux-x86_64", "linux-aarch64"):
        folder = unpack(name, tmp_path / name)
        for file in ("install.sh", "INSTALL.txt"):
            assert b"\r" not in (folder / file).read_bytes()
        assert (folder / "install.sh").stat().st_mode & 0o111
        assert (folder / "install.sh").read_text(encoding="utf-8").startswith("#!/bin/sh\n")


def test_the_same_wheels_give_the_same_zip(built, tmp_path):
    from tools.offline.build import write_zip

    folder = tmp_path / Path(built.zips["linux-x86_64"].stem)
    with zipfile.ZipFile(built.zips["linux-x86_64"]) as zf:
        zf.extractall(tmp_path)
    again = tmp_path / "again.zip"
    write_zip(folder, again)
    assert again.read_bytes() == built.zips["linux-x86_64"].read_bytes()
