"""The installer refuses, in one line and before writing anything: a damaged or altered bundle, a
bundle for another platform, a Python it does not serve, and wheels the interpreter cannot take."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.install.offline_kit import BASE_BIN, other_python, run_installer

pytestmark = pytest.mark.slow

PYTHON_310 = other_python("3.10")


def refused(proc: subprocess.CompletedProcess, code: int) -> str:
    """The one line of a refusal (after the installer's title line on stdout)."""
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def nothing_written(home: Path) -> None:
    assert not (home / ".local").exists()


def test_one_changed_byte_is_refused_before_anything_is_written(built, here, unpack, offline, tmp_path):
    folder = unpack(here.name, tmp_path)
    wheel = folder / "wheels" / built.app_wheel.name
    data = bytearray(wheel.read_bytes())
    data[len(data) // 2] ^= 0x01
    wheel.write_bytes(bytes(data))
    home = tmp_path / "home"
    line = refused(run_installer(offline, folder, "--yes", home=home), 1)
    assert line == (f"校验失败:wheels/{built.app_wheel.name} 与 SHA256SUMS 不符,安装包已损坏,请重新复制整个压缩包")
    nothing_written(home)
    line = refused(run_installer(offline, folder, "--yes", "--lang", "en", home=home), 1)
    assert line.startswith(f"Checksum mismatch: wheels/{built.app_wheel.name} differs from SHA256SUMS")


def test_a_wheel_slipped_into_the_bundle_is_refused(built, here, unpack, offline, tmp_path):
    folder = unpack(here.name, tmp_path)
    (folder / "wheels" / "evil-1.0-py3-none-any.whl").write_bytes(b"PK\x05\x06" + bytes(18))
    home = tmp_path / "home"
    line = refused(run_installer(offline, folder, "--yes", home=home), 1)
    assert line.startswith("wheels/evil-1.0-py3-none-any.whl 不在 SHA256SUMS 中")
    nothing_written(home)


def test_a_bundle_for_another_platform_names_the_right_one(built, here, unpack, offline, tmp_path):
    other = next(name for name in built.zips if name != here.name and name.startswith("linux"))
    folder = unpack(other, tmp_path)
    home = tmp_path / "home"
    right = f"supervise-tui-{built.version}-offline-{here.name}.zip"
    line = refused(run_installer(offline, folder, "--yes", home=home), 3)
    assert line == f"这个安装包用于 {other},这台电脑的 Python 是 {here.name}:请改用 {right}"
    line = refused(run_installer(offline, folder, "--yes", "--lang", "en", home=home), 3)
    assert line == f"This bundle is for {other} and this computer's Python is {here.name}: use {right} instead"
    nothing_written(home)


def test_the_windows_bundles_checker_names_the_bundle_for_this_machine(built, here, unpack, tmp_path):
    folder = unpack("windows-amd64", tmp_path)
    proc = subprocess.run([str(BASE_BIN / "python3"), "-B", "check/bundle_check.py", "--lang", "en"], cwd=folder,
                          capture_output=True, text=True)
    right = f"supervise-tui-{built.version}-offline-{here.name}.zip"
    assert refused(proc, 3) == (f"This bundle is for windows-amd64 and this computer's Python is {here.name}: "
                                f"use {right} instead")


@pytest.mark.skipif(PYTHON_310 is None, reason="no Python 3.10 on this machine to be refused")
def test_a_python_it_does_not_serve_is_refused(built, here, unpack, offline, tmp_path):
    folder = unpack(here.name, tmp_path)
    home = tmp_path / "home"
    line = refused(run_installer(offline, folder, "--yes", "--python", str(PYTHON_310), "--lang", "en", home=home), 3)
    exe = f", or use the single-file program supervise-tui-{built.version}-linux-x86_64, which needs no Python"
    assert line == (f"This bundle needs CPython 3.11/3.12/3.13 and found {PYTHON_310} (cpython 3.10): install one "
                    f"of them, or name it with --python{exe if here.name == 'linux-x86_64' else ''}")
    nothing_written(home)


def test_wheels_the_interpreter_cannot_take_are_named(built, here, unpack, offline, tmp_path):
    """With its compiled PyYAML gone (and struck from SHA256SUMS), CPython 3.11 is refused by name."""
    folder = unpack(here.name, tmp_path)
    (yaml,) = (folder / "wheels").glob("pyyaml-*-cp311-cp311-*.whl")
    yaml.unlink()
    sums = folder / "SHA256SUMS"
    sums.write_text("".join(line for line in sums.read_text(encoding="utf-8").splitlines(keepends=True)
                            if yaml.name not in line), encoding="utf-8")
    home = tmp_path / "home"
    python = BASE_BIN / "python3.11"
    if not python.exists():
        pytest.skip("the tests do not run on CPython 3.11")
    line = refused(run_installer(offline, folder, "--yes", "--python", str(python), home=home), 3)
    assert line.startswith(f"{python}(cpython 3.11)不接受包中的 pyyaml")
    nothing_written(home)


def test_a_folder_of_something_else_is_never_installed_into(built, here, unpack, offline, tmp_path):
    folder = unpack(here.name, tmp_path)
    home = tmp_path / "home"
    target = tmp_path / "documents"
    target.mkdir()
    (target / "report.docx").write_bytes(b"mine")
    line = refused(run_installer(offline, folder, "--yes", "--prefix", str(target), home=home), 2)
    assert line.startswith(f"{target} 已存在且不是 supervise-tui 的安装文件夹")
    assert [p.name for p in target.iterdir()] == ["report.docx"]
