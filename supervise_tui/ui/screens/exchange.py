"""The exchange (x): the inspector's status per unit and the review of returns; the liaison's packages and returns."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.widgets import Static

from ...domain.exchange import review
from ...domain.vocab import field_name, shown_edit
from ...errors import ExchangeRefused, SuperviseError
from ...i18n import t
from ..bindings import bind
from ..sources import ListSource, column
from ..text import literal
from .table import TableScreen

STATE_STYLE = {"conflict": "bold red", "clean": "green", "same": "dim"}


def _say_refused(screen, exc: SuperviseError) -> None:
    screen.notify(t("edit.refused", reason=exc), severity="error", timeout=8, markup=False)


class ExchangeStatusScreen(TableScreen):
    """Per unit: enrolled, package issued, returns received, fields open and conflicts; who has not returned."""

    BINDINGS = [
        bind("i", "import_returns", "import_returns"),
        bind("v", "review_all", "review_all"),
        bind("w", "issue_one", "issue_one"),
        bind("W", "issue_all", "issue_all", key_display="W"),
    ]

    class Imported(Message):
        """Return files imported by a worker: what became of each (a Received or an ExchangeRefused)."""

        def __init__(self, results: list) -> None:
            super().__init__()
            self.results = results

    def __init__(self, crumbs: list[str] | None = None):
        super().__init__(crumbs or [t("screen.exchange")])
        self.rows: list[dict] = []

    def make_source(self):
        from ...domain.exchange.status import unit_status

        self.rows = unit_status(self.session.conn, self.session.round.id)
        columns = [column("col.unit", 0), column("exchange.col.key", 4, align="right"),
                   column("exchange.col.package_at", 10), column("exchange.col.returns", 6, align="right"),
                   column("exchange.col.last_seq", 4, align="right"), column("exchange.col.items", 6, align="right"),
                   column("exchange.col.open", 6, align="right"),
                   column("exchange.col.conflicts", 4, align="right",
                          style_fn=lambda s: "bold red" if s not in ("", "0") else ""),
                   column("exchange.col.returned", 6,
                          style_fn=lambda s: "bold yellow" if s == t("exchange.no") else "")]
        cells = [[r["unit"], str(r["key"] or ""), (r["package_at"] or "")[:10], str(r["returns"] or ""),
                  str(r["last_seq"] or ""), str(r["items"] or ""), str(r["open"] or ""), str(r["conflicts"] or ""),
                  "" if r["returned"] is None else t("exchange.yes" if r["returned"] else "exchange.no")]
                 for r in self.rows]
        return ListSource(columns, cells, [r["unit"] for r in self.rows])

    def update_summary(self) -> None:
        enrolled = [r for r in self.rows if r["returned"] is not None]
        text = t("tui.exchange.summary", round=self.session.round.name, enrolled=len(enrolled),
                 missing=sum(not r["returned"] for r in enrolled), open=sum(r["open"] for r in self.rows),
                 conflicts=sum(r["conflicts"] for r in self.rows))
        self.query_one("#summary", Static).update(literal(text, "dim"))

    def open_key(self, key: str, row) -> None:
        self.app.push_screen(ReviewScreen(self.child_crumbs(key), unit=key))

    def action_review_all(self) -> None:
        self.app.push_screen(ReviewScreen(self.child_crumbs(t("screen.review"))))

    def action_import_returns(self) -> None:
        if self.refused_read_only():
            return
        from ..dialogs.exchange import PathForm

        def done(path: str | None) -> None:
            if path:
                self.notify(t("tui.exchange.importing", path=path), markup=False)
                self.run_import(Path(path))

        self.app.push_screen(PathForm(t("tui.exchange.import_title"), str(Path.cwd())), done)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def run_import(self, path: Path) -> None:
        """Receive every return file at ``path`` for review (each file one transaction), off the UI thread."""
        from ...domain.exchange.importing import import_files

        with self.session.reader() as conn:
            results = list(import_files(conn, self.session.actor, [path], accept="none"))
        self.post_message(self.Imported(results))

    def on_exchange_status_screen_imported(self, event: Imported) -> None:
        received = [r for r in event.results if not isinstance(r, ExchangeRefused) and not r.already]
        for result in event.results:
            if isinstance(result, ExchangeRefused):
                self.notify(str(result), severity="error", timeout=12, markup=False)
            elif result.already:
                self.notify(t("exchange.import.already", file=result.path.name, at=result.already),
                            severity="warning", markup=False)
        self.notify(t("tui.exchange.imported", count=len(received)), markup=False)
        self.store_changed()
        if received:
            self.app.push_screen(ReviewScreen(self.child_crumbs(t("screen.review")),
                                              returns=[r.return_id for r in received]))

    def _issue(self, unit: str | None) -> None:
        if self.refused_read_only():
            return
        from ...domain.exchange.package import issue, issue_all
        from ..dialogs.exchange import PathForm

        def submit(folder: str) -> None:
            s = self.session
            done = issue_all(s.conn, s.actor, Path(folder)) if unit is None else [
                issue(s.conn, s.actor, unit, Path(folder))]
            for p in done:
                self.notify(t("exchange.issued_key" if p.with_key else "exchange.issued", path=str(p.path),
                              unit=p.unit, round=p.round.name, items=p.items), timeout=10, markup=False)
            self.store_changed()

        title = t("tui.exchange.issue_all_title") if unit is None else t("tui.exchange.issue_title", unit=unit)
        self.app.push_screen(PathForm(title, str(Path.cwd()), submit=submit))

    def action_issue_one(self) -> None:
        if self.table.current_key:
            self._issue(self.table.current_key)

    def action_issue_all(self) -> None:
        self._issue(None)


class ReviewScreen(TableScreen):
    """Changes received and not yet decided: base · theirs · ours per field; a accepts every one not in
    conflict, t takes theirs, k keeps ours, e writes a value of your own, enter shows the item."""

    BINDINGS = [
        bind("a", "accept_clean", "accept_clean"),
        bind("t", "take_theirs", "take_theirs"),
        bind("k", "keep_ours", "keep_ours"),
        bind("e", "edit_value", "edit_value"),
    ]

    def __init__(self, crumbs: list[str], *, returns: list[str] | None = None, unit: str | None = None):
        super().__init__(crumbs)
        self.returns, self.unit = returns, unit
        self.rows: dict[str, review.Row] = {}

    def make_source(self):
        rows = review.open_rows(self.session.conn, returns=self.returns, unit=self.unit)
        self.rows = {f"{r.return_id}|{r.item_id}|{r.field}": r for r in rows}
        words = {state: t(f"tui.exchange.state.{state}") for state in STATE_STYLE}
        styles = {words[state]: style for state, style in STATE_STYLE.items()}
        columns = [column("col.id", 9), column("col.field", 6), column("tui.exchange.base", 12),
                   column("tui.exchange.theirs", 0), column("tui.exchange.ours", 16),
                   column("tui.exchange.state", 6, style_fn=lambda s: styles.get(s, "")),
                   column("tui.exchange.author", 8), column("col.unit", 10)]
        cells = [[r.item_id, field_name(r.field), shown_edit(r.field, r.base), shown_edit(r.field, r.theirs),
                  shown_edit(r.field, r.ours), words[r.state], r.author, f"{r.unit} #{r.seq}"] for r in rows]
        return ListSource(columns, cells, list(self.rows))

    def update_summary(self) -> None:
        rows = list(self.rows.values())
        text = t("tui.exchange.review_summary", rows=len(rows), conflicts=sum(r.state == "conflict" for r in rows),
                 clean=sum(r.state == "clean" for r in rows), same=sum(r.state == "same" for r in rows))
        self.query_one("#summary", Static).update(literal(text, "dim"))

    def open_key(self, key: str, row) -> None:
        from .detail import DetailScreen

        item_id = self.rows[key].item_id
        self.app.push_screen(DetailScreen(self.child_crumbs(item_id), item_id))

    def _current(self) -> review.Row | None:
        key = self.table.current_key
        if key is None or key not in self.rows:
            self.notify(t("tui.exchange.nothing_here"), severity="warning")
            return None
        return self.rows[key]

    def _decide(self, action, *args) -> None:
        if self.refused_read_only():
            return
        try:
            decided = action(self.session.conn, self.session.actor, *args)
        except SuperviseError as exc:
            _say_refused(self, exc)
            return
        self.notify(t("tui.exchange.decided", accepted=decided.accepted, kept=decided.kept, same=decided.same,
                      refused=len(decided.refused)), markup=False)
        for item, reason in decided.refused.items():
            self.notify(t("exchange.import.item_refused", id=item, reason=reason).strip(), severity="warning",
                        timeout=10, markup=False)
        self.store_changed()

    def action_accept_clean(self) -> None:
        self._decide(lambda conn, actor: review.accept_clean(conn, actor, returns=self.returns, unit=self.unit))

    def action_take_theirs(self) -> None:
        row = self._current()
        if row:
            self._decide(review.take_theirs, row.return_id, row.item_id, row.field)

    def action_keep_ours(self) -> None:
        row = self._current()
        if row:
            self._decide(review.keep_ours, row.return_id, row.item_id, row.field)

    def action_edit_value(self) -> None:
        row = self._current()
        if row is None or self.refused_read_only():
            return
        from ..dialogs.base import Dialog
        from ..dialogs.editors import ProgressInput, StatusPicker
        from ..dialogs.exchange import TextValueEditor

        def submit(value) -> None:
            review.edit_value(self.session.conn, self.session.actor, row.return_id, row.item_id, row.field, value)
            self.notify(t("tui.exchange.edited", id=row.item_id, field=field_name(row.field)), markup=False)
            self.store_changed()

        theirs = row.theirs  # the editor starts from the liaison's value
        dialog: Dialog
        if row.field == "status":
            dialog = StatusPicker(row.item_id, theirs if isinstance(theirs, str) else None, submit=submit)
        elif row.field == "progress":
            dialog = ProgressInput(row.item_id, theirs if isinstance(theirs, int) else None, submit=submit)
        else:
            dialog = TextValueEditor(row.item_id, row.field, str(theirs or ""), submit=submit)
        self.app.push_screen(dialog)


class LiaisonExchangeScreen(TableScreen):
    """A liaison store's side: the package it was made from, what changed since, returns written;
    w writes a return, o opens a newer package."""

    BINDINGS = [
        bind("w", "write_return", "write_return"),
        bind("o", "open_package", "open_package"),
    ]

    def __init__(self, crumbs: list[str] | None = None):
        super().__init__(crumbs or [t("screen.exchange")])
        self.status: dict = {}

    def make_source(self):
        from ...domain.exchange.status import liaison_status

        self.status = liaison_status(self.session.conn)
        columns = [column("col.id", 9), column("col.field", 6), column("tui.exchange.base", 16),
                   column("tui.exchange.mine", 0)]
        cells, keys = [], []
        for item in self.status["changed"]:
            for field, value in item["new"].items():
                cells.append([item["id"], field_name(field), shown_edit(field, item["base"][field]),
                              shown_edit(field, value)])
                keys.append(f"{item['id']}|{field}")
        return ListSource(columns, cells, keys)

    def update_summary(self) -> None:
        package, returns = self.status["package"], self.status["returns"]
        text = t("tui.exchange.liaison_summary", serial=package["serial"] if package else "—",
                 issued=(package["issued_at"] if package else "")[:10], items=len(self.status["changed"]),
                 returns=len(returns), last=returns[-1]["seq"] if returns else "—")
        self.query_one("#summary", Static).update(literal(text, "dim"))

    def open_key(self, key: str, row) -> None:
        from .detail import DetailScreen

        item_id = key.split("|")[0]
        self.app.push_screen(DetailScreen(self.child_crumbs(item_id), item_id))

    def _folder(self) -> str:
        from ...domain.db import get_meta
        from ...domain.exchange.liaison import FOLDER

        return get_meta(self.session.conn, FOLDER) or str(Path.cwd())

    def action_write_return(self) -> None:
        if self.refused_read_only():
            return
        from ...domain.exchange.liaison import write_return
        from ..dialogs.exchange import PathForm

        def submit(folder: str) -> None:
            written = write_return(self.session.conn, Path(folder), user=self.session.actor.user)
            self.notify(t("exchange.returned", path=str(written.path), seq=written.seq, round=written.round.name,
                          items=written.items), timeout=12, markup=False)
            self.store_changed()

        self.app.push_screen(PathForm(t("tui.exchange.return_title"), self._folder(), submit=submit))

    def action_open_package(self) -> None:
        if self.refused_read_only():
            return
        from ..dialogs.exchange import PathForm

        def submit(path: str) -> None:
            opened = open_into(self.session.conn, Path(path), self.session.actor.user)
            for message, severity in opened:
                self.notify(message, severity=severity, timeout=12, markup=False)
            self.store_changed(rounds=True)

        self.app.push_screen(PathForm(t("tui.exchange.open_title"), newest_package(Path(self._folder())) or "",
                                      submit=submit))


def open_into(conn, path: Path, user: str) -> list[tuple[str, SeverityLevel]]:
    """Open a package into a liaison store; what to tell the liaison, as (message, severity)."""
    from ...domain.exchange.liaison import open_package

    opened = open_package(conn, path, user=user)
    if opened.already:
        return [(t("exchange.opened_before", package=opened.package_id, at=opened.already), "warning")]
    out: list[tuple[str, SeverityLevel]] = [(t("exchange.opened_new" if opened.created else "exchange.opened",
                                               unit=opened.unit, round=opened.round.name, items=opened.items),
                                             "information")]
    if opened.kept:
        out.append((t("exchange.kept", count=len(opened.kept), items=", ".join(opened.kept)), "warning"))
    if opened.gone:
        out.append((t("exchange.gone", count=len(opened.gone), items=", ".join(opened.gone)), "warning"))
    return out


def newest_package(folder: Path) -> str | None:
    """The round package file in a folder written last, if any."""
    try:
        found = [(p.stat().st_mtime, p.name, p) for p in folder.glob("package-*.json") if p.is_file()]
    except OSError:
        return None
    return str(max(found)[2]) if found else None
