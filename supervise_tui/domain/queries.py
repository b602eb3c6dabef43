"""Read-side queries shared by the command line and the TUI: lists, roll-ups, item detail."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..errors import NotFound
from .lights import LightBasis, OwnSpan, basis_for_round, judge, light_sql, stage_cte


@dataclass(frozen=True)
class Scope:
    """Which items a view shows; every field narrows the set."""

    pillar: str | None = None
    work: str | None = None
    unit: int | None = None
    unit_role: str | None = None  # "lead" | "co" | None for either
    person: int | None = None
    person_role: str | None = None  # "leader" | "liaison" | None for either
    kind: str | None = None  # "target" | "measure"
    search: str | None = None
    status: str | None = None
    light: str | None = None  # the effective light: the override, else the computed one
    reported: bool | None = None  # True: saved in this round (REPORTED); False: NOT_REPORTED
    changed: bool | None = None  # True: a field differs from the previous round's (CHANGED)
    include_retired: bool = False

    def but(self, **changes) -> Scope:
        return replace(self, **changes)


# The effective light of state ``s``; the query starts WITH {STAGES} and joins ``ls`` on the work.
LIGHT = light_sql("s", "ls")
STAGES = stage_cte("ls")
# The same light needing only ``w`` (works) joined: for queries built outside this module.
LIGHT_INLINE = light_sql("s", None, work="w")
# Carried forward but not reported this round, and still something to report.
NOT_REPORTED = ("(s.updated_at IS NULL AND COALESCE(s.status, 'not_started') <> 'done' "
                "AND COALESCE(s.closed_out, 0) = 0)")
# Saved in this round: a field was changed, or the item reported unchanged (carried-forward values
# have no updated_at). An item is reported, NOT_REPORTED, or neither: done or closed out as carried
# forward, with nothing left to report.
REPORTED = "(s.updated_at IS NOT NULL)"
# The fields a round's report consists of; an item whose fields all equal the previous round's is unchanged.
CHANGE_FIELDS = ("status", "progress", "note", "evidence", "value", "light", "light_reason", "comment",
                 "closed_out")
# A field differs from the previous round's (an item new since then counts as changed). Needs :round.
CHANGED = ("NOT EXISTS (SELECT 1 FROM item_state p WHERE p.round_id = "
           "(SELECT max(id) FROM rounds WHERE id < :round) AND p.item_id = i.id AND "
           + " AND ".join(f"p.{f} IS s.{f}" for f in CHANGE_FIELDS) + ")")

# ``light`` is the effective light; ``light_override`` the inspector's (the stored column,
# the one to hand apply_changes as ``shown``) and ``override_reason`` its reason. Run it with
# ``light_params``; ``with_reasons`` adds ``light_rule`` and ``light_reason`` (why, in words).
_ITEM_SELECT = """
SELECT i.id, i.kind, i.no, i.prefix, i.text, i.work_id, w.seq AS work_seq, w.title AS work_title,
       w.pillar_id, p.title AS pillar_title, u.name AS lead_unit, w.leader, w.liaison,
       w.stage_text, w.stage_start, w.stage_end, i.retired, i.goal, i.deadline, i.span_start, i.span_end,
       s.status, s.progress, {light} AS light, s.light AS light_override, s.note, s.evidence, s.value,
       s.comment, s.light_reason AS override_reason, s.closed_out, s.closed_at, s.closed_by,
       s.updated_by, s.updated_at, s.version
