"""The assessment requirements at the AC the assessor is on, beside the criteria tree.

While mapping a record the assessor needs what the awarding body says about that AC's LO:
methods barred or required, counts and occasions, the evidence the source suggests, witness
rules, each in the source's words with its line, and whether this record meets it. The
judging is app/evidence/requirements.py's (mapping refuses by the same reading); this only
shows it. Symbols and words carry each verdict, colour only repeats them.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from app.evidence.methods import method_name
from app.evidence.records import RecordView
from app.evidence.requirements import (
    ALLOWS, BARS, CONFLICT, MEETS, NEEDS_OTHER, at_outcome, judge, most_pressing_first,
    said_evidence, unit_requirements,
)
from ui.bridge import Bridge
from ui.widgets import label

COLOURS = {BARS: "#b3261e", CONFLICT: "#8a5300", NEEDS_OTHER: "#8a5300", MEETS: "#1b6e3a",
           ALLOWS: "#1b6e3a"}
MIN_HEIGHT = 70   # a strip under the tree: the ACs keep the larger part at 1280x720


class RequirementsAtAC(QWidget):
    """Shows the requirements of one unit's LO, judged for the record being mapped."""

    def __init__(self, bridge: Bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.record: RecordView | None = None
        self.place: tuple[str, str, str] | None = None   # unit id, unit number, LO number
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.heading = label("Requirements at this AC: choose an AC", "hint")
        self.heading.setObjectName("requirements_heading")
        layout.addWidget(self.heading)
        self.text = QLabel(objectName="requirements_text")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.RichText)
        self.text.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.text)
        scroll.setMinimumHeight(MIN_HEIGHT)
        layout.addWidget(scroll)

    def load(self, record: RecordView) -> None:
        self.record = record
        if self.place:
            self.show_for(*self.place)

    def show_for(self, unit_id: str, unit_number: str, lo_number: str,
                 ac_number: str | None = None) -> None:
        self.place = (unit_id, unit_number, lo_number)
        record = self.record
        if record is None:
            return
        rules, evidence = self.bridge.store.read(
            lambda s: (unit_requirements(s, unit_id), said_evidence(s, record.id)))
        judged = most_pressing_first(judge(at_outcome(rules, lo_number), record.method, evidence))
        what = f"{evidence} ({method_name(record.method).lower()})" if evidence \
            else method_name(record.method).lower()
        where = f"AC {ac_number}" if ac_number else f"LO {lo_number}"
        self.heading.setText(f"Requirements at unit {unit_number} {where}, for this "
                             f"{what}: {len(judged) or 'none printed'}")
        self.text.setText("<br>".join(_line(j) for j in judged) or
                          "<i>The source prints no assessment rules for this unit.</i>")
        self._plain = [_plain(j) for j in judged]
        self.text.setAccessibleDescription("\n".join(self._plain))

    def lines(self) -> list[str]:
        """What is shown, as plain text (for tests and screen readers)."""
        return list(getattr(self, "_plain", []))


def _plain(judged) -> str:
    r = judged.requirement
    scope = f"LO {r.lo_number}" if r.lo_number else "whole unit"
    return f"{judged.symbol} {r.what} ({scope}): {judged.words}. {r.quoted}"


def _line(judged) -> str:
    r = judged.requirement
    colour = COLOURS.get(judged.verdict, "#5b6574")
    scope = f"LO {r.lo_number}" if r.lo_number else "whole unit"
    return (f"<span style='color:{colour}'><b>{judged.symbol} {escape(r.what)}</b> "
            f"({scope}): {escape(judged.words)}</span><br>"
            f"&nbsp;&nbsp;&nbsp;<span style='color:#3c4350'>{escape(r.quoted)}</span>")
