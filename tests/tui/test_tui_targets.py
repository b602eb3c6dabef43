"""Pilot tests for numeric targets in the TUI: the value and evidence editor (v), the detail's goal facts."""

from __future__ import annotations

import hashlib
import os

from rich.console import Console
from textual.widgets import Input, Label, Static

from supervise_tui.domain.edits import Actor, apply_changes
from supervise_tui.i18n import t
from supervise_tui.ui.dialogs.targets import ValueEditor
from supervise_tui.ui.screens.detail import DetailScreen
from supervise_tui.ui.widgets.safe_input import SafeInput, SafeTextArea
from tests.tui.kit import (
    ROUND,
    SIZE,
    audit_rows,
    build_app,
    last_audit_id,
    move_to_key,
    push_items,
    screen_text,
    settle,
    state_row,
    table_rows,
)

EDITOR = "督查员王"
PDF = "附件/人才名单.pdf"


def now() -> str:
    return os.environ["SUPERVISE_TUI_NOW"]


def audit(item_id: str, field: str, old, new, user: str = EDITOR) -> dict:
    return {"at": now(), "user": user, "round_id": ROUND, "item_id": item_id, "action": "edit",
            "field": field, "old": old, "new": new}


def without_id(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "id"} for r in rows]


async def open_editor(pilot, item_id: str) -> ValueEditor:
    items = await push_items(pilot, item_id[:3])
    move_to_key(items.table, item_id)
    await pilot.press("v")
    await settle(pilot)
    editor = pilot.app.screen
    assert isinstance(editor, ValueEditor)
    return editor


def labels(editor: ValueEditor) -> list[str]:
    return [str(label.render()) for label in editor.query(".value-label").results(Label)]


async def test_v_records_each_measures_value_and_the_evidence_with_audit_rows(store, isolated_locations):
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, "W06-T03")
        assert labels(editor) == ["1. 全市开展职业技能培训 ≥ 1.66 万人次", "2. 新增技能人才 ≥ 1.08 万人",
                                  t("edit.evidence_label"), t("edit.evidence_dir")]
        assert app.focused is editor.query_one("#value-1", Input)
        before, mark = state_row(store, "W06-T03"), last_audit_id(store)
        # enter goes on from one measure to the next; ctrl+s saves
        await pilot.press(*"1.5", "enter", *"1.2", "enter")
        assert app.focused is editor.query_one("#evidence-input", SafeTextArea)
        editor.query_one("#evidence-input", SafeTextArea).insert("乐人社〔2024〕12号")  # 〔〕 are no keys
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ValueEditor)
        assert state_row(store, "W06-T03") == {
            **before, "value": "1.5; 1.2", "evidence": "乐人社〔2024〕12号", "progress": 95, "status": "in_progress",
            "updated_by": EDITOR, "updated_at": now(), "version": before["version"] + 1}
        assert without_id(audit_rows(store, after=mark)) == [
            audit("W06-T03", "value", "", "1.5; 1.2"), audit("W06-T03", "evidence", "", "乐人社〔2024〕12号"),
            audit("W06-T03", "progress", "0", "95"), audit("W06-T03", "status", "not_started", "in_progress")]
        said = app.recorded[-1][0]
        assert said.startswith(t("edit.saved", id="W06-T03", changes="")[:8]) and "1.5; 1.2" in said
        # the row shows the derived progress at once
        row = app.screen.table.current_row
        assert app.screen.table.current_key == "W06-T03" and "95%" in row


async def test_a_value_that_is_no_number_is_said_in_the_editor_and_nothing_is_written(store, isolated_locations):
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, "W06-T01")
        mark = last_audit_id(store)
        await pilot.press(*"1.8.1", "ctrl+s")
        await settle(pilot)
        assert app.screen is editor
        assert str(editor.query_one("#value-error", Label).render()) == t(
            "error.value.not_number", id="W06-T01", value="1.8.1")
        assert editor.query_one("#value-1", Input).value == "1.8.1"  # nothing typed is lost
        assert audit_rows(store, after=mark) == []
        await pilot.press("escape")
        await settle(pilot)
        assert state_row(store, "W06-T01")["value"] == ""


