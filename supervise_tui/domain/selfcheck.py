"""The self-check after an install: the bundled task list in a scratch store, then a query,
an edit, a diff and an export there, each step checked against what it must give.

Nothing of the user's is read or written: the store and the export live in a temporary folder
that is removed at the end. The steps are yielded one by one, so the caller can show each as
it finishes; a step that fails is the last one.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SuperviseError

USER = "selfcheck"
SEARCH = "税"  # a Chinese substring, so the search runs its CJK path
ROUND = "自检"


@dataclass(frozen=True)
class Step:
    """One step: its name (``selfcheck.step.<name>`` in the catalogue), the values its line shows
    (``selfcheck.done.<name>``), or the error that stopped it."""

    name: str  # load | query | edit | diff | export
    values: dict = field(default_factory=dict)
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def run_selfcheck(tasklist_path: Path) -> Iterator[Step]:
    """Load ``tasklist_path`` into a new store in a temporary folder and work on it, step by step."""
    with tempfile.TemporaryDirectory(prefix="supervise-tui-selfcheck-", ignore_cleanup_errors=True) as tmp:
        state: dict = {"folder": Path(tmp), "tasklist": Path(tasklist_path)}
        try:
            for name, step in STEPS:
                try:
                    values = step(state)
                except Exception as exc:  # noqa: BLE001 - whatever breaks is what the check reports
                    yield Step(name, error=exc)
                    return
                yield Step(name, values)
        finally:
            if "conn" in state:
                state["conn"].close()  # before the folder goes: Windows cannot remove an open file


def _load(state: dict) -> dict:
    from .db import connect
    from .sync import load
    from .tasklist import load_tasklist

    tasklist = load_tasklist(state["tasklist"])
    conn = state["conn"] = connect(state["folder"] / "selfcheck.db")
    report = load(conn, tasklist, user=USER, source=str(state["tasklist"]))
    items = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    if items != len(tasklist.items) or report.added["works"] != len(tasklist.works):
        raise SuperviseError("error.selfcheck.loaded", expected=len(tasklist.items), found=items)
    return {"works": report.added["works"], "items": items}


def _query(state: dict) -> dict:
    from .queries import Scope, count_items, page_items
    from .rounds import current_round

    conn = state["conn"]
    state["round1"] = current_round(conn)
    scope = Scope(search=SEARCH, kind="measure")
    rows = page_items(conn, state["round1"].id, scope)
    counted = count_items(conn, state["round1"].id, scope)
    if not rows or counted != len(rows):
        raise SuperviseError("error.selfcheck.search", term=SEARCH, found=len(rows), counted=counted)
    for row in rows:
        if not _holds(conn, row, SEARCH):
            raise SuperviseError("error.selfcheck.search_hit", term=SEARCH, id=row["id"])
    state["item"] = rows[0]["id"]
    return {"term": SEARCH, "found": len(rows)}


def _holds(conn, row: dict, term: str) -> bool:
    """Whether a search hit holds ``term`` where a search looks: the item's id, text or note, or the
    name of one of its work's units (lead or co-unit), its leader or its liaison."""
    if any(term in (row[key] or "") for key in ("id", "text", "note")):
        return True
    names = conn.execute(
        "SELECT un.name FROM work_units wu JOIN units un ON un.id = wu.unit_id WHERE wu.work_id = :work "
        "UNION ALL SELECT pe.name FROM work_people wp JOIN people pe ON pe.id = wp.person_id WHERE wp.work_id = :work",
        {"work": row["work_id"]})
    return any(term in name for (name,) in names)


def _edit(state: dict) -> dict:
    from .edits import Actor, apply_changes
    from .queries import get_item
    from .rounds import create_round

    conn, item = state["conn"], state["item"]
    actor = Actor(user=USER)
    state["round2"] = create_round(conn, actor, ROUND)
    apply_changes(conn, actor, state["round2"].id, item, {"status": "in_progress", "progress": 50})
    row = get_item(conn, state["round2"].id, item)
    if (row["status"], row["progress"], row["updated_by"]) != ("in_progress", 50, USER):
        raise SuperviseError("error.selfcheck.read_back", id=item, status=row["status"], progress=row["progress"],
                          user=row["updated_by"])
    return {"id": item, "round": ROUND}


def _diff(state: dict) -> dict:
    from .diff import diff_counts

    counts = diff_counts(state["conn"], state["round1"].id, state["round2"].id)
    if counts["changed"] != 1 or counts["improved"] != 1:
        raise SuperviseError("error.selfcheck.diff", changed=counts["changed"], improved=counts["improved"])
    return {"changed": counts["changed"], "improved": counts["improved"]}


def _export(state: dict) -> dict:
    from .bulletin import build_bulletin
    from .export import export_bulletin

    with build_bulletin(state["conn"], state["round2"].id) as bulletin:
        path = export_bulletin(bulletin, "csv", state["folder"] / "exports")
    data = path.read_bytes()
    if not data.startswith(b"\xef\xbb\xbf") or state["item"].encode("ascii") not in data:
        raise SuperviseError("error.selfcheck.export", file=path.name, id=state["item"])
    return {"file": path.name, "size": len(data)}


STEPS = (("load", _load), ("query", _query), ("edit", _edit), ("diff", _diff), ("export", _export))
