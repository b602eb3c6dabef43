"""supervise-tui exchange enrol / issue / open / return: what they print, their exit status, their refusals."""

from __future__ import annotations

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
