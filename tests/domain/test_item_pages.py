"""A page of items (and one item) reads the same rows, lights and reasons as the whole list.

A page works each light out from its own work's row; the whole list works every work's stage
lines out once first. The two must agree row for row, in every scope a screen pages through.
"""

from __future__ import annotations

import pytest

from supervise_tui.domain import queries, reporting
from supervise_tui.domain.edits import Actor, apply_changes, close_out, set_light
from supervise_tui.domain.queries import Scope
from tests.conftest import TEST_USER

ACTOR = Actor(TEST_USER)


@pytest.fixture
def varied(store):
    """The bundled store with items in every status, an override, a close-out and a retired item."""
    ids = [r[0] for r in store.execute("SELECT id FROM items ORDER BY pos")]
    states = [{"status": "in_progress", "progress": 30}, {"status": "behind", "progress": 5},
              {"status": "blocked"}, {"status": "done"}, {"status": "in_progress", "progress": 90},
              {"note": "第一行|第二列 <b>粗</b>"}]
    for n, item_id in enumerate(ids[::7]):
        apply_changes(store, ACTOR, 1, item_id, states[n % len(states)])
    set_light(store, ACTOR, 1, ids[3], "red", "督查认定")
    close_out(store, ACTOR, 1, ids[10], "核实办结")
    store.execute("UPDATE items SET retired = 1 WHERE id = ?", (ids[20],))
    return store


def scopes(conn) -> list[Scope]:
    police = queries.resolve_unit(conn, "市公安")
    return [Scope(), Scope(include_retired=True), Scope(pillar="P2"), Scope(light="red"), Scope(light="green"),
            Scope(status="in_progress"), Scope(kind="target"), Scope(unit=police), Scope(search="税"),
            Scope(search="融资担保"), Scope(reported=True), Scope(changed=True), Scope(pillar="P1", light="yellow")]


@pytest.mark.parametrize("limit", [1, 7, 50])
def test_every_window_of_every_scope_is_the_whole_list_cut(varied, limit):
    for scope in scopes(varied):
        whole = queries.page_items(varied, 1, scope)
        paged = [row for offset in range(0, len(whole) + limit, limit)
                 for row in queries.page_items(varied, 1, scope, offset, limit)]
        assert paged == whole, scope
    assert {r["light"] for r in queries.page_items(varied, 1)} == {"red", "yellow", "green"}


def test_one_item_and_items_by_rowid_read_as_the_whole_list(varied):
    whole = queries.page_items(varied, 1, Scope(include_retired=True))
    assert [queries.get_item(varied, 1, row["id"]) for row in whole] == whole
    rowids = [r[0] for r in varied.execute("SELECT rowid FROM items ORDER BY pos DESC")]
    by_rowid = reporting.items_by_rowid(varied, 1, rowids)
    assert [{k: v for k, v in r.items() if k != "rowid"} for r in by_rowid] == whole[::-1]
