"""Pilot tests for rounds (r), the light override (l), close-out (c) and the chase list (5)."""

from __future__ import annotations

import json
import os

from textual.widgets import Checkbox, Input, Label, OptionList

from supervise_tui.domain import queries
from supervise_tui.domain.db import get_meta
from supervise_tui.domain.edits import Actor, apply_changes, close_out, set_light
from supervise_tui.domain.rounds import close_round
from supervise_tui.domain.vocab import LIGHTS
from supervise_tui.i18n import t
from supervise_tui.ui.dialogs.inspector import Confirm, LightPicker
from supervise_tui.ui.dialogs.rounds import ReasonForm, RoundForm
from supervise_tui.ui.screens.browse import ItemsScreen
from supervise_tui.ui.screens.chase import ChaseScreen
from supervise_tui.ui.screens.detail import DetailScreen
from supervise_tui.ui.screens.rounds import RoundsScreen
from tests.tui.kit import (
    ROUND,
    SIZE,
    USER,
    audit_rows,
    build_app,
    choose_status,
    last_audit_id,
    move_to_key,
    push_items,
    screen_lines,
    screen_text,
    settle,
    state_row,
    summary_text,
    table_keys,
    table_rows,
)

OTHER = Actor("另一督查")
NEW_NAME = "2024年第二季度"


def now() -> str:
    return os.environ["SUPERVISE_TUI_NOW"]


def without_id(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "id"} for r in rows]


def audit(action: str, field=None, old=None, new=None, *, round_id: int = ROUND, item_id=None, user=USER) -> dict:
    return {"at": now(), "user": user, "round_id": round_id, "item_id": item_id, "action": action,
            "field": field, "old": old, "new": new}


def rounds_rows(conn) -> list[dict]:
    return [dict(r) for r in conn.execute("SELECT * FROM rounds ORDER BY id")]


def states(conn, round_id: int) -> dict[str, dict]:
    return {r["item_id"]: dict(r) for r in conn.execute(
        "SELECT * FROM item_state WHERE round_id = ? ORDER BY item_id", (round_id,))}


def topbar(app) -> str:
    return screen_lines(app)[0]


def row_of(table, key: str) -> list[str]:
    return dict(zip(table_keys(table), table_rows(table)))[key]


def col(table, heading: str) -> int:
    return [c.label for c in table.source.columns].index(t(heading))


def refusals(app) -> list[str]:
    return [m for m, s, _ in app.recorded if s == "error" and m.startswith(t("edit.refused", reason=""))]


async def open_rounds(pilot) -> RoundsScreen:
    await pilot.press("r")
    await settle(pilot)
    assert isinstance(pilot.app.screen, RoundsScreen)
    return pilot.app.screen



async def type_into(pilot, text: str) -> None:
    await pilot.press(*text)


# --------------------------------------------------------------------------- rounds