FROM items i
JOIN works w ON w.id = i.work_id
{stages}JOIN pillars p ON p.id = w.pillar_id
LEFT JOIN work_units wu ON wu.work_id = w.id AND wu.role = 'lead'
LEFT JOIN units u ON u.id = wu.unit_id
LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id
"""
# For a whole scope: every work's stage lines worked out once (``ls``), then two comparisons an item.
ITEM_SELECT = f"WITH {STAGES}" + _ITEM_SELECT.format(light=LIGHT, stages="JOIN ls ON ls.work_id = w.id\n")
# For a page of rows or one item: each row's light worked out from its own work. Materialising
# every work's lines first cost more than the rows (2,000 works: 10–18 ms for each page of 200).
ITEM_ROWS = _ITEM_SELECT.format(light=LIGHT_INLINE, stages="")


def light_params(conn: sqlite3.Connection, round_id: int) -> dict:
    """The query parameters for ``LIGHT`` in one round (its as-of date, due date, thresholds)."""
    return basis_for_round(conn, round_id).params()


def with_reasons(rows: list[dict], basis: LightBasis) -> list[dict]:
    """Item rows (ITEM_SELECT) with why each light is what it is: ``light_rule`` and ``light_reason``.

    The light itself comes from SQL (``LIGHT``); its reason is worked out here for the rows
    read, by the Python twin of the same rule, in the interface language.
    """
    for row in rows:
        verdict = judge(row["status"], row["progress"], row["stage_start"], row["stage_end"], basis,
                        override=row["light_override"], override_reason=row["override_reason"] or "",
                        closed_out=bool(row["closed_out"]), own=OwnSpan.of(row))
        row["light_rule"], row["light_reason"] = verdict.rule, str(verdict.reason())
    return rows


def fts_phrase(term: str) -> str:
    """Quote a user's search term as one FTS5 phrase, so its punctuation is never syntax."""
    return '"' + term.replace('"', '""') + '"'


def _where(scope: Scope, light: str = LIGHT_INLINE) -> tuple[str, dict]:
    """The WHERE clause of ``scope``; ``light`` is the light's expression (LIGHT where the query joins
    ``ls``, twice as fast as the inline one over a whole province)."""
    clauses: list[str] = []
    params: dict[str, object] = {}
    if not scope.include_retired:
        clauses.append("i.retired = 0")
    if scope.pillar:
        clauses.append("w.pillar_id = :pillar")
        params["pillar"] = scope.pillar
    if scope.work:
        clauses.append("i.work_id = :work")
        params["work"] = scope.work
    if scope.unit is not None:
        role = " AND role = :unit_role" if scope.unit_role else ""
        clauses.append(f"i.work_id IN (SELECT work_id FROM work_units WHERE unit_id = :unit{role})")
        params.update(unit=scope.unit, unit_role=scope.unit_role)
    if scope.person is not None:
        role = " AND role = :person_role" if scope.person_role else ""
        clauses.append(f"i.work_id IN (SELECT work_id FROM work_people WHERE person_id = :person{role})")
        params.update(person=scope.person, person_role=scope.person_role)
    if scope.kind:
        clauses.append("i.kind = :kind")
        params["kind"] = scope.kind
    if scope.status:
        clauses.append("s.status = :status")
        params["status"] = scope.status
    if scope.light:
        # The inline form needs only ``w`` and ``s``, so any caller of _where can filter by light.
        clauses.append(f"{light} = :light")
        params["light"] = scope.light
    if scope.reported is not None:
        clauses.append(REPORTED if scope.reported else NOT_REPORTED)
    if scope.changed is not None:
        clauses.append(CHANGED if scope.changed else f"NOT {CHANGED}")
    # Several words: an item matches when every word does (see _search_clause).
    for n, term in enumerate((scope.search or "").split()):
        clauses.append(_search_clause(term, n, params))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _search_clause(term: str, n: int, params: dict) -> str:
    """One search word: in the item's id or text, its note in the round (``:round``), the name of one of
    its work's units (lead or co-unit), or of its leader or liaison."""
    if len(term) >= 3:  # the trigram index answers three characters or more
        own = f"i.rowid IN (SELECT rowid FROM items_fts WHERE items_fts MATCH :fts{n})"
        params[f"fts{n}"] = fts_phrase(term)
    else:  # shorter Chinese terms such as 税 are found by a plain substring scan
        own = f"instr(i.text, :term{n}) > 0 OR instr(i.id, upper(:term{n})) > 0"
    params[f"term{n}"] = term
    return (f"({own}"
            f" OR i.id IN (SELECT item_id FROM item_state WHERE round_id = :round AND instr(note, :term{n}) > 0)"
            f" OR i.work_id IN (SELECT wu.work_id FROM work_units wu JOIN units un ON un.id = wu.unit_id"
            f" WHERE instr(un.name, :term{n}) > 0)"
            f" OR i.work_id IN (SELECT wp.work_id FROM work_people wp JOIN people pe ON pe.id = wp.person_id"
            f" WHERE instr(pe.name, :term{n}) > 0))")


