"""Shared fixtures: every test runs with its own data directory, database and pinned clock.

Fixtures here:

- ``isolated_locations`` (autouse): points the database, data directory and settings
  file into ``tmp_path``, pins the clock and sets Chinese, so no test reads or writes the
  user's files.
- ``english``: the interface in English (environment too, for child processes).
- ``tasklist``: the bundled task list, parsed once per session (a frozen dataclass).
- ``bundled_yaml``: the bytes of the bundled task list file, for tests that edit a copy.
- ``small_tasklist_file``: ``SMALL_TASKLIST`` written to a file under ``tmp_path``.
- ``store``: a connection to the test's database (the one the CLI also sees) with the
  bundled list loaded.
- ``run_cli``: runs ``supervise_tui.cli.main(argv)`` in-process and returns a ``CliResult``.
- ``run_cli_subprocess``: the same through ``python -m supervise_tui`` in a child process,
  for the few checks that must see the real process (exit status, bytes on stdout).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PINNED_NOW = "2024-03-15T10:00:00+08:00"
TEST_USER = "tester"

# A small valid task list: one pillar, one work (with the 市公安 alias), one target, two measures.
SMALL_TASKLIST = """\
schema: '1'
document:
  doc_number: 乐政办发〔2023〕43号
  title: 乐清市促进民营经济高质量发展若干举措
aliases:
  市公安: 市公安局
pillars:
- id: P1
  numeral: 一
  title: 提信心增预期
works:
- id: W01
  seq: 1
  numeral: 一
  pillar: P1
  title: 强化财税政策保障
  stage:
    text: 2023-2027年
    start: 2023
    end: 2027
  units:
    text: '*市税务局、市公安'
    lead: 市税务局
    co:
    - 市公安
  leader: 陈宋淼
  liaison: 林良卡
  targets:
  - id: W01-T01
    no: 1
    text: 目标一
  measures:
  - id: W01-M01
    no: 1
    text: 举措一
  - id: W01-M02
    no: 2
    text: 举措二
"""


@pytest.fixture(autouse=True)
def isolated_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Redirect every location the app uses into ``tmp_path``; returns the database path."""
    db = tmp_path / "supervise.db"
    monkeypatch.setenv("SUPERVISE_TUI_DB", str(db))
    monkeypatch.setenv("SUPERVISE_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUPERVISE_TUI_CONFIG", str(tmp_path / "settings.json"))
    monkeypatch.setenv("SUPERVISE_TUI_NOW", PINNED_NOW)
    monkeypatch.delenv("SUPERVISE_TUI_LANG", raising=False)
    from supervise_tui.i18n import set_language

    set_language("zh")
    # The audit log falls back to the OS login name; make it the same on every machine.
    monkeypatch.setenv("LOGNAME", TEST_USER)
    yield db
    # main() sets the interface language globally; put it back for the next test.
    set_language("zh")


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The interface in English, for tests that read the words of a refusal (the CLI's too)."""
    from supervise_tui.i18n import set_language

    monkeypatch.setenv("SUPERVISE_TUI_LANG", "en")
    set_language("en")


@pytest.fixture(scope="session")
def bundled_path() -> Path:
    from supervise_tui.locations import bundled_tasklist

    return bundled_tasklist()


@pytest.fixture(scope="session")
def bundled_yaml(bundled_path: Path) -> bytes:
    return bundled_path.read_bytes()


@pytest.fixture(scope="session")
def tasklist(bundled_path: Path):
    from supervise_tui.domain.tasklist import load_tasklist

    return load_tasklist(bundled_path)


@pytest.fixture
def store(tasklist, isolated_locations: Path):
    """The test's database (``$SUPERVISE_TUI_DB``) with the bundled task list loaded."""
    from supervise_tui.domain.db import connect
    from supervise_tui.domain.sync import load

    conn = connect(isolated_locations)
    load(conn, tasklist, user=TEST_USER, source="bundled")
    yield conn
    conn.close()


@pytest.fixture
def small_tasklist_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_TASKLIST, encoding="utf-8")
    return path


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture):
    """Call ``run_cli("list", "--format", "json")``; returns CliResult(code, out, err)."""
    from supervise_tui.main import main

    def run(*argv: str) -> CliResult:
        capsys.readouterr()  # drop anything printed before
        code = main(list(argv))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@dataclass(frozen=True)
class ProcessResult:
    code: int
    out: bytes
    err: bytes

    @property
    def text(self) -> str:
        return self.out.decode("utf-8")


@pytest.fixture
def run_cli_subprocess():
    """Run ``python -m supervise_tui ARGS`` in a child with this test's environment."""

    def run(*argv: str, timeout: float = 60) -> ProcessResult:
        proc = subprocess.run(
            [sys.executable, "-m", "supervise_tui", *argv],
            cwd=REPO, env=dict(os.environ), capture_output=True, timeout=timeout,
        )
        return ProcessResult(proc.returncode, proc.stdout, proc.stderr)

    return run
