"""The one catalogue of interface strings: complete in both languages, and every key used exists."""

from __future__ import annotations

import ast
import functools
import re
import string
from pathlib import Path

import pytest

import supervise_tui
from supervise_tui.i18n import CATALOGUE, LANGUAGES, language, set_language, t

PACKAGE = Path(supervise_tui.__file__).resolve().parent
SOURCES = sorted(PACKAGE.rglob("*.py"))
FAMILIES = {key.split(".")[0] for key in CATALOGUE}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_a_non_blank_chinese_and_english_text_with_the_same_placeholders():
    assert LANGUAGES == ("zh", "en")
    assert len(CATALOGUE) > 100
    for key, texts in CATALOGUE.items():
        assert re.fullmatch(r"[a-z_]+(\.[a-z_0-9]+)+", key), f"odd key {key!r}"
        assert isinstance(texts, tuple) and len(texts) == 2, key
        zh, en = texts
        assert isinstance(zh, str) and zh.strip(), f"{key}: no Chinese text"
        assert isinstance(en, str) and en.strip(), f"{key}: no English text"
        assert fields(zh) == fields(en), f"{key}: placeholders differ between zh and en"


def test_chinese_is_the_default_and_english_is_chosen_by_name(monkeypatch):
    monkeypatch.delenv("SUPERVISE_TUI_LANG", raising=False)
    try:
        assert set_language(None) == "zh" and t("status.done") == "已完成"
        assert set_language("en") == "en" and t("status.done") == "done"
        assert t("bar.round", name="Q1") == "Round: Q1"
        assert set_language("fr") == "zh"  # unknown: back to the default, never a missing text
        monkeypatch.setenv("SUPERVISE_TUI_LANG", "en")
        assert set_language(None) == "en"
    finally:
        set_language("zh")
    assert language() == "zh"


# --------------------------------------------------------------------------- keys used in the source


# Functions whose first argument is a catalogue key: t() itself, sources.column() (a heading), a Msg,
# and every error of the family (errors.SuperviseError and its subclasses).
KEY_TAKERS = {"t", "column", "Msg", "SuperviseError", "UsageError", "StoreError", "NotFound", "EditRefused",
              "FrozenRound", "BadValue", "SettingsError", "Refused",
              "ExchangeRefused"}
# Functions whose first argument is a family of keys: vocab.word("status", code) reads status.<code>.
FAMILY_TAKERS = {"word"}