async def test_r_lists_rounds_n_creates_one_carried_forward_and_enter_switches(store, isolated_locations):
    # round 1 with some state worth carrying forward
    apply_changes(store, OTHER, ROUND, "W01-T01", {"status": "in_progress", "progress": 30, "note": "按计划",
                                                   "evidence": "文件1"})
    apply_changes(store, OTHER, ROUND, "W02-M01", {"status": "behind", "progress": 5, "comment": "督促"})
    set_light(store, OTHER, ROUND, "W03-M01", "green", "已核实")
    close_out(store, OTHER, ROUND, "W04-M01", "已核实办结")
    round1 = states(store, ROUND)

    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_rounds(pilot)
        assert table_keys(screen.table) == ["1"]
        [row] = table_rows(screen.table)
        assert row[:2] == ["▶", "第1轮"] and row[6:] == [str(len(round1)), "4", "1"]
        assert t("bar.round", name="第1轮") in topbar(app)

        # n, enter on a blank name: the reason, on screen, and nothing written
        mark, before = last_audit_id(store), rounds_rows(store)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RoundForm)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        assert str(form.query_one("#round-error", Label).render()) == t("tui.rounds.name_needed")
        assert t("tui.rounds.name_needed") in screen_text(app)
        assert app.focused is form.query_one("#round-name", Input)
        assert rounds_rows(store) == before and audit_rows(store, after=mark) == []

        # a named round: name, tab, period, tab, due date, enter; a date that is no date is said at once
        await type_into(pilot, NEW_NAME)
        await pilot.press("tab")
        await type_into(pilot, "2024-Q2")
        await pilot.press("tab")
        await type_into(pilot, "2024-06-31")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        message = str(form.query_one("#round-error", Label).render())
        assert message.startswith(t("edit.refused", reason="")) and "2024-06-31" in message
        assert app.focused is form.query_one("#round-due", Input)
        assert form.query_one("#round-name", Input).value == NEW_NAME  # nothing typed is lost
        assert rounds_rows(store) == before and audit_rows(store, after=mark) == []
        # round 1 is still open: the form asks whether to close it too, unticked
        assert t("tui.rounds.close_previous", prev="第1轮") in screen_text(app)
        assert form.query_one("#close-previous", Checkbox).value is False
        await pilot.press("backspace", "0", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert rounds_rows(store) == before + [{
            "id": 2, "name": NEW_NAME, "period": "2024-Q2", "due": "2024-06-30", "opened_at": now(),
            "closed_at": None, "created_by": USER}]
        # every item's state carried forward field for field, not yet reported in the new round
        assert states(store, 2) == {item: {**state, "round_id": 2, "updated_by": None, "updated_at": None,
                                           "version": 0} for item, state in round1.items()}
        assert states(store, 2)["W04-M01"]["closed_out"] == 1
        assert states(store, ROUND) == round1
        assert without_id(audit_rows(store, after=mark)) == [audit(
            "round_new", new=json.dumps({"name": NEW_NAME, "period": "2024-Q2", "due": "2024-06-30",
                                         "from": "第1轮"}, ensure_ascii=False), round_id=2)]
        assert get_meta(store, "current_round") == "2"
        # and it is the current one: the session, the marker, the top bar
        assert app.session.round.id == 2
        assert table_keys(screen.table) == ["1", "2"]
        assert [r[0] for r in table_rows(screen.table)] == ["", "▶"]
        assert row_of(screen.table, "2")[1:4] == [NEW_NAME, "2024-Q2", "2024-06-30"]
        assert t("bar.round", name=NEW_NAME) in topbar(app)
        assert (t("tui.rounds.created", name=NEW_NAME), "information", False) in app.recorded
        assert rounds_rows(store)[0]["closed_at"] is None

        # enter on round 1 makes it current again
        mark = last_audit_id(store)
        move_to_key(screen.table, "1")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert get_meta(store, "current_round") == "1" and app.session.round.id == 1
        assert [r[0] for r in table_rows(screen.table)] == ["▶", ""]
        assert t("bar.round", name="第1轮") in topbar(app)
        assert without_id(audit_rows(store, after=mark)) == [audit("round_use", old="2", new="1")]
        assert (t("rounds.now_current", name="第1轮"), "information", False) in app.recorded
        # other screens follow: an item's row shows round 1's state
        items = await push_items(pilot, "W01")
        assert row_of(items.table, "W01-T01")[col(items.table, "col.status")] == t("status.in_progress")


async def test_x_closes_a_round_edits_are_refused_and_o_reopens_with_a_reason(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_rounds(pilot)
        mark = last_audit_id(store)
        await pilot.press("x")  # asked first, no by default
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert t("tui.rounds.close_confirm", name="第1轮") in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and rounds_rows(store)[0]["closed_at"] is None
        assert audit_rows(store, after=mark) == []
        await pilot.press("x", "y")
        await settle(pilot)
        [r1] = rounds_rows(store)
        assert r1["closed_at"] == now()
        assert without_id(audit_rows(store, after=mark)) == [audit("round_close", "closed_at", None, now())]
        assert app.session.round.closed
        assert row_of(screen.table, "1")[5] == now()
        assert t("bar.round", name="第1轮") + t("bar.round_closed") in topbar(app)
        assert (t("rounds.closed", name="第1轮"), "information", False) in app.recorded

        # an edit in the closed round: refused, said so, nothing written
        items = await push_items(pilot, "W01")
        item = items.table.current_key
        before, mark = state_row(store, item), last_audit_id(store)
        app.recorded.clear()
        await choose_status(pilot, "done")
        assert app.screen is items
        assert state_row(store, item) == before and audit_rows(store, after=mark) == []
        [message] = refusals(app)
        assert "第1轮" in message
        assert row_of(items.table, item)[col(items.table, "col.status")] == t("status.not_started")
        await pilot.press("c")  # a close-out too (not done: it asks for the reason)
        await settle(pilot)
        assert isinstance(app.screen, ReasonForm)
        await pilot.press("x", "enter")
        await settle(pilot)
        assert state_row(store, item) == before and audit_rows(store, after=mark) == []
        assert len(refusals(app)) == 2

        # o: a reason is asked; a blank one does nothing
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("o")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReasonForm)
        assert t("tui.rounds.reopen_title_named", name="第1轮") in screen_text(app)
        await pilot.press("space", "space", "enter")
        await settle(pilot)
        assert app.screen is form
        assert rounds_rows(store)[0]["closed_at"] == now() and audit_rows(store, after=mark) == []
        await pilot.press("escape")  # escape does nothing either
        await settle(pilot)
        assert app.screen is screen
        assert rounds_rows(store)[0]["closed_at"] == now() and audit_rows(store, after=mark) == []

        await pilot.press("o")
        await settle(pilot)
        await type_into(pilot, "补录遗漏数据")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert rounds_rows(store)[0]["closed_at"] is None
        assert without_id(audit_rows(store, after=mark)) == [audit("reopen", "reason", now(), "补录遗漏数据")]
        assert (t("rounds.reopened", name="第1轮"), "information", False) in app.recorded
        assert not app.session.round.closed
        assert t("bar.round_closed") not in topbar(app)
        assert row_of(screen.table, "1")[5] == ""

        # and the round takes edits again
        await push_items(pilot, "W01")
        await choose_status(pilot, "done")
        assert state_row(store, item)["status"] == "done"


async def test_a_liaison_is_refused_every_round_action(store, isolated_locations):
    close_round(store, OTHER, ROUND)  # closed, so that reopening can be tried
    before, mark = rounds_rows(store), last_audit_id(store)
    app = build_app(isolated_locations, role="liaison", unit="市税务局")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ItemsScreen)
        screen = await open_rounds(pilot)
        app.recorded.clear()

        # n, x and o are an inspector's: not offered, and pressing them opens nothing
        shown = {b.binding.action for b in screen.active_bindings.values()}
        assert not {"new_round", "close_round", "reopen_round"} & shown
        for key in ("n", "x", "o"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen
        # enter would change everyone's current round: refused
        await pilot.press("enter")
        await settle(pilot)
        [message] = refusals(app)
        assert len(app.recorded) == 1 and t("role.inspector") in message
        assert t("what.use_round") in message
        assert rounds_rows(store) == before and audit_rows(store, after=mark) == []
        assert table_keys(screen.table) == ["1"]


async def test_n_closes_the_previous_round_when_asked_to(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_rounds(pilot)
        mark = last_audit_id(store)
        await pilot.press("n")
        await settle(pilot)
        await type_into(pilot, NEW_NAME)
        await pilot.press("tab")
        await type_into(pilot, "2024年二季度")  # not a period: the expected forms are named
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RoundForm)
        message = str(form.query_one("#round-error", Label).render())
        assert message == t("edit.refused", reason=t("error.round.bad_period", period="2024年二季度"))
        assert "2024-Q1" in message and "2024-03" in message
        assert app.focused is form.query_one("#round-period", Input)
        await pilot.press(*["backspace"] * 8, *"2024-q2", "tab", "tab", "space")  # tick: close 第1轮
        assert form.query_one("#close-previous", Checkbox).value is True
        await pilot.press("shift+tab", "enter")
        await settle(pilot)
        assert app.screen is screen
        r1, r2 = rounds_rows(store)
        assert (r1["closed_at"], r2["name"], r2["period"], r2["closed_at"]) == (now(), NEW_NAME, "2024-Q2", None)
        assert [(a["action"], a["round_id"]) for a in audit_rows(store, after=mark)] == [
            ("round_close", 1), ("round_new", 2)]
        assert (t("tui.rounds.created_closed", name=NEW_NAME), "information", False) in app.recorded
        assert app.session.round.id == 2
        # the next form asks about the round just opened
        await pilot.press("n")
        await settle(pilot)
        assert t("tui.rounds.close_previous", prev=NEW_NAME) in screen_text(app)


async def test_n_after_a_closed_round_does_not_ask(store, isolated_locations):
    close_round(store, OTHER, ROUND)
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_rounds(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RoundForm) and not app.screen.query("#close-previous")


# --------------------------------------------------------------------------- light override


async def test_l_overrides_the_light_with_a_reason_and_back_to_the_rules(store, isolated_locations):
    item = "W01-T01"
    rule_light = queries.get_item(store, ROUND, item)["light"]
    assert rule_light == "yellow"  # not started, a year into a five-year stage
    reason = "抽查发现进度不实"
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = await push_items(pilot, "W01")
        move_to_key(items.table, item)
        light_col = col(items.table, "col.light")
        assert row_of(items.table, item)[light_col] == t("light.yellow")
        before, mark = state_row(store, item), last_audit_id(store)

        await pilot.press("l")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, LightPicker)
        options = picker.query_one(OptionList)
        assert [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)] \
            == ["绿", "黄", "红", t("light.rules")]
        assert options.highlighted == len(LIGHTS)  # no override yet: 按规则
        await pilot.press("up", "enter")  # 红, then to the reason
        await settle(pilot)
        assert app.focused is picker.query_one("#light-reason", Input)
        await pilot.press("enter")  # no reason
        await settle(pilot)
        assert app.screen is picker
        assert str(picker.query_one("#light-error", Label).render()) == t("edit.light_reason_needed")
        assert t("edit.light_reason_needed") in screen_text(app)
        assert state_row(store, item) == before and audit_rows(store, after=mark) == []

        await type_into(pilot, reason)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is items
        after_red = {**before, "light": "red", "light_reason": reason, "updated_by": USER, "updated_at": now(),
                     "version": before["version"] + 1}
        assert state_row(store, item) == after_red
        assert without_id(audit_rows(store, after=mark)) == [
            audit("light", "light", None, "red", item_id=item),
            audit("light", "light_reason", "", reason, item_id=item),
        ]
        assert row_of(items.table, item)[light_col] == t("light.red")  # the effective light
        assert queries.get_item(store, ROUND, item)["light"] == "red"

        # l again opens on the override and its reason; 按规则 clears both
        mark = last_audit_id(store)
        await pilot.press("l")
        await settle(pilot)
        picker = app.screen
        assert picker.query_one(OptionList).highlighted == LIGHTS.index("red")
        assert picker.query_one("#light-reason", Input).value == reason
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen is items
        assert state_row(store, item) == {**after_red, "light": None, "light_reason": "",
                                          "version": after_red["version"] + 1}
        assert without_id(audit_rows(store, after=mark)) == [
            audit("light", "light", "red", None, item_id=item),
            audit("light", "light_reason", reason, "", item_id=item),
        ]
        assert row_of(items.table, item)[light_col] == t(f"light.{rule_light}")


