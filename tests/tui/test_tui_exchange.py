"""Pilot tests for the exchange (6): the inspector's status, import and review; a liaison store's returns
and packages; the first run that opens a package; the chase list's count of units that have not returned."""

from __future__ import annotations

from pathlib import Path

import pytest

from supervise_tui.domain.edits import apply_changes
from supervise_tui.domain.exchange.storekind import actor_for
from supervise_tui.i18n import t
from supervise_tui.ui.dialogs.editors import NoteEditor
from supervise_tui.ui.dialogs.exchange import PathForm
from supervise_tui.ui.screens.chase import ChaseScreen
from supervise_tui.ui.screens.detail import DetailScreen
from supervise_tui.ui.screens.exchange import ExchangeStatusScreen, LiaisonExchangeScreen, ReviewScreen
from supervise_tui.ui.widgets.safe_input import SafeInput
from tests.exchange_kit import INSPECTOR, LIAISON, OTHER, UNIT, enrolled, issue_to, liaison_store, load_json, write
from tests.tui.kit import SIZE, build_app, move_to_key, screen_text, settle, summary_text, table_keys, table_rows


def state(conn, item: str, *fields: str) -> tuple:
    return tuple(conn.execute(f"SELECT {', '.join(fields)} FROM item_state WHERE round_id = 1 AND item_id = ?",
                              (item,)).fetchone())


@pytest.fixture
def returned(store, tmp_path):
    """市税务局 enrolled, its liaison changed three items (one the inspector changed too) and wrote a return."""
    enrolled(store, UNIT, OTHER)
    mine = liaison_store(tmp_path / "liaison.db", issue_to(store, tmp_path / "usb"))
    me = actor_for(mine, LIAISON, None, None)
    apply_changes(mine, me, 1, "W01-M01", {"status": "in_progress", "progress": 30})
    apply_changes(mine, me, 1, "W01-M02", {"note": "联络员的说法"})
    apply_changes(mine, me, 1, "W01-M03", {"note": "已完成调研"})
    apply_changes(store, INSPECTOR, 1, "W01-M02", {"note": "督查的说法"})
    path = write(mine, tmp_path / "returns")
    return mine, path


async def fill(pilot, value: str) -> None:
    """Type ``value`` into the dialog's path field (replacing what is there) and press enter."""
    field = pilot.app.screen.query_one(SafeInput)
    field.value = value
    await pilot.press("enter")
    await settle(pilot)


async def test_6_shows_each_units_exchange_and_i_imports_then_the_review_accepts(store, returned, isolated_locations):
    _, path = returned
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExchangeStatusScreen)
        rows = table_rows(screen.table)
        assert table_keys(screen.table)[:2] == [UNIT, OTHER]  # the enrolled ones, not yet returned, on top
        assert rows[0][0] == UNIT and rows[0][1] == "1" and rows[0][-1] == t("exchange.no")
        assert summary_text(app) == t("tui.exchange.summary", round="第1轮", enrolled=2, missing=2, open=0,
                                      conflicts=0)

        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, PathForm)
        await fill(pilot, str(path.parent))
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert table_rows(review.table) == [
            ["W01-M01", "状态", "未启动", "推进中", "未启动", "可采用", LIAISON, f"{UNIT} #1"],
            ["W01-M01", "进度", "0%", "30%", "0%", "可采用", LIAISON, f"{UNIT} #1"],
            ["W01-M02", "备注", "", "联络员的说法", "督查的说法", "冲突", LIAISON, f"{UNIT} #1"],
            ["W01-M03", "备注", "", "已完成调研", "", "可采用", LIAISON, f"{UNIT} #1"]]
        assert summary_text(app) == t("tui.exchange.review_summary", rows=4, conflicts=1, clean=3, same=0)
        assert state(store, "W01-M01", "status") == ("not_started",)  # received, not applied

        await pilot.press("a")
        await settle(pilot)
        assert table_keys(review.table) == [f"{load_json(path)['return']}|W01-M02|note"]
        assert state(store, "W01-M01", "status", "progress", "updated_by") == ("in_progress", 30, LIAISON)
        assert state(store, "W01-M03", "note") == ("已完成调研",)

        await pilot.press("t")  # the conflict: take theirs
        await settle(pilot)
        assert table_keys(review.table) == []
        assert state(store, "W01-M02", "note", "updated_by") == ("联络员的说法", LIAISON)
        audit = [tuple(r) for r in store.execute(
            "SELECT user, item_id, field, source, accepted_by FROM audit WHERE action = 'import' ORDER BY id")]
        rid = load_json(path)["return"]
        assert audit == [(LIAISON, "W01-M01", "status", rid, "tester"), (LIAISON, "W01-M01", "progress", rid, "tester"),
                         (LIAISON, "W01-M03", "note", rid, "tester"), (LIAISON, "W01-M02", "note", rid, "tester")]

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ExchangeStatusScreen)
        table = app.screen.table  # re-read on the way back: returned now, so below the ones still out
        assert table_keys(table)[:2] == [OTHER, UNIT] and table_rows(table)[1][-1] == t("exchange.yes")


