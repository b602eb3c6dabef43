"""Property: any sequence of package / edit / return / import / review steps between one inspector and several
liaison stores leaves the inspector's store equal to applying, in order, the inspector's own edits and the
changes the exchange accepted — nothing refused, superseded, repeated, kept or still open ever reaches it.

A model of the inspector's items (status, progress, note) is kept beside the stores: an inspector's edit
moves it as the edit says; an import or a review decision moves it by exactly the rows it marked accepted,
each item's accepted values applied together with the status–progress rule. After every step the store
must equal the model, a replayed file must change nothing, and SQLite's integrity check must hold.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from supervise_tui.domain.db import connect
from supervise_tui.domain.edits import Actor, apply_changes, follow_status_progress
from supervise_tui.domain.exchange.importing import ACCEPT, import_files
from supervise_tui.domain.exchange.keys import enrol
from supervise_tui.domain.exchange.liaison import open_package, write_return
from supervise_tui.domain.exchange.package import issue
from supervise_tui.domain.exchange.review import accept_clean, keep_ours, open_rows, take_theirs
from supervise_tui.domain.exchange.storekind import actor_for
from supervise_tui.domain.sync import load
from supervise_tui.domain.tasklist import load_tasklist
from supervise_tui.errors import EditRefused, ExchangeRefused
from supervise_tui.locations import bundled_tasklist
from tests.exchange_kit import dump
from tests.rounds_kit import small_tasklist

INSPECTOR = Actor("督查员")
UNITS = ("市税务局", "市发改局", "市财政局")  # 发改局 and 财政局 share W13: two units may change one field
FIELDS = ("status", "progress", "note")
TASKLIST = small_tasklist(load_tasklist(bundled_tasklist()))
ITEMS = tuple(i.id for i in TASKLIST.items)
CHANGES = st.one_of(
    st.fixed_dictionaries({"note": st.sampled_from(["", "甲", "乙", "丙"])}),
    st.sampled_from([{"status": "not_started", "progress": 0}, {"status": "in_progress", "progress": 30},
                     {"status": "in_progress", "progress": 60}, {"status": "behind", "progress": 30},
                     {"status": "blocked", "progress": 60}, {"status": "done", "progress": 100},
                     {"status": "behind"}, {"progress": 60}, {"progress": 100}, {"status": "in_progress"}]),
)


def accepted(conn: sqlite3.Connection) -> set[tuple]:
    return {tuple(r) for r in conn.execute(
        "SELECT return_id, item_id, field, theirs FROM exchange_changes WHERE outcome = 'accepted'")}


class ExchangeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="exchange-property-"))
        self.inspector = connect(self.dir / "inspector.db")
        load(self.inspector, TASKLIST, user="loader", source="small")
        for unit in UNITS:
            enrol(self.inspector, INSPECTOR, unit)
        self.liaisons: dict[str, sqlite3.Connection] = {}
        self.packages: dict[str, Path] = {}
        self.returns: list[Path] = []
        self.issued = 0
        self.model = {r["item_id"]: {f: r[f] for f in FIELDS} for r in self.inspector.execute(
            "SELECT item_id, status, progress, note FROM item_state WHERE round_id = 1")}

    def teardown(self) -> None:
        for conn in [self.inspector, *self.liaisons.values()]:
            conn.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # ------------------------------------------------------------------ the model

    def follow(self, before: set[tuple]) -> None:
        """Move the model by the rows the last step marked accepted, item by item."""
        by_item: dict[str, dict] = {}
        for _, item_id, field, theirs in sorted(accepted(self.inspector) - before):
            by_item.setdefault(item_id, {})[field] = theirs
        for item_id, changes in by_item.items():
            state = self.model[item_id]
            state.update(changes | follow_status_progress(state["status"], state["progress"], changes, item_id))

    # ------------------------------------------------------------------ the steps

    @initialize()
    def every_unit_has_its_first_package(self) -> None:
        for unit in UNITS:
            self.issue_package(unit)
            self.open_latest(unit)

    @rule(unit=st.sampled_from(UNITS))
    def issue_package(self, unit: str) -> None:
        self.issued += 1  # each into a folder of its own: older packages stay on the "stick"
        self.packages[unit] = issue(self.inspector, INSPECTOR, unit, self.dir / f"usb{self.issued}").path

    @rule(unit=st.sampled_from(UNITS))
    def open_latest(self, unit: str) -> None:
        if unit not in self.packages:
            return
        conn = self.liaisons.get(unit) or connect(self.dir / f"liaison-{unit}.db")
        self.liaisons[unit] = conn
        try:
            open_package(conn, self.packages[unit], user=f"联络员{UNITS.index(unit)}")
        except ExchangeRefused:  # older than one already opened
            pass
        items = {r[0] for r in conn.execute("SELECT id FROM items")}
        mine = {r[0] for r in self.inspector.execute(
            "SELECT i.id FROM items i JOIN work_units wu ON wu.work_id = i.work_id JOIN units u "
            "ON u.id = wu.unit_id WHERE u.name = ?", (unit,))}
        assert items <= mine  # a liaison store never holds another unit's items

    @rule(unit=st.sampled_from(UNITS), pick=st.integers(0, 20), change=CHANGES)
    def liaison_edits(self, unit: str, pick: int, change: dict) -> None:
        conn = self.liaisons.get(unit)
        if conn is None:
            return
        items = [r[0] for r in conn.execute("SELECT id FROM items ORDER BY pos")]
        try:
            apply_changes(conn, actor_for(conn, f"联络员{UNITS.index(unit)}", None, None), 1,
                          items[pick % len(items)], change)
        except EditRefused:
            pass

    @rule(item=st.sampled_from(ITEMS), change=CHANGES)
    def inspector_edits(self, item: str, change: dict) -> None:
        try:
            done = apply_changes(self.inspector, INSPECTOR, 1, item, change)
        except EditRefused:
            return
        for c in done:
            self.model[item][c.field] = c.new

    @rule(unit=st.sampled_from(UNITS))
    def write(self, unit: str) -> None:
        if unit in self.liaisons:
            self.returns.append(write_return(self.liaisons[unit], self.dir / "returns",
                                             user=f"联络员{UNITS.index(unit)}").path)

    @precondition(lambda self: bool(self.returns))
    @rule(pick=st.integers(0, 50), accept=st.sampled_from(ACCEPT))
    def import_one(self, pick: int, accept: str) -> None:
        before, content = accepted(self.inspector), dump(self.inspector)
        (result,) = import_files(self.inspector, INSPECTOR, [self.returns[pick % len(self.returns)]],
                                 accept=accept)
        assert not isinstance(result, ExchangeRefused), str(result)
        if result.already:  # a replay changes nothing at all
            assert dump(self.inspector) == content
        if result.superseded_by is not None or accept == "none":
            assert accepted(self.inspector) == before
        self.follow(before)

    @precondition(lambda self: bool(self.returns))
    @rule(accept=st.sampled_from(ACCEPT))
    def import_the_folder(self, accept: str) -> None:
        """Everything on the stick, as `exchange import DIR` does: replays and older files among them."""
        before = accepted(self.inspector)
        for result in import_files(self.inspector, INSPECTOR, [self.dir / "returns"], accept=accept):
            assert not isinstance(result, ExchangeRefused), str(result)
        if accept == "none":
            assert accepted(self.inspector) == before
        self.follow(before)

    @rule()
    def accept_everything_clean(self) -> None:
        before = accepted(self.inspector)
        accept_clean(self.inspector, INSPECTOR)
        self.follow(before)

    @rule(pick=st.integers(0, 20), take=st.booleans())
    def decide_one(self, pick: int, take: bool) -> None:
        rows = open_rows(self.inspector)
        if not rows:
            return
        row = rows[pick % len(rows)]
        before = accepted(self.inspector)
        try:
            (take_theirs if take else keep_ours)(self.inspector, INSPECTOR, row.return_id, row.item_id, row.field)
        except EditRefused:  # a rule refuses theirs: nothing was written
            pass
        self.follow(before)

    # ------------------------------------------------------------------ what must always hold

    @invariant()
    def the_store_is_the_model(self) -> None:
        store = {r["item_id"]: {f: r[f] for f in FIELDS} for r in self.inspector.execute(
            "SELECT item_id, status, progress, note FROM item_state WHERE round_id = 1")}
        assert store == self.model

    @invariant()
    def the_store_is_whole(self) -> None:
        assert self.inspector.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


ExchangeMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TestExchangeProperty = ExchangeMachine.TestCase
