"""Offline bundles and the single-file executable, built once per test run as `make bundle` builds
them, and a bundle's installer run the way the laptop would: no network, an empty environment but
for HOME, PATH and an empty pip configuration. Loaded as a plugin by conftest.py.

Fixtures here:

- ``built``: the zips for every target (the wheels fetched from the package index, as on the
  connected machine that makes them) and the app version;
- ``here``: the target of the machine running the tests (its bundle is the one installed);
- ``unpack(name, dest)``: a target's zip unpacked, as `unzip` would, into ``dest``;
- ``offline``: the command prefix that runs a child with no network at all (``unshare -n``);
- ``executable``: the single-file Linux executable (PyInstaller).
"""

from __future__ import annotations

import os
import platform
import shlex
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tools.offline.targets import TARGETS, Target, target_of

# The interpreter the tests run in may be a virtual environment's: the installer is given the
# Python it was made from, as a laptop would have.
BASE_BIN = Path(sys.base_prefix) / "bin"


@dataclass(frozen=True)
class Built:
    version: str
    zips: dict  # target name -> zip path
    app_wheel: Path


def other_python(version: str) -> Path | None:
    """A CPython ``version`` ("3.12") on this machine: on PATH, or installed beside the one running."""
    found = [shutil.which(f"python{version}"), *Path(sys.base_prefix).parent.glob(f"{version}*/bin/python{version}")]
    for candidate in filter(None, found):
        proc = subprocess.run([str(candidate), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                              capture_output=True, text=True)
        if proc.returncode == 0 and proc.stdout.strip() == version:
            return Path(candidate)
    return None


def clean_env(home: Path, **extra: str) -> list[str]:
    """`env -i` arguments: HOME, a PATH with the base Python first, and an empty pip configuration."""
    values = {"HOME": str(home), "PATH": f"{BASE_BIN}:/usr/bin:/bin", "PIP_CONFIG_FILE": "/dev/null",
              "LANG": "C.UTF-8", **extra}
    return ["env", "-i", *(f"{k}={v}" for k, v in values.items())]


def open_tui(pane, command: str, rc_file: Path) -> None:
    """Run ``command`` in a tmux pane and get to the overview; on a first run (no store yet) the
    welcome dialog's first choice, the inspector's start on the bundled list, is taken."""
    pane.start(f"{command}; echo $? > {shlex.quote(str(rc_file))}")
    first = pane.wait_for(lambda s: "首次使用" in s or "总览" in s, "the first screen", timeout=60)
    if "首次使用" in first:
        pane.keys("Enter")
    pane.wait_for(lambda s: "总览" in s and "提信心增预期" in s, "the overview", timeout=60)


def run_installer(offline: list[str], folder: Path, *args: str, home: Path, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([*offline, *clean_env(home, **extra), "sh", str(folder / "install.sh"), *args],
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    from tools.offline.build import build_app_wheel, build_bundle
    from tools.offline.wheelhouse import read_wheel

    work = tmp_path_factory.mktemp("offline")
    app_wheel = build_app_wheel(work / "app")
    zips = {name: build_bundle(target, app_wheel, work / "dist", work) for name, target in TARGETS.items()}
    return Built(version=str(read_wheel(app_wheel).version), zips=zips, app_wheel=app_wheel)


@pytest.fixture(scope="session")
def here() -> Target:
    target = target_of(sys.platform, platform.machine())
    if target is None or target.os != "linux":
        pytest.skip(f"no Linux bundle serves {sys.platform} {platform.machine()}: install.sh cannot run here")
    return target


@pytest.fixture
def unpack(built: Built):
    def run(name: str, dest: Path) -> Path:
        with zipfile.ZipFile(built.zips[name]) as zf:
            zf.extractall(dest)
            for info in zf.infolist():  # extractall drops the mode bits `unzip` keeps
                mode = info.external_attr >> 16
                if mode:
                    os.chmod(dest / info.filename, mode)
        return dest / built.zips[name].stem

    return run


@pytest.fixture(scope="session")
def offline() -> list[str]:
    if os.geteuid() != 0:
        pytest.skip("a network namespace (unshare -n) needs root; CI runs as root")
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True)
    assert probe.returncode == 0, f"unshare -n does not work here: {probe.stderr}"
    return ["unshare", "-n"]


@pytest.fixture(scope="session")
def executable(tmp_path_factory) -> Path:
    """The single-file executable, built with PyInstaller as `make bundle` builds it."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the single-file executable is built on Linux")
    from supervise_tui import __version__
    from tools.offline.exe import build_executable

    work = tmp_path_factory.mktemp("exe")
    return build_executable(work / "dist", __version__, work / "pyinstaller")
