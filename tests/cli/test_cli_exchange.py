"""supervise-tui exchange enrol / issue / open / return / import / status: output, exit status, refusals."""

from __future__ import annotations

import json
from typing import NamedTuple

import pytest

from tests.exchange_kit import UNIT, dump, load_json


class Result(NamedTuple):
    code: int
    out: str
    err: str


@pytest.fixture
def cli(store, run_cli):
    """The CLI on an inspector's store holding the bundled task list and its first round (第1轮);
    its result compares equal to a (code, out, err) tuple."""
    return lambda *argv: Result(*(lambda r: (r.code, r.out, r.err))(run_cli(*argv)))


def test_enrol_then_rotate(cli):
    assert cli("exchange", "enrol", "市税务局") == (0, "已为 市税务局 登记密钥；首个下发包将带上它\n", "")
    again = cli("--lang", "en", "exchange", "enrol", "市税务局")
    assert again == (1, "", "supervise-tui: 市税务局 was enrolled on 2024-03-15; --rotate replaces its key\n")
    rotated = cli("--lang", "en", "exchange", "enrol", "市税务局", "--rotate")
    assert rotated.code == 0 and rotated.out.startswith("replaced the key of 市税务局 (#1 → #2)")


def test_issue_one_unit_or_all(cli, tmp_path):
    cli("exchange", "enrol", UNIT)
    cli("exchange", "enrol", "市财政局")
    usb = tmp_path / "usb"
    one = cli("exchange", "issue", UNIT, "--out", str(usb))
    path = (usb / "package-r1-第1轮-市税务局.json").resolve()
    assert one == (0, f"已写出 {path}（市税务局，第1轮，39 项，带密钥：请亲手交给联络员）\n", "")
    every = cli("--lang", "en", "exchange", "issue", "--all", "--out", str(usb))
    assert every.code == 0 and len(every.out.splitlines()) == 2 and "市财政局, 第1轮, 104 items" in every.out
    for argv in (("exchange", "issue", "--out", str(usb)), ("exchange", "issue", UNIT, "--all", "--out", str(usb))):
        assert cli(*argv).code == 2
    assert cli("exchange", "issue", "市教育局", "--out", str(usb)).err == \
        "supervise-tui: 市教育局 还没有登记密钥（`supervise-tui exchange enrol`）\n"


def test_a_liaison_opens_the_package_edits_and_writes_a_return(cli, tmp_path):
    cli("exchange", "enrol", UNIT)
    cli("exchange", "issue", UNIT, "--out", str(tmp_path / "usb"))
    package = tmp_path / "usb" / "package-r1-第1轮-市税务局.json"
    mine = str(tmp_path / "liaison" / "mine.db")
    assert cli("--db", mine, "exchange", "open", str(package)) == (
        0, "已建立 市税务局 的联络员数据库：第1轮，39 项\n", "")
    assert cli("--db", mine, "--user", "林良卡", "set", "W01-M01", "--status", "推进中", "--progress", "30").code == 0
    refused = cli("--db", mine, "--role", "inspector", "--lang", "en", "set", "W01-M01", "--progress", "40")
    assert refused == (1, "", "supervise-tui: this is the liaison store of 市税务局, fixed to that unit; --role and "
                              "--unit cannot change it\n")
    assert cli("--db", mine, "round", "new", "第2轮").code == 1
    assert cli("--db", mine, "--lang", "en", "load").err == (
        "supervise-tui: this is the liaison store of 市税务局: it cannot load a task list (a liaison store is "
        "updated from round packages only)\n")
    written = cli("--db", mine, "--user", "林良卡", "exchange", "return", "--out", str(tmp_path / "usb"))
    path = (tmp_path / "usb" / "return-r1-第1轮-市税务局-0001.json").resolve()
    assert written == (0, f"已写出并核对 {path}（第 1 号，第1轮，1 项）\n", "")
    obj = load_json(path)
    assert [(i["id"], i["new"]) for i in obj["items"]] == [("W01-M01", {"status": "in_progress", "progress": 30})]
    assert cli("--db", mine, "exchange", "open", str(package)).out == (
        f"下发包 {load_json(package)['package']} 已于 2024-03-15T10:00:00+08:00 打开过；未作改动\n")


