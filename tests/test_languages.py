"""A refusal reads in the user's language on both faces; the language comes from --lang, the environment,
then the settings file, then Chinese."""

from __future__ import annotations

import json

import pytest

from supervise_tui.i18n import CATALOGUE, Msg, set_language
from tests.tui.kit import SIZE, build_app, push_items, settle

ZH, EN = 0, 1


def text(key: str, lang: int, **values) -> str:
    set_language(("zh", "en")[lang])
    try:
        return str(Msg(key, **values))
    finally:
        set_language("zh")


@pytest.mark.parametrize("lang", [ZH, EN])
def test_the_cli_refuses_in_the_language_asked_for(store, run_cli, lang):
    flag = ["--lang", ("zh", "en")[lang]]
    unknown = run_cli(*flag, "set", "W01-M01", "--status", "finished")
    assert unknown.code == 1
    assert unknown.err == "supervise-tui: " + text("error.unknown_status", lang, word="finished",
                                                   allowed="未启动 / 推进中 / 已完成 / 滞后 / 受阻") + "\n"
    liaison = run_cli(*flag, "--role", "liaison", "--unit", "市公安局", "set", "W01-M01", "--progress", "5")
    assert liaison.err == "supervise-tui: " + text("error.not_your_unit", lang, id="W01-M01") + "\n"
    # the two languages really differ, and each is the catalogue's own text
    assert CATALOGUE["error.not_your_unit"][lang].split("{id}")[1] in liaison.err


@pytest.mark.parametrize("lang", [ZH, EN])
async def test_the_tui_refuses_in_the_language_in_force(store, isolated_locations, lang):
    from supervise_tui.domain.rounds import close_round
    from tests.rounds_kit import INSPECTOR

    close_round(store, INSPECTOR)
    set_language(("zh", "en")[lang])
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await push_items(pilot, "W01")
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("backspace", "4", "0", "enter")
        await settle(pilot)
    reason = text("error.round_closed", lang, name="第1轮")
    expected = text("edit.refused", lang, reason=reason)
    assert (expected, "error", False) in app.recorded
    assert ("未保存" in expected) == (lang == ZH) and ("Not saved" in expected) == (lang == EN)


def test_the_settings_file_chooses_the_language_and_a_flag_or_the_environment_wins(
        store, run_cli, isolated_locations, tmp_path, monkeypatch):
    (tmp_path / "settings.json").write_text(json.dumps({"lang": "en"}), encoding="utf-8")
    assert run_cli("show", "W99-M99").err == "supervise-tui: no item with id 'W99-M99'\n"
    assert run_cli("--lang", "zh", "show", "W99-M99").err == "supervise-tui: 没有编号为 'W99-M99' 的事项\n"
    monkeypatch.setenv("SUPERVISE_TUI_LANG", "zh")
    assert run_cli("show", "W99-M99").err == "supervise-tui: 没有编号为 'W99-M99' 的事项\n"
    monkeypatch.delenv("SUPERVISE_TUI_LANG")
    # a usage error too is in the settings' language
    assert run_cli("list", "--bogus").err.startswith("supervise-tui: error: ")
    (tmp_path / "settings.json").write_text(json.dumps({"lang": "zh"}), encoding="utf-8")
    assert run_cli("list", "--bogus").err.startswith("supervise-tui: 用法错误: ")


async def test_the_tui_opens_in_the_settings_language(store, isolated_locations, tmp_path):
    from supervise_tui.main import choose_language

    (tmp_path / "settings.json").write_text(json.dumps({"lang": "en"}), encoding="utf-8")
    assert choose_language(None) == "en"  # what main() does before it starts the TUI
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.title == CATALOGUE["app.title"][EN]
        assert str(app.screen.query_one("#topbar").render()).lstrip().startswith("Overview")
    assert choose_language("zh") == "zh"  # a --lang flag wins over the file
