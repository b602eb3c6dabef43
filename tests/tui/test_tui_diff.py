"""Pilot tests for the round diff (d): the round pair picker, the diff screen and one item compared."""

from __future__ import annotations

import colorsys

from textual.widgets import Button, Select

from supervise_tui.domain import diff
from supervise_tui.domain.diff import DiffFilter, diff_counts, diff_rows
from supervise_tui.domain.edits import Actor, apply_changes, set_light
from supervise_tui.domain.rounds import create_round
from supervise_tui.i18n import t
from supervise_tui.ui.dialogs.diff import DiffFilterPicker, RoundPairPicker
from supervise_tui.ui.screens.diff import DiffItemScreen, DiffScreen
from tests.tui.kit import (
    ROUND,
    SIZE,
    build_app,
    choose_in_select,
    move_to_key,
    screen_lines,
    screen_text,
    settle,
    summary_text,
    table_keys,
    table_rows,
)

INSPECTOR = Actor("督查员")
NEW_NAME = "2024年第二季度"

# What the scripted second round does, and the class each item must get from the diff.
EXPECTED_CLASSES = {
    "W02-M02": "improved",    # P1: not started → done
    "W07-M01": "regressed",   # P2: in progress → blocked
    "W12-M01": "regressed",   # P3: progress 20 → 10, the light drops from green to yellow
    "W17-M01": "improved",    # P4: the inspector overrides yellow with green
    "W24-T01": "unchanged",   # P5: only the note changed
}


def two_round_scenario(conn) -> tuple[int, int]:
    """Round 1 with two items reported, round 2 created from it and edited; returns both ids."""
    apply_changes(conn, INSPECTOR, ROUND, "W07-M01", {"status": "in_progress", "progress": 40})
    apply_changes(conn, INSPECTOR, ROUND, "W12-M01", {"status": "in_progress", "progress": 20})
    new = create_round(conn, INSPECTOR, NEW_NAME, period="2024-Q2").id
    apply_changes(conn, INSPECTOR, new, "W02-M02", {"status": "done", "progress": 100})
    apply_changes(conn, INSPECTOR, new, "W07-M01", {"status": "blocked"})
    apply_changes(conn, INSPECTOR, new, "W12-M01", {"progress": 10})
    set_light(conn, INSPECTOR, new, "W17-M01", "green", "现场核查进度正常")
    apply_changes(conn, INSPECTOR, new, "W24-T01", {"note": "已召开座谈会"})
    return ROUND, new


def expected_rows(conn, old: int, new: int, flt: DiffFilter = DiffFilter(), changed_only: bool = True) -> list[dict]:
    return list(diff_rows(conn, old, new, flt, changed_only=changed_only))


async def open_diff(pilot) -> DiffScreen:
    """d, then Tab to the diff button and press it (the picker opens on previous → current)."""
    app = pilot.app
    await pilot.press("d")
    await settle(pilot)
    picker = app.screen
    assert isinstance(picker, RoundPairPicker)
    while not isinstance(app.focused, Button) or app.focused.id != "go":
        await pilot.press("tab")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, DiffScreen)
    return app.screen


def class_segments(app, item_id: str) -> list:
    """The rendered segments of the screen line showing ``item_id`` in the diff table."""
    for strip in app.screen._compositor.render_strips():
        if item_id in strip.text:
            return list(strip)
    raise AssertionError(f"{item_id} is not on the screen")


def hue(style) -> str | None:
    """"green" or "red" when the drawn colour (the theme's shade of it) has that hue."""
    if style.color is None:
        return None
    h, s, _ = colorsys.rgb_to_hsv(*(c / 255 for c in style.color.get_truecolor()))
    degrees = h * 360
    if s < 0.4:
        return None
    if 70 <= degrees <= 170:
        return "green"
    if degrees <= 20 or degrees >= 330:
        return "red"
    return None


def style_of(app, item_id: str, label: str):
    """The style the class cell ``label`` is drawn in, on the line of ``item_id``."""
    segment = next(s for s in class_segments(app, item_id) if label in s.text)
    return segment.style


