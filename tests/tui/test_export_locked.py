"""An export whose file another program holds open (Excel on Windows): the old file is kept and the
user is told, in their language, what to close; in the domain, the CLI and the TUI's dialog.

Windows refuses to replace a file that is open elsewhere with a sharing violation, which Python
raises as PermissionError from os.replace; here os.replace raises it the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import Button, Label

from supervise_tui.domain import bulletin, export
from supervise_tui.errors import SuperviseError
from supervise_tui.i18n import Msg, set_language
from tests.tui.kit import ROUND, SIZE, build_app, settle

SHARING_VIOLATION = "The process cannot access the file because it is being used by another process"


@pytest.fixture
def excel_holds(monkeypatch):
    """os.replace refuses while ``held`` holds the target's path, as Windows does with Excel open."""
    held: set[str] = set()
    real = os.replace

    def replace(src, dst):
        if str(dst) in held:
            raise PermissionError(13, SHARING_VIOLATION, str(dst))
        return real(src, dst)

    monkeypatch.setattr(export.os, "replace", replace)
    return held


def test_the_domain_keeps_the_old_file_and_says_it_is_held_open(store, tmp_path, excel_holds):
    folder = tmp_path / "exports"
    b = bulletin.build_bulletin(store, ROUND)
    path = export.export_bulletin(b, "csv", folder)
    path.write_bytes(b"last week's bulletin, open in Excel")
    excel_holds.add(str(path))
    with pytest.raises(SuperviseError) as caught:
        export.export_bulletin(b, "csv", folder)
    assert caught.value.msg == Msg("error.export.locked", path=str(path))
    assert path.read_bytes() == b"last week's bulletin, open in Excel"
    assert [p.name for p in folder.iterdir()] == [path.name]  # no temporary file left behind
    try:
        set_language("en")
        assert str(caught.value) == (f"cannot replace {path}: another program (Excel?) has it open, or it may "
                                     "not be written; close it and export again")
    finally:
        set_language(None)


def test_the_cli_says_it_in_one_line_and_exits_1(store, run_cli, tmp_path, excel_holds):
    out = tmp_path / "out"
    assert run_cli("export", "--format", "csv", "--out", str(out)).code == 0
    (path,) = out.iterdir()
    excel_holds.add(str(path))
    result = run_cli("export", "--format", "csv", "--out", str(out))
    assert (result.code, result.out) == (1, "")
    assert result.err == f"supervise-tui: 无法替换 {path}:它正被其他程序（如 Excel）打开,或不允许写入。关闭后再导出一次\n"


async def test_the_export_dialog_says_it_and_writes_once_the_file_is_closed(
        store, isolated_locations, tmp_path, monkeypatch, excel_holds):
    monkeypatch.chdir(tmp_path)
    path = export.export_bulletin(bulletin.build_bulletin(store, ROUND), "md", tmp_path / "exports")
    excel_holds.add(str(path))
    app = build_app(isolated_locations)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        await pilot.click("#go")  # the defaults: this round, Markdown, ./exports
        await settle(pilot)
        assert app.screen is dialog  # still open, saying why
        assert str(dialog.query_one("#export-error", Label).render()) == (
            f"无法替换 {path}:它正被其他程序（如 Excel）打开,或不允许写入。关闭后再导出一次")
        excel_holds.clear()  # the user closes Excel
        # Textual's Button ignores a click during its 0.2 s press effect; the refusal came quicker than that
        go = dialog.query_one("#go", Button)
        for _ in range(20):
            if not go.has_class("-active"):
                break
            await pilot.pause(0.05)
        await pilot.click("#go")
        await settle(pilot)
        assert app.screen is not dialog
    assert sorted(p.name for p in Path(tmp_path / "exports").iterdir()) == [path.name]