def calls_of_t(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KEY_TAKERS \
                and node.args:
            yield node, node.args[0]


def literal_strings(node: ast.AST) -> list[str] | None:
    """The strings a loop variable takes when the loop runs over a literal tuple or list."""
    if isinstance(node, (ast.Tuple, ast.List)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return [e.value for e in node.elts]
    return None


@functools.lru_cache(maxsize=1)
def used_keys() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(key → where, f-string or ``+`` prefix → where) for every ``t(...)`` in the package."""
    keys: dict[str, list[str]] = {}
    prefixes: dict[str, list[str]] = {}
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, str(path))
        loops = {}  # loop variable name → the literal strings it runs over
        for node in ast.walk(tree):
            if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name):
                values = literal_strings(node.iter)
                if values is not None:
                    loops.setdefault(node.target.id, []).extend(values)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FAMILY_TAKERS \
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                prefixes.setdefault(node.args[0].value + ".", []).append(f"{path.name}:{node.lineno}")
        for call, arg in calls_of_t(tree):
            where = f"{path.relative_to(PACKAGE.parent)}:{call.lineno}"
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                keys.setdefault(arg.value, []).append(where)
            elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                prefixes.setdefault(arg.values[0].value, []).append(where)
            elif isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Add) \
                    and isinstance(arg.left, ast.Constant) and isinstance(arg.left.value, str):
                prefixes.setdefault(arg.left.value, []).append(where)
            elif isinstance(arg, ast.Name) and arg.id in loops:
                for value in loops[arg.id]:
                    keys.setdefault(value, []).append(where)
        # The regex view too, so a call the tree walk misreads is still seen.
        for match in re.finditer(r"\b(?:t|column)\(\s*\"([a-z_]+(?:\.[a-z_0-9]+)+)\"", source):
            keys.setdefault(match.group(1), []).append(f"{path.name} (text)")
        for match in re.finditer(r"\bt\(\s*f\"([a-z_]+(?:\.[a-z_0-9]+)*\.)\{", source):
            prefixes.setdefault(match.group(1), []).append(f"{path.name} (text)")
    return keys, prefixes


def test_the_source_scan_sees_the_calls_it_should():
    keys, prefixes = used_keys()
    assert "app.title" in keys and "edit.conflict" in keys and "col.round" in keys and "col.works_lead" in keys
    assert "status." in prefixes and "field." in prefixes


def test_every_key_used_in_the_source_is_in_the_catalogue():
    keys, _ = used_keys()
    missing = {key: where for key, where in keys.items() if key not in CATALOGUE}
    assert not missing, f"keys used but not in the catalogue: {missing}"


def test_every_key_family_built_at_run_time_exists_and_is_complete():
    from supervise_tui.domain.edits import INSPECTOR_FIELDS
    from supervise_tui.domain.vocab import LIGHTS, STATUSES

    _, prefixes = used_keys()
    for prefix, where in prefixes.items():
        assert any(key.startswith(prefix) for key in CATALOGUE), f"no {prefix}* keys, used at {where}"
    # the families whose members come from data: every member has a text
    expected = {
        "status.": STATUSES,
        "light.": LIGHTS,
        "kind.": ("target", "measure"),
        "role.": ("lead", "co", "leader", "liaison", "inspector"),
        "field.": INSPECTOR_FIELDS,
        "screen.": ("overview", "pillars", "units", "people", "search", "help"),
        "tip.": ("overview", "pillars", "units", "people", "search"),
    }
    for prefix, members in expected.items():
        for member in members:
            assert prefix + member in CATALOGUE, f"{prefix}{member} is missing"


def test_every_key_binding_and_help_row_has_its_texts():
    from textual.binding import Binding

    from supervise_tui.ui.app import SuperviseApp
    from supervise_tui.ui.dialogs import editors as dialogs
    from supervise_tui.ui.dialogs import help
    from supervise_tui.ui.screens import browse, detail, editing, overview, search
    from supervise_tui.ui.widgets.vtable import VirtualTable

    holders = [SuperviseApp, VirtualTable, help.HelpScreen, editing.ItemEditing, browse.TableScreen,
               search.SearchScreen, dialogs.NoteEditor, dialogs.StatusPicker, dialogs.ProgressInput,
               detail.DetailScreen, overview.OverviewScreen]
    for holder in holders:
        for binding in holder.BINDINGS:
            assert isinstance(binding, Binding)
            assert binding.description in CATALOGUE, f"{holder.__name__} {binding.key}: {binding.description!r}"
            assert not binding.tooltip or binding.tooltip in CATALOGUE, f"{holder.__name__} {binding.key}"
    # every bind(..., "name") in the source names a key.<name> text
    for path in SOURCES:
        for match in re.finditer(r"\bbind\(\s*\"[^\"]+\",\s*\"[^\"]*\",\s*\"([a-z_]+)\"", path.read_text("utf-8")):
            assert f"key.{match.group(1)}" in CATALOGUE, f"{path.name}: key.{match.group(1)}"


# --------------------------------------------------------------------------- the interface in English


async def test_lang_en_shows_english_headings_in_the_footer_topbar_and_tables(store, isolated_locations):
    from supervise_tui.cli.parser import build_parser
    from tests.tui.kit import SIZE, build_app, screen_lines, settle

    cjk = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
    try:
        assert set_language(build_parser().parse_args(["--lang", "en"]).lang) == "en"
        app = build_app(isolated_locations)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            lines = screen_lines(app)
            assert app.title == CATALOGUE["app.title"][1]
            top, footer = lines[0], lines[-1]
            assert top.lstrip().startswith("Overview") and "Round:" in top and "inspector" in top
            for key, label in (("1", "Overview"), ("2", "Pillars"), ("3", "Units"), ("4", "People"),
                               ("/", "Search")):
                assert f"{key} {label}" in footer, footer
            assert not cjk.search(footer), footer
            header = next(ln for ln in lines if "pillar" in ln and "items" in ln)
            assert not cjk.search(header), header
            assert "Progress by pillar" in "\n".join(lines)
            await pilot.press("3")
            await settle(pilot)
            header = screen_lines(app)[2]
            for heading in ("unit", "works led", "items led", "items co", "done", "progress"):
                assert heading in header, header
            assert not cjk.search(header), header
            await pilot.press("question_mark")
            await settle(pilot)
            text = "\n".join(screen_lines(app))
            assert "Key bindings" in text and "Drill in or open the item" in text and "On every screen" in text
    finally:
        set_language("zh")
    assert t("key.overview") == "总览"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_status_words_in_the_tables_and_the_picker_come_from_the_catalogue(lang):
    from supervise_tui.domain.vocab import STATUSES, word

    try:
        set_language(lang)
        index = LANGUAGES.index(lang)
        assert [word("status", s) for s in STATUSES] == [CATALOGUE[f"status.{s}"][index] for s in STATUSES]
    finally:
        set_language("zh")
