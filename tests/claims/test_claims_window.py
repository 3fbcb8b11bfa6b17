"""The "Sign-off and claims" tab driven as an assessor would with the demo caseload: sign off
a unit, both sign, make a claim, write the statements, sign it, save it as PDF, print it."""
from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt

from app.claims.claim import claims_of
from app.claims.sample_portfolio import complete_unit
from app.claims.sign_off import sign_offs_of, unit_readiness
from app.models import Learner, Qualification
from ui.bridge import Bridge
from ui.claims.claims_panel import ClaimsPanel
from tests.claims.window_helpers import sign_all
from tests.evidence.evidence_helpers import empty_enrolments


def _learner(session):
    """A C&G 2794 learner whose portfolio the demo leaves empty."""
    for e in empty_enrolments(session):
        if session.get(Qualification, e.qualification_id).ab_number == "2794-02":
            return e.id, e.learner_id, session.get(Learner, e.learner_id).full_name


def _in_view(scroll, widget) -> bool:
    top = widget.mapTo(scroll.viewport(), QPoint(0, 0)).y()
    return 0 <= top and top + widget.height() <= scroll.viewport().height()


def test_sign_off_claim_save_and_print_from_the_learner_page(qtbot, demo_store, tmp_path):
    enrolment_id, learner_id, name = demo_store.read(_learner)
    unit = next(r for r in demo_store.read(unit_readiness, enrolment_id) if r.unit_number == "202")
    demo_store.write_now(lambda s: complete_unit(s, enrolment_id, unit.unit_id,
                                                 on=date.today() - timedelta(days=1),
                                                 learner_name=name, assessor_name="Alex Morgan"))
    bridge = Bridge(demo_store)
    panel = ClaimsPanel(bridge)
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    panel.load(learner_id)
    qtbot.waitUntil(lambda: panel.units.count() >= 6, timeout=5000)
    texts = [panel.units.item(i).text() for i in range(panel.units.count())]
    assert any(t.startswith("✓ Unit 202") and "ready to sign off" in t for t in texts)
    assert any(t.startswith("○ Unit 201") and "not ready" in t for t in texts)
    assert not panel.claim_button.isEnabled()

    # Unit 201 is not ready: the panel says what is missing and offers no sign-off.
    panel.units.setCurrentRow(next(i for i, t in enumerate(texts) if "Unit 201" in t))
    assert "AC 1.1 is not started" in panel.detail.text()
    assert not panel.sign_off_button.isEnabled()

    panel.units.setCurrentRow(next(i for i, t in enumerate(texts) if "Unit 202" in t))
    assert panel.sign_off_button.isEnabled()
    qtbot.mouseClick(panel.sign_off_button, Qt.LeftButton)
    dialog = panel.sign_off_dialog
    dialog.summative.setText("")
    qtbot.mouseClick(dialog.ok, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.date_problem.isVisible(), timeout=5000)
    assert "summative assessment" in dialog.date_problem.text()
    # The evidence was signed today: a decision dated yesterday would come before it.
    qtbot.keyClicks(dialog.summative, (date.today() - timedelta(days=1)).strftime("%d/%m/%Y"))
    qtbot.mouseClick(dialog.ok, Qt.LeftButton)
    qtbot.waitUntil(lambda: "before the last signature" in dialog.date_problem.text(),
                    timeout=5000)
    assert demo_store.read(sign_offs_of, enrolment_id) == []
    dialog.summative.setText("")
    qtbot.keyClicks(dialog.summative, date.today().strftime("%d/%m/%Y"))
    qtbot.mouseClick(dialog.ok, Qt.LeftButton)
    qtbot.waitUntil(lambda: getattr(panel, "signing_dialog", None) is not None, timeout=5000)
    [view] = demo_store.read(sign_offs_of, enrolment_id)
    sign_all(qtbot, demo_store, panel.signing_dialog, "unit_sign_off", view.id,
             ["learner", "assessor"])
    panel.signing_dialog.close()
    qtbot.waitUntil(lambda: any(panel.units.item(i).text().startswith("● Unit 202")
                                for i in range(panel.units.count())), timeout=5000)
    assert demo_store.read(sign_offs_of, enrolment_id)[0].signed_off
    assert not panel.sign_off_button.isEnabled()   # unit 202 is signed off already

    # The IQA samples the unit: date and initials, then their signature after the others.
    qtbot.waitUntil(panel.iqa_button.isEnabled, timeout=5000)
    qtbot.mouseClick(panel.iqa_button, Qt.LeftButton)
    assert panel.iqa_dialog.name.text() == "Jo Whitfield"
    assert panel.iqa_dialog.initials.text() == "JW"
    qtbot.mouseClick(panel.iqa_dialog.ok, Qt.LeftButton)
    qtbot.waitUntil(lambda: demo_store.read(sign_offs_of, enrolment_id)[0].iqa_initials == "JW",
                    timeout=5000)
    sign_all(qtbot, demo_store, panel.signing_dialog, "unit_sign_off", view.id, ["iqa"])
    panel.signing_dialog.close()
    qtbot.waitUntil(lambda: not panel.iqa_button.isEnabled(), timeout=5000)
    assert "IQA sample:" in panel.detail.text() and "iqa" in panel.detail.text()

    # Make a claim: the verdict is computed, the statements save as typed.
    qtbot.waitUntil(panel.claim_button.isEnabled, timeout=5000)
    qtbot.mouseClick(panel.claim_button, Qt.LeftButton)
    claim = panel.claim_dialog
    qtbot.waitUntil(lambda: "Number of units in this claim: one" in claim.verdict.text(),
                    timeout=5000)
    assert "Full award: No" in claim.verdict.text()
    qtbot.mouseClick(claim.start_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: claim.learner_statement.isEnabled(), timeout=5000)
    # The 10-word rule is shown as the words are typed, and checked before the laptop goes
    # to the learner: nobody in hand-over meets it.
    assert claim.learner_count.text().startswith("0 words: at least 10 needed")
    qtbot.keyClicks(claim.learner_statement, "Two years on the tills")
    assert claim.learner_count.text() == "5 words: at least 10 needed"   # said once
    # On a short screen the problems are below the fold: the dialog scrolls to the first
    # and puts the cursor in its statement, or "Sign the claim…" looks as if it did nothing.
    claim.resize(900, 420)
    claim.body_scroll.verticalScrollBar().setValue(0)
    claim.sign_button.setFocus()
    qtbot.mouseClick(claim.sign_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: claim.learner_problem.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: _in_view(claim.body_scroll, claim.learner_problem), timeout=5000)
    assert claim.focusWidget() is claim.learner_statement
    assert "at least 10 words; 5 so far" in claim.learner_problem.text()
    assert "at least 10 words; 0 so far" in claim.assessor_problem.text()
    assert claim.findChild(type(panel.signing_dialog)) is None     # nothing handed over
    claim.learner_statement.clear()
    learner_words = "I have worked on the returns desk for two years and learnt to explain the law calmly."
    assessor_words = f"{name} explained the regulations clearly in every observation and discussion."
    qtbot.keyClicks(claim.learner_statement, learner_words)
    qtbot.keyClicks(claim.assessor_statement, assessor_words)
    qtbot.waitUntil(lambda: demo_store.read(claims_of, enrolment_id)
                    and demo_store.read(claims_of, enrolment_id)[0].assessor_statement == assessor_words,
                    timeout=5000)
    claim_id = claim.claim_id
    qtbot.mouseClick(claim.sign_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: claim.findChild(type(panel.signing_dialog)) is not None, timeout=5000)
    sign_all(qtbot, demo_store, claim.findChild(type(panel.signing_dialog)), "claim", claim_id,
             ["learner", "assessor"])
    qtbot.waitUntil(lambda: claim.learner_statement.isReadOnly(), timeout=5000)
    claim.findChild(type(panel.signing_dialog)).close()
    claim.accept()
    qtbot.waitUntil(lambda: panel.claims.count() == 1 and "✔ signed" in panel.claims.item(0).text(),
                    timeout=5000)

    # Save as PDF (off the window's thread) and check what an IQA would read.
    panel.claims.setCurrentRow(0)
    target = tmp_path / "claim.pdf"
    panel.save_pdf(str(target))
    qtbot.waitUntil(lambda: panel.status.text().startswith("✔ Saved"), timeout=15000)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(target).pages)
    for expected in (name, "Unit 202", learner_words, assessor_words,
                     "I confirm the evidence I have submitted to claim competence is authentic.",
                     "I confirm the evidence I have assessed is authentic.",
                     "Number of units in this claim (in words) one", "Full award No"):
        assert expected in text, expected
    # The save dialog lets anyone pick the database itself: it is refused, and kept.
    database = demo_store.db_path.read_bytes()
    panel.save_pdf(str(demo_store.db_path.with_suffix(".pdf")))
    qtbot.waitUntil(lambda: "inside Fieldfolio's data folder" in panel.status.text(), timeout=15000)
    assert demo_store.db_path.read_bytes() == database
    assert not demo_store.db_path.with_suffix(".pdf").exists()


