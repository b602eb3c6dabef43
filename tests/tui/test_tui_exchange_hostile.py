"""A return file is text from another machine: its notes, evidence and names reach the inspector's review
inert. The file here is signed with the unit's key (a liaison, or whoever holds that key, wrote it), so it
passes every check; its notes, evidence, author and audit users carry Textual markup, terminal control
sequences, bidi overrides and a NUL. The review, the editor that starts from the liaison's value and the
notice after a decision are walked as the hostile-text test walks every screen:
no raw control byte reaches the terminal, no cell carries a click action, clicking the text runs nothing.
"""

from __future__ import annotations

from supervise_tui.domain.edits import apply_changes
from supervise_tui.domain.exchange.importing import import_files
from supervise_tui.domain.exchange.storekind import actor_for
from supervise_tui.ui.dialogs.exchange import TextValueEditor
from supervise_tui.ui.screens.exchange import ExchangeStatusScreen, ReviewScreen
from tests.exchange_kit import (
    INSPECTOR,
    LIAISON,
    UNIT,
    enrolled,
    issue_to,
    liaison_store,
    load_json,
    resign,
    unit_key,
    write,
)
from tests.tui.kit import SIZE, build_app, move_to_key, settle, table_keys
from tests.tui.test_tui_hostile_text import RecordingDriver, Walk, payload


async def test_a_hostile_return_is_reviewed_inert(store, isolated_locations, tmp_path, monkeypatch):
    shots = tmp_path / "shots"
    shots.mkdir()
    p = payload(shots)
    enrolled(store)
    mine = liaison_store(tmp_path / "liaison.db", issue_to(store, tmp_path / "usb"))
    me = actor_for(mine, LIAISON, None, None)
    apply_changes(mine, me, 1, "W01-M01", {"note": "联络员备注"})
    apply_changes(mine, me, 1, "W01-M02", {"evidence": "文件"})
    apply_changes(store, INSPECTOR, 1, "W01-M01", {"note": "督查备注"})  # a conflict: a row to edit
    path = write(mine, tmp_path / "returns")
    obj = load_json(path)
    author = p + "联络员"
    obj["written_by"] = author
    for item in obj["items"]:
        for name in item["new"]:
            item["new"][name] = p + "第一行\n第二行"
        for row in item["audit"]:
            row.update(user=author, new=p)
    resign(path, obj, unit_key(store))
    [received] = import_files(store, INSPECTOR, [path], accept="none")
    assert received.counts == {"open": 2}
    rid = obj["return"]
    assert {r[0] for r in store.execute("SELECT author FROM exchange_changes")} == {author}  # kept as written

    monkeypatch.chdir(tmp_path)
    app = build_app(isolated_locations)
    app.driver_class = RecordingDriver
    app.written = []
    async with app.run_test(size=SIZE, headless=False, notifications=True, tooltips=True) as pilot:
        walk = Walk(app, pilot, shots)
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, ExchangeStatusScreen)
        move_to_key(app.screen.table, UNIT)
        await pilot.press("v")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert sorted(table_keys(review.table)) == [f"{rid}|W01-M01|note", f"{rid}|W01-M02|evidence"]
        await walk.visit("review of a hostile return")

        move_to_key(review.table, f"{rid}|W01-M01|note")
        await pilot.press("e")  # the editor starts from the liaison's value, its controls as pictures
        await settle(pilot)
        assert isinstance(app.screen, TextValueEditor)
        await walk.visit("editor starting from the liaison's note")
        await pilot.press("escape")
        await settle(pilot)

        move_to_key(review.table, f"{rid}|W01-M02|evidence")
        await pilot.press("t")  # taken as written: the notice and the item now hold the hostile text
        await walk.visit("the notice after taking theirs", own=False)
        assert tuple(store.execute("SELECT evidence, updated_by FROM item_state WHERE round_id = 1 AND item_id = 'W01-M02'"
                                   ).fetchone()) == ((p + "第一行\n第二行").replace("\u2028", "\n"), author)  # as any edit
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ExchangeStatusScreen)
        walk.check_terminal("exchange status after the decision")
        assert app.is_running and list(shots.iterdir()) == []
    assert walk.visited == ["review of a hostile return", "editor starting from the liaison's note",
                            "the notice after taking theirs"]
