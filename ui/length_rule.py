"""A length rule told where the text is typed, before it bites: "40 of at most 300
characters", "4 words: at least 10 needed". The limits are the app's own (the same numbers
the operation checks), so the hint and the refusal cannot disagree.

A long text box shows its rule all the time; a one-line field only once the typing comes
near the limit (80 %), so a title does not carry a counter nobody needs.
"""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit

NEAR = 0.8


class LengthRule(QLabel):
    def __init__(self, edit: QLineEdit | QPlainTextEdit, *, max_chars: int | None = None,
                 min_words: int | None = None, required: bool = False):
        super().__init__()
        self.edit, self.max_chars, self.min_words, self.required = edit, max_chars, min_words, required
        self.always = isinstance(edit, QPlainTextEdit) or min_words is not None
        self.setObjectName(f"{edit.objectName() or 'text'}_rule")
        self.setWordWrap(True)
        edit.textChanged.connect(self.follow)
        self.follow()

    def text_typed(self) -> str:
        return self.edit.toPlainText() if isinstance(self.edit, QPlainTextEdit) else self.edit.text()

    def words(self) -> tuple[str, bool]:
        """(what to say, whether the text breaks the rule as it stands)."""
        typed = self.text_typed().strip()
        said, broken = [], False
        if self.min_words is not None:
            n = len(typed.split())
            said.append(f"{n} word{'s' * (n != 1)}"
                        + (f": at least {self.min_words} needed" if n < self.min_words else ""))
            broken = n < self.min_words
        if self.max_chars is not None:
            n = len(typed)
            if n > self.max_chars:
                said.append(f"{n} characters: {n - self.max_chars} over the {self.max_chars} "
                            "allowed")
                broken = True
            else:
                said.append(f"{n} of at most {self.max_chars} characters")
        if self.required and not typed:
            said.append("required")
            broken = True
        return ("; ".join(said), broken)

    def follow(self) -> None:
        words, broken = self.words()
        near = self.max_chars is not None and len(self.text_typed().strip()) >= NEAR * self.max_chars
        self.setText(words)
        role = "problem" if broken and (near or self.min_words) else "hint"
        if role != self.property("role"):
            first = self.property("role") is None
            self.setProperty("role", role)
            if not first:   # restyled only when it changes: polishing cost 46 ms at start-up
                self.style().unpolish(self)
                self.style().polish(self)
        shown = self.always or near
        if self.parentWidget() is not None or not shown:
            self.setVisible(shown)
