"""Evidence references: read as typed, checked against a folder (present, missing, changed), set from the CLI."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from supervise_tui.domain.evidence import Ref, check_refs, format_refs, parse_refs, read_refs, shown
from supervise_tui.errors import EditRefused
from tests.conftest import PINNED_NOW, TEST_USER

PDF = "附件/人才名单.pdf"
BODY = b"%PDF-1.4 names\n"
SHA = hashlib.sha256(BODY).hexdigest()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "ev" / "附件").mkdir(parents=True)
    (tmp_path / "ev" / PDF).write_bytes(BODY)
    (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
    return tmp_path / "ev"


def test_references_as_typed():
    refs = read_refs(["乐人才〔2024〕5号", f"{PDF}#sha256={SHA.upper()}", "乐人才〔2024〕5号", "  "])
    assert refs == [Ref("乐人才〔2024〕5号"), Ref(PDF, SHA)]  # a repeat once, the hash in lowercase
    assert format_refs(refs) == f"乐人才〔2024〕5号\n{PDF}#sha256={SHA}"
    assert parse_refs(format_refs(refs)) == refs
    assert shown(format_refs(refs)) == f"乐人才〔2024〕5号; {PDF}#{SHA[:12]}…"
    assert [r.is_file for r in [Ref("乐人才〔2024〕5号"), Ref("名单.xlsx"), Ref("a/b"), Ref("x", SHA)]] == \
        [False, True, True, True]


@pytest.mark.usefixtures("english")
def test_a_bad_hash_is_refused():
    with pytest.raises(EditRefused, match="#sha256= must be followed by 64 hex digits"):
        read_refs([f"{PDF}#sha256=abc"])


def test_the_folder_check_present_missing_changed_and_outside(folder):
    refs = [Ref("乐人才〔2024〕5号"), Ref(PDF), Ref("附件/没有.pdf"), Ref(PDF, "0" * 64), Ref(PDF, SHA),
            Ref("../outside.txt"), Ref("/etc/passwd")]
    out, findings = check_refs(refs, folder)
    assert [(f.ref, f.state, f.found) for f in findings] == [
        (Ref(PDF), "hashed", SHA),
        (Ref("附件/没有.pdf"), "missing", None),
        (Ref(PDF, "0" * 64), "changed", SHA),
        (Ref(PDF, SHA), "same", SHA),
        (Ref("../outside.txt"), "outside", None),
        (Ref("/etc/passwd"), "outside", None),
    ]
    # a document number is never looked up; a file found gets its hash; the others stay as they were
    assert out == [Ref("乐人才〔2024〕5号"), Ref(PDF, SHA), Ref("附件/没有.pdf"), Ref(PDF, "0" * 64), Ref(PDF, SHA),
                   Ref("../outside.txt"), Ref("/etc/passwd")]


# --- through `set`: exact rows and audit rows ----------------------------------------------

def rows(conn, item: str = "W06-T01") -> tuple:
    return tuple(conn.execute("SELECT value, evidence, progress, updated_by, updated_at, version FROM item_state "
                              "WHERE round_id = 1 AND item_id = ?", (item,)).fetchone())


def audit(conn, after: int) -> list[tuple]:
    return [tuple(r) for r in conn.execute(
        "SELECT at, user, round_id, item_id, action, field, old, new FROM audit WHERE id > ? ORDER BY id", (after,))]


def mark(conn) -> int:
    return conn.execute("SELECT max(id) FROM audit").fetchone()[0]


def test_set_value_and_evidence_hashes_the_file_it_finds(store, run_cli, folder, english):
    before = mark(store)
    result = run_cli("set", "W06-T01", "--value", "18", "--evidence", "乐人才〔2024〕5号", "--evidence", PDF,
                     "--evidence-dir", str(folder))
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        f"{PDF}: present; sha256 {SHA[:12]}… computed and stored",
        "W06-T01 value reached:  → 18",
        f"W06-T01 evidence:  → 乐人才〔2024〕5号; {PDF}#{SHA[:12]}…",
        "W06-T01 progress: 0 → 90",
        "W06-T01 status: not started → in progress"]
    evidence = f"乐人才〔2024〕5号\n{PDF}#sha256={SHA}"
    assert rows(store) == ("18", evidence, 90, TEST_USER, PINNED_NOW, 1)
    assert audit(store, before) == [
        (PINNED_NOW, TEST_USER, 1, "W06-T01", "edit", "value", "", "18"),
        (PINNED_NOW, TEST_USER, 1, "W06-T01", "edit", "evidence", "", evidence),
        (PINNED_NOW, TEST_USER, 1, "W06-T01", "edit", "progress", "0", "90"),
        (PINNED_NOW, TEST_USER, 1, "W06-T01", "edit", "status", "not_started", "in_progress")]
    # checked again: present and unchanged, nothing to write
    result = run_cli("set", "W06-T01", "--evidence-dir", str(folder))
    assert (result.code, result.out.splitlines()) == (0, [
        f"{PDF}: present and unchanged (sha256 matches)", "W06-T01: nothing changed"])
    assert rows(store)[-1] == 1


def test_a_changed_or_missing_file_refuses_the_edit(store, run_cli, folder, english):
    run_cli("set", "W06-T01", "--evidence", PDF, "--evidence", "附件/说明.docx")
    (folder / PDF).write_bytes(b"another file")
    before, state = mark(store), rows(store)
    result = run_cli("set", "W06-T01", "--value", "20", "--evidence-dir", str(folder))
    now = hashlib.sha256(b"another file").hexdigest()
    assert result.code == 1 and result.out == ""
    # the stored references have no hash yet: the file found is hashed, the one missing refuses
    assert result.err.splitlines() == [f"附件/说明.docx: no such file in the evidence folder {folder}"]
    run_cli("set", "W06-T01", "--evidence", f"{PDF}#sha256={SHA}")
    before, state = mark(store), rows(store)
    result = run_cli("set", "W06-T01", "--value", "20", "--evidence-dir", str(folder))
    assert result.code == 1
    assert result.err.splitlines() == [f"{PDF}: the file changed — sha256 recorded {SHA[:12]}…, now {now[:12]}…"]
    assert (rows(store), mark(store)) == (state, before)  # nothing written, the value neither


def test_a_path_leaving_the_folder_is_never_read(store, run_cli, folder, english):
    result = run_cli("set", "W06-T01", "--evidence", "../outside.txt", "--evidence-dir", str(folder))
    assert result.code == 1
    assert result.err.splitlines() == [f"../outside.txt: the path leaves the evidence folder {folder}; not read"]
    result = run_cli("set", "W06-T01", "--evidence", PDF, "--evidence-dir", str(folder / "nope"))
    assert (result.code, result.err.strip()) == (
        1, f"supervise-tui: the evidence folder {folder / 'nope'} does not exist")


def test_evidence_cleared_and_a_headline_goal_set(store, run_cli, english):
    run_cli("set", "W06-M01", "--evidence", "乐人才〔2024〕5号")
    result = run_cli("set", "W06-M01", "--evidence", "")
    assert result.out.splitlines() == ["W06-M01 evidence: 乐人才〔2024〕5号 → "]
    assert rows(store, "W06-M01")[1] == ""
    result = run_cli("set", "G06", "--value", "24.3", "--evidence", "市场监管局统计月报")
    assert result.out.splitlines() == ["G06 value reached:  → 24.3", "G06 evidence:  → 市场监管局统计月报"]
    assert [tuple(r) for r in store.execute("SELECT round_id, indicator_id, value, evidence FROM indicator_state")] \
        == [(1, "G06", "24.3", "市场监管局统计月报")]


@pytest.mark.parametrize("argv, message", [
    (("set", "W08-T01", "--value", "145"), "W08-T01 has 3 measures: give --value N=VALUE, e.g. --value 2=145"),
    (("set", "W06-M01", "--value", "3"), "W06-M01 has no numeric goal, so no value reached"),
    (("set", "W06-T01", "--value", "18", "--progress", "50"), "W06-T01 is a numeric target"),
    (("set", "G01", "--status", "done"), "headline goal G01 takes a value reached and evidence only, not status"),
    (("set", "W06-T01"), "give at least one of --status, --progress, --note, --value, --evidence"),
    (("set", "W06-T01", "--evidence", "a.pdf#sha256=12"), "a.pdf: #sha256= must be followed by 64 hex digits"),
])
def test_refusals_are_one_line(store, run_cli, english, argv, message):
    before = mark(store)
    result = run_cli(*argv)
    assert result.code != 0 and result.out == ""
    assert len(result.err.splitlines()) == 1 and message in result.err
    assert mark(store) == before
