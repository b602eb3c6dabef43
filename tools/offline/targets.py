"""The platforms an offline bundle is made for, as pip sees them and as `packaging.tags` does."""

from __future__ import annotations

from dataclasses import dataclass

PYTHONS = ((3, 11), (3, 12), (3, 13))
# Linux wheels must run on the oldest glibc the inspectors' systems have: Kylin V10, UOS 20 and
# openEuler 20.03 all ship glibc 2.28, so a wheel for manylinux_2_28 or older is accepted.
GLIBC_FLOOR = (2, 28)


@dataclass(frozen=True)
class Target:
    """One bundle: an operating system and processor, served by every Python in PYTHONS."""

    name: str  # in the bundle's file name: linux-x86_64, linux-aarch64, windows-amd64
    os: str  # linux or windows
    machine: str  # platform.machine() as the target reports it, lower case
    platforms: tuple[str, ...]  # wheel platform tags the target accepts, most specific first

    def markers(self, python: tuple[int, int]) -> dict[str, str]:
        """The environment markers (PEP 508) of CPython ``python`` on this target."""
        version = "%d.%d" % python
        windows = self.os == "windows"
        return {
            "implementation_name": "cpython",
            "implementation_version": f"{version}.0",
            "os_name": "nt" if windows else "posix",
            "platform_machine": "AMD64" if windows else self.machine,
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": "Windows" if windows else "Linux",
            "platform_version": "",
            "python_full_version": f"{version}.0",
            "python_version": version,
            "sys_platform": "win32" if windows else "linux",
        }

    def tags(self, python: tuple[int, int]) -> list:
        """Every wheel tag CPython ``python`` accepts on this target, best first (packaging.tags)."""
        from .wheelhouse import tags_module

        tags = tags_module()
        interpreter = "cp%d%d" % python
        return [*tags.cpython_tags(python, abis=[interpreter], platforms=self.platforms),
                *tags.compatible_tags(python, interpreter=interpreter, platforms=self.platforms)]

    def bundle_name(self, version: str) -> str:
        return f"supervise-tui-{version}-offline-{self.name}.zip"


def _manylinux(arch: str, oldest_minor: int) -> tuple[str, ...]:
    """manylinux_2_28 down to the oldest glibc a wheel was ever built for, with the legacy aliases."""
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(GLIBC_FLOOR[1], oldest_minor - 1, -1)]
    legacy = {"x86_64": ("manylinux2014", "manylinux2010", "manylinux1"), "aarch64": ("manylinux2014",)}
    return (*tags, *(f"{alias}_{arch}" for alias in legacy[arch]))


TARGETS = {
    t.name: t for t in (
        Target("linux-x86_64", "linux", "x86_64", _manylinux("x86_64", 5)),
        Target("linux-aarch64", "linux", "aarch64", _manylinux("aarch64", 17)),
        Target("windows-amd64", "windows", "amd64", ("win_amd64",)),
    )
}


def target_of(os_name: str, machine: str) -> Target | None:
    """The target serving a system (sys.platform-like name, platform.machine()), if there is one."""
    machine = {"amd64": "x86_64", "x64": "x86_64", "arm64": "aarch64"}.get(machine.lower(), machine.lower())
    system = "windows" if os_name.startswith("win") else os_name
    for target in TARGETS.values():
        mine = {"amd64": "x86_64"}.get(target.machine, target.machine)
        if target.os == system and mine == machine:
            return target
    return None