def needs_state(scope: Scope) -> bool:
    """Whether the scope's filter reads the item's state in the round (``s``)."""
    return any(v is not None for v in (scope.status, scope.light, scope.reported, scope.changed))


def count_items(conn: sqlite3.Connection, round_id: int, scope: Scope = Scope()) -> int:
    where, params = _where(scope)
    join = "LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id" if needs_state(scope) else ""
    if scope.light is not None:
        params.update(light_params(conn, round_id))
    # The works join only when the filter reads it: a search counts items alone.
    works = "JOIN works w ON w.id = i.work_id " if scope.pillar or scope.light is not None else ""
    sql = f"SELECT count(*) FROM items i {works}{join}{where}"
    return conn.execute(sql, {"round": round_id, **params}).fetchone()[0]


def page_items(conn: sqlite3.Connection, round_id: int, scope: Scope = Scope(),
               offset: int = 0, limit: int | None = None) -> list[dict]:
    """Items in display order (work, then targets before measures, as printed)."""
    where, params = _where(scope)
    basis = basis_for_round(conn, round_id)
    params = {"round": round_id, **params, **basis.params()}
    if limit is None:
        return with_reasons([dict(r) for r in conn.execute(f"{ITEM_SELECT}{where} ORDER BY i.pos", params)], basis)
    # A window is found first by position, joining only what the filter reads (the works for a pillar
    # or a light, the states for a state), and only its rows are read in full: the full select would
    # join and sort the whole scope for every page, and joining the works for nothing made the
    # window's cost grow with its depth (188 ms for the last page of 200,000 items, 14 ms without).
    joins = "JOIN works w ON w.id = i.work_id " if scope.pillar or scope.light is not None else ""
    if needs_state(scope):
        joins += "LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id"
    window = f"SELECT i.rowid FROM items i {joins}{where} ORDER BY i.pos LIMIT :limit OFFSET :offset"
    sql = f"{ITEM_ROWS} WHERE i.rowid IN ({window}) ORDER BY i.pos"
    return with_reasons([dict(r) for r in conn.execute(sql, {**params, "limit": limit, "offset": offset})], basis)


# ITEM_SELECT's columns one by one, for a list that reads only some of them (``item_rows``).
ITEM_FIELDS = {
    "id": "i.id", "kind": "i.kind", "no": "i.no", "prefix": "i.prefix", "text": "i.text", "work_id": "i.work_id",
    "work_seq": "w.seq", "work_title": "w.title", "pillar_id": "w.pillar_id", "pillar_title": "p.title",
    "lead_unit": "u.name", "leader": "w.leader", "liaison": "w.liaison", "stage_text": "w.stage_text",
    "stage_start": "w.stage_start", "stage_end": "w.stage_end", "retired": "i.retired", "goal": "i.goal",
    "deadline": "i.deadline", "status": "s.status", "progress": "s.progress", "light": LIGHT,
    "light_override": "s.light", "note": "s.note", "evidence": "s.evidence", "value": "s.value",
    "comment": "s.comment", "light_reason": "s.light_reason", "closed_out": "s.closed_out",
    "updated_by": "s.updated_by", "updated_at": "s.updated_at", "version": "s.version",
}