# --------------------------------------------------------------------------- close-out


async def test_c_closes_out_a_not_done_item_only_with_a_reason_and_ctrl_z_undoes_it(store, isolated_locations):
    item = "W01-M01"
    set_light(store, OTHER, ROUND, item, "red", "抽查发现进度不实")
    apply_changes(store, OTHER, ROUND, item, {"status": "in_progress", "progress": 80})
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = await push_items(pilot, "W01")
        move_to_key(items.table, item)
        before, mark = state_row(store, item), last_audit_id(store)

        await pilot.press("c")  # not done: the reason is asked; escape says no
        await settle(pilot)
        assert isinstance(app.screen, ReasonForm)
        assert t("edit.close_out_reason_title", id=item, status=t("status.in_progress"), progress="80%") \
            in screen_text(app)
        await pilot.press("enter")  # a blank reason does nothing
        await settle(pilot)
        assert isinstance(app.screen, ReasonForm)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is items
        assert state_row(store, item) == before and audit_rows(store, after=mark) == []

        await pilot.press("c")
        await settle(pilot)
        await pilot.press(*"现场核查已办结", "enter")
        await settle(pilot)
        assert app.screen is items
        closed = {**before, "status": "done", "progress": 100, "light": None, "light_reason": "", "closed_out": 1,
                  "closed_at": now(), "closed_by": USER, "updated_by": USER, "updated_at": now(),
                  "version": before["version"] + 1}
        assert state_row(store, item) == closed
        assert without_id(audit_rows(store, after=mark)) == [
            audit("close_out", "status", "in_progress", "done", item_id=item),
            audit("close_out", "progress", "80", "100", item_id=item),
            audit("close_out", "closed_out", "0", "1", item_id=item),
            audit("close_out", "light", "red", None, item_id=item),
            audit("close_out", "light_reason", "抽查发现进度不实", "", item_id=item),
            audit("close_out", "reason", None, "现场核查已办结", item_id=item),
        ]
        row = row_of(items.table, item)
        assert row[col(items.table, "col.status")] == t("status.done")
        assert row[col(items.table, "col.progress")] == "100%"
        assert row[col(items.table, "col.light")] == t("light.green")  # the override went with the close-out

        # a later status edit of a closed-out item is refused, nothing written
        mark = last_audit_id(store)
        app.recorded.clear()
        await choose_status(pilot, "in_progress")
        assert state_row(store, item) == closed and audit_rows(store, after=mark) == []
        [message] = refusals(app)
        assert item in message and "销号" in message

        # ctrl+z undoes the close-out (itself audited), the override and all, and who saved it last
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert state_row(store, item) == {**before, "version": before["version"] + 2}
        assert [(a["action"], a["field"]) for a in audit_rows(store, after=mark)] == [
            ("undo", "status"), ("undo", "progress"), ("undo", "closed_out"), ("undo", "light"),
            ("undo", "light_reason")]
        assert row_of(items.table, item)[col(items.table, "col.status")] == t("status.in_progress")
        await choose_status(pilot, "behind")  # open again for edits
        assert state_row(store, item)["status"] == "behind"


