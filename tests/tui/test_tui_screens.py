"""Pilot tests for every screen and key binding: modes, drill-downs and their counts, search, help."""

from __future__ import annotations

import re

from textual.command import CommandPalette
from textual.widgets import Input

from supervise_tui.i18n import t
from supervise_tui.ui.dialogs.help import HelpScreen
from supervise_tui.ui.screens.browse import ItemsScreen, PeopleScreen, PillarsScreen, UnitsScreen, WorksScreen
from supervise_tui.ui.screens.detail import DetailScreen
from supervise_tui.ui.screens.overview import OverviewScreen
from supervise_tui.ui.screens.search import SearchScreen
from tests.search_kit import search_matches
from tests.tui.kit import (
    SIZE,
    build_app,
    crumbs,
    move_to_key,
    push_items,
    screen_text,
    settle,
    summary_text,
    table_keys,
    table_rows,
)

# --------------------------------------------------------------------------- store-side truth


def items_by(conn, sql: str, *args) -> dict:
    return {row[0]: row[1] for row in conn.execute(sql, args)}


def pillar_items(conn) -> dict[str, int]:
    return items_by(conn, "SELECT w.pillar_id, count(*) FROM items i JOIN works w ON w.id = i.work_id "
                          "WHERE i.retired = 0 GROUP BY w.pillar_id")


def work_items(conn) -> dict[str, int]:
    return items_by(conn, "SELECT work_id, count(*) FROM items WHERE retired = 0 GROUP BY work_id")


def item_ids(conn, where: str, *args) -> list[str]:
    return [r[0] for r in conn.execute(
        f"SELECT i.id FROM items i JOIN works w ON w.id = i.work_id WHERE i.retired = 0 AND {where} "
        "ORDER BY i.pos", args)]


def counts_in(text: str) -> dict[str, int]:
    """The numbers of a summary line 共 N 项 · 已完成 N · …, keyed by their label."""
    return {label: int(n) for label, n in re.findall(r"([^\d·\s]+)\s*(\d+)", text)}


def summary_items(app) -> int:
    match = re.search(r"共 (\d+) 项", summary_text(app))
    assert match, summary_text(app)
    return int(match.group(1))


# --------------------------------------------------------------------------- modes and the overview


async def test_opens_on_overview_with_the_stores_pillar_counts(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        assert app.current_mode == "overview"
        assert crumbs(app) == [t("screen.overview")]
        table = app.screen.table
        rows, keys = table_rows(table), table_keys(table)
        expected = pillar_items(store)
        assert keys == [r[0] for r in store.execute("SELECT id FROM pillars WHERE retired = 0 ORDER BY sort")]
        assert {k: int(r[2]) for k, r in zip(keys, rows)} == expected  # pillar, works, items, …
        works = items_by(store, "SELECT pillar_id, count(*) FROM works WHERE retired = 0 GROUP BY pillar_id")
        assert {k: int(r[1]) for k, r in zip(keys, rows)} == works
        total = sum(expected.values())
        assert summary_items(app) == total
        assert counts_in(summary_text(app))[t("status.not_started")] == total  # nothing reported yet
        text = screen_text(app)
        assert "乐清市促进民营经济高质量发展若干举措" in text
        for heading in ("overview.pillars", "overview.worst_units", "overview.red_list", "overview.goals"):
            assert t(heading) in text
        assert t("overview.loading") not in text  # the counts have come in
        for (goal,) in store.execute("SELECT text FROM indicators WHERE retired = 0 ORDER BY sort LIMIT 1"):
            assert goal[:20] in text
        footer = text.splitlines()[-1]
        for key, label in (("1", "总览"), ("2", "按任务"), ("3", "按单位"), ("4", "按人员"), ("/", "搜索")):
            assert f"{key} {label}" in footer, f"footer lacks {key} {label}"

        # enter on a pillar drills into its works; escape comes back
        table.move_cursor(2)
        pillar_id, label = table.current_key, table.current_row[0]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WorksScreen)
        assert crumbs(app) == [t("screen.pillars"), label]
        assert table_keys(app.screen.table) == [r[0] for r in store.execute(
            "SELECT id FROM works WHERE pillar_id = ? AND retired = 0 ORDER BY sort", (pillar_id,))]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)


