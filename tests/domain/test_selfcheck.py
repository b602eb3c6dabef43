"""The self-check's steps: load, query, edit, diff, export, each checked; nothing of the user's touched."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from supervise_tui.domain.selfcheck import Step, run_selfcheck
from supervise_tui.errors import SuperviseError
from supervise_tui.i18n import Msg
from tests.search_kit import measures_holding


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the self-check's temporary folder goes, so a test can see it is gone afterwards."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_every_step_passes_on_the_bundled_task_list(bundled_path, scratch, isolated_locations, tasklist):
    steps = list(run_selfcheck(bundled_path))
    assert steps == [
        Step("load", {"works": 32, "items": 317}),
        Step("query", {"term": "税", "found": measures_holding(tasklist, "税")}),
        Step("edit", {"id": "W01-M01", "round": "自检"}),
        Step("diff", {"changed": 1, "improved": 1}),
        Step("export", {"file": "bulletin-2-自检.csv", "size": steps[-1].values["size"]}),
    ]
    assert list(scratch.iterdir()) == []  # the scratch store and export are gone
    assert not isolated_locations.exists()  # the user's store was never opened


def test_the_steps_come_one_at_a_time(bundled_path, scratch):
    steps = run_selfcheck(bundled_path)
    first = next(steps)
    assert first.name == "load" and first.ok
    (folder,) = scratch.iterdir()
    assert sorted(p.name for p in folder.iterdir())[:1] == ["selfcheck.db"]  # and nothing more yet
    assert not (folder / "exports").exists()
    assert [s.name for s in steps] == ["query", "edit", "diff", "export"]


def test_a_step_that_does_not_give_what_it_must_fails_and_is_the_last(small_tasklist_file, scratch, monkeypatch):
    # nothing in the small list holds 港口: the search finds nothing, which is wrong
    from supervise_tui.domain import selfcheck

    monkeypatch.setattr(selfcheck, "SEARCH", "港口")
    steps = list(run_selfcheck(small_tasklist_file))
    assert [(s.name, s.ok) for s in steps] == [("load", True), ("query", False)]
    assert steps[0].values == {"works": 1, "items": 3}
    assert isinstance(steps[1].error, SuperviseError)
    assert steps[1].error.msg == Msg("error.selfcheck.search", term="港口", found=0, counted=0)
    assert list(scratch.iterdir()) == []


def test_an_unreadable_task_list_fails_the_first_step(tmp_path, scratch):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: '1'\nworks: [\n", encoding="utf-8")
    steps = list(run_selfcheck(bad))
    assert [(s.name, s.ok) for s in steps] == [("load", False)]
    assert str(bad) in str(steps[0].error)


def test_a_hit_that_holds_the_term_nowhere_a_search_looks_fails_the_query(small_tasklist_file, scratch, monkeypatch):
    # the small list's measures are found for 税务 by their work's lead unit, 市税务局; a search that
    # also returned an item holding it nowhere (not in its id, text, note, units or people) is wrong
    from supervise_tui.domain import queries, selfcheck

    real = queries.page_items

    def and_one_more(conn, round_id, scope):
        rows = real(conn, round_id, scope)
        return [*rows, dict(rows[0], id="W99-M01", text="无关", note="", work_id="W99")]

    monkeypatch.setattr(queries, "page_items", and_one_more)
    monkeypatch.setattr(queries, "count_items", lambda conn, round_id, scope: len(and_one_more(conn, round_id, scope)))
    monkeypatch.setattr(selfcheck, "SEARCH", "税务")
    steps = list(run_selfcheck(small_tasklist_file))
    assert [(s.name, s.ok) for s in steps] == [("load", True), ("query", False)]
    assert steps[1].error.msg == Msg("error.selfcheck.search_hit", term="税务", id="W99-M01")