def item_rows(conn: sqlite3.Connection, round_id: int, scope: Scope, fields: Sequence[str], *,
              as_json: bool = False) -> sqlite3.Cursor:
    """The items of ``scope`` in list order, as tuples of ``fields`` — or, ``as_json``, as one JSON
    object of them each, made by SQLite — on a cursor, so a province-wide list streams."""
    where, params = _where(scope)
    select = ", ".join(ITEM_FIELDS[f] for f in fields)
    if as_json:
        select = "json_object(" + ", ".join(f"'{f}', {ITEM_FIELDS[f]}" for f in fields) + ")"
    pillars = "JOIN pillars p ON p.id = w.pillar_id " if "pillar_title" in fields else ""
    sql = f"""WITH {STAGES} SELECT {select}
        FROM items i JOIN works w ON w.id = i.work_id JOIN ls ON ls.work_id = w.id {pillars}
        LEFT JOIN work_units wu ON wu.work_id = w.id AND wu.role = 'lead' LEFT JOIN units u ON u.id = wu.unit_id
        LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id{where} ORDER BY i.pos"""
    return conn.execute(sql, {"round": round_id, **params, **light_params(conn, round_id)})


def index_in_scope(conn: sqlite3.Connection, round_id: int, scope: Scope, item_id: str) -> int | None:
    """The row of ``item_id`` among the scope's items in list order (``page_items``), or None if it is not one."""
    where, params = _where(scope)
    join = "LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id" if needs_state(scope) else ""
    base = f"SELECT count(*) FROM items i JOIN works w ON w.id = i.work_id {join}{where}"
    glue = " AND " if where else " WHERE "
    params = {"round": round_id, "item": item_id, **params, **light_params(conn, round_id)}
    if not conn.execute(f"{base}{glue}i.id = :item", params).fetchone()[0]:
        return None
    return conn.execute(f"{base}{glue}i.pos < (SELECT pos FROM items WHERE id = :item)", params).fetchone()[0]


def get_item(conn: sqlite3.Connection, round_id: int, item_id: str) -> dict:
    basis = basis_for_round(conn, round_id)
    row = conn.execute(f"{ITEM_ROWS} WHERE i.id = :id",
                       {"round": round_id, "id": item_id, **basis.params()}).fetchone()
    if row is None:
        raise NotFound("error.no_item", id=item_id)
    return with_reasons([dict(row)], basis)[0]


def item_detail(conn: sqlite3.Connection, round_id: int, item_id: str) -> dict:
    """An item with its units, its state in every round, and its audit trail."""
    item = get_item(conn, round_id, item_id)
    item["units"] = [dict(r) for r in conn.execute(
        "SELECT u.name, wu.role FROM work_units wu JOIN units u ON u.id = wu.unit_id "
        "WHERE wu.work_id = ? ORDER BY wu.sort", (item["work_id"],))]
    item["history"] = [dict(r) for r in conn.execute(
        "SELECT r.id AS round_id, r.name AS round_name, r.period, r.closed_at, s.status, s.progress, "
        "s.light AS light_override, s.light_reason AS override_reason, s.note, s.evidence, s.value, s.comment, "
        "s.closed_out, s.updated_by, s.updated_at FROM item_state s JOIN rounds r ON r.id = s.round_id "
        "WHERE s.item_id = ? ORDER BY r.id", (item_id,))]
    for h in item["history"]:  # a handful of rounds: each judged on its own as-of date
        verdict = judge(h["status"], h["progress"], item["stage_start"], item["stage_end"],
                        basis_for_round(conn, h["round_id"]), override=h["light_override"],
                        override_reason=h["override_reason"] or "", closed_out=bool(h["closed_out"]),
                        own=OwnSpan.of(item))
        h["light"], h["light_rule"], h["light_reason"] = verdict.light, verdict.rule, str(verdict.reason())
    item["audit"] = [dict(r) for r in conn.execute(
        "SELECT a.id, a.at, a.user, r.name AS round_name, a.action, a.field, a.old, a.new, a.source, "
        "a.accepted_by "
        "FROM audit a LEFT JOIN rounds r ON r.id = a.round_id WHERE a.item_id = ? ORDER BY a.id",
        (item_id,))]
    return item


