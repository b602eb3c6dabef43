"""Installing this machine's bundle as an inspector's laptop would: no network (unshare -n), no pip
configuration (PIP_CONFIG_FILE=/dev/null, --isolated, --no-index), nothing in the environment but
HOME and PATH. Then the installed self-check passes and the TUI opens from the installed command;
re-running the installer upgrades in place and keeps the store and the settings."""

from __future__ import annotations

import base64
import hashlib
import json
import shlex
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.e2e.tmux_kit import Pane
from tests.install.offline_kit import BASE_BIN, clean_env, open_tui, other_python, run_installer
from tools.offline.targets import PYTHONS
from tools.offline.wheelhouse import read_wheels, resolve

pytestmark = pytest.mark.slow

SELFCHECK_ZH = ["[通过] 载入", "[通过] 查询", "[通过] 修改", "[通过] 对比", "[通过] 导出"]


def selfcheck_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("[")]


def python_version(python: Path) -> tuple[int, int]:
    out = subprocess.run([str(python), "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True,
                         text=True, check=True).stdout.split()
    return int(out[0]), int(out[1])


def test_installed_with_no_network_it_checks_itself_and_opens(built, here, unpack, offline, tmp_path):
    folder = unpack(here.name, tmp_path / "stick")
    home = tmp_path / "home"
    proc = run_installer(offline, folder, "--yes", home=home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    prefix, launcher = home / ".local/share/supervise-tui-app", home / ".local/bin/supervise-tui"
    python = BASE_BIN / "python3"
    assert f"使用 Python {'%d.%d' % python_version(python)}:{python}" in proc.stdout
    assert f"启动命令:{launcher}" in proc.stdout
    assert [line[:7] for line in selfcheck_lines(proc.stdout)] == SELFCHECK_ZH

    # pip took every package from the bundle, and exactly the wheels the walk picks for this Python
    report = json.loads((prefix / "install-report.json").read_text(encoding="utf-8"))
    urls = sorted(item["download_info"]["url"] for item in report["install"])
    version = python_version(python)
    chosen = resolve(read_wheels(folder / "wheels"), [f"supervise-tui=={built.version}"], here.tags(version),
                     here.markers(version)).chosen
    assert urls == sorted((folder / "wheels" / w.path.name).as_uri() for w in chosen.values())
    venv_python = prefix / "venv" / "bin" / "python"
    probe = subprocess.run([str(venv_python), "-c", "import importlib.util, yaml; "
                            "print(yaml.__with_libyaml__, importlib.util.find_spec('setuptools'))"],
                           capture_output=True, text=True)
    assert probe.stdout == "True None\n"  # PyYAML's compiled loader; no setuptools needed

    # the installed command, again with nothing at all in its environment
    again = subprocess.run([*offline, "env", "-i", str(launcher), "selfcheck"], capture_output=True, text=True,
                           cwd=tmp_path, timeout=120)
    assert again.returncode == 0, again.stderr
    assert [line[:7] for line in selfcheck_lines(again.stdout)] == SELFCHECK_ZH
    assert not (home / ".local/share/supervise-tui").exists()  # the self-check left the user's data alone

    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed: no real terminal to open the TUI in")
    rc_file = tmp_path / "rc"
    command = shlex.join([*offline, *clean_env(home, TERM="xterm-256color"), str(launcher)])
    pane = Pane(tmp_path)
    try:
        open_tui(pane, command, rc_file)
        pane.keys("q")
        pane.wait_exit()
    finally:
        pane.kill()
    assert rc_file.read_text().strip() == "0"
    assert (home / ".local/share/supervise-tui/supervise.db").exists()  # the store, in the home folder


def relabelled(wheel: Path, version: str, dest: Path) -> Path:
    """The app wheel as if it were an older release: its metadata, __version__ and RECORD rewritten."""
    current = wheel.name.split("-")[1]
    out_path = dest / wheel.name.replace(f"-{current}-", f"-{version}-")
    info_dir = f"supervise_tui-{version}.dist-info"
    record = []
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(out_path, "w") as out:
        for item in src.infolist():
            name = item.filename.replace(f"supervise_tui-{current}.dist-info", info_dir)
            data = src.read(item)
            if name.endswith(".dist-info/RECORD"):
                continue
            if name.endswith(".dist-info/METADATA"):
                data = data.replace(f"Version: {current}".encode(), f"Version: {version}".encode())
            if name == "supervise_tui/__init__.py":
                data = data.replace(f'"{current}"'.encode(), f'"{version}"'.encode())
            out.writestr(name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{name},sha256={digest},{len(data)}")
        out.writestr(f"{info_dir}/RECORD", "\n".join([*record, f"{info_dir}/RECORD,,"]) + "\n")
    return out_path


def test_running_it_again_upgrades_in_place_and_keeps_store_and_settings(built, here, unpack, offline, tmp_path):
    folder = unpack(here.name, tmp_path / "stick")
    home = tmp_path / "home"
    assert run_installer(offline, folder, "--yes", home=home).returncode == 0
    prefix, launcher = home / ".local/share/supervise-tui-app", home / ".local/bin/supervise-tui"
    data = home / ".local/share/supervise-tui"
    data.mkdir(parents=True)
    settings = data / "settings.json"
    settings.write_text('{"user": "张三", "lights": {"yellow_behind": 15}}\n', encoding="utf-8")

    def app(*argv: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([*offline, *clean_env(home), str(launcher), *argv], capture_output=True, text=True)
        assert proc.returncode == 0, (argv, proc.stderr)
        return proc

    app("load")
    app("set", "W05-M03", "--status", "推进中", "--progress", "40", "--note", "已对接 12 家银行")
    before = app("show", "W05-M03", "--format", "json").stdout

    # an older release in the same place, put there with the venv's own pip and the bundle's wheels
    old = relabelled(built.app_wheel, "0.0.9", tmp_path)
    venv_python = prefix / "venv" / "bin" / "python"
    subprocess.run([*offline, *clean_env(home), str(venv_python), "-m", "pip", "install", "--isolated", "--no-index",
                    "--no-deps", "--force-reinstall", "--quiet", str(old)], check=True, capture_output=True)
    assert app("--version").stdout == "supervise-tui 0.0.9\n"
    venv_cfg = (prefix / "venv" / "pyvenv.cfg").read_bytes()

    proc = run_installer(offline, folder, "--yes", home=home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"升级 {prefix} 中已有的安装" in proc.stdout
    assert [line[:7] for line in selfcheck_lines(proc.stdout)] == SELFCHECK_ZH
    assert app("--version").stdout == f"supervise-tui {built.version}\n"
    assert (prefix / "venv" / "pyvenv.cfg").read_bytes() == venv_cfg  # the same environment, upgraded
    assert settings.read_text(encoding="utf-8") == '{"user": "张三", "lights": {"yellow_behind": 15}}\n'
    after = app("show", "W05-M03", "--format", "json").stdout
    assert after == before
    item = json.loads(after)
    assert (item["status"], item["progress"], item["updated_by"]) == ("in_progress", 40, "张三")


@pytest.mark.parametrize("version", ["%d.%d" % p for p in PYTHONS])
def test_the_bundle_installs_on_every_python_it_serves(here, unpack, offline, tmp_path, version):
    python = other_python(version)
    if python is None:
        pytest.skip(f"no CPython {version} on this machine")
    folder = unpack(here.name, tmp_path / "stick")
    proc = run_installer(offline, folder, "--yes", "--python", str(python), "--prefix", str(tmp_path / "app"),
                         "--bin-dir", str(tmp_path / "bin"), "--lang", "en", home=tmp_path / "home")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"Using Python {version}: {python}" in proc.stdout
    assert [line[:5] for line in selfcheck_lines(proc.stdout)] == ["[ok] "] * 5
    assert python_version(tmp_path / "app" / "venv" / "bin" / "python") == tuple(map(int, version.split(".")))
