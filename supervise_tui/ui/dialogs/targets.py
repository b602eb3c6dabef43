"""The value reached and the evidence of one item (or headline goal): one input per measure, the
references one a line, and an evidence folder to check file references against."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ...domain import evidence
from ...domain.targets import Goal, attainment_cell, check_stored_value, goal_from_json, split_values
from ...errors import SuperviseError
from ...i18n import t
from ..bindings import bind
from ..text import literal
from ..widgets.safe_input import SafeInput, SafeTextArea
from .base import Dialog, Submit

# What a value input accepts as it is typed: a number, maybe a sign, maybe the unit after it.
NUMBER_KEYS = r"[-+0-9.,，%\u4e00-\u9fff]*"


@dataclass(frozen=True)
class ValueAndEvidence:
    """The editor's answer: the value and evidence to store, and what the folder check found (lines)."""

    value: str
    evidence: str
    found: tuple[str, ...] = ()


class ValueEditor(Dialog):
    """完成值 / 佐证材料: ctrl+s saves, escape cancels; enter in a value goes on to the next field.

    A goal without numbers (a qualitative target, a measure) gets the evidence alone. With an
    evidence folder, file references are hashed; a missing or changed file is said here and
    nothing is saved until it is put right.
    """

    BINDINGS = [bind("ctrl+s", "save", "save", priority=True)]

    def __init__(self, item_id: str, goal: Goal, value: str, refs: str, *, submit: Submit | None = None):
        super().__init__(submit=submit)
        self.item_id, self.goal = item_id, goal
        self.values = split_values(value, len(goal.metrics))
        self.value, self.refs = value or "", refs or ""

    def compose(self) -> ComposeResult:
        title = "edit.value_title" if self.goal.numeric else "edit.evidence_title"
        with Vertical(classes="editor editor-value"):
            yield Label(literal(t(title, id=self.item_id)), classes="editor-title")
            with VerticalScroll(id="value-fields", can_focus=False):
                for n, (metric, value) in enumerate(zip(self.goal.metrics, self.values), 1):
                    yield Label(literal(f"{n}. {metric.metric} {metric.shown()}"), classes="value-label")
                    yield Input(value="" if value is None else format(value, "f"), restrict=NUMBER_KEYS,
                                max_length=30, placeholder=t("edit.value_blank"), id=f"value-{n}",
                                classes="value-input")
                yield Label(literal(t("edit.evidence_label")), classes="value-label")
                yield SafeTextArea(self.refs, id="evidence-input", soft_wrap=True, show_line_numbers=False)
                yield Label(literal(t("edit.evidence_dir")), classes="value-label")
                yield SafeInput(placeholder=t("edit.evidence_dir_hint"), id="evidence-dir")
            yield Label("", id="value-error", classes="editor-error")

    def on_mount(self) -> None:
        first = self.query(".value-input")
        (first.first() if first else self.query_one("#evidence-input")).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        fields = [*self.query(".value-input"), self.query_one("#evidence-input"), self.query_one("#evidence-dir")]
        if event.input is fields[-1]:
            self.action_save()
        else:
            fields[fields.index(event.input) + 1].focus()

    def action_save(self) -> None:
        typed = [i.value for i in self.query(".value-input").results(Input)]
        try:
            value = check_stored_value(self.goal, "; ".join(typed), self.item_id) if self.goal.numeric else self.value
            refs = evidence.read_refs([self.query_one("#evidence-input", SafeTextArea).stored])
            found: list[str] = []
            folder = self.query_one("#evidence-dir", SafeInput).stored.strip()
            if folder:
                refs, messages = evidence.checked_against(refs, folder)
                found = [str(m) for m in messages]
        except SuperviseError as exc:
            self.say_error(str(exc))
            return
        self.answer(ValueAndEvidence(value, evidence.format_refs(refs), tuple(found)))


class GoalPicker(Dialog):
    """Choose one of the document's headline goals (G01–G08), each shown with its value this round."""

    def __init__(self, goals: list[dict], *, submit: Submit | None = None):
        super().__init__(submit=submit)
        self.goals = goals

    def compose(self) -> ComposeResult:
        with Vertical(classes="editor"):
            yield Label(literal(t("edit.goal_pick_title")), classes="editor-title")
            yield OptionList(*[Option(Text.assemble(
                (f"{g['id']} {g['year']}  ", "cyan"), literal(g["text"]), "  ",
                (attainment_cell(goal_from_json(g["goal"]), g["value"]), "bold")), id=g["id"]) for g in self.goals],
                id="goal-options")
            yield Label("", classes="editor-error")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.answer(next(g for g in self.goals if g["id"] == event.option.id))