def test_printing_draws_every_page_of_the_pdf(qtbot, tmp_path):
    from PySide6.QtPrintSupport import QPrinter
    from app.documents.claim_pack import build_claim_pack
    from app.documents.sample import sample_claim_pack
    from ui.claims.printing import render_to_printer
    source = tmp_path / "pack.pdf"
    pdf = build_claim_pack(sample_claim_pack(units=1, records=2))
    source.write_bytes(pdf)
    printer = QPrinter(QPrinter.ScreenResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pages = render_to_printer(str(source), printer)
    expected = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages == expected
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == expected


def test_print_with_no_printer_never_claims_it_printed(qtbot, demo_store):
    """No printer here: the file goes to the PDF viewer if one opens; either way the window
    says where the file is and the audit trail says it was exported there, not printed."""
    from PySide6.QtPrintSupport import QPrinterInfo
    from sqlalchemy import select

    from app.models import AuditEvent
    from tests.claims.window_helpers import claims_window
    if QPrinterInfo.availablePrinters():
        import pytest
        pytest.skip("this machine has a printer")
    learner_id = demo_store.read(lambda s: next(
        l.id for l in s.query(Learner) if l.full_name == "Amelia Hughes"))
    win = claims_window(qtbot, demo_store, learner_id)
    panel = win.page.claims
    panel.what.setCurrentIndex(panel.what.findData("records"))
    qtbot.mouseClick(panel.print_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: ".pdf" in panel.status.text(), timeout=20000)
    said = panel.status.text()
    path = said.split(" is saved at ")[1].split(": open it")[0] if " is saved at " in said \
        else said.split("(")[-1].rstrip(").")
    assert path.endswith(".pdf") and __import__("pathlib").Path(path).exists()

    def events(session):
        return [(e.action, e.summary) for e in session.scalars(select(AuditEvent).where(
            AuditEvent.learner_id == learner_id, AuditEvent.action.in_(("printed", "exported"))))]
    qtbot.waitUntil(lambda: bool(demo_store.read(events)), timeout=5000)
    assert [a for a, _ in demo_store.read(events)] == ["exported"]
    assert path in demo_store.read(events)[0][1]
    win.close()