async def test_c_on_a_done_item_asks_with_no_as_the_default_and_c_again_reopens(store, isolated_locations):
    item = "W01-M02"
    apply_changes(store, OTHER, ROUND, item, {"status": "done"})
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = await push_items(pilot, "W01")
        move_to_key(items.table, item)
        before, mark = state_row(store, item), last_audit_id(store)

        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert t("edit.close_out_confirm", id=item) in screen_text(app)
        assert app.focused is app.screen.query_one("#no")
        await pilot.press("enter")  # enter by habit: the safe answer, nothing written
        await settle(pilot)
        assert app.screen is items
        assert state_row(store, item) == before and audit_rows(store, after=mark) == []

        await pilot.press("c")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert state_row(store, item)["closed_out"] == 1
        assert without_id(audit_rows(store, after=mark)) == [
            audit("close_out", "closed_out", "0", "1", item_id=item)]

        # c on a closed-out item reopens it, with a reason
        mark = last_audit_id(store)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ReasonForm)
        assert t("edit.reopen_close_out_title", id=item) in screen_text(app)
        await pilot.press(*"复核发现未办结", "enter")
        await settle(pilot)
        assert app.screen is items
        assert state_row(store, item)["closed_out"] == 0
        assert without_id(audit_rows(store, after=mark)) == [
            audit("reopen_close_out", "closed_out", "1", "0", item_id=item),
            audit("reopen_close_out", "reason", None, "复核发现未办结", item_id=item)]