async def test_the_review_keeps_ours_or_takes_an_edit_and_enter_shows_the_item(store, returned, isolated_locations):
    from supervise_tui.domain.exchange.importing import import_files

    _, path = returned
    list(import_files(store, INSPECTOR, [path], accept="none"))
    rid = load_json(path)["return"]
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        move_to_key(app.screen.table, UNIT)
        await pilot.press("enter")  # this unit's changes
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.crumbs == [t("screen.exchange"), UNIT]
        move_to_key(review.table, f"{rid}|W01-M02|note")
        await pilot.press("k")
        await settle(pilot)
        assert state(store, "W01-M02", "note") == ("督查的说法",)
        move_to_key(review.table, f"{rid}|W01-M03|note")
        await pilot.press("e")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, NoteEditor) and editor.current == "已完成调研"  # starts from theirs
        await pilot.press("end", *"-ok", "ctrl+s")
        await settle(pilot)
        assert state(store, "W01-M03", "note", "updated_by") == ("已完成调研-ok", "tester")
        assert [tuple(r) for r in store.execute(
            "SELECT item_id, field, outcome FROM exchange_changes WHERE outcome <> 'open' ORDER BY item_id")] == [
            ("W01-M02", "note", "kept"), ("W01-M03", "note", "edited")]
        move_to_key(review.table, f"{rid}|W01-M01|status")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.item_id == "W01-M01"


async def test_w_and_shift_w_write_packages_from_the_status_screen(store, tmp_path, isolated_locations):
    enrolled(store, UNIT, OTHER)
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        move_to_key(app.screen.table, OTHER)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, PathForm)
        await fill(pilot, str(tmp_path / "one"))
        assert [p.name for p in (tmp_path / "one").iterdir()] == ["package-r1-第1轮-市财政局.json"]
        await pilot.press("W")
        await settle(pilot)
        await fill(pilot, str(tmp_path / "all"))
        assert sorted(p.name for p in (tmp_path / "all").iterdir()) == [
            "package-r1-第1轮-市税务局.json", "package-r1-第1轮-市财政局.json"]
        assert isinstance(app.screen, ExchangeStatusScreen)
        assert table_rows(app.screen.table)[0][2] == "2024-03-15"


async def test_a_refused_file_leaves_the_dialog_open_and_says_why(store, tmp_path, isolated_locations, english):
    enrolled(store)
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        (tmp_path / "file").write_text("x", encoding="utf-8")
        await fill(pilot, str(tmp_path / "file"))  # a file where a folder should be
        assert isinstance(app.screen, PathForm)
        assert "Not saved" in screen_text(app)