@pytest.mark.usefixtures("english")
def test_refused_packages_say_why_in_one_line_and_change_nothing(cli, tmp_path):
    import sqlite3

    cli("exchange", "enrol", UNIT)
    cli("exchange", "issue", UNIT, "--out", str(tmp_path / "usb"))
    package = tmp_path / "usb" / "package-r1-第1轮-市税务局.json"
    mine = tmp_path / "mine.db"
    cli("--db", str(mine), "exchange", "open", str(package))
    tampered = tmp_path / "tampered.json"
    data = package.read_bytes()
    at = data.index("强化财税政策保障".encode())
    tampered.write_bytes(data[:at] + b"X" + data[at + 1:])  # one byte: now not even UTF-8 there
    conn = sqlite3.connect(mine)
    before = dump(conn)
    result = cli("--db", str(mine), "exchange", "open", str(tampered))
    assert result.code == 1 and result.out == "" and result.err.startswith("supervise-tui: tampered.json: not valid")
    assert len(result.err.splitlines()) == 1
    assert dump(conn) == before
    inspector = cli("exchange", "open", str(package))
    assert inspector.code == 1 and "this is an inspector's store" in inspector.err
    conn.close()


def test_exchange_commands_need_an_exchange_action(cli):
    assert cli("exchange").code == 2


# --------------------------------------------------------------------------- import: every refusal


@pytest.fixture
def returned(cli, tmp_path):
    """The inspector's store (the test's) with 市税务局 enrolled and its package issued, and a liaison store
    that changed W01-M01 and wrote return number 1; returns (liaison db, the return file)."""
    cli("exchange", "enrol", UNIT)
    cli("exchange", "issue", UNIT, "--out", str(tmp_path / "usb"))
    mine = str(tmp_path / "mine.db")
    cli("--db", mine, "exchange", "open", str(tmp_path / "usb" / "package-r1-第1轮-市税务局.json"))
    cli("--db", mine, "--user", "林良卡", "set", "W01-M01", "--status", "推进中", "--progress", "30", "--note", "abc")
    cli("--db", mine, "--user", "林良卡", "exchange", "return", "--out", str(tmp_path / "ret"))
    return mine, tmp_path / "ret" / "return-r1-第1轮-市税务局-0001.json"


def forged(path, key: bytes, change) -> None:
    """The file changed by ``change(obj)`` and signed again with ``key`` (by someone who holds it)."""
    from tests.exchange_kit import resign

    obj = load_json(path)
    change(obj)
    resign(path, obj, key)


def store_conn():
    import os
    import sqlite3

    return sqlite3.connect(os.environ["SUPERVISE_TUI_DB"])


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("spoil, reason", [
    (lambda path, key: path.write_bytes(path.read_bytes().replace(b'"abc"', b'"abd"')),
     "the MAC does not verify: the file was changed after it was signed, or was not signed with this unit's key"),
    (lambda path, key: forged(path, key, lambda o: o["items"][0].update(id="W05-M01")),
     "W05-M01 is not an item of 市税务局"),
    (lambda path, key: forged(path, key, lambda o: o.update(unit="市财政局")), "市财政局 is not enrolled"),
    (lambda path, key: forged(path, key, lambda o: o.update(package="P-0000000000000000")),
     "it answers package P-0000000000000000, which this store did not issue to the unit"),
    (lambda path, key: forged(path, key, lambda o: o.update(extra=1)), "unknown field 'extra'"),
    (lambda path, key: forged(path, key, lambda o: o.update(seq="1")), "seq: expected a whole number"),
    (lambda path, key: forged(path, key, lambda o: o["items"][0]["new"].update(note="长" * 20_001)),
     "items[0].new.note: longer than 20000 characters"),
    (lambda path, key: forged(path, key, lambda o: o.update(unit="无此单位")),
     "there is no unit named '无此单位' in this store"),
    (lambda path, key: forged(path, key, lambda o: o.update(round={"id": 7, "name": "第7轮"})),
     "this store has no round '第7轮'"),
    (lambda path, key: forged(path, key, lambda o: o["items"].append(o["items"][0])),
     "the id 'W01-M01' is repeated or blank"),
    (lambda path, key: forged(path, key, lambda o: o["items"][0]["base"].pop("note")),
     "W01-M01: base and new must list the same fields"),
    (lambda path, key: path.write_bytes(path.read_bytes()[:-40]), "not valid JSON"),
    (lambda path, key: path.write_bytes(b'{"format": "supervise-tui/return", "version": 1, "items": '
                                        + b"[" * 9 + b"]" * 9 + b"}"), "nested deeper than 8 levels"),
])
def test_a_refused_return_says_why_in_one_line_and_leaves_the_store_as_it_was(cli, returned, spoil, reason):
    from tests.exchange_kit import unit_key

    _, path = returned
    conn = store_conn()
    spoil(path, unit_key(conn))
    before = dump(conn)
    result = cli("exchange", "import", str(path))
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith(f"supervise-tui: {path.name}: {reason}") and len(result.err.splitlines()) == 1
    assert dump(conn) == before


