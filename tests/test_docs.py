"""The README tells the truth: its commands, subcommands and key bindings are the real ones."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from supervise_tui.cli.parser import build_parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(action.choices)


def test_every_subcommand_has_an_example_in_the_readme():
    for name in subcommands():
        assert re.search(rf"supervise-tui (--\S+ \S+ )*{re.escape(name)}\b", README), name


def every_binding():
    """(holder, binding) for every binding of the App, every screen, dialog and widget of the TUI."""
    import importlib
    import inspect
    import pkgutil

    from textual.dom import DOMNode

    import supervise_tui.ui

    for info in pkgutil.walk_packages(supervise_tui.ui.__path__, "supervise_tui.ui."):
        module = importlib.import_module(info.name)
        for _, holder in inspect.getmembers(module, inspect.isclass):
            if issubclass(holder, DOMNode) and holder.__module__ == module.__name__:
                for binding in holder.__dict__.get("BINDINGS", []):
                    yield holder, binding


def test_every_key_of_every_screen_is_in_the_readme_key_table():
    from supervise_tui.ui.dialogs.help import key_name

    table = README.split("## 快捷键")[1].split("\n## ")[0]
    seen = set()
    for holder, binding in every_binding():
        seen.add(holder.__name__)
        assert f"`{key_name(binding)}`" in table, (holder.__name__, binding.key)
    assert {"SuperviseApp", "ItemEditing", "DiffScreen", "RoundsScreen", "VirtualTable"} <= seen


def test_the_two_setup_commands_are_make_run_and_make_test():
    block = README.split("## 开始")[1].split("```sh")[1].split("```")[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    assert re.search(r"^run: ", makefile, re.M) and re.search(r"^test: ", makefile, re.M)
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "make test" in ci
