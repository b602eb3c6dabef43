"""The command line on read-only media and on a full disk: reads work, writes are refused by name."""

from __future__ import annotations

import json
import shutil

import pytest

from supervise_tui.domain.edits import Actor, apply_changes
from supervise_tui.domain.rounds import create_round
from tests.mounts import checkpointed, fill, put_on, read_only_mount, tiny_disk

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def on_cd(store, isolated_locations, tmp_path):
    """The store, with a note and two rounds, on a read-only mount (as on a CD); yields its path."""
    apply_changes(store, Actor("甲"), 1, "W01-T01", {"note": "光盘上的备注", "progress": 40})
    create_round(store, Actor("甲"), "第2轮")
    apply_changes(store, Actor("甲"), 2, "W01-T01", {"progress": 60})
    folder = tmp_path / "cd"
    folder.mkdir()
    put_on(isolated_locations, folder)
    with read_only_mount(folder) as mounted:
        yield mounted / isolated_locations.name


def test_a_store_on_read_only_media_can_be_listed_searched_compared_and_exported(on_cd, tmp_path, run_cli):
    db = str(on_cd)
    result = run_cli("--db", db, "list", "--search", "W01-T01", "--format", "json")
    assert result.code == 0, result.err
    [row] = json.loads(result.out)
    assert (row["id"], row["note"], row["progress"]) == ("W01-T01", "光盘上的备注", 60)
    assert run_cli("--db", db, "show", "W01-T01").code == 0
    result = run_cli("--db", db, "diff", "第1轮", "第2轮", "--format", "json")
    assert result.code == 0 and json.loads(result.out)["counts"]["improved"] >= 0
    out = tmp_path / "exports"
    result = run_cli("--db", db, "export", "--out", str(out), "--format", "csv")
    assert result.code == 0, result.err
    assert [p.suffix for p in out.iterdir()] == [".csv"]
    assert run_cli("--db", db, "check").code == 0
    assert run_cli("--db", db, "backup", str(tmp_path / "copy.db")).code == 0
    assert sorted(p.name for p in on_cd.parent.iterdir()) == [on_cd.name]  # nothing written beside it


def test_an_edit_on_read_only_media_is_refused_by_name(on_cd, run_cli):
    for argv in (["set", "W01-T01", "--progress", "70"], ["round", "new", "第3轮"], ["light", "W01-T01", "red",
                                                                                   "--reason", "x"]):
        result = run_cli("--db", str(on_cd), *argv)
        assert result.code == 1
        assert result.err == f"supervise-tui: {on_cd}: the store is read-only (its folder or medium cannot be " \
                             "written); nothing can be changed\n"


def test_a_store_whose_changes_are_still_in_its_wal_is_not_read_half(store, isolated_locations, tmp_path, run_cli):
    folder = tmp_path / "stick"
    folder.mkdir()
    checkpointed(isolated_locations)
    apply_changes(store, Actor("甲"), 1, "W01-T01", {"note": "只在 WAL 里"})  # not yet in the main file
    for suffix in ("", "-wal"):
        shutil.copy(f"{isolated_locations}{suffix}", folder / f"s.db{suffix}")
    with read_only_mount(folder) as mounted:
        result = run_cli("--db", str(mounted / "s.db"), "list")
    assert result.code == 1
    assert result.err.startswith(f"supervise-tui: {mounted / 's.db'}: the store was not closed cleanly")


def test_a_full_disk_says_so_with_the_path_and_reads_go_on(store, isolated_locations, tmp_path, run_cli):
    with tiny_disk(tmp_path / "tiny") as disk:
        db = put_on(isolated_locations, disk)
        out = disk / "exports"
        assert run_cli("--db", str(db), "export", "--out", str(out), "--format", "md").code == 0
        [earlier] = list(out.iterdir())
        before = earlier.read_bytes()
        fill(disk)
        result = run_cli("--db", str(db), "list", "--format", "json")
        assert result.code == 0, result.err  # reads keep working
        assert len(json.loads(result.out)) == 317
        result = run_cli("--db", str(db), "set", "W01-T01", "--progress", "5")
        assert result.code == 1
        assert result.err == f"supervise-tui: {db}: the disk is full, so the store cannot be written; nothing " \
                             "was saved, free some space and try again\n"
        result = run_cli("--db", str(db), "export", "--out", str(out), "--format", "md")
        assert result.code == 1
        assert result.err == f"supervise-tui: {earlier}: no space left on the disk\n"
        assert [p.name for p in out.iterdir()] == [earlier.name]  # no temporary file left
        assert earlier.read_bytes() == before  # the previous export is intact