async def test_d_picks_previous_and_current_and_the_screen_equals_the_domain_diff(store, isolated_locations):
    old, new = two_round_scenario(store)
    rows = expected_rows(store, old, new)
    assert {r["id"]: r["class"] for r in rows} == EXPECTED_CLASSES  # the scenario is what it says
    counts = diff_counts(store, old, new)

    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.session.round.id == new
        base = app.screen
        await pilot.press("d")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, RoundPairPicker)
        assert picker.query_one("#old-round", Select).value == old
        assert picker.query_one("#new-round", Select).value == new
        await pilot.press("escape")  # cancel: nothing pushed
        await settle(pilot)
        assert app.screen is base

        screen = await open_diff(pilot)
        assert (screen.old.id, screen.new.id) == (old, new)
        assert screen.crumbs == [t("screen.diff"), f"第1轮 → {NEW_NAME}"]
        # the counts on top are the domain's
        summary = summary_text(app)
        for cls in diff.CLASSES:
            assert f"{t(f'diff.class.{cls}')} {counts[cls]}" in summary
        assert t("diff.notes_changed", n=counts["note_changed"]) in summary
        assert t("diff.filtered") not in summary
        assert (counts["improved"], counts["regressed"], counts["unchanged"], counts["new"], counts["retired"]) \
            == (2, 2, len(store.execute("SELECT id FROM items WHERE retired = 0").fetchall()) - 4, 0, 0)

        # the rows are the domain's, in its order, with the class, status and progress shown
        table = screen.table
        assert table_keys(table) == [r["id"] for r in rows]
        assert table.row_count == counts["changed"] == 5
        shown = dict(zip(table_keys(table), table_rows(table)))
        for r in rows:
            cells = shown[r["id"]]
            assert cells[1] == t(f"diff.class.{r['class']}")
            assert cells[4] == f"{t('status.' + r['old_status'])} → {t('status.' + r['new_status'])}"
            assert cells[5] == f"{t('light.' + r['old_light'])}→{t('light.' + r['new_light'])}"
        assert shown["W02-M02"][6] == "0→100 (+100)"
        assert shown["W12-M01"][6] == "20→10 (-10)"
        note = [c.label for c in screen.source.columns].index(t("diff.note"))
        assert shown["W24-T01"][note] == t("diff.note_changed") and shown["W02-M02"][note] == ""

        # improved in green, regressed in red, as drawn (the cursor sits on another row)
        move_to_key(table, "W24-T01")
        await settle(pilot)
        for item_id, cls in EXPECTED_CLASSES.items():
            if cls not in ("improved", "regressed"):
                continue
            style = style_of(app, item_id, t(f"diff.class.{cls}"))
            assert hue(style) == ("green" if cls == "improved" else "red"), (item_id, style)
            assert style.bold
        unchanged = style_of(app, "W24-T01", t("diff.class.unchanged"))
        assert hue(unchanged) is None  # (bold there is the cursor's)
        class_column = table.source.columns[1]
        assert class_column.style_fn(t("diff.class.improved")) == "bold green"
        assert class_column.style_fn(t("diff.class.regressed")) == "bold red"


async def test_brackets_jump_between_changes_and_a_toggles_all_items(store, isolated_locations, monkeypatch):
    old, new = two_round_scenario(store)
    passes = []  # every comparison of the two rounds (each is a pass over both, seconds at province scale)
    compare = diff._compared

    def counted(*args, **kwargs):
        passes.append(args[1:3])
        return compare(*args, **kwargs)

    monkeypatch.setattr(diff, "_compared", counted)
    changed = [r["id"] for r in expected_rows(store, old, new)]
    every = expected_rows(store, old, new, changed_only=False)
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_diff(pilot)
        table = screen.table
        assert table.cursor_row == 0

        # changes only: every row is a change, ] and [ step through them
        for index in range(1, len(changed)):
            await pilot.press("right_square_bracket")
            assert (table.cursor_row, table.current_key) == (index, changed[index])
        app.recorded.clear()
        await pilot.press("right_square_bracket")  # past the last one: says so, stays
        await settle(pilot)
        assert table.cursor_row == len(changed) - 1
        assert [(m, s) for m, s, _ in app.recorded] == [(t("diff.no_more"), "information")]
        await pilot.press("left_square_bracket")
        assert table.current_key == changed[-2]

        # a: every compared item, the unchanged ones too
        await pilot.press("a")
        await settle(pilot)
        counts = diff_counts(store, old, new)
        assert table.row_count == len(every) == sum(counts[c] for c in diff.CLASSES)
        assert table_keys(table) == [r["id"] for r in every]
        assert table.cursor_row == 0 and table.current_key == every[0]["id"] not in changed
        # ] skips the unchanged rows, landing on each change in turn
        positions = [i for i, r in enumerate(every) if r["id"] in changed]
        assert positions[0] > 10  # the first change is well down the list
        for index in positions:
            passes.clear()
            await pilot.press("right_square_bracket")
            assert table.cursor_row == index and table.current_key == every[index]["id"]
            # at most one pass to find it, never one per row passed over
            assert len(passes) <= 1, passes
        app.recorded.clear()
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert table.cursor_row == positions[-1]
        assert [m for m, _, _ in app.recorded] == [t("diff.no_more")]
        for index in reversed(positions[:-1]):
            passes.clear()
            await pilot.press("left_square_bracket")
            assert table.cursor_row == index
            assert len(passes) <= 1, passes
        app.recorded.clear()
        await pilot.press("left_square_bracket")  # nothing before the first change
        await settle(pilot)
        assert table.cursor_row == positions[0]
        assert [m for m, _, _ in app.recorded] == [t("diff.no_more")]

        await pilot.press("a")  # and back to the changes only
        await settle(pilot)
        assert table_keys(table) == changed