def test_a_file_passed_off_as_another_enrolled_units_is_refused_by_its_mac(cli, returned, english):
    """A liaison holds only their own unit's key: a file that names another unit does not verify under its key."""
    from tests.exchange_kit import OTHER, unit_key

    _, path = returned
    cli("exchange", "enrol", OTHER)
    conn = store_conn()
    forged(path, unit_key(conn), lambda o: o.update(unit=OTHER))
    before = dump(conn)
    result = cli("exchange", "import", str(path))
    assert (result.code, result.out) == (1, "")
    assert result.err == (f"supervise-tui: {path.name}: the MAC does not verify: the file was changed after it was "
                          "signed, or was not signed with this unit's key\n")
    assert dump(conn) == before


def test_a_return_for_another_round_than_its_packages_is_refused(cli, returned, english):
    from tests.exchange_kit import unit_key

    _, path = returned
    cli("round", "new", "第2轮")
    conn = store_conn()
    second = conn.execute("SELECT id FROM rounds WHERE name = '第2轮'").fetchone()[0]
    forged(path, unit_key(conn), lambda o: o.update(round={"id": second, "name": "第2轮"}))
    before = dump(conn)
    assert cli("exchange", "import", str(path)) == (
        1, "", f"supervise-tui: {path.name}: round '第2轮' is not the round of its package\n")
    assert dump(conn) == before


def test_a_second_file_with_a_number_already_imported_is_refused(cli, returned, english):
    """A liaison store restored from a copy writes its number 1 again: the second file is refused, not merged."""
    from tests.exchange_kit import unit_key

    _, path = returned
    assert cli("exchange", "import", str(path)).code == 0
    conn = store_conn()
    forged(path, unit_key(conn), lambda o: o.update({"return": "R-0000000000000001"}))
    before = dump(conn)
    assert cli("exchange", "import", str(path)) == (
        1, "", f"supervise-tui: {path.name}: the unit's return number 1 was imported on 2024-03-15 from another "
               "file\n")
    assert dump(conn) == before


def test_an_oversized_return_is_refused_unread(cli, returned, monkeypatch, english):
    from supervise_tui.domain.exchange import fileformat

    _, path = returned
    monkeypatch.setattr(fileformat, "MAX_BYTES", 1000)
    conn = store_conn()
    before = dump(conn)
    result = cli("exchange", "import", str(path))
    assert result.code == 1 and "more than the limit of 1000" in result.err and dump(conn) == before


def test_a_return_for_a_closed_round_is_refused(cli, returned, english):
    _, path = returned
    cli("round", "close")
    conn = store_conn()
    before = dump(conn)
    assert cli("exchange", "import", str(path)) == (1, "", f"supervise-tui: {path.name}: round '第1轮' is closed\n")
    assert dump(conn) == before


def test_a_return_signed_with_a_rotated_key_is_refused_with_the_date(cli, returned, monkeypatch, english):
    _, path = returned
    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2024-04-01T09:00:00+08:00")
    cli("exchange", "enrol", UNIT, "--rotate")
    conn = store_conn()
    before = dump(conn)
    assert cli("exchange", "import", str(path)) == (
        1, "", f"supervise-tui: {path.name}: it was signed with a key replaced on 2024-04-01; files signed with it "
               "are refused\n")
    assert dump(conn) == before


def test_a_replayed_return_is_reported_with_its_date_and_changes_nothing(cli, returned, english):
    _, path = returned
    first = cli("exchange", "import", str(path))
    assert first == (0, f"{path.name}: 市税务局 number 1 (第1轮): 3 accepted\n", "")
    conn = store_conn()
    before = dump(conn)
    assert cli("exchange", "import", str(path)) == (
        0, f"{path.name}: already imported on 2024-03-15T10:00:00+08:00; nothing changed\n", "")
    assert dump(conn) == before