async def test_number_keys_switch_between_the_four_modes(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, mode, screen_type, crumb in (
            ("2", "pillars", PillarsScreen, "screen.pillars"),
            ("3", "units", UnitsScreen, "screen.units"),
            ("4", "people", PeopleScreen, "screen.people"),
            ("1", "overview", OverviewScreen, "screen.overview"),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert app.current_mode == mode
            assert isinstance(app.screen, screen_type)
            assert crumbs(app) == [t(crumb)]
            assert t(crumb) in screen_text(app).splitlines()[0]
        # escape on the base screen of a mode stays there
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        assert app.is_running


# --------------------------------------------------------------------------- pillars → works → items → detail


async def test_pillar_drill_down_counts_breadcrumbs_and_detail(store, isolated_locations):
    per_pillar, per_work = pillar_items(store), work_items(store)
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        pillars = app.screen
        assert {k: int(r[2]) for k, r in zip(table_keys(pillars.table), table_rows(pillars.table))} == per_pillar

        # the last pillar: its works and their item counts are the store's
        pillars.table.move_cursor(pillars.table.row_count - 1)
        for _ in range(2):
            pillar_id, pillar_label = pillars.table.current_key, pillars.table.current_row[0]
            await pilot.press("enter")
            await settle(pilot)
            works = app.screen
            assert isinstance(works, WorksScreen)
            assert crumbs(app) == [t("screen.pillars"), pillar_label]
            expected_works = [r[0] for r in store.execute(
                "SELECT id FROM works WHERE pillar_id = ? AND retired = 0 ORDER BY sort", (pillar_id,))]
            assert table_keys(works.table) == expected_works
            items_col = [c.label for c in works.table.source.columns].index(t("col.items"))
            assert {k: int(r[items_col]) for k, r in zip(table_keys(works.table), table_rows(works.table))} \
                == {w: per_work[w] for w in expected_works}
            if pillar_id == "P1":
                break
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is pillars and crumbs(app) == [t("screen.pillars")]
            pillars.table.move_cursor(0)

        # down to one item …
        work_label, work_id = works.table.current_row[0], works.table.current_key
        await pilot.press("enter")
        await settle(pilot)
        items = app.screen
        assert isinstance(items, ItemsScreen)
        assert crumbs(app) == [t("screen.pillars"), pillar_label, work_label]
        assert table_keys(items.table) == item_ids(store, "i.work_id = ?", work_id)
        assert summary_items(app) == per_work[work_id]
        item_id = "W01-M01"
        move_to_key(items.table, item_id)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.item_id == item_id
        assert crumbs(app) == [t("screen.pillars"), pillar_label, work_label, item_id]
        assert " › ".join(crumbs(app)) in screen_text(app).splitlines()[0]

        # … whose detail has the whole text, units (lead marked), people, stage, rounds, audit
        item = dict(store.execute(
            "SELECT i.text, w.leader, w.liaison, w.stage_text FROM items i JOIN works w ON w.id = i.work_id "
            "WHERE i.id = ?", (item_id,)).fetchone())
        units = list(store.execute(
            "SELECT u.name, wu.role FROM work_units wu JOIN units u ON u.id = wu.unit_id WHERE wu.work_id = ? "
            "ORDER BY wu.sort", (work_id,)))
        text = screen_text(app)
        flat = re.sub(r"\s+", "", text)
        assert re.sub(r"\s+", "", item["text"]) in flat  # the whole text, wrapped
        assert item["stage_text"] in text
        for person in (item["leader"], item["liaison"]):
            assert not person or person in text
        lead = [name for name, role in units if role == "lead"]
        assert lead and f"*{lead[0]}" in text
        for name, role in units:
            if role == "co":
                assert name in flat and f"*{name}" not in flat
        assert "第1轮" in text  # its state in the (only) round
        assert t("detail.history") in text and t("detail.audit") in text

        # … and back up, one level per escape
        expected_stack = [
            (ItemsScreen, [t("screen.pillars"), pillar_label, work_label]),
            (WorksScreen, [t("screen.pillars"), pillar_label]),
            (PillarsScreen, [t("screen.pillars")]),
        ]
        for screen_type, expected in expected_stack:
            await pilot.press("escape")
            await settle(pilot)
            assert type(app.screen) is screen_type
            assert crumbs(app) == expected
            assert " › ".join(expected) in screen_text(app).splitlines()[0]


# --------------------------------------------------------------------------- units → works → items


async def test_units_counts_as_lead_and_as_co_unit_and_their_drill_down(store, isolated_locations):
    per_unit = {}
    for unit_id, role, works, items in store.execute(
            "SELECT wu.unit_id, wu.role, count(DISTINCT wu.work_id), count(i.id) FROM work_units wu "
            "JOIN works w ON w.id = wu.work_id AND w.retired = 0 "
            "LEFT JOIN items i ON i.work_id = w.id AND i.retired = 0 GROUP BY 1, 2"):
        per_unit.setdefault(str(unit_id), {"lead": (0, 0), "co": (0, 0)})[role] = (works, items)
    unit = "市税务局"
    unit_id = store.execute("SELECT id FROM units WHERE name = ?", (unit,)).fetchone()[0]
    roles = {w: r for w, r in store.execute(
        "SELECT wu.work_id, wu.role FROM work_units wu JOIN works w ON w.id = wu.work_id "
        "WHERE wu.unit_id = ? ORDER BY w.sort", (unit_id,))}
    assert set(roles.values()) == {"lead", "co"}
    per_work = work_items(store)
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        units = app.screen
        labels = [c.label for c in units.table.source.columns]
        col = {name: labels.index(t(name)) for name in
               ("col.works_lead", "col.works_co", "col.items_lead", "col.items_co")}
        shown = {k: {"lead": (int(r[col["col.works_lead"]]), int(r[col["col.items_lead"]])),
                     "co": (int(r[col["col.works_co"]]), int(r[col["col.items_co"]]))}
                 for k, r in zip(table_keys(units.table), table_rows(units.table))}
        assert shown == per_unit

        move_to_key(units.table, str(unit_id))
        assert units.table.current_row[0] == unit
        await pilot.press("enter")
        await settle(pilot)
        works = app.screen
        assert isinstance(works, WorksScreen)
        assert crumbs(app) == [t("screen.units"), unit]
        assert table_keys(works.table) == list(roles)
        labels = [c.label for c in works.table.source.columns]
        role_col, items_col = labels.index(t("col.role")), labels.index(t("col.items"))
        for key, row in zip(table_keys(works.table), table_rows(works.table)):
            assert row[role_col] == t(f"role.{roles[key]}")
            assert int(row[items_col]) == per_work[key]
        # a work it leads and one it only supports: their items are the store's
        for role in ("lead", "co"):
            work_id = next(w for w, r in roles.items() if r == role)
            move_to_key(works.table, work_id)
            label = works.table.current_row[0]
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ItemsScreen)
            assert crumbs(app) == [t("screen.units"), unit, label]
            assert table_keys(app.screen.table) == item_ids(store, "i.work_id = ?", work_id)
            assert summary_items(app) == per_work[work_id]
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is works and crumbs(app) == [t("screen.units"), unit]


# --------------------------------------------------------------------------- people → works → items


async def test_people_counts_and_drill_down_equal_the_store(store, isolated_locations):
    expected = {}
    for person_id, role, works, items in store.execute(
            "SELECT wp.person_id, wp.role, count(DISTINCT w.id), count(i.id) FROM work_people wp "
            "JOIN works w ON w.id = wp.work_id AND w.retired = 0 "
            "JOIN items i ON i.work_id = w.id AND i.retired = 0 GROUP BY 1, 2"):
        expected[f"{person_id}:{role}"] = (works, items)
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        people = app.screen
        labels = [c.label for c in people.table.source.columns]
        works_col, items_col = labels.index(t("col.works")), labels.index(t("col.items"))
        rows = dict(zip(table_keys(people.table), table_rows(people.table)))
        assert {k: (int(r[works_col]), int(r[items_col])) for k, r in rows.items()} == expected
        for key, row in rows.items():
            assert row[1] == t("role." + key.split(":")[1])

        # the leader with most works: works → the last work's items, and back
        key = max((k for k in rows if k.endswith(":leader")), key=lambda k: expected[k])
        person_id, role = key.split(":")
        move_to_key(people.table, key)
        await pilot.press("enter")
        await settle(pilot)
        works = app.screen
        assert isinstance(works, WorksScreen)
        assert crumbs(app) == [t("screen.people"), f"{rows[key][0]}({t('role.' + role)})"]
        work_ids = [r[0] for r in store.execute(
            "SELECT w.id FROM work_people wp JOIN works w ON w.id = wp.work_id "
            "WHERE wp.person_id = ? AND wp.role = ? AND w.retired = 0 ORDER BY w.sort", (person_id, role))]
        assert len(work_ids) > 1 and table_keys(works.table) == work_ids
        works.table.move_cursor(len(work_ids) - 1)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ItemsScreen)
        assert table_keys(app.screen.table) == item_ids(store, "i.work_id = ?", work_ids[-1])
        assert summary_items(app) == len(table_keys(app.screen.table))
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert app.screen is people