async def test_f_filters_by_pillar_and_enter_compares_one_item_side_by_side(store, isolated_locations):
    old, new = two_round_scenario(store)
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_diff(pilot)

        await pilot.press("f")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, DiffFilterPicker)
        await choose_in_select(pilot, picker.query_one("#f-pillar", Select), "P2")
        while not isinstance(app.focused, Button) or app.focused.id != "go":
            await pilot.press("tab")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.flt == DiffFilter(pillar="P2")
        flt_rows = expected_rows(store, old, new, DiffFilter(pillar="P2"))
        assert [r["id"] for r in flt_rows] == ["W07-M01"]
        assert table_keys(screen.table) == ["W07-M01"]
        summary = summary_text(app)
        assert t("diff.filtered") in summary
        flt_counts = diff_counts(store, old, new, DiffFilter(pillar="P2"))
        for cls in diff.CLASSES:
            assert f"{t(f'diff.class.{cls}')} {flt_counts[cls]}" in summary
        # all items of that pillar, with a
        await pilot.press("a")
        await settle(pilot)
        assert table_keys(screen.table) == [r["id"] for r in expected_rows(
            store, old, new, DiffFilter(pillar="P2"), changed_only=False)]
        assert all(r["pillar_id"] == "P2" for r in expected_rows(
            store, old, new, DiffFilter(pillar="P2"), changed_only=False))
        await pilot.press("a")
        await settle(pilot)

        # the filter dialog opens on the filter in force; escape keeps it
        await pilot.press("f")
        await settle(pilot)
        assert app.screen.query_one("#f-pillar", Select).value == "P2"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.flt == DiffFilter(pillar="P2")

        # enter: the item in both rounds, side by side
        await pilot.press("enter")
        await settle(pilot)
        item = app.screen
        assert isinstance(item, DiffItemScreen) and item.item_id == "W07-M01"
        lines = screen_lines(app)
        text = "\n".join(lines)
        header = next(ln for ln in lines if "第1轮" in ln and NEW_NAME in ln and "当前轮次" not in ln)
        assert header.index("第1轮") < header.index(NEW_NAME)
        status_line = next(ln for ln in lines if t("field.status") in ln
                           and t("status.in_progress") in ln)
        assert t("status.blocked") in status_line
        assert status_line.index(t("status.in_progress")) < status_line.index(t("status.blocked"))
        assert "W07-M01" in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_d_with_only_one_round_says_so_and_opens_nothing(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        stack = list(app.screen_stack)
        await pilot.press("d")
        await settle(pilot)
        assert list(app.screen_stack) == stack
        assert not isinstance(app.screen, RoundPairPicker)
        assert [(m, s) for m, s, _ in app.recorded] == [(t("diff.one_round"), "warning")]
        assert t("diff.pick_title") not in screen_text(app)


async def test_the_diff_shows_value_and_evidence_changes(store, isolated_locations):
    """A value reached (old→new) and an evidence-only change: both listed, both counted on top."""
    old, new = two_round_scenario(store)
    apply_changes(store, INSPECTOR, new, "W13-T02", {"value": "12"})  # ≥ 10 %: met, so done
    apply_changes(store, INSPECTOR, new, "W24-M01", {"evidence": "乐发改〔2024〕7号"})  # nothing else
    counts = diff_counts(store, old, new)
    assert (counts["value_changed"], counts["evidence_changed"], counts["changed"]) == (1, 1, 7)
    app = build_app(isolated_locations)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        screen = await open_diff(pilot)
        summary = summary_text(app)
        assert t("diff.values_changed", n=1) in summary and t("diff.evidence_changed", n=1) in summary
        table = screen.table
        assert table.row_count == 7
        labels = [c.label for c in screen.source.columns]
        value, evidence = labels.index(t("diff.value")), labels.index(t("diff.evidence"))
        rows = {row[0]: row for row in table_rows(table)}
        assert (rows["W13-T02"][1], rows["W13-T02"][value], rows["W13-T02"][evidence]) == \
            (t("diff.class.improved"), "—→12", "")
        assert (rows["W24-M01"][1], rows["W24-M01"][value], rows["W24-M01"][evidence]) == \
            (t("diff.class.unchanged"), "", t("diff.note_changed"))
        assert screen.source.is_change(table_rows(table)[list(rows).index("W24-M01")])
        line = next(ln for ln in screen_lines(app) if ln.lstrip().startswith("W13-T02"))
        assert "—→12" in line
