"""Search: every word must match the item's id or text, its note in the round, one of its work's units,
or its leader or liaison. The expected ids are worked out here from the stored rows."""

from __future__ import annotations

import pytest

from supervise_tui.domain.edits import Actor, apply_changes
from supervise_tui.domain.queries import Scope, count_items, page_items
from tests.search_kit import search_matches as expected


@pytest.fixture
def noted(store):
    apply_changes(store, Actor("督查员"), 1, "W07-M02", {"note": "已约谈企业 复核中"})
    return store


@pytest.mark.parametrize("search", [
    "约谈",            # a note, two characters (substring scan)
    "已约谈企业",       # a note, a trigram-length word
    "市税务局",         # a unit's name: its works' items, as lead or co-unit
    "税务",
    "市税务局 增值税",   # two words: both must match
    "W01 减免",
    "融资担保 市金融",
    "增值税 不存在的词语",
])
def test_search_matches_every_word_in_id_text_note_unit_or_person(noted, search):
    want = expected(noted, search)
    got = [r["id"] for r in page_items(noted, 1, Scope(search=search))]
    assert got == want
    assert count_items(noted, 1, Scope(search=search)) == len(want)
    assert [r["id"] for r in page_items(noted, 1, Scope(search=search), 0, 3)] == want[:3]


def test_a_person_a_note_and_the_words_together(noted):
    leader = noted.execute("SELECT p.name FROM work_people wp JOIN people p ON p.id = wp.person_id "
                           "WHERE wp.work_id = 'W05' AND wp.role = 'leader'").fetchone()[0]
    by_person = [r["id"] for r in page_items(noted, 1, Scope(search=leader))]
    works = {w for (w,) in noted.execute("SELECT wp.work_id FROM work_people wp JOIN people p ON p.id = wp.person_id "
                                          "WHERE p.name = ?", (leader,))}
    assert by_person and {i.split("-")[0] for i in by_person} == works
    assert [r["id"] for r in page_items(noted, 1, Scope(search="约谈"))] == ["W07-M02"]
    assert [r["id"] for r in page_items(noted, 1, Scope(search="约谈 W07"))] == ["W07-M02"]
    assert page_items(noted, 1, Scope(search="约谈 W01")) == []
    # the search narrows a scope, it never widens it
    assert [r["id"] for r in page_items(noted, 1, Scope(work="W01", search="市税务局"))] == \
        [r["id"] for r in page_items(noted, 1, Scope(work="W01"))]