def status_sums(light: str) -> str:
    """Aggregate columns over items ``i`` and their state ``s``, the light given as SQL."""
    return f"""
count(i.id) AS items,
sum(s.status = 'done') AS done,
sum(s.status = 'in_progress') AS in_progress,
sum(s.status IN ('behind', 'blocked')) AS behind,
sum(s.status = 'not_started') AS not_started,
sum({light} = 'red') AS red,
sum({light} = 'yellow') AS yellow,
sum({light} = 'green') AS green,
sum({NOT_REPORTED}) AS not_reported,
round(avg(s.progress), 1) AS progress
"""


# Needs only ``w`` joined and ``light_params``; the roll-ups below use the faster _SUMS with STAGES.
STATUS_SUMS = status_sums(LIGHT_INLINE)
_SUMS = status_sums(LIGHT)


def scope_summary(conn: sqlite3.Connection, round_id: int, scope: Scope = Scope()) -> dict:
    """The STATUS_SUMS counts (items, done, lights, not reported, progress) of any scope of items."""
    where, params = _where(scope)
    sql = f"""
    WITH {STAGES}
    SELECT {_SUMS}
    FROM items i JOIN works w ON w.id = i.work_id JOIN ls ON ls.work_id = w.id
    LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id{where}"""
    return _ints(conn.execute(sql, {"round": round_id, **params, **light_params(conn, round_id)}).fetchone())


def overall_summary(conn: sqlite3.Connection, round_id: int) -> dict:
    """The whole task list's counts, lights and average progress in one round."""
    return scope_summary(conn, round_id)


def pillar_summary(conn: sqlite3.Connection, round_id: int) -> list[dict]:
    sql = f"""
    WITH {STAGES}
    SELECT p.id, p.numeral, p.title, count(DISTINCT w.id) AS works, {_SUMS}
    FROM pillars p JOIN works w ON w.pillar_id = p.id AND w.retired = 0 JOIN ls ON ls.work_id = w.id
    JOIN items i ON i.work_id = w.id AND i.retired = 0
    LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id
    WHERE p.retired = 0 GROUP BY p.id ORDER BY p.sort"""
    return [_ints(r) for r in conn.execute(sql, {"round": round_id, **light_params(conn, round_id)})]


def work_summary(conn: sqlite3.Connection, round_id: int, scope: Scope = Scope()) -> list[dict]:
    where, params = _where(scope.but(search=None, kind=None, status=None))
    sql = f"""
    WITH {STAGES}
    SELECT w.id, w.seq, w.numeral, w.title, w.pillar_id, w.stage_text, w.leader, w.liaison,
           (SELECT u.name FROM work_units wu JOIN units u ON u.id = wu.unit_id
            WHERE wu.work_id = w.id AND wu.role = 'lead') AS lead_unit, {_SUMS}
    FROM items i JOIN works w ON w.id = i.work_id JOIN ls ON ls.work_id = w.id
    LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id
    {where} GROUP BY w.id ORDER BY w.sort"""
    return [_ints(r) for r in conn.execute(sql, {"round": round_id, **params, **light_params(conn, round_id)})]