# --------------------------------------------------------------------------- search


def matching(store, term: str) -> list[str]:
    """Items whose id, text, note, unit or leader/liaison holds every word of ``term``."""
    return search_matches(store, term)


async def test_search_by_substring_and_trigram_then_open_a_result(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        search = app.screen
        box = search.query_one(Input)
        assert isinstance(search, SearchScreen)
        assert crumbs(app) == [t("screen.pillars"), t("screen.search")]
        assert app.focused is box

        # 税 is shorter than a trigram: found by a substring scan; then three characters and more
        for term in ("税", "融资担保", "W05-M1", '"税 OR', "不存在的词语"):
            expected = matching(store, term)
            box.value = term
            await settle(pilot, 0.3)  # the debounce
            assert table_keys(search.table) == expected, term
            assert t("search.hint", rows=len(expected)) in summary_text(app)
            if term == "税":
                assert len(expected) > 5
                assert expected[0] in screen_text(app)
            if term in ("融资担保", "W05-M1"):
                assert expected, term

        # typed, enter runs it at once and moves into the results; enter opens one
        term = "增值税"
        expected = matching(store, term)
        assert expected
        box.value = ""
        await pilot.press(*term, "enter")
        await settle(pilot)
        assert box.value == term
        assert table_keys(search.table) == expected
        assert app.focused is search.table
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.item_id == expected[0]
        assert crumbs(app) == [t("screen.pillars"), t("screen.search"), expected[0]]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is search
        assert table_keys(search.table) == expected

        # keys typed into the box are text, never edit or navigation commands
        box.focus()
        await pilot.press("end", "s", "p", "n", "l", "c", "1", "q")
        await settle(pilot)
        assert app.screen is search and app.is_running
        assert box.value == term + "spnlc1q"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PillarsScreen)


