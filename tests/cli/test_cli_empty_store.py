"""A command on a store that exists but holds no task list is refused in one line, and writes nothing."""

from __future__ import annotations

from supervise_tui.domain.db import connect


def test_a_command_on_a_store_without_a_task_list_says_to_load_one(isolated_locations, run_cli):
    connect(isolated_locations).close()  # the schema, no items
    before = isolated_locations.read_bytes()
    for argv in (("list", "--format", "json"), ("diff", "1", "2", "--summary"), ("export", "--format", "csv")):
        result = run_cli(*argv)
        assert (result.code, result.out) == (1, "")
        assert result.err == f"supervise-tui: {isolated_locations}: 数据库是空的;请先运行 `supervise-tui load`\n"
    assert isolated_locations.read_bytes() == before
