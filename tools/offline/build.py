"""`make bundle`: one offline install zip per target, and the single-file Linux executable, into dist/.

    python -m tools.offline.build [--out dist] [--target linux-x86_64 ...] [--no-exe]

Runs on a connected machine: pip fetches the wheels from the package index it is configured
with. Every target's wheel folder is checked with ``wheelhouse.resolve`` for every Python it
serves before the zip is written, so a missing wheel fails here, not on an inspector's laptop.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .targets import PYTHONS, TARGETS, Target
from .wheelhouse import read_wheel, read_wheels, resolve

REPO = Path(__file__).resolve().parents[2]
FILES = Path(__file__).resolve().parent / "files"
APP = "supervise-tui"


class BuildError(Exception):
    """The bundle cannot be made as asked (a wheel missing for a target, pip failing)."""


def pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError(f"{' '.join(cmd)}\n{proc.stdout}{proc.stderr}")


def build_app_wheel(dest: Path) -> Path:
    """The app as a wheel, built by its declared backend from a clean copy of the sources.

    Building in the working tree would reuse its build/ folder, where a module deleted since
    the last build still lies and would slip into the wheel.
    """
    with tempfile.TemporaryDirectory(prefix="supervise-src-") as tmp:
        src = Path(tmp)
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(REPO / name, src / name)
        shutil.copytree(REPO / "supervise_tui", src / "supervise_tui",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        pip("wheel", "--no-deps", "--quiet", "--wheel-dir", str(dest), str(src))
    made = sorted(dest.glob("supervise_tui-*.whl"))
    if len(made) != 1:
        raise BuildError(f"expected one supervise_tui wheel in {dest}, found {[p.name for p in made]}")
    return made[0]


def _pip_download(target: Target, python: tuple[int, int], wheel_dir: Path, *reqs: str, deps: bool = True) -> None:
    flags = [f"--platform={p}" for p in target.platforms]
    abi = "cp%d%d" % python
    pip("download", "--quiet", "--only-binary=:all:", *flags, "--python-version", "%d.%d" % python,
        "--implementation", "cp", "--abi", abi, *([] if deps else ["--no-deps"]), "--dest", str(wheel_dir), *reqs)


def fill_wheelhouse(target: Target, app_wheel: Path, wheel_dir: Path) -> None:
    """Download every dependency of the app as a wheel for ``target``, for each Python it serves.

    pip evaluates environment markers (``sys_platform == "win32"``) for the machine it runs on,
    not for ``--platform``, so what the target's markers add is fetched until the walk is whole.
    """
    wheel_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(app_wheel, wheel_dir / app_wheel.name)
    for python in PYTHONS:
        _pip_download(target, python, wheel_dir, str(wheel_dir / app_wheel.name))
        for _ in range(10):
            problems = check(target, python, wheel_dir, app_wheel.name).problems
            missing = [p.requirement for p in problems if p.reason == "missing"]
            if not missing:
                break
            _pip_download(target, python, wheel_dir, *missing)
    # The same marker rule the other way: what the build machine's markers fetched that the target's never
    # ask for (a Linux-only wheel in the Windows folder) goes.
    used = {w.path.name for python in PYTHONS for w in check(target, python, wheel_dir, app_wheel.name).chosen.values()}
    for path in wheel_dir.glob("*.whl"):
        if path.name not in used:
            path.unlink()


def check(target: Target, python: tuple[int, int], wheel_dir: Path, app_wheel_name: str):
    """The walk of the app's tree through ``wheel_dir`` for CPython ``python`` on ``target``."""
    app = read_wheel(wheel_dir / app_wheel_name)
    return resolve(read_wheels(wheel_dir), [f"{app.name}=={app.version}"], target.tags(python),
                   target.markers(python))


def check_all(target: Target, wheel_dir: Path, app_wheel_name: str) -> None:
    """Refuse the build unless every Python of ``target`` finds its whole tree in ``wheel_dir``."""
    lines = [f"{target.name}, CPython {'%d.%d' % py}: {p.describe()}"
             for py in PYTHONS for p in check(target, py, wheel_dir, app_wheel_name).problems]
    if lines:
        raise BuildError("the wheel folder cannot install the app:\n  " + "\n  ".join(lines))