def unit_summary(conn: sqlite3.Connection, round_id: int) -> list[dict]:
    """Every unit with its works and items as lead unit and as co-unit, and its lead progress."""
    sql = f"""
    WITH {STAGES}
    SELECT un.id, un.name,
      count(DISTINCT CASE WHEN wu.role = 'lead' THEN wu.work_id END) AS works_lead,
      count(DISTINCT CASE WHEN wu.role = 'co' THEN wu.work_id END) AS works_co,
      sum(wu.role = 'lead' AND i.id IS NOT NULL) AS items_lead,
      sum(wu.role = 'co' AND i.id IS NOT NULL) AS items_co,
      sum(wu.role = 'lead' AND s.status = 'done') AS done,
      sum(wu.role = 'lead' AND s.status IN ('behind', 'blocked')) AS behind,
      sum(wu.role = 'lead' AND s.status = 'not_started') AS not_started,
      sum(wu.role = 'lead' AND i.id IS NOT NULL AND {LIGHT} = 'red') AS red,
      sum(wu.role = 'lead' AND i.id IS NOT NULL AND {LIGHT} = 'yellow') AS yellow,
      sum(wu.role = 'lead' AND i.id IS NOT NULL AND {LIGHT} = 'green') AS green,
      sum(wu.role = 'lead' AND i.id IS NOT NULL AND {NOT_REPORTED}) AS not_reported,
      round(avg(CASE WHEN wu.role = 'lead' THEN s.progress END), 1) AS progress
    FROM units un
    JOIN work_units wu ON wu.unit_id = un.id
    JOIN works w ON w.id = wu.work_id AND w.retired = 0 JOIN ls ON ls.work_id = w.id
    LEFT JOIN items i ON i.work_id = w.id AND i.retired = 0
    LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id
    GROUP BY un.id ORDER BY works_lead DESC, items_lead DESC, un.name"""
    return [_ints(r) for r in conn.execute(sql, {"round": round_id, **light_params(conn, round_id)})]


def people_summary(conn: sqlite3.Connection, round_id: int) -> list[dict]:
    """Every leader and liaison with the works and items they answer for."""
    sql = f"""
    WITH {STAGES}
    SELECT pe.id, pe.name, wp.role, count(DISTINCT w.id) AS works,
      group_concat(DISTINCT w.id) AS work_ids, {_SUMS}
    FROM people pe JOIN work_people wp ON wp.person_id = pe.id
    JOIN works w ON w.id = wp.work_id AND w.retired = 0 JOIN ls ON ls.work_id = w.id
    JOIN items i ON i.work_id = w.id AND i.retired = 0
    LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id
    GROUP BY pe.id, wp.role ORDER BY wp.role = 'liaison', works DESC, pe.name"""
    return [_ints(r) for r in conn.execute(sql, {"round": round_id, **light_params(conn, round_id)})]


def resolve_unit(conn: sqlite3.Connection, name: str) -> int:
    """A unit's id from its name or any alias of it (市公安 → 市公安局)."""
    row = conn.execute(
        "SELECT id FROM units WHERE name = ?1 UNION ALL "
        "SELECT unit_id FROM unit_aliases WHERE alias = ?1 LIMIT 1", (name.strip(),)).fetchone()
    if row is None:
        raise NotFound("error.no_unit", name=name)
    return row[0]


def resolve_person(conn: sqlite3.Connection, name: str) -> int:
    row = conn.execute("SELECT id FROM people WHERE name = ?", (name.strip(),)).fetchone()
    if row is None:
        raise NotFound("error.no_person", name=name)
    return row[0]


def resolve_pillar(conn: sqlite3.Connection, ref: str) -> str:
    """A pillar's id from its id (P1), numeral (一) or title (提信心增预期)."""
    ref = ref.strip()
    row = conn.execute("SELECT id FROM pillars WHERE id = upper(?1) OR numeral = ?1 OR title = ?1",
                       (ref,)).fetchone()
    if row is None:
        raise NotFound("error.no_pillar", ref=ref)
    return row[0]


def indicators(conn: sqlite3.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(
        "SELECT id, year, text FROM indicators WHERE retired = 0 ORDER BY sort")]


