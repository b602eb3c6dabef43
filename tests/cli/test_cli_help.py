"""--help reads in the user's language: every help text of every command comes from the catalogue."""

from __future__ import annotations

import argparse

import pytest

from supervise_tui.cli.helptext import ARGPARSE_WORDS, argparse_words, help_key, localise
from supervise_tui.cli.parser import build_parser
from supervise_tui.i18n import CATALOGUE, set_language, t
from supervise_tui.main import lang_flag, main


def helped(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


def commands(parser: argparse.ArgumentParser, path=()):
    """(path, parser) of every command and subcommand."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*path, name))


def test_every_help_text_has_its_catalogue_entry_in_both_languages(isolated_locations):
    parser = build_parser()
    assert localise(parser) == []
    for path, sub in commands(parser):
        for action in sub._actions:
            if action.help and action.help != argparse.SUPPRESS and not isinstance(
                    action, (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)):
                key = help_key(list(path), action.dest)
                assert key is not None, (path, action.dest)
                zh, en = CATALOGUE[key]
                assert zh and en and zh != en, key


@pytest.mark.parametrize("argv", [(), ("list",), ("round", "new"), ("close-out",), ("exchange", "import")])
def test_help_in_chinese_names_no_english_help(isolated_locations, capsys, argv):
    out = helped(capsys, *argv)
    assert out.startswith(t("cli.help.usage"))
    assert t("cli.help.options") in out and t("cli.help.help") in out
    set_language("en")
    english = [t(key) for key in CATALOGUE if key.startswith("cli.help.") and len(t(key)) > 12]
    set_language("zh")
    for sentence in english:
        assert sentence not in out, sentence
    for path, sub in commands(build_parser()):
        if path == argv:
            for action in sub._actions:
                if action.help and action.help != argparse.SUPPRESS and len(action.help) > 12:
                    assert " ".join(action.help.split())[:10] in " ".join(out.split()), action.help


def test_help_in_english_with_lang_anywhere(isolated_locations, capsys):
    for argv in (("--lang", "en", "round", "new"), ("round", "--lang=en", "new")):
        out = helped(capsys, *argv)
        assert out.startswith("usage: supervise-tui round new")
        assert "the period it covers: 2024, 2024-Q1 or 2024-03" in out
        assert "show this help message and exit" in out
    set_language("zh")


def test_lang_flag_is_read_before_parsing():
    assert lang_flag(["--lang", "en", "list"]) == "en"
    assert lang_flag(["list", "--lang=zh"]) == "zh"
    assert lang_flag(["--lang", "fr"]) is None and lang_flag(["--lang"]) is None and lang_flag([]) is None


@pytest.mark.parametrize(("argv", "zh"), [
    (("list", "--format", "bogus"), "参数 --format:'bogus' 不是可选的值(可选:'table', 'json', 'csv')"),
    (("list", "--pillar"), "参数 --pillar:需要一个值"),
    (("round", "new"), "缺少必需的参数:name"),
    (("list", "--xyz", "1"), "无法识别的参数:--xyz 1"),
    (("synth", "--items", "x"), "参数 --items:'x' 不是有效的 int 值"),
])
def test_usage_errors_read_in_the_users_language(isolated_locations, run_cli, argv, zh):
    result = run_cli(*argv)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [f"supervise-tui: {t('error.usage', detail=zh)}"]
    english = run_cli("--lang", "en", *argv)
    assert english.code == 2 and english.err.startswith("supervise-tui: error: ")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english.err)  # no Chinese word in the English one
    set_language("zh")
    assert argparse._ is not argparse_words  # argparse's own words are put back after parsing


def test_every_argparse_message_has_both_languages():
    for message, key in ARGPARSE_WORDS.items():
        zh, en = CATALOGUE[key]
        assert en.strip() == message.strip() or key.startswith("cli.help."), key
        assert zh != en
