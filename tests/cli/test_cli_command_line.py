"""The command line is read by the one parser; global options alone (opening the TUI) are read without
building every subcommand's parser, with the same result and the same refusals."""

from __future__ import annotations

import pytest

from supervise_tui.cli import parser as cli_parser
from supervise_tui.cli.parser import build_parser, only_global_options, parse_command_line
from supervise_tui.errors import UsageError

OPENING_THE_TUI = [
    [],
    ["--db", "store.db"],
    ["--db=store.db", "--lang", "en"],
    ["--lang=zh", "--user", "list", "--db", "-1"],  # values that look like a command or a number
    ["--role", "liaison", "--unit", "市发改局", "--user=张三", "--db", "x.db", "--headless",
     "--exit-after-first-screen"],
    ["--db", "a.db", "--db", "b.db"],  # the last one counts, as argparse has it
]

REFUSED = [
    ["--lang", "fr"],
    ["--role=boss"],
    ["--db"],
    ["--db", "x.db", "--user"],
    ["--lang", "--db", "x.db"],
]


@pytest.mark.parametrize("argv", OPENING_THE_TUI)
def test_global_options_alone_read_as_the_whole_parser_reads_them(argv):
    assert only_global_options(argv)
    assert vars(parse_command_line(argv)) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", OPENING_THE_TUI)
def test_global_options_alone_do_not_build_the_subcommands(argv, monkeypatch):
    def whole_parser():
        raise AssertionError("built every subcommand's parser")

    monkeypatch.setattr(cli_parser, "build_parser", whole_parser)
    assert parse_command_line(argv).command is None


@pytest.mark.parametrize("argv", REFUSED)
def test_a_refused_global_option_is_said_in_the_whole_parsers_words(argv, english):
    with pytest.raises(UsageError) as whole:
        build_parser().parse_args(argv)
    with pytest.raises(UsageError) as read:
        parse_command_line(argv)
    assert str(read.value) == str(whole.value)


@pytest.mark.parametrize("argv", [
    ["list", "--format", "json"],
    ["--db", "x.db", "list"],
    ["--lang", "en", "round", "list"],
    ["--help"],
    ["--version"],
    ["--us", "me"],  # an abbreviation of --user: argparse accepts it, the whole parser reads it
    ["--", "--db"],
])
def test_anything_else_goes_to_the_whole_parser(argv):
    assert not only_global_options(argv)


def test_a_command_after_global_options_is_parsed_whole():
    args = parse_command_line(["--db", "x.db", "--lang", "en", "list", "--format", "json"])
    assert (args.command, args.db, args.lang, args.format) == ("list", "x.db", "en", "json")