def goal_values(conn: sqlite3.Connection, round_id: int) -> list[dict]:
    """The headline goals with their goal (JSON), and their value reached and evidence in a round."""
    return [dict(r) for r in conn.execute(
        "SELECT g.id, g.year, g.text, g.goal, coalesce(s.value, '') AS value, coalesce(s.evidence, '') AS evidence, "
        "s.updated_by, s.updated_at, coalesce(s.version, 0) AS version "
        "FROM indicators g LEFT JOIN indicator_state s ON s.indicator_id = g.id AND s.round_id = ? "
        "WHERE g.retired = 0 ORDER BY g.sort", (round_id,))]


def chase_list(conn: sqlite3.Connection, round_id: int) -> list[dict]:
    """催办: items not reported this round, or red, grouped by lead unit with leader and liaison.

    Each group is ``{"unit", "leaders", "liaisons", "not_reported", "red", "items": [...]}``,
    the unit with most items first; each item row says why it is chased (``not_reported``,
    ``red``). A done or closed-out item has nothing left to report and is chased only if red.
    """
    sql = f"""
    WITH {STAGES}
    SELECT * FROM (
      SELECT i.id, i.kind, i.text, i.work_id, w.title AS work_title, u.name AS lead_unit,
             w.leader, w.liaison, s.status, s.progress, {LIGHT} AS light, s.note,
             s.updated_by, s.updated_at, {NOT_REPORTED} AS not_reported, i.pos
      FROM items i JOIN works w ON w.id = i.work_id JOIN ls ON ls.work_id = w.id
      LEFT JOIN work_units wu ON wu.work_id = w.id AND wu.role = 'lead'
      LEFT JOIN units u ON u.id = wu.unit_id
      LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id
      WHERE i.retired = 0)
    WHERE not_reported OR light = 'red'
    ORDER BY lead_unit IS NULL, lead_unit, pos"""
    groups: dict[str | None, dict] = {}
    for row in conn.execute(sql, {"round": round_id, **light_params(conn, round_id)}):
        item = dict(row)
        del item["pos"]
        item["not_reported"] = bool(item["not_reported"])
        item["red"] = item["light"] == "red"
        group = groups.setdefault(item["lead_unit"], {
            "unit": item["lead_unit"], "leaders": [], "liaisons": [], "not_reported": 0, "red": 0, "items": []})
        for key, person in (("leaders", item["leader"]), ("liaisons", item["liaison"])):
            if person and person not in group[key]:
                group[key].append(person)
        group["not_reported"] += item["not_reported"]
        group["red"] += item["red"]
        group["items"].append(item)
    return sorted(groups.values(), key=lambda g: -len(g["items"]))


def _ints(row: sqlite3.Row) -> dict:
    """A roll-up row with SUM()'s NULLs (no items) read as 0."""
    out = dict(row)
    for key in ("items", "done", "in_progress", "behind", "not_started", "red", "yellow", "green",
                "not_reported", "items_lead", "items_co"):
        if key in out and out[key] is None:
            out[key] = 0
    return out


def pillar_choices(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(id, "一、title") of every pillar in the list, in order: for pickers."""
    return [(r["id"], f"{r['numeral']}、{r['title']}") for r in conn.execute(
        "SELECT id, numeral, title FROM pillars WHERE retired = 0 ORDER BY sort")]


def unit_choices(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """(id, name) of every unit, by name: for pickers."""
    return [(r["id"], r["name"]) for r in conn.execute("SELECT id, name FROM units ORDER BY name")]


def leader_choices(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """(id, name) of every leader (分管领导), by name: for pickers."""
    return [(r["id"], r["name"]) for r in conn.execute(
        "SELECT DISTINCT p.id, p.name FROM people p JOIN work_people wp ON wp.person_id = p.id "
        "WHERE wp.role = 'leader' ORDER BY p.name")]


def unit_roles(conn: sqlite3.Connection, unit_id: int) -> dict[str, str]:
    """work id → the unit's role in it (lead or co)."""
    return {r["work_id"]: r["role"] for r in conn.execute(
        "SELECT work_id, role FROM work_units WHERE unit_id = ?", (unit_id,))}