def test_an_older_return_after_a_newer_one_is_reported_superseded_not_applied(cli, returned, english):
    mine, first = returned
    cli("--db", mine, "set", "W01-M01", "--note", "abcd")
    cli("--db", mine, "exchange", "return", "--out", str(first.parent))
    second = first.with_name("return-r1-第1轮-市税务局-0002.json")
    assert cli("exchange", "import", str(second)).out == f"{second.name}: 市税务局 number 2 (第1轮): 3 accepted\n"
    conn = store_conn()
    note = conn.execute("SELECT note FROM item_state WHERE item_id = 'W01-M01'").fetchone()
    assert cli("exchange", "import", str(first)) == (
        0, f"{first.name}: 市税务局 number 1 (第1轮): older than number 2, already imported: 3 fields superseded, "
           "not applied\n", "")
    assert conn.execute("SELECT note FROM item_state WHERE item_id = 'W01-M01'").fetchone() == note == ("abcd",)


def test_a_folder_imports_the_good_files_and_names_the_bad_ones(cli, returned, tmp_path, english):
    _, path = returned
    (path.parent / "notes.json").write_text("{}", encoding="utf-8")
    (path.parent / "readme.txt").write_text("not a return", encoding="utf-8")
    result = cli("exchange", "import", str(path.parent), "--accept", "none")
    assert result.code == 1
    assert result.out == (f"{path.name}: 市税务局 number 1 (第1轮): 3 to review\n"
                          "imported 1 files, refused 1, 0 already imported\n")
    assert result.err == "supervise-tui: notes.json: not a return file (format is 'None')\n"
    status = json.loads(cli("exchange", "status", "--format", "json").out)
    assert (status[0]["unit"], status[0]["open"], status[0]["conflicts"], status[0]["returned"]) == (UNIT, 3, 0, True)
    assert cli("exchange", "import", str(tmp_path / "empty-folder-that-is-not-there")).code == 1


def test_status_of_an_earlier_round_with_round(cli, returned, english):
    """A return counts for its round: after 第2轮 opens, 市税务局 has returned for 第1轮 and not for 第2轮."""
    _, path = returned
    cli("exchange", "import", str(path))
    cli("round", "new", "第2轮")
    earlier = json.loads(cli("exchange", "status", "--round", "第1轮", "--format", "json").out)
    now = json.loads(cli("exchange", "status", "--format", "json").out)
    assert [(r["unit"], r["returns"], r["last_seq"], r["items"], r["returned"]) for r in earlier
            if r["returned"] is not None] == [(UNIT, 1, 1, 1, True)]  # the units not enrolled: None
    assert [(r["unit"], r["returns"], r["returned"]) for r in now if r["returned"] is not None] == [(UNIT, 0, False)]
    assert cli("exchange", "status", "--round", "第1轮").out.splitlines()[-1] == \
        "第1轮: every enrolled unit has returned"
    assert cli("exchange", "status").out.splitlines()[-1] == \
        "第2轮: 1 enrolled units have not returned: 市税务局"


def test_names_from_the_stick_are_printed_inert(cli, returned, english):
    """A file's name is text from another machine: its controls and bidi reach the terminal as placeholders."""
    _, path = returned
    hostile = path.with_name("r\x1b]2;PWNED\x07\u202eRTL\u202c.json")
    path.rename(hostile)
    first = cli("exchange", "import", str(hostile.parent))
    assert first == (0, "r␛]2;PWNED␇\ufffdRTL\ufffd.json: 市税务局 number 1 (第1轮): 3 accepted\n", "")
    again = cli("exchange", "import", str(hostile))
    assert again.out == "r␛]2;PWNED␇\ufffdRTL\ufffd.json: already imported on 2024-03-15T10:00:00+08:00; nothing changed\n"
    hostile.write_bytes(b"{}")
    refused = cli("exchange", "import", str(hostile))
    assert refused.err == "supervise-tui: r␛]2;PWNED␇\ufffdRTL\ufffd.json: not a return file (format is 'None')\n"


def test_status_and_the_chase_list_count_who_has_not_returned(cli, tmp_path):
    cli("exchange", "enrol", UNIT)
    cli("exchange", "enrol", "市财政局")
    table = cli("exchange", "status").out
    assert table.splitlines()[-1] == "第1轮：2 个已登记单位未交回报送包：市税务局、市财政局"
    chase = cli("chase").out
    assert chase.splitlines()[-1] == "2 个已登记单位本轮未交回报送包"
    groups = json.loads(cli("chase", "--format", "json").out)
    assert {g["unit"]: g["returned"] for g in groups}["市税务局"] is False