async def test_a_liaison_has_no_light_or_close_out_key(store, isolated_locations):
    app = build_app(isolated_locations, role="liaison", unit="市税务局")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ItemsScreen)
        shown = {b.binding.action for b in app.screen.active_bindings.values()}
        assert {"edit_status", "edit_progress", "edit_note"} <= shown
        assert not {"edit_light", "close_out"} & shown
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ItemsScreen)  # nothing opens


# --------------------------------------------------------------------------- chase list


async def test_5_shows_the_chase_list_of_the_current_round_and_enter_opens_an_item(store, isolated_locations):
    # reported items drop out of the list unless red; a red override puts a reported one back
    for item in ("W01-T01", "W01-T02", "W04-T01", "W07-M01"):
        apply_changes(store, OTHER, ROUND, item, {"status": "in_progress", "progress": 50})
    set_light(store, OTHER, ROUND, "W07-M01", "red", "进度不实")
    groups = queries.chase_list(store, ROUND)
    expected = [(g["unit"], i) for g in groups for i in g["items"]]
    assert "W01-T01" not in [i["id"] for _, i in expected]
    assert {i["id"]: (i["not_reported"], i["red"]) for _, i in expected}["W07-M01"] == (False, True)

    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChaseScreen)
        table = screen.table
        assert table_keys(table) == [i["id"] for _, i in expected]
        rows = table_rows(table)
        why = {(True, False): t("tui.chase.not_reported"), (False, True): t("tui.chase.red"),
               (True, True): f"{t('tui.chase.not_reported')}、{t('tui.chase.red')}"}
        for (unit, item), cells in zip(expected, rows):
            assert cells[:3] == [unit or "", item["id"], why[(item["not_reported"], item["red"])]]
            assert cells[4:6] == [item["leader"] or "", item["liaison"] or ""]
            assert cells[6:] == [t(f"status.{item['status']}"), f"{item['progress']}%"]
        assert summary_text(app) == t("tui.chase.summary", units=len(groups), items=len(expected))
        assert any(c[2] == why[(True, True)] for c in rows)  # both reasons appear somewhere

        index = move_to_key(table, "W07-M01")
        assert rows[index][2] == t("tui.chase.red")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.item_id == "W07-M01"
        assert app.screen.crumbs == [t("screen.chase"), "W07-M01"]
        detail_text = screen_text(app)
        assert "W07-M01" in detail_text and queries.get_item(store, ROUND, "W07-M01")["text"][:10] in detail_text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
