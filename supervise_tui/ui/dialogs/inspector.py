"""The inspector's editors: a light override with its reason, and a yes/no confirmation."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from ...domain.vocab import LIGHTS, word
from ...i18n import t
from ..bindings import bind
from ..text import literal
from ..widgets.safe_input import SafeInput
from .base import Dialog, Submit

RULES = "rules"  # the option that removes an override


class LightPicker(Dialog[tuple[str | None, str] | None]):
    """Choose 绿 / 黄 / 红 or 按规则, and give the reason an override needs."""

    def __init__(self, item_id: str, current: str | None, reason: str | None, *, submit: Submit | None = None):
        super().__init__(submit=submit)
        self.item_id, self.current, self.reason = item_id, current, reason or ""

    def compose(self) -> ComposeResult:
        options = [Option(Text(word("light", code)), id=code) for code in LIGHTS]
        options.append(Option(Text(t("light.rules")), id=RULES))
        # editor-tall: with the four options and the reason, the plain editor clipped the error line
        with Vertical(classes="editor editor-tall"):
            yield Label(literal(t("edit.light_title", id=self.item_id)), classes="editor-title")
            yield OptionList(*options, id="light-options")
            # The stored reason's control characters are shown as pictures, and kept unless edited away.
            yield SafeInput(value=self.reason, placeholder=t("edit.light_reason"), id="light-reason")
            yield Label("", id="light-error", classes="editor-error")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = LIGHTS.index(self.current) if self.current in LIGHTS else len(LIGHTS)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == RULES:
            self.answer((None, ""))
        else:
            self.query_one(SafeInput).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        choice = options.get_option_at_index(options.highlighted or 0).id
        reason = self.query_one(SafeInput).stored.strip()
        if choice == RULES:
            self.answer((None, ""))
        elif not reason:
            self.query_one("#light-error", Label).update(Text(t("edit.light_reason_needed")))
        else:
            self.answer((choice, reason))


class Confirm(Dialog[bool]):
    """A yes/no question; y says yes, n or escape says no, and enter takes the focused button.

    The focus starts on the safe answer, no: an enter pressed by habit changes nothing.
    ``yes`` and ``no`` name the buttons (catalogue text) when 确认 / 取消 would be vague.
    """

    BINDINGS = [bind("escape", "no", "cancel"), bind("n", "no", "cancel", show=False),
                bind("y", "yes", "confirm")]

    def __init__(self, question: str, *, yes: str | None = None, no: str | None = None,
                 submit: Submit | None = None):
        super().__init__(submit=submit)
        self.question = question
        self.yes_label, self.no_label = yes or t("key.confirm"), no or t("key.cancel")

    def compose(self) -> ComposeResult:
        with Vertical(classes="editor"):
            yield Label(literal(self.question), classes="editor-title")
            with Horizontal(classes="buttons"):
                yield Button(literal(f"{self.yes_label} (y)"), id="yes", variant="warning")
                yield Button(literal(f"{self.no_label} (n)"), id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "yes":
            self.answer(True)
        else:
            self.dismiss(False)

    def action_yes(self) -> None:
        self.answer(True)

    def action_no(self) -> None:
        self.dismiss(False)