def _template(name: str, values: dict[str, str]) -> str:
    text = (FILES / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def write_text(path: Path, text: str, *, windows: bool = False, bom: bool = False) -> None:
    """Linux files with LF; Windows ones with CRLF (and a BOM where Windows needs it to see UTF-8)."""
    if windows:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    path.write_bytes(("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8"))


def stage(target: Target, version: str, app_wheel_name: str, wheel_dir: Path, folder: Path) -> None:
    """Lay out the bundle's folder: wheels/, the installer, its checker, INSTALL.txt, SHA256SUMS."""
    folder.mkdir(parents=True)
    shutil.copytree(wheel_dir, folder / "wheels")
    check_dir = folder / "check"
    check_dir.mkdir()
    shutil.copy2(Path(__file__).with_name("wheelhouse.py"), check_dir / "wheelhouse.py")
    shutil.copy2(FILES / "bundle_check.py", check_dir / "bundle_check.py")
    pythons = " ".join("%d.%d" % p for p in PYTHONS)
    info = {
        "app": APP, "version": version, "target": target.name, "app_wheel": app_wheel_name,
        "pythons": ["%d.%d" % p for p in PYTHONS],
        "targets": {t.name: {"os": t.os, "machine": t.machine, "bundle": t.bundle_name(version)}
                    for t in TARGETS.values()},
        "executable": f"{APP}-{version}-linux-x86_64",
    }
    (check_dir / "bundle.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    values = {"VERSION": version, "TARGET": target.name, "PYTHONS": pythons, "APP_WHEEL": app_wheel_name,
              "BUNDLE": target.bundle_name(version)}
    windows = target.os == "windows"
    if windows:
        write_text(folder / "install.ps1", _template("install.ps1", values), windows=True, bom=True)
        write_text(folder / "install.bat", _template("install.bat", values), windows=True)
        write_text(folder / "INSTALL.txt", _template("INSTALL-windows.txt", values), windows=True, bom=True)
    else:
        write_text(folder / "install.sh", _template("install.sh", values))
        write_text(folder / "INSTALL.txt", _template("INSTALL-linux.txt", values))
    write_sums(folder)


def write_sums(folder: Path) -> None:
    """SHA256SUMS in the format `sha256sum -c` reads: every file of the bundle but itself."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(folder).as_posix()}\n")
    (folder / "SHA256SUMS").write_bytes("".join(lines).encode("utf-8"))


def write_zip(folder: Path, zip_path: Path) -> None:
    """The folder as a zip, entries sorted and dated alike, so the same wheels give the same bytes."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = zip_path.with_name(zip_path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", (2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if path.suffix == ".sh" else 0o644) << 16
            zf.writestr(info, path.read_bytes())
    tmp.replace(zip_path)


def build_bundle(target: Target, app_wheel: Path, out: Path, work: Path) -> Path:
    """The zip for one target in ``out``; ``work`` is scratch space."""
    version = read_wheel(app_wheel).version
    wheel_dir = work / f"wheels-{target.name}"
    fill_wheelhouse(target, app_wheel, wheel_dir)
    check_all(target, wheel_dir, app_wheel.name)
    zip_path = out / target.bundle_name(str(version))
    folder = work / zip_path.stem
    stage(target, str(version), app_wheel.name, wheel_dir, folder)
    write_zip(folder, zip_path)
    return zip_path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="make bundle", description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(REPO / "dist"), help="where the zips go (default dist/)")
    ap.add_argument("--target", action="append", choices=sorted(TARGETS), help="only these (default: all)")
    ap.add_argument("--no-exe", action="store_true", help="skip the single-file Linux executable")
    args = ap.parse_args(argv)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix="supervise-bundle-") as tmp:
            work = Path(tmp)
            app_wheel = build_app_wheel(work / "app")
            for name in args.target or list(TARGETS):
                zip_path = build_bundle(TARGETS[name], app_wheel, out, work)
                print(f"{zip_path}  {zip_path.stat().st_size / 1e6:.1f} MB")
            if not args.no_exe:
                from .exe import build_executable

                exe = build_executable(out, str(read_wheel(app_wheel).version), work / "pyinstaller")
                print(f"{exe}  {exe.stat().st_size / 1e6:.1f} MB")
    except BuildError as exc:
        print(f"make bundle: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