async def test_a_liaison_store_writes_returns_and_opens_newer_packages(store, tmp_path):
    enrolled(store)
    mine = liaison_store(tmp_path / "liaison.db", issue_to(store, tmp_path / "usb"))
    me = actor_for(mine, LIAISON, None, None)
    apply_changes(mine, me, 1, "W01-M01", {"note": "已对接"})
    apply_changes(store, INSPECTOR, 1, "W01-M02", {"note": "督查补记"})
    newer = issue_to(store, tmp_path / "usb")
    app = build_app(tmp_path / "liaison.db", user=LIAISON)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.session.actor.role == "liaison" and app.session.home_unit == UNIT
        await pilot.press("6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LiaisonExchangeScreen)
        assert table_rows(screen.table) == [["W01-M01", "备注", "", "已对接"]]
        await pilot.press("w")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PathForm)
        assert form.query_one(SafeInput).value == str((tmp_path / "usb").resolve())  # where the package was
        await pilot.press("enter")
        await settle(pilot)
        written = tmp_path / "usb" / "return-r1-第1轮-市税务局-0001.json"
        assert load_json(written)["items"][0]["new"] == {"note": "已对接"}
        await pilot.press("o")
        await settle(pilot)
        assert app.screen.query_one(SafeInput).value == str(newer)  # the newest package there
        await pilot.press("enter")
        await settle(pilot)
        notes = [m for m, _, _ in app.recorded]
        assert t("exchange.kept", count=1, items="W01-M01") in notes  # not yet received by the inspector
        assert state(mine, "W01-M02", "note") == ("督查补记",)
        assert state(mine, "W01-M01", "note") == ("已对接",)


def test_a_liaison_store_is_never_opened_as_an_inspectors(store, tmp_path):
    from supervise_tui.errors import EditRefused

    enrolled(store)
    liaison_store(tmp_path / "liaison.db", issue_to(store, tmp_path / "usb"))
    with pytest.raises(EditRefused) as info:
        build_app(tmp_path / "liaison.db", user=LIAISON, role="inspector")
    assert info.value.key == "error.exchange.store_fixed"


async def test_the_chase_list_counts_enrolled_units_that_have_not_returned(store, returned, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, ChaseScreen)
        assert summary_text(app).endswith(" · " + t("exchange.chase.missing", count=2))


# --------------------------------------------------------------------------- the first run


async def test_the_first_run_offers_the_inspectors_list_or_a_package(store, tmp_path):
    from supervise_tui.domain.db import connect
    from supervise_tui.domain.exchange.storekind import liaison_unit
    from supervise_tui.ui.welcome import LIAISON as CHOSE_LIAISON
    from supervise_tui.ui.welcome import WelcomeApp, needs_first_run

    enrolled(store)
    package = issue_to(store, tmp_path / "usb")
    target = tmp_path / "new" / "mine.db"
    assert needs_first_run(target)
    app = WelcomeApp(target, LIAISON, str(tmp_path / "usb" / "nothing.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")  # the liaison's choice: to the package field
        await pilot.pause()
        assert app.focused is app.query_one(SafeInput)
        await pilot.press("enter")  # the file offered is not there
        await pilot.pause()
        assert "nothing.json" in str(app.query_one("#welcome-error").render())
        app.query_one(SafeInput).value = str(package)
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_value == CHOSE_LIAISON
    assert app.notes == [t("exchange.opened_new", unit=UNIT, round="第1轮", items=39)]
    conn = connect(target)
    assert liaison_unit(conn) == UNIT and not needs_first_run(target)
    conn.close()

    inspector = WelcomeApp(tmp_path / "other.db", "tester")
    async with inspector.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
    assert inspector.return_value == "inspector"


def test_a_store_with_a_task_list_needs_no_first_run(store, isolated_locations):
    from supervise_tui.ui.welcome import needs_first_run

    assert not needs_first_run(Path(isolated_locations))
