"""A task list that lacks items (a file cut short is still valid YAML) never retires them unasked."""

from __future__ import annotations

from supervise_tui.domain.tasklist import parse_tasklist
from supervise_tui.errors import FileProblems


def cut_short(data: bytes, at: float) -> tuple[bytes, int]:
    """The file cut at the first line break after ``at`` of it that leaves a valid task list; its items."""
    lines = data.splitlines(keepends=True)
    for n in range(int(len(lines) * at), len(lines)):
        head = b"".join(lines[:n])
        try:
            return head, len(parse_tasklist(head, "cut.yaml").items)
        except FileProblems:
            continue
    raise AssertionError("no valid cut")


def state(store) -> tuple:
    return (store.execute("SELECT count(*) FROM items WHERE retired = 0").fetchone()[0],
            store.execute("SELECT count(*) FROM audit").fetchone()[0])


def test_a_truncated_list_is_refused_loudly_listing_what_it_would_retire(store, tmp_path, run_cli, english,
                                                                          bundled_yaml):
    head, kept = cut_short(bundled_yaml, 0.2)
    path = tmp_path / "cut.yaml"
    path.write_bytes(head)
    total, audit = state(store)
    going = total - kept
    assert 2 * going > total
    result = run_cli("load", str(path))
    assert result.code == 1
    [line] = result.err.splitlines()
    first = [r[0] for r in store.execute("SELECT id FROM items WHERE retired = 0 ORDER BY pos")][kept:kept + 12]
    assert line == (f"supervise-tui: WARNING: this load would retire {going} of {total} items, more than half: "
                    f"is the file cut short? No longer in it: {', '.join(first)} and {going - 12} more; "
                    "if that is right, load it with --retire")
    assert state(store) == (total, audit)  # nothing retired, nothing written


def test_with_retire_the_items_go_and_it_is_still_said_loudly(store, tmp_path, run_cli, english, bundled_yaml):
    head, kept = cut_short(bundled_yaml, 0.2)
    path = tmp_path / "cut.yaml"
    path.write_bytes(head)
    total, _ = state(store)
    result = run_cli("load", str(path), "--retire")
    assert result.code == 0, result.err
    assert result.err == f"WARNING: {total - kept} of {total} items were retired, more than half\n"
    assert f"retired {total - kept}," in result.out
    assert state(store)[0] == kept


def test_one_item_gone_is_named_and_needs_retire(store, tmp_path, run_cli, bundled_yaml):
    text = bundled_yaml.decode("utf-8")
    start = text.index("  - id: W01-M02\n")
    end = text.index("  - id: W01-M03\n")
    path = tmp_path / "less.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    total, audit = state(store)
    refused = run_cli("load", str(path))
    assert refused.code == 1
    assert refused.err == (f"supervise-tui: 此次载入会把 1 项(共 {total} 项)标为退役,文件里已没有它们:W01-M02;"
                           "请确认文件完整,再加 --retire 载入\n")
    assert state(store) == (total, audit)
    done = run_cli("load", str(path), "--retire")
    assert done.code == 0 and done.err == ""
    assert [tuple(r) for r in store.execute("SELECT id FROM items WHERE retired = 1")] == [("W01-M02",)]


def test_a_first_load_and_a_reload_of_the_same_list_need_no_retire(tmp_path, run_cli):
    assert run_cli("load").code == 0
    again = run_cli("load")
    assert again.code == 0 and again.err == ""

