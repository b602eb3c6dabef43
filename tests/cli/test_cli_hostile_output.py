"""Text from someone else is inert in the CLI's output too: on a terminal, tables and CSV show
control and bidi characters as visible placeholders; JSON escapes them always; a file or a pipe
keeps the data exact."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from supervise_tui.domain.edits import Actor, apply_changes
from supervise_tui.domain.rounds import create_round

REPO = Path(__file__).resolve().parents[2]
ITEM = "W01-M01"
# An OSC 2 title change, an OSC 52 clipboard write, a screen clear, a C1 CSI, a reset, bidi overrides.
NOTE = "前\x1b]2;PWNED\x07\x1b]52;c;UFdORUQ=\x07\x1b[2J\x9b2J\x1bc\u202eRTL\u202c\u2066x\u2069\u2028\x7f后"
LEADER = "陈\x1b]2;PWNED\x07\u202e宋"  # as a task list from elsewhere could name a leader
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u202c", "\u2066", "\u2069", "\u2028", "\x7f")


@pytest.fixture
def hostile_note(store):
    """Round 2 (its name with a bidi override) holds NOTE on ITEM, which moved since round 1."""
    actor = Actor("督查员")
    apply_changes(store, actor, 1, ITEM, {"note": "旧", "status": "in_progress", "progress": 10})
    create_round(store, actor, "第2轮\u202eRTL\u202c")
    apply_changes(store, actor, 2, ITEM, {"note": NOTE, "progress": 40})
    with store:
        store.execute("UPDATE works SET leader = ? WHERE id = 'W01'", (LEADER,))
    return NOTE


def on_a_terminal(*argv: str) -> bytes:
    """Run the CLI with a pseudo-terminal as stdout; the bytes it wrote there."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "supervise_tui", *argv], cwd=REPO, env=dict(os.environ),
                            stdin=subprocess.DEVNULL, stdout=follower, stderr=subprocess.PIPE)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed its end
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.wait(timeout=60) == 0, proc.stderr.read().decode() if proc.stderr else ""
    return b"".join(chunks)


def piped(*argv: str) -> bytes:
    proc = subprocess.run([sys.executable, "-m", "supervise_tui", *argv], cwd=REPO, env=dict(os.environ),
                          capture_output=True, timeout=60, check=True)
    return proc.stdout


def raw_controls(text: str) -> list[str]:
    """The control and bidi characters in ``text`` but the line ends a terminal needs."""
    return [ch for ch in text if ch in RAW or (ord(ch) < 0x20 and ch not in "\r\n")]


@pytest.mark.parametrize("argv", [
    ("list", "--search", "完善县域样本建设"),
    ("list", "--search", "完善县域样本建设", "--format", "csv"),
    ("show", ITEM),
    ("diff", "1", "2"),
    ("diff", "1", "2", "--format", "csv"),
    ("diff", "1", "2", "--format", "md"),
], ids=lambda a: " ".join(a))
def test_table_and_csv_on_a_terminal_show_controls_as_placeholders(hostile_note, argv):
    out = on_a_terminal(*argv).decode("utf-8")
    assert raw_controls(out) == []
    if argv[0] == "diff" and argv[-1] != "csv":  # the table and Markdown diff show the round's name
        assert "第2轮\ufffdRTL\ufffd" in out, out
    elif argv[0] == "diff":  # the diff's CSV shows the work's leader
        assert "陈␛]2;PWNED␇\ufffd宋" in out, out
    else:  # the note, its controls shown and not run
        shown = "前␛]2;PWNED␇␛]52;c;UFdORUQ=␇␛[2J\ufffd2J␛c\ufffdRTL\ufffd"
        assert (shown if argv[-1] == "csv" else "前␛]2;PWNED␇␛]52;c;") in out, out


def test_csv_to_a_pipe_keeps_the_note_exact(hostile_note):
    rows = list(csv.reader(io.StringIO(piped("list", "--search", "完善县域样本建设", "--format", "csv").decode("utf-8-sig"))))
    assert NOTE in [cell for row in rows for cell in row]
    lines = piped("diff", "1", "2", "--format", "csv").decode("utf-8-sig")
    assert LEADER in [cell for row in csv.reader(io.StringIO(lines)) for cell in row]


@pytest.mark.parametrize("argv", [
    ("list", "--search", "完善县域样本建设", "--format", "json"),
    ("show", ITEM, "--format", "json"),
    ("diff", "1", "2", "--format", "json"),
    ("chase", "--format", "json"),
], ids=lambda a: " ".join(a))
def test_json_escapes_c1_and_bidi_always_and_keeps_the_data(hostile_note, argv):
    for out in (piped(*argv).decode("utf-8"), on_a_terminal(*argv).decode("utf-8")):
        assert raw_controls(out) == []
        data = json.loads(out)
        if argv[0] == "list":
            assert [row["note"] for row in data] == [NOTE]
        elif argv[0] == "show":
            assert data["note"] == NOTE
        elif argv[0] == "diff":
            assert data["to"]["name"] == "第2轮\u202eRTL\u202c" and "\\u202e" in out
            assert [(row["id"], row["note_changed"]) for row in data["rows"]] == [(ITEM, True)]
        if argv[0] in ("list", "show"):
            assert "\\u001b]2;PWNED\\u0007" in out and "\\u202e" in out


def test_the_bulletin_json_file_escapes_them_and_keeps_the_note(hostile_note, tmp_path, run_cli):
    assert run_cli("export", "--format", "json", "--round", "2", "--out", str(tmp_path / "out")).code == 0
    [path] = (tmp_path / "out").iterdir()
    text = path.read_text(encoding="utf-8")
    assert raw_controls(text.replace("\r", "")) == []
    assert "第2轮\\u202eRTL\\u202c" in text
    assert json.loads(text)["round"]["name"] == "第2轮\u202eRTL\u202c"


def test_messages_naming_a_round_or_a_file_show_its_bidi_on_a_terminal_and_keep_it_in_a_pipe(hostile_note, tmp_path):
    shown = on_a_terminal("round", "use", "2").decode("utf-8")
    assert raw_controls(shown) == [] and "第2轮\ufffdRTL\ufffd" in shown
    out = tmp_path / "out"
    shown = on_a_terminal("export", "--format", "csv", "--round", "2", "--out", str(out)).decode("utf-8")
    assert raw_controls(shown) == []
    [written] = out.iterdir()
    written.unlink()
    piped_line = piped("export", "--format", "csv", "--round", "2", "--out", str(out)).decode("utf-8")
    [again] = out.iterdir()
    assert str(again) in piped_line  # a script reading the path finds the file