async def test_the_evidence_folder_hashes_a_file_it_finds_and_refuses_one_missing(store, isolated_locations,
                                                                                  tmp_path):
    folder = tmp_path / "佐证"
    (folder / "附件").mkdir(parents=True)
    (folder / PDF).write_bytes(b"names")
    sha = hashlib.sha256(b"names").hexdigest()
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, "W06-M01")  # a measure: evidence only, no value
        assert labels(editor) == [t("edit.evidence_label"), t("edit.evidence_dir")]
        assert not editor.query(".value-input")
        assert app.focused is editor.query_one("#evidence-input", SafeTextArea)
        await pilot.press(*PDF, "enter", *"附件/没有.pdf")
        editor.query_one("#evidence-dir", SafeInput).value = str(folder)
        mark = last_audit_id(store)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is editor
        assert str(editor.query_one("#value-error", Label).render()) == t(
            "error.evidence.missing", ref="附件/没有.pdf", folder=str(folder))
        assert audit_rows(store, after=mark) == []
        # the missing line taken out: saved, the file's hash with it, and what was found is said
        area = editor.query_one("#evidence-input", SafeTextArea)
        area.load_text(PDF)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ValueEditor)
        assert state_row(store, "W06-M01")["evidence"] == f"{PDF}#sha256={sha}"
        assert (t("evidence.hashed", ref=PDF, hash=f"{sha[:12]}…"), "information", False) in app.recorded


async def test_the_detail_shows_goal_deadline_attainment_and_evidence(store, isolated_locations):
    apply_changes(store, Actor("督查员"), ROUND, "W08-T01", {"value": "3; 145; 220", "evidence": "乐科〔2024〕3号"})
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(["W08-T01"], "W08-T01"))
        await settle(pilot)
        detail = app.screen
        console = Console(width=SIZE[0], record=True, color_system=None)
        console.print(detail.query_one("#detail-facts", Static).content)
        facts = [line.rstrip() for line in console.export_text().splitlines()]
        assert [f.split(maxsplit=1) for f in facts[-8:]] == [
            ["目标值", "申报省科技领军企业或省科技小巨人企业的民营企业 ≥ 3 家"],
            ["目标值", "申报国家高新技术企业的民营企业 ≥ 145 家"],
            ["目标值", "申报省科技型中小企业的民营企业 ≥ 440 家"],
            ["期限", "2023年底"],
            ["完成情况", "3 / 3 家 100% ✓ 已达标"],
            ["完成情况", "145 / 145 家 100% ✓ 已达标"],
            ["完成情况", "220 / 440 家 50%"],
            ["佐证材料", "乐科〔2024〕3号"]]
        text = screen_text(app)
        assert "完成值" in text and "3; 145; 220" in text  # the history's column
        # v works here too, and opens on the stored values
        await pilot.press("v")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, ValueEditor)
        assert [i.value for i in editor.query(".value-input").results(Input)] == ["3", "145", "220"]
        assert editor.query_one("#evidence-input", SafeTextArea).text == "乐科〔2024〕3号"


async def test_the_item_table_has_an_attainment_column_for_numeric_targets(store, isolated_locations):
    apply_changes(store, Actor("督查员"), ROUND, "W13-T02", {"value": "12"})
    apply_changes(store, Actor("督查员"), ROUND, "W08-T01", {"value": "3; 145; 220"})
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        items = await push_items(pilot, "W13")
        at = [c.label for c in items.table.shown_columns].index(t("col.attainment"))
        cells = {row[0]: row[at] for row in table_rows(items.table)}
        # met (✓); a qualitative target and the measures have no numbers, so nothing to show
        assert cells == {"W13-T01": "", "W13-T02": "12/10% 120% ✓", "W13-T03": ""} | {
            f"W13-M0{n}": "" for n in range(1, 9)}
        assert "12/10% 120% ✓" in screen_text(app)
        app.pop_screen()
        await settle(pilot)
        items = await push_items(pilot, "W08")
        cells = {row[0]: row[at] for row in table_rows(items.table)}
        # three measures, two met; one not yet reported
        assert (cells["W08-T01"], cells["W08-T02"], cells["W08-M01"]) == ("2/3 项达标 83%", "未填", "")


