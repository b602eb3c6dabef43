"""The report form: one item's status, progress, note, evidence and value reached, saved together.

The previous round's values stand beside each field. Saving is one user action — one
transaction, one audit row per changed field, one undo step — and a save that changes
nothing reports the item as reviewed. Status and progress follow each other as they do in the
store (``edits.follow_status_progress``), and a numeric target's progress follows its value
reached (``targets.derived_progress``), so what the form shows is what is saved. A refusal,
a store error or a conflict keeps the form open with everything typed; after a conflict the
form shows what is stored now in the fields the user left alone, and a second save writes
the user's values over it knowingly.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from ...domain import evidence, queries, reporting
from ...domain.edits import Conflict, follow_status_progress
from ...domain.targets import (
    SEPARATOR,
    Goal,
    attainment_text,
    check_stored_value,
    derived_progress,
    goal_from_json,
    reported,
    split_values,
)
from ...domain.targets import canonical as number_text
from ...domain.vocab import STATUSES, field_name, parse_progress, shown_edit, shown_value, word
from ...errors import BadValue, SuperviseError
from ...i18n import t
from ..bindings import bind
from ..text import literal
from ..widgets.choice import Choice
from ..widgets.safe_input import SafeInput, SafeTextArea
from .base import Dialog

SAVED, WALKED = "saved", "walked"  # closed after a save; after "save and next" found nothing left. None: cancelled

# A save: (item, changes, shown) → what was saved, in words; raises SuperviseError when refused.
Save = Callable[[str, dict, dict], str]
# The walk: the item just saved → the next one still to report (brought into view), or None.
Walk = Callable[[str], str | None]


class ItemForm(Dialog[str | None]):
    """One item's report in the current round; ctrl+s saves, ctrl+n saves and goes on to the next to report.

    The form stays on the screen for the whole walk, filled with each next item in turn: keys typed
    as it moves on never fall through to the table below it.
    """

    # Tab moves on at once (priority): the characters typed right after it go to the next field.
    BINDINGS = [
        bind("ctrl+s", "save", "save", priority=True),
        bind("ctrl+n", "save_next", "save_next", priority=True),
        bind("tab", "app.focus_next", "next_field", show=False, priority=True),
        bind("shift+tab", "app.focus_previous", "previous_field", show=False, priority=True),
    ]

    def __init__(self, session, item_id: str, *, save: Save, walk: Walk | None = None,
                 counter: Callable[[], str] | None = None) -> None:
        super().__init__()
        self.session, self.save_item, self.walk, self.counter = session, save, walk, counter
        self._load(item_id)

    def _load(self, item_id: str) -> None:
        """Read the item, its previous round and its goal: what the form is filled with."""
        session = self.session
        self.item_id = item_id
        self.item = queries.get_item(session.conn, session.round.id, item_id)
        self.previous = reporting.previous_state(session.conn, session.round.id, item_id)
        # A numeric target has a value reached, one number per metric; its progress follows it.
        self.goal: Goal = goal_from_json(self.item.get("goal"))
        self.fields = ["status", "progress", "note", "evidence"] + (["value"] if self.goal.numeric else [])
        self.base = self._values(self.item)  # as stored when the form was filled: what a save is checked against
        self.initial = dict(self.base)  # what the widgets were filled with: a field differs from it once edited
        self._said = getattr(self, "_said", "")  # the last save of the walk, in words
        self._pair = (self.base["status"], self.base["progress"])  # status and progress as the form shows them
        self._before_done: int | None = None  # the progress 已完成 set to 100 (given back if the status moves on)

    @staticmethod
    def _values(state: dict) -> dict:
        return {"status": state["status"] or "not_started", "progress": state["progress"] or 0,
                "note": state["note"] or "", "evidence": state["evidence"] or "", "value": state["value"] or "",
                "version": state["version"] or 0}

    # ------------------------------------------------------------------ layout

    def _texts(self) -> dict[str, Text]:
        """The form's fixed lines for the item it shows, by widget id."""
        item = self.item
        head = literal(t("form.title", id=item["id"], kind=word("kind", item["kind"]),
                         round=self.session.round.name), "bold")
        counter = self.counter() if self.counter else ""
        if counter:
            head.append_text(literal(f"   {counter}", "cyan"))
        return {
            "form-head": head,
            "form-text": literal((item["prefix"] or "") + item["text"]),
            "form-work": literal(t("form.work", work=f"({item['work_id']}) {item['work_title']}",
                                   unit=item["lead_unit"] or "—"), "dim"),
            "form-previous-head": literal(t("form.previous", round=self.previous["round_name"]) if self.previous
                                          else t("form.no_previous"), "dim"),
            "form-unit": literal("%  " + (t("form.from_value") if self.goal.numeric else ""), "dim"),
        }

    def compose(self) -> ComposeResult:
        texts = self._texts()
        with Vertical(classes="editor form"):
            yield Label(texts["form-head"], id="form-head")
            yield Static(texts["form-text"], id="form-text")
            yield Static(texts["form-work"], id="form-work")
            yield Label(texts["form-previous-head"], id="form-previous-head")
            with Horizontal(classes="form-row"):
                yield Label(literal(field_name("status")), classes="form-label")
                yield Choice([(code, word("status", code)) for code in STATUSES], self.base["status"],
                             id="form-status", autofocus=True)
                yield self._previous("status")
            with Horizontal(classes="form-row"):
                yield Label(literal(field_name("progress")), classes="form-label")
                yield Input(str(self.base["progress"]), restrict=r"[0-9%]*", max_length=4, id="form-progress",
                            compact=True, disabled=self._derived)
                yield Label(texts["form-unit"], id="form-unit", classes="form-unit")
                yield self._previous("progress")
            for n, metric in enumerate(self.goal.metrics):
                with Horizontal(classes="form-row"):
                    yield Label(literal(field_name("value") if n == 0 else ""), classes="form-label")
                    value = split_values(self.base["value"], len(self.goal.metrics))[n]
                    yield SafeInput("" if value is None else number_text(value), id=f"form-value-{n}",
                                    classes="form-value", compact=True)
                    yield Label(literal(f" {metric.shown()}  {metric.metric}", "dim"), classes="form-metric")
                    if n == 0:
                        yield self._previous("value")
                    else:
                        yield Static("", classes="form-prev")
            with Horizontal(classes="form-row form-tall"):
                yield Label(literal(field_name("note")), classes="form-label")
                yield SafeTextArea(self.base["note"], id="form-note", soft_wrap=True, show_line_numbers=False,
                                   compact=True)
                yield self._previous("note")
            with Horizontal(classes="form-row form-evidence"):
                yield Label(literal(field_name("evidence")), classes="form-label")
                yield SafeTextArea(self.base["evidence"], id="form-evidence", soft_wrap=True,
                                   show_line_numbers=False, compact=True)
                yield self._previous("evidence")
            yield Label("", id="form-error", classes="editor-error")
            yield Label(literal(self._said, "green"), id="form-said")
            with Horizontal(classes="form-buttons"):
                yield Button(literal(t("form.save")), id="form-save", variant="primary", compact=True)
                yield Button(literal(t("form.save_next")), id="form-next", compact=True)
                yield Button(literal(t("form.cancel")), id="form-cancel", compact=True)

    @property
    def _derived(self) -> bool:
        """Whether the progress is the value reached's (a numeric target with a value): not typed."""
        return self.goal.numeric and reported(self.base["value"])

    def _previous(self, field: str) -> Static:
        return Static(self._previous_text(field), id=f"prev-{field}", classes="form-prev")

    def _previous_text(self, field: str) -> Text:
        value = (self.previous or {}).get(field)
        if field == "value" and self.previous is not None:
            text = attainment_text(self.goal, value) if reported(value) else "—"
        elif field == "evidence":
            text = "\n".join(line for line in (value or "").splitlines() if line.strip()) or "—"
        else:
            text = shown_value(field, value) if value not in (None, "") else "—"
        return literal(text, "dim")

    def on_mount(self) -> None:
        if self.session.read_only:
            self.say_error(t("edit.refused", reason=self.session.read_only_error()))

    # ------------------------------------------------------------------ reading the widgets

    def _status(self) -> str:
        return self.query_one("#form-status", Choice).value

    def _progress(self) -> int:
        return parse_progress(self.query_one("#form-progress", Input).value)

    def _value(self) -> str:
        """The value reached as typed, one part per metric (the store's separator), trailing blanks left out."""
        parts = [box.stored.strip() for box in self.query(".form-value").results(SafeInput)]
        while parts and not parts[-1]:
            parts.pop()
        return SEPARATOR.join(parts)

    def typed(self) -> dict:
        """Every field as the form shows it now (raises BadValue for a progress that is not 0–100)."""
        out = {"status": self._status(), "progress": self._progress(),
               "note": self.query_one("#form-note", SafeTextArea).stored,
               "evidence": self.query_one("#form-evidence", SafeTextArea).stored}
        if self.goal.numeric:
            out["value"] = self._value()
        return out

    def edited(self) -> dict:
        """The fields the user changed from what the form was filled with."""
        out = {f: v for f, v in self.typed().items() if v != self.initial[f]}
        if "evidence" in out and _same_evidence(out["evidence"], self.initial["evidence"]):
            del out["evidence"]  # only blank lines or spacing differ
        return out

    # ------------------------------------------------------------------ status ⇔ progress ⇔ value

    def on_choice_changed(self, event: Choice.Changed) -> None:
        event.stop()
        if event.value != self._pair[0]:
            self._follow({"status": event.value})

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id == "form-progress":
            try:
                progress = self._progress()
            except BadValue:
                return
            if progress != self._pair[1]:
                self._follow({"progress": progress})
        elif event.input.has_class("form-value"):
            self._value_typed()

    def _value_typed(self) -> None:
        """A numeric target's progress is the one its value reached gives; with no value, it is typed."""
        try:
            value = check_stored_value(self.goal, self._value(), self.item_id)
        except SuperviseError:
            return  # said on saving; the progress stays as it is meanwhile
        box = self.query_one("#form-progress", Input)
        box.disabled = reported(value)
        if reported(value):
            progress = derived_progress(self.goal, value)
            if progress != self._pair[1]:
                box.value = str(progress)
                self._follow({"progress": progress})

    def _follow(self, change: dict) -> None:
        """Move the other field as the store would (done ⇒ 100 %, 100 % ⇒ done, …).

        The pair it follows from is the one the form showed before this change. Setting a
        widget here sends its own change later, which then finds nothing left to move.
        """
        box = self.query_one("#form-progress", Input)
        if "progress" in change:
            self._before_done = None  # typed: the user's own
        elif (self._before_done is not None and self._pair == ("done", 100) and change["status"] != "not_started"
              and not box.disabled):
            # stepped through 已完成 (left, right): the progress it set goes back to what it was
            restored, self._before_done = self._before_done, None
            box.value = str(restored)
            self._pair = (change["status"], restored)
            return
        try:
            follows = follow_status_progress(*self._pair, change, self.item_id)
        except SuperviseError:
            follows = {}  # the save will say why (推进中 at 100 % needs a lower progress too)
        if "progress" in follows and not box.disabled:
            if change.get("status") == "done":
                self._before_done = self._pair[1]
            box.value = str(follows["progress"])
        else:
            follows.pop("progress", None)
        if "status" in follows:
            self.query_one("#form-status", Choice).value = follows["status"]
        self._pair = (follows.get("status", change.get("status", self._pair[0])),
                      follows.get("progress", change.get("progress", self._pair[1])))

    # ------------------------------------------------------------------ saving

    def on_key(self, event: events.Key) -> None:
        # The form holds the keyboard: a character typed where no text box takes it (on a button, or a
        # moment before the focus lands) is dropped, never taken as a key of the screens below it.
        if event.is_printable:
            event.stop()
            event.prevent_default()

    async def action_save(self) -> None:
        self._save()

    async def action_save_next(self) -> None:
        if self._save(closing=self.walk is None):
            await self._next()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "form-save":
            await self.action_save()
        elif event.button.id == "form-next":
            await self.action_save_next()
        else:
            self.action_cancel()

    async def _next(self) -> None:
        """Fill the form with the next item still to report; close it when none is left."""
        assert self.walk is not None
        item_id = self.walk(self.item_id)
        if item_id is None:
            self.dismiss(WALKED)
            return
        numeric = self.goal.numeric
        self._load(item_id)
        if numeric or self.goal.numeric:  # the value rows differ: built anew
            await self.recompose()  # the status takes the focus as it is mounted (Choice autofocus)
            return
        # The same rows: filled in place, which is quicker than building them again.
        self.query_one("#form-error", Label).update("")
        for ident, text in self._texts().items():
            self.query_one(f"#{ident}", Static).update(text)
        self.query_one("#form-said", Label).update(literal(self._said, "green"))
        for field in ("status", "progress", "note", "evidence"):
            self.query_one(f"#prev-{field}", Static).update(self._previous_text(field))
            self._fill(field, self.base[field])
        self.query_one("#form-progress", Input).disabled = self._derived
        self.query_one("#form-status", Choice).focus()

    def _save(self, *, closing: bool = True) -> bool:
        """Save what the form shows (closing the form, unless the walk goes on); False if it was not saved."""
        try:
            changes = self.edited()
        except BadValue:
            self.say_error(t("edit.bad_progress"))
            self.query_one("#form-progress", Input).focus()
            return False
        if "value" in changes and reported(changes["value"]):
            changes.pop("progress", None)  # the store derives it from the value, as the form showed it
        shown = {f: self.base[f] for f in changes} | {"version": self.base["version"]}
        try:
            said = self.save_item(self.item_id, changes, shown)
        except Conflict as exc:
            self._conflict(exc)
            return False
        except SuperviseError as exc:
            self.say_error(t("edit.refused", reason=exc))
            return False
        if closing:
            self.app.notify(said, markup=False)
            self.dismiss(SAVED)
        else:  # said on the form's own line as it moves on: toasts would pile up over it
            self._said = said
        return True

    def _conflict(self, exc: Conflict) -> None:
        """Someone saved the item since the form was filled: show what is stored now where the user
        typed nothing, keep what they typed, and let a second save write it knowingly."""
        typed = self.edited()
        fresh = queries.get_item(self.session.conn, self.session.round.id, self.item_id)
        old, self.base = self.base, self._values(fresh)
        for field in self.fields:
            if field not in typed:
                self.initial[field] = self.base[field]
                self._fill(field, self.base[field])
        self._pair = (self._status(), self._progress())
        self._before_done = None
        # Named by a field the other person changed (the version alone says nothing to a reader).
        field = next((f for f in self.fields if old[f] != self.base[f]), exc.field)
        before, after = (old[field], self.base[field]) if field in self.fields else (exc.shown, exc.current)
        self.say_error(t("form.conflict", id=self.item_id, field=field_name(field),
                         shown=shown_edit(field, before) or "—", current=shown_edit(field, after) or "—"))

    def _fill(self, field: str, value) -> None:
        if field == "status":
            self.query_one("#form-status", Choice).value = value
        elif field == "progress":
            self.query_one("#form-progress", Input).value = str(value)
        elif field == "value":
            parts = split_values(value, len(self.goal.metrics))
            for box, part in zip(self.query(".form-value").results(SafeInput), parts):
                text = "" if part is None else number_text(part)
                box.original, box.value = text, text
        else:
            area = self.query_one(f"#form-{field}", SafeTextArea)
            area.original = value
            area.load_text(value)

    # ------------------------------------------------------------------ cancelling

    def action_cancel(self) -> None:
        """Close without saving; if something was typed, ask first (no is the default)."""
        try:
            typed = list(self.edited())
        except BadValue:
            typed = ["progress"]
        if not typed:
            self.dismiss(None)
            return
        from .inspector import Confirm

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(Confirm(t("form.discard", fields="、".join(field_name(f) for f in typed)),
                                     yes=t("form.discard_yes"), no=t("form.keep_editing")), answered)


def _same_evidence(a: str, b: str) -> bool:
    """Two evidence fields that hold the same references (as the store would write them)."""
    try:
        return evidence.canonical(a) == evidence.canonical(b)
    except SuperviseError:
        return False
