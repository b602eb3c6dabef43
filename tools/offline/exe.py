"""The single-file Linux executable (PyInstaller): the app and a Python in one file, nothing to install."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Loaded by name at run time, so PyInstaller's import scan cannot see them: the CLI's handlers
# (supervise_tui.cli.run imports each subcommand's module by name), Textual's widgets
# (textual.widgets resolves its names lazily) and Rich's Unicode width tables.
COLLECT_SUBMODULES = ("supervise_tui", "textual.widgets", "rich._unicode_data")


def executable_name(version: str) -> str:
    return f"supervise-tui-{version}-linux-{platform.machine()}"


def build_executable(out: Path, version: str, work: Path) -> Path:
    """Build ``out/supervise-tui-<version>-linux-<machine>`` with this interpreter and its packages."""
    from .build import BuildError

    if not sys.platform.startswith("linux"):
        raise BuildError("the single-file executable is built on Linux, for Linux")
    name = executable_name(version)
    cmd = [sys.executable, "-m", "PyInstaller", "--onefile", "--noconfirm", "--clean", "--log-level", "WARN",
           "--name", name, "--distpath", str(out), "--workpath", str(work / "build"), "--specpath", str(work),
           "--paths", str(REPO),  # the app as in the working tree, whatever way it is installed here
           "--collect-data", "supervise_tui", "--collect-data", "textual", "--strip",
           *(arg for module in COLLECT_SUBMODULES for arg in ("--collect-submodules", module)),
           str(Path(__file__).with_name("exe_entry.py"))]
    # PyInstaller's binary cache lives in the user's cache folder, shared by every build on the machine;
    # a build that cleans it while another strips into it leaves a corrupt cache that fails every later
    # build. Each build keeps its cache in its own work folder (``--clean`` empties it anyway).
    env = {**os.environ, "PYINSTALLER_CONFIG_DIR": str(work / "config")}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env,
                          cwd=work.parent if work.parent.exists() else None)
    if proc.returncode != 0:
        raise BuildError(f"PyInstaller failed:\n{proc.stdout}{proc.stderr}")
    return out / name