async def test_the_key_bar_offers_v_to_an_inspector_and_a_liaison(store, isolated_locations):
    app = build_app(isolated_locations, user=EDITOR, role="liaison", unit="市人力社保局")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = await push_items(pilot, "W06")
        assert f"v {t('key.value')}" in screen_text(app)
        move_to_key(items.table, "W06-T01")
        await pilot.press("v")
        await settle(pilot)
        await pilot.press(*"20", "ctrl+s")
        await settle(pilot)
        state = state_row(store, "W06-T01")
        assert (state["value"], state["progress"], state["status"], state["updated_by"]) == ("20", 100, "done", EDITOR)


async def test_the_overview_shows_the_headline_goals_with_their_values_this_round(store, isolated_locations):
    from supervise_tui.domain.edits import set_indicator

    set_indicator(store, Actor("督查员"), ROUND, "G01", {"value": "36.5"})
    set_indicator(store, Actor("督查员"), ROUND, "G06", {"value": "23.1"})
    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        goals = str(app.screen.query_one("#goals", Static).content).splitlines()
        assert goals == [
            t("overview.goals"),
            "2023  全面推动惠企政策降本减负35亿元以上  36.5/35亿元 104% ✓",
            "2023  全年民间投资增速超10%  未填",
            "2023  民营企业工业供地占比达到70%以上  未填",
            "2023  确保80%以上新增能耗用于民间投资项目  未填",
            "2023  问题化解率达95%以上  未填",
            "2025  市场经营主体突破24万户  23.1/24万户 96%",
            "2025  R&D经费支出占GDP比重达3.2%左右  未填",
            "2025  数字经济核心产业增加值占GDP比重达13%左右  未填"]
        # a value recorded elsewhere shows when the overview is read again
        set_indicator(store, Actor("督查员"), ROUND, "G02", {"value": "8.2"})
        app.screen.refresh_data()
        await settle(pilot)
        goals = str(app.screen.query_one("#goals", Static).content).splitlines()
        assert goals[2] == "2023  全年民间投资增速超10%  8.2/10% 82%"


async def test_g_on_the_overview_records_a_headline_goals_value_and_ctrl_z_undoes_it(store, isolated_locations):
    from textual.widgets import OptionList

    from supervise_tui.ui.dialogs.targets import GoalPicker

    app = build_app(isolated_locations, user=EDITOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert f"g {t('key.goal_value')}" in screen_text(app)
        await pilot.press("g")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, GoalPicker)
        assert picker.query_one(OptionList).option_count == 8
        mark = last_audit_id(store)
        await pilot.press("down", "enter")  # G02 全年民间投资增速超10%
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, ValueEditor) and labels(editor)[0] == "1. 全年民间投资增速 > 10 %"
        await pilot.press(*"10.4", "ctrl+s")
        await settle(pilot)
        assert [tuple(r) for r in store.execute("SELECT round_id, indicator_id, value, updated_by FROM indicator_state")] \
            == [(ROUND, "G02", "10.4", EDITOR)]
        assert without_id(audit_rows(store, after=mark)) == [audit("G02", "value", "", "10.4")]
        goals = str(app.screen.query_one("#goals", Static).content).splitlines()
        assert goals[2] == "2023  全年民间投资增速超10%  10.4/10% 104% ✓"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert store.execute("SELECT value FROM indicator_state").fetchone()[0] == ""


async def test_a_liaison_is_not_offered_g(store, isolated_locations):
    app = build_app(isolated_locations, user=EDITOR, role="liaison", unit="市人力社保局")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert f"g {t('key.goal_value')}" not in screen_text(app)
        await pilot.press("g")
        await settle(pilot)
        assert store.execute("SELECT count(*) FROM indicator_state").fetchone()[0] == 0
