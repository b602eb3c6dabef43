"""Run by the installer with the Python it found: is this bundle the one for it?

    python -B check/bundle_check.py [--lang zh|en]

Prints nothing and exits 0 when the bundle fits; otherwise prints one line saying why and
which bundle to use instead, and exits 3. Nothing is written anywhere (the bundle may sit
on a read-only stick): hence -B.
"""

from __future__ import annotations

import json
import sys
import sysconfig
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUNDLE = HERE.parent
REFUSED = 3

MESSAGES = {
    "other_target": (
        "这个安装包用于 {target},这台电脑的 Python 是 {here}:请改用 {bundle}",
        "This bundle is for {target} and this computer's Python is {here}: use {bundle} instead"),
    "no_target": (
        "这个安装包用于 {target},这台电脑的 Python 是 {here},没有适合它的离线安装包",
        "This bundle is for {target} and this computer's Python is {here}: no offline bundle serves it"),
    "other_python": (
        "这个安装包需要 CPython {pythons},找到的是 {python}({found}):请安装其中一个版本,或用 --python 指定{exe}",
        "This bundle needs CPython {pythons} and found {python} ({found}): install one of them, "
        "or name it with --python{exe}"),
    "exe": (",或使用不需要 Python 的单文件程序 {exe}", ", or use the single-file program {exe}, which needs no Python"),
    "wheels": (
        "{python}({found})不接受包中的 {wheels}:这台电脑的系统可能太旧(需要 glibc 2.28 或更新)",
        "{python} ({found}) cannot take {wheels} from this bundle: the system may be too old "
        "(glibc 2.28 or newer is needed)"),
}


def say(lang: str, key: str, **values) -> str:
    zh, en = MESSAGES[key]
    return (en if lang == "en" else zh).format(**values)


def this_python() -> tuple[str, str]:
    """(os, machine) of the running interpreter: linux/windows/darwin, and the processor it was built for."""
    system = "windows" if sys.platform == "win32" else sys.platform
    plat = sysconfig.get_platform()  # linux-x86_64, win-amd64, win32 (a 32-bit Python), macosx-11.0-arm64
    machine = "x86" if plat == "win32" else plat.rsplit("-", 1)[-1]
    return system, {"amd64": "x86_64", "arm64": "aarch64"}.get(machine.lower(), machine.lower())


def refusal(info: dict, lang: str) -> str | None:
    """The one line refusing this bundle for the running Python, or None if it fits."""
    system, machine = this_python()
    here = f"{system}-{machine}"
    mine = info["targets"][info["target"]]
    fits = {"amd64": "x86_64"}.get(mine["machine"], mine["machine"])
    if (mine["os"], fits) != (system, machine):
        for name, t in info["targets"].items():
            if (t["os"], {"amd64": "x86_64"}.get(t["machine"], t["machine"])) == (system, machine):
                return say(lang, "other_target", target=info["target"], here=here, bundle=t["bundle"])
        return say(lang, "no_target", target=info["target"], here=here)
    found = "%s %d.%d" % (sys.implementation.name, *sys.version_info[:2])
    if sys.implementation.name != "cpython" or "%d.%d" % sys.version_info[:2] not in info["pythons"]:
        exe = say(lang, "exe", exe=info["executable"]) if here == "linux-x86_64" else ""
        return say(lang, "other_python", pythons="/".join(info["pythons"]), python=sys.executable,
                   found=found, exe=exe)
    return wheel_refusal(info, lang, found)


def wheel_refusal(info: dict, lang: str, found: str) -> str | None:
    """Every wheel the app needs must carry a tag this very interpreter accepts (glibc, musl)."""
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(next((BUNDLE / "wheels").glob("pip-*.whl"))))
    import wheelhouse

    wheelhouse.VENDORED = True
    from pip._vendor.packaging import markers, tags

    app = wheelhouse.read_wheel(BUNDLE / "wheels" / info["app_wheel"])
    env = {k: str(v) for k, v in markers.default_environment().items()}
    result = wheelhouse.resolve(wheelhouse.read_wheels(BUNDLE / "wheels"), [f"{app.name}=={app.version}"],
                                list(tags.sys_tags()), env)
    if not result.problems:
        return None
    wheels = ", ".join(sorted({p.requirement for p in result.problems}))
    return say(lang, "wheels", python=sys.executable, found=found, wheels=wheels)


def main(argv: list[str]) -> int:
    lang = argv[argv.index("--lang") + 1] if "--lang" in argv else "zh"
    info = json.loads((HERE / "bundle.json").read_text(encoding="utf-8"))
    line = refusal(info, lang)
    if line:
        print(line, file=sys.stderr)
        return REFUSED
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
