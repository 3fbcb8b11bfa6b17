"""The requirements at the AC, as the assessor meets them in the criteria picker: clicking an
AC shows its LO's rules in the source's words with the line, judged for this record."""
from __future__ import annotations

import pytest

from evidence_helpers import enrol_on_units
from tests.evidence.window_helpers import evidence_window, new_record


def window_on(qtbot, store, pack_id, unit_numbers):
    """The window on a new learner enrolled on just these units of the pack."""
    from app.models import Enrolment
    enrolment_id, _ = store.write_now(enrol_on_units, pack_id, unit_numbers)
    return evidence_window(qtbot, store, store.read(
        lambda s: s.get(Enrolment, enrolment_id).learner_id))


@pytest.fixture
def edi_window(qtbot, demo_store):
    win = window_on(qtbot, demo_store, "edi-l2-nvq-customer-service", ["CU791", "CU818"])
    yield win
    win.close()


def click_ac(qtbot, picker, unit, ac):
    item = next(it for it in picker.ac_items()
                if it.parent().parent().text(0).startswith(f"Unit {unit}:")
                and it.text(0).startswith(f"{ac}  "))
    picker.tree.scrollToItem(item)
    picker.tree.setFocus()
    picker.tree.setCurrentItem(item)      # as a click or the arrow keys make it current
    return item


def test_clicking_an_ac_shows_its_requirements_judged_for_this_record(qtbot, edi_window):
    panel = edi_window.page.evidence
    new_record(qtbot, panel, "RWE")
    picker = panel.editor.picker
    panel.editor.tabs.setCurrentWidget(picker)
    item = click_ac(qtbot, picker, "CU791", "1.1")
    # the line under the AC names each rule with its source line, the most pressing first
    under = item.text(0).split("\n")[2]
    assert under.startswith("    Rules (source line): ✓ Realistic working environment / work "
                            "placement allowed (2801, 1223)")
    assert "Simulation" not in under and "◇ Evidence from different occasions (2812)" in under
    shown = picker.requirements.lines()
    assert "unit CU791 AC 1.1" in picker.requirements.heading.text(), shown
    assert any(line.startswith("✓ Realistic working environment / work placement allowed")
               and "source line 2801" in line for line in shown)
    assert any("source line 1223" in line for line in shown)            # Appendix D
    assert any(line.startswith("· Simulation / assignment barred (LO 1)") for line in shown)
    assert any(line.startswith("◇") and "Evidence from different occasions" in line
               and "source line 2812" in line for line in shown)
    # CU818 bars RWE (line 5119), which Appendix D allows: shown as the conflict it is
    unit_item = next(picker.tree.topLevelItem(i) for i in range(picker.tree.topLevelItemCount())
                     if picker.tree.topLevelItem(i).text(0).startswith("Unit CU818:"))
    assert unit_item.isDisabled() and "(source line 5119)" in unit_item.toolTip(0)
    assert "Evidence collected in a realistic working environment or a work placement is not " \
           "permissible" in unit_item.toolTip(0)


def test_a_simulation_sees_the_bar_at_a_performance_lo(qtbot, edi_window):
    panel = edi_window.page.evidence
    new_record(qtbot, panel, "Sim")
    picker = panel.editor.picker
    panel.editor.tabs.setCurrentWidget(picker)
    item = click_ac(qtbot, picker, "CU791", "1.1")
    assert "Rules (source line): ✗ Simulation / assignment barred (2802)" in item.text(0)
    shown = picker.requirements.lines()
    assert any(line.startswith("✗ Simulation / assignment barred") and
               "this record is barred here" in line and "source line 2802" in line
               for line in shown)


@pytest.fixture
def cg_window(qtbot, demo_store):
    win = window_on(qtbot, demo_store, "cg-2794-02", ["201", "206"])
    yield win, demo_store
    win.close()


def test_a_self_assessment_is_refused_in_the_window_with_line_315_but_met_at_201_lo_4(
        qtbot, cg_window):
    """C&G 2794: the assessor says the reflective account is a self-assessment (a SWOT
    analysis); unit 206 refuses it with the handbook's sentence, unit 201 LO 4 takes it and
    shows the source's conflict. An 'Other' record (a presentation) maps in unit 206."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QComboBox
    from app.evidence.mapping import mappings_of
    win, store = cg_window
    panel = win.page.evidence
    new_record(qtbot, panel, "RA")
    editor = panel.editor
    kind = editor.findChild(QComboBox, "detail_account_kind")
    kind.setCurrentIndex(kind.findData("self-assessment"))
    editor.flush()
    picker = editor.picker
    editor.tabs.setCurrentWidget(picker)
    item = click_ac(qtbot, picker, "206", "1.1")
    item.setCheckState(2, Qt.Checked)
    qtbot.waitUntil(lambda: bool(picker.problem.text()))
    assert "A self-assessment (reflective account) cannot be used as evidence for unit 206" \
        in picker.problem.text()
    assert "“Evidence must not include: any methods of self-assessment” (source line 315)" \
        in picker.problem.text()
    assert store.read(mappings_of, editor.record.id) == []
    item = click_ac(qtbot, picker, "201", "4.1")
    assert any(line.startswith("⚠ Self-assessment required (LO 4)") and "see line 315" in line
               for line in picker.requirements.lines())
    item.setCheckState(2, Qt.Checked)
    qtbot.waitUntil(lambda: len(store.read(mappings_of, editor.record.id)) == 1)

    new_record(qtbot, panel, "Ot")
    picker = panel.editor.picker
    panel.editor.tabs.setCurrentWidget(picker)
    click_ac(qtbot, picker, "206", "1.1").setCheckState(2, Qt.Checked)
    qtbot.waitUntil(lambda: len(store.read(mappings_of, panel.editor.record.id)) == 1)
    assert not picker.problem.text()
