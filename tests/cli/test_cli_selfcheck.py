"""`supervise-tui selfcheck`: one line per step in the user's language, exit 1 at the first failure."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys

import pytest

from supervise_tui import locations
from tests.search_kit import measures_holding

ZH = [
    "[通过] 载入:内置任务清单进入临时数据库,32 项重点工作、317 个事项",
    "[通过] 查询:搜索“税”找到 {found} 条举措",
    "[通过] 修改:在新轮次“自检”中把 W01-M01 改为推进中、50%,读回无误",
    "[通过] 对比:两轮之间 1 项变化,其中 1 项好转",
    r"\[通过\] 导出:通报写入 bulletin-2-自检\.csv（(\d+) 字节）",
    "自检通过;临时数据已删除,您的数据库和设置未被改动。",
]
EN = [
    "[ok] load: the bundled task list into a scratch store, 32 key works, 317 items",
    "[ok] query: searching “税” finds {found} measures",
    "[ok] edit: W01-M01 set to in progress, 50 %, in a new round “自检”, and read back",
    "[ok] diff: 1 changed between the rounds, 1 improved",
    r"\[ok\] export: the bulletin written to bulletin-2-自检\.csv \((\d+) bytes\)",
    "Self-check passed; the scratch data is gone, your database and settings were not touched.",
]


def matches(lines: list[str], expected: list[str]) -> bool:
    """The lines as expected; the count of measures found worked out from the bundled list."""
    from supervise_tui.domain.tasklist import load_tasklist

    found = measures_holding(load_tasklist(locations.bundled_tasklist()), "税")
    expected = [want.replace("{found}", str(found)) for want in expected]
    return len(lines) == len(expected) and all(
        line == want or (want.startswith("\\[") and re.fullmatch(want, line)) for line, want in zip(lines, expected))


def test_every_step_passes_in_chinese_and_the_users_store_is_not_touched(run_cli, isolated_locations):
    result = run_cli("selfcheck")
    assert (result.code, result.err) == (0, "")
    assert matches(result.out.splitlines(), ZH), result.out
    assert not isolated_locations.exists()


def test_in_english(run_cli):
    result = run_cli("selfcheck", "--lang", "en")
    assert (result.code, result.err) == (0, "")
    assert matches(result.out.splitlines(), EN), result.out


def test_the_first_failing_step_is_the_last_line_and_the_exit_status_is_1(run_cli, small_tasklist_file, monkeypatch):
    # a task list where nothing holds the term searched for: the search step must find some, so it fails
    from supervise_tui.domain import selfcheck

    monkeypatch.setattr(locations, "bundled_tasklist", lambda: small_tasklist_file)
    monkeypatch.setattr(selfcheck, "SEARCH", "港口")
    result = run_cli("selfcheck")
    assert result.code == 1
    assert result.out.splitlines() == ["[通过] 载入:内置任务清单进入临时数据库,1 项重点工作、3 个事项",
                                       "[失败] 查询:搜索“港口”只找到 0 条举措（计数为 0）"]
    assert result.err == "supervise-tui: 自检未通过:查询\n"
    result = run_cli("selfcheck", "--lang", "en")
    assert result.out.splitlines()[-1] == "[FAILED] query: searching “港口” found 0 measures (counted 0)"
    assert result.err == "supervise-tui: the self-check failed at: query\n"


# A Python whose SQLite is older than the store's SQL needs, as on the Linux distributions of glibc 2.28:
# the stdlib module says 3.27.2 before the app is imported.
OLD_SQLITE = "import sqlite3\nsqlite3.sqlite_version_info = (3, 27, 2)\nsqlite3.sqlite_version = '3.27.2'\n"


@pytest.mark.skipif(importlib.util.find_spec("sqlean") is None, reason="sqlean.py comes with the app on Linux only")
def test_on_a_python_with_an_old_sqlite_the_app_runs_on_sqlean(tmp_path):
    """The whole process (sqlite-utils too) runs on sqlean.py's SQLite, and every step of the self-check
    passes on it, in a fresh interpreter as an installed app would start."""
    import sqlean

    (tmp_path / "sitecustomize.py").write_text(OLD_SQLITE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "SUPERVISE_TUI_LANG": "zh"}
    probe = subprocess.run(
        [sys.executable, "-c", "import supervise_tui, sqlite3, sqlite_utils.utils as u; "
                               "print(sqlite3.__name__, sqlite3.sqlite_version, u.sqlite3.__name__)"],
        env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.split() == ["sqlean", sqlean.sqlite_version, "sqlean"]
    result = subprocess.run([sys.executable, "-m", "supervise_tui", "selfcheck"], env=env, capture_output=True,
                            text=True, encoding="utf-8", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert matches(result.stdout.splitlines(), ZH), result.stdout
