"""The store on the command line: check, backup, a mistyped --db, a damaged store at start."""

from __future__ import annotations

import pytest

from supervise_tui.domain.edits import Actor, apply_changes
from tests.mounts import damage_page

pytestmark = pytest.mark.usefixtures("english")


def test_check_says_sound_on_a_new_store(store, isolated_locations, run_cli):
    result = run_cli("check")
    assert result.code == 0, result.err
    assert result.out == f"{isolated_locations}: sound — SQLite's integrity check and the app's own rules all pass\n"


def test_check_prints_one_line_per_finding_and_exits_1(store, isolated_locations, run_cli):
    apply_changes(store, Actor("甲"), 1, "W01-T01", {"note": "第一行\n第二行\x1b]2;title\x07"})
    store.execute("UPDATE item_state SET note = 'x' WHERE item_id = 'W01-T01'")
    store.execute("UPDATE item_state SET version = 1 WHERE item_id = 'W01-T02'")
    result = run_cli("check")
    assert result.code == 1
    assert result.out.splitlines() == [
        "round 1 item W01-T01 note: the audit trail last says '第一行\\n第二行\\x1b]2;title\\x07', the state holds 'x'",
        "round 1 item W01-T02 was changed, but the audit trail has no record of it",
    ]
    assert result.err == f"supervise-tui: {isolated_locations}: 2 problems found (above); restore the store " \
                         "from a backup\n"


def test_check_does_not_change_the_store_it_checks(store, isolated_locations, run_cli):
    from supervise_tui.domain.db import READABLE_FROM

    # the oldest store this app reads as it stands (older than the app's schema when a step
    # added nothing the queries read): checking it must not upgrade it
    store.execute(f"PRAGMA user_version = {READABLE_FROM}")
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = isolated_locations.read_bytes()
    assert run_cli("check").code == 0
    assert isolated_locations.read_bytes() == before


def test_backup_then_check_the_copy(store, tmp_path, run_cli):
    target = tmp_path / "备份" / "2024-04-01.db"
    target.parent.mkdir()
    result = run_cli("backup", str(target))
    assert (result.code, result.err) == (0, "")
    assert result.out == f"backed up to {target} (the copy was opened and checked)\n"
    result = run_cli("--db", str(target), "check")
    assert result.code == 0 and "sound" in result.out
    assert run_cli("--db", str(target), "list", "--format", "json").code == 0


def test_backup_refuses_to_overwrite(store, tmp_path, run_cli):
    target = tmp_path / "b.db"
    target.write_text("keep me", encoding="utf-8")
    result = run_cli("backup", str(target))
    assert result.code == 1
    assert result.err == f"supervise-tui: {target}: the file exists; a backup never overwrites a file, " \
                         "choose another name\n"
    assert target.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("argv", [["list"], ["set", "W01-T01", "--progress", "5"], ["round", "new", "Q2"],
                                  ["check"], ["backup", "copy.db"], ["export"]])
def test_a_mistyped_db_is_an_error_naming_the_path_and_creates_nothing(tmp_path, run_cli, argv):
    typo = tmp_path / "supervse.db"
    result = run_cli("--db", str(typo), *argv)
    assert result.code == 1
    assert result.err == f"supervise-tui: {typo}: no such store; check --db, or create one with " \
                         "`supervise-tui load`\n"
    assert list(tmp_path.iterdir()) == []


def test_load_creates_the_store(tmp_path, run_cli):
    path = tmp_path / "new" / "s.db"
    assert run_cli("--db", str(path), "load").code == 0
    assert path.exists()


def test_the_tui_with_a_mistyped_db_says_so(tmp_path, run_cli_subprocess):
    typo = tmp_path / "supervse.db"
    result = run_cli_subprocess("--db", str(typo), "--headless", "--exit-after-first-screen")
    assert result.code == 1
    assert result.err.decode() == f"supervise-tui: {typo}: no such store; check --db, or create one with " \
                                  "`supervise-tui load`\n"
    assert not typo.exists()


@pytest.mark.parametrize(("table", "argv"), [("meta", ["--headless", "--exit-after-first-screen"]),
                                             ("items", ["list"])])
def test_a_damaged_store_at_start_is_one_line_saying_what_to_do(store, isolated_locations, run_cli_subprocess,
                                                                table, argv):
    store.close()
    damage_page(isolated_locations, table)
    result = run_cli_subprocess(*argv)
    err = result.err.decode()
    assert result.code == 1, err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert err.startswith(f"supervise-tui: {isolated_locations}: the store is damaged (")
    assert err.endswith("restore it from a backup (`supervise-tui check` lists the damage)\n")