async def test_a_search_shows_its_first_rows_at_once_and_the_whole_count_when_counted(
        store, isolated_locations, monkeypatch):
    """Counting a short term's matches scans every item: the first page comes first."""
    from supervise_tui.ui.widgets.vtable import VirtualTable

    monkeypatch.setattr(VirtualTable, "PAGE_SIZE", 5)  # so the bundled list has more than a page of 税
    expected = matching(store, "税")
    assert len(expected) > 6
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        search = app.screen
        search.run_search("税")  # what the debounce calls; the counting worker has not run yet
        assert search.table.row_count == 6  # the first page and one more: "there are more"
        assert table_keys(search.table) == expected[:6]
        assert summary_text(app) == t("search.counting", rows=5)
        await settle(pilot)
        assert search.table.row_count == len(expected)
        assert table_keys(search.table) == expected
        assert summary_text(app) == t("search.hint", rows=len(expected))

        # a term with fewer matches than a page is counted whole at once; no worker needed
        few = matching(store, "增值税")
        assert 0 < len(few) < 5
        search.run_search("增值税")
        assert (search.table.row_count, summary_text(app)) == (len(few), t("search.hint", rows=len(few)))

        # a count that comes in after the term changed is dropped
        search.run_search("税")
        stale = search.table.source
        search.run_search("融资担保")
        search.post_message(SearchScreen.Matched(stale, 999))
        await settle(pilot)
        assert table_keys(search.table) == matching(store, "融资担保")

        # a new term interrupts the count still running for the last one
        import sqlite3
        import threading

        counting = sqlite3.connect(":memory:", check_same_thread=False)
        outcome = []

        def long_count():
            try:
                counting.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                                 "SELECT count(*) FROM n").fetchone()
                outcome.append("finished")
            except sqlite3.OperationalError as exc:
                outcome.append(str(exc))

        running = threading.Event()
        counting.set_progress_handler(lambda: running.set(), 10_000)  # returns None: carry on
        thread = threading.Thread(target=long_count)
        thread.start()
        assert running.wait(10)
        search._counting = counting
        search.run_search("税")
        thread.join(10)
        assert outcome == ["interrupted"]
        counting.close()
        search._counting = counting  # finished and closed meanwhile: stopping it is harmless
        search._stop_counting()


