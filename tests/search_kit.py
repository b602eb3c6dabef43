"""What a search should find, worked out in Python from the stored rows (not by the SQL under test)."""

from __future__ import annotations


def search_matches(conn, search: str, round_id: int = 1) -> list[str]:
    """Item ids in list order whose id, text, note, unit or person holds every word of ``search``."""
    notes = dict(conn.execute("SELECT item_id, note FROM item_state WHERE round_id = ?", (round_id,)))
    names: dict[str, list[str]] = {}
    for work, name in conn.execute("SELECT wu.work_id, u.name FROM work_units wu JOIN units u ON u.id = wu.unit_id "
                                   "UNION ALL SELECT wp.work_id, p.name FROM work_people wp "
                                   "JOIN people p ON p.id = wp.person_id"):
        names.setdefault(work, []).append(name)
    out = []
    for item_id, text, work in conn.execute("SELECT id, text, work_id FROM items WHERE retired = 0 ORDER BY pos"):
        fields = [item_id.casefold(), text.casefold(), notes.get(item_id) or "", *names.get(work, [])]
        if all(any(w.casefold() in f.casefold() if f in fields[:2] else w in f for f in fields) for w in search.split()):
            out.append(item_id)
    return out


def measures_holding(tasklist, term: str) -> int:
    """How many measures of a parsed task list a search for ``term`` finds before any note is written:
    those whose id or text holds it, or whose work's units, leader or liaison do."""
    return sum(1 for w in tasklist.works for i in w.items if i.kind == "measure" and (
        term in i.id or term in i.text or any(term in name for name in (w.lead, *w.co, w.leader, w.liaison))))
