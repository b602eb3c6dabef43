"""The package runs on Windows: no POSIX-only module or call, no hard-coded POSIX path, and every
file opened in text mode names its encoding (Windows would otherwise use the ANSI code page).

Read from the source with ``ast``, so a call on a path the tests never take is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "supervise_tui"

POSIX_MODULES = {"fcntl", "termios", "tty", "pty", "pwd", "grp", "resource", "posix", "syslog", "crypt", "spwd",
                 "nis", "ossaudiodev", "readline", "curses"}
POSIX_ATTRIBUTES = {
    "os": {"fork", "forkpty", "openpty", "getuid", "geteuid", "getgid", "getegid", "getgroups", "setuid", "seteuid",
           "setgid", "setsid", "setpgid", "getpgid", "getpgrp", "killpg", "chown", "lchown", "fchown", "mkfifo",
           "mknod", "statvfs", "fstatvfs", "uname", "nice", "getloadavg", "sync", "pipe2", "sysconf", "pathconf",
           "fpathconf", "confstr", "ttyname", "ctermid", "chroot", "wait3", "wait4", "WNOHANG", "O_NOFOLLOW",
           "O_DIRECTORY", "O_NONBLOCK", "O_CLOEXEC", "symlink", "sched_getaffinity", "posix_spawn", "getpwnam"},
    "signal": {"SIGKILL", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD", "SIGPIPE", "SIGQUIT", "SIGTSTP",
               "SIGCONT", "SIGWINCH", "alarm", "pause", "setitimer", "siginterrupt", "pthread_kill"},
    "select": {"poll", "epoll", "kqueue"},
    "socket": {"AF_UNIX"},
}
POSIX_PATHS = ("/tmp", "/dev/", "/etc/", "/usr/", "/var/", "/proc/", "/home/", "~/")
TEXT_OPENERS = {"open", "fdopen", "NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile"}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def findings(source: str, where: str) -> list[str]:
    """What in ``source`` (the text of module ``where``) would not run, or not read right, on Windows."""
    found = []
    for node in ast.walk(ast.parse(source, filename=where)):
        line = f"{where}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [f"{line}: import {a.name}" for a in node.names if a.name.split(".")[0] in POSIX_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in POSIX_MODULES:
                found.append(f"{line}: from {node.module} import")
            for alias in node.names:
                if alias.name in POSIX_ATTRIBUTES.get(node.module, ()):
                    found.append(f"{line}: from {node.module} import {alias.name}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.attr in POSIX_ATTRIBUTES.get(node.value.id, ()):
                found.append(f"{line}: {node.value.id}.{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.startswith(POSIX_PATHS):
                found.append(f"{line}: hard-coded path {node.value!r}")
        elif isinstance(node, ast.Call):
            problem = encoding_problem(node)
            if problem:
                found.append(f"{line}: {problem}")
    return found


def encoding_problem(call: ast.Call) -> str | None:
    """A file opened in text mode, or text read or written, without encoding=."""
    func = call.func
    owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else None
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    keywords = {k.arg for k in call.keywords}
    if "encoding" in keywords:
        return None
    if name in ("read_text", "write_text"):
        return f"{name}() without encoding="
    if name in ("run", "Popen", "check_output") and keywords & {"text", "universal_newlines"}:
        return f"subprocess.{name}(text=True) without encoding="
    if name not in TEXT_OPENERS or (name == "open" and owner == "os"):  # os.open gives a file descriptor
        return None
    # Where the mode is: open(file, mode), io.open / os.fdopen(fd, mode), Path(...).open(mode),
    # NamedTemporaryFile(mode) / TemporaryFile(mode), SpooledTemporaryFile(max_size, mode).
    if name == "open" and isinstance(func, ast.Attribute):
        position = 1 if owner in ("io", "codecs", "gzip", "bz2", "lzma") else 0  # else a Path's open(mode)
    else:
        position = {"SpooledTemporaryFile": 1}.get(name, 0 if "Temporary" in name else 1)
    mode = next((k.value for k in call.keywords if k.arg == "mode"), None)
    if mode is None and len(call.args) > position:
        mode = call.args[position]
    if mode is None and "Temporary" in name:
        return None  # their default mode is w+b
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and "b" in mode.value:
        return None
    return f"{name}() in text mode without encoding="


def test_the_scan_sees_every_module():
    assert len(modules()) > 40
    assert PACKAGE / "domain" / "export.py" in modules()


@pytest.mark.parametrize("source, expected", [
    ("import fcntl", ["import fcntl"]),
    ("from os import getuid", ["from os import getuid"]),
    ("import os\nos.getuid()", ["os.getuid"]),
    ("import signal\nsignal.signal(signal.SIGHUP, None)", ["signal.SIGHUP"]),
    ("p = '/tmp/x.db'", ["hard-coded path '/tmp/x.db'"]),
    ("open('f')", ["open() in text mode without encoding="]),
    ("open('f', 'w')", ["open() in text mode without encoding="]),
    ("open('f', 'rb')", []),
    ("open('f', encoding='utf-8')", []),
    ("from pathlib import Path\nPath('f').read_text()", ["read_text() without encoding="]),
    ("from pathlib import Path\nPath('f').write_text('x', encoding='utf-8')", []),
    ("from pathlib import Path\nPath('f').open('w')", ["open() in text mode without encoding="]),
    ("from pathlib import Path\nPath('f').open('wb')", []),
    ("from pathlib import Path\np = Path('f')\np.open('a')", ["open() in text mode without encoding="]),
    ("from pathlib import Path\np = Path('f')\np.open('ab')", []),
    ("import os\nos.fdopen(3, 'wb')", []),
    ("import os\nos.fdopen(3, 'w')", ["fdopen() in text mode without encoding="]),
    ("import tempfile\ntempfile.NamedTemporaryFile()", []),
    ("import tempfile\ntempfile.NamedTemporaryFile('w')", ["NamedTemporaryFile() in text mode without encoding="]),
    ("import subprocess\nsubprocess.run(['x'], text=True)", ["subprocess.run(text=True) without encoding="]),
    ("import os\nos.replace('a', 'b')", []),
    ("import os\nos.open('f', os.O_RDONLY)", []),
    ("import io\nio.open('f', 'r')", ["open() in text mode without encoding="]),
])
def test_the_scan_catches_what_it_should(source, expected):
    assert [f.split(": ", 1)[1] for f in findings(source, "probe.py")] == expected


def test_no_posix_only_module_or_call_and_every_text_file_names_its_encoding():
    problems = [f for path in modules()
                for f in findings(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE.parent).as_posix())]
    assert problems == []


def test_on_windows_redirected_output_is_utf8_not_the_ansi_code_page():
    import io

    from supervise_tui.cli.run import utf8_when_redirected

    def stream() -> io.TextIOWrapper:
        return io.TextIOWrapper(io.BytesIO(), encoding="cp936")  # what a Chinese Windows gives a pipe

    text = "W01-M01 ✓ 张三 𠀋"  # ✓ and the rare character have no cp936 code
    redirected = stream()
    utf8_when_redirected([redirected], platform="win32")
    redirected.write(text)
    redirected.flush()
    assert redirected.buffer.getvalue() == text.encode("utf-8")
    elsewhere = stream()
    utf8_when_redirected([elsewhere], platform="linux")
    assert elsewhere.encoding == "cp936"