# --------------------------------------------------------------------------- help, palette, quit


def help_rows(text: str) -> dict[str, str]:
    """key → description from the help table (columns separated by │)."""
    rows = {}
    for line in text.splitlines():
        cells = [c.strip(" ▎") for c in line.split("▊")[-1].split("│")]
        if len(cells) >= 3 and cells[0]:
            rows[cells[0]] = cells[1]
    return rows


async def test_question_mark_opens_help_listing_every_key(store, isolated_locations):
    from supervise_tui.ui.bindings import BINDING_ID_PREFIX
    from supervise_tui.ui.dialogs.help import key_name

    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # the overview, then the items of a work (where the edit keys live), then an item's detail
        for step in ("overview", "items", "detail"):
            if step == "items":
                await push_items(pilot, "W01")
            elif step == "detail":
                await pilot.press("enter")
                await settle(pilot)
                assert isinstance(app.screen, DetailScreen)
            under = app.screen
            active = {key_name(a.binding): a.binding.description for a in under.active_bindings.values()
                      if (a.binding.id or "").startswith(BINDING_ID_PREFIX)}
            await pilot.press("question_mark")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            text = screen_text(app)
            # a screen with many keys scrolls: read it down to the end
            for _ in range(5):
                await pilot.press("pagedown")
                await settle(pilot)
                text += "\n" + screen_text(app)
            assert t("screen.help") in text and t("help.here") in text and t("help.everywhere") in text
            listed = help_rows(text)
            # every key that works on the screen below is listed with its words, and nothing else
            assert {k: v for k, v in listed.items() if k not in (t("help.here"), t("help.everywhere"))} == active
            for key, name in {"1": "key.overview", "2": "key.pillars", "3": "key.units", "4": "key.people",
                              "5": "key.chase", "6": "key.exchange", "r": "key.rounds", "d": "key.diff",
                              "e": "key.export", "/": "key.search", "ctrl+z": "key.undo",
                              "ctrl+p": "key.palette", "?": "key.help", "q": "key.quit"}.items():
                assert listed.get(key) == t(name), f"help lacks {key} {t(name)} on {step}"
            # escape goes back only where there is somewhere to go back to; u only when the round moved
            assert listed.get("escape") == (None if step == "overview" else t("key.back"))
            assert "u" not in listed
            if step != "overview":
                for key, name in {"s": "key.status", "p": "key.progress", "n": "key.note", "l": "key.light",
                                  "c": "key.close_out"}.items():
                    assert listed.get(key) == t(name), f"help lacks {key} {t(name)} on {step}"
            else:
                assert "s" not in listed  # no item to set a status on here
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is under

async def test_ctrl_p_opens_the_command_palette_and_q_quits(store, isolated_locations):
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        command = t("palette.goto", name=t("screen.units"))
        await pilot.press(*t("screen.units"))
        await settle(pilot, 0.3)
        assert command in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "units"
        assert isinstance(app.screen, UnitsScreen)

        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


LONG_QUERY = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000000) "
              "SELECT count(*) FROM n")  # some seconds


def test_quitting_stops_the_workers_queries_running_and_about_to_start(store, isolated_locations):
    """A count that starts just after quit interrupted the running ones must not hold up the exit."""
    import sqlite3
    import threading

    from supervise_tui.ui.launch import make_session

    session = make_session(isolated_locations, user="tester")
    outcome, running = [], threading.Event()

    def count() -> None:
        with session.reader() as conn:
            conn.set_progress_handler(lambda: running.set(), 1000)  # (the session's check, replaced)
            try:
                conn.execute(LONG_QUERY).fetchone()
            except sqlite3.OperationalError as exc:
                outcome.append(str(exc))

    worker = threading.Thread(target=count)
    worker.start()
    assert running.wait(10)
    session.interrupt_readers()  # a query that is running: interrupted
    worker.join(10)
    assert outcome == ["interrupted"]

    with session.reader() as conn:  # one that starts afterwards stops at its first check
        try:
            conn.execute(LONG_QUERY).fetchone()
        except sqlite3.OperationalError as exc:
            outcome.append(str(exc))
    assert outcome == ["interrupted", "interrupted"]
