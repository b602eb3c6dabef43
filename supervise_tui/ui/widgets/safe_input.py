"""Input and TextArea that never write a control character to the terminal, yet keep the stored text.

Textual's editors draw their text as it is, so a stored OSC or CSI sequence reached the
terminal the moment a note was opened for editing (a title changed, the clipboard was
overwritten). These hold the text with each control or bidi character shown as a visible
one in its place — whether it came from the store or was typed or pasted — and ``stored``
gives back what to save: the user's text, with the original's control characters back
wherever the user left that part untouched.
"""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Input, TextArea
from textual.widgets.text_area import Edit, EditResult

from ...textsafe import editable, restore, typed


class SafeInput(Input):
    """A one-line Input whose value is always printable; ``stored`` is what to save."""

    def __init__(self, value: str | None = None, **options) -> None:
        self.original = value or ""
        super().__init__(value=value, **options)

    def validate_value(self, value: str) -> str:
        # Every way a value arrives (the constructor, typing, a paste) passes through here.
        return editable(value)

    @property
    def stored(self) -> str:
        """The value to save: as typed, with the original's control characters where left untouched."""
        return restore(self.original, self.value)


class SafeTextArea(TextArea):
    """A TextArea whose document is always printable (line breaks and tabs kept); ``stored`` is what to save."""

    def __init__(self, text: str = "", **options) -> None:
        self.original = text
        super().__init__(editable(text, multiline=True), **options)

    def edit(self, edit: Edit) -> EditResult:
        # Typing, pasting, insert() and replace() all arrive as an Edit.
        return super().edit(replace(edit, text=typed(edit.text, multiline=True)))

    @property
    def stored(self) -> str:
        """The text to save: as edited, with the original's control characters where left untouched."""
        return restore(self.original, self.text, multiline=True)
