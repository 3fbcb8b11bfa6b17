"""Withdrawing and sampling from the real main window's "Sign-off and claims" tab, as an
assessor and an IQA would: the buttons, the dialogs' messages, what the database holds
afterwards, and what the saved PDF says."""
from __future__ import annotations

from datetime import date, timedelta

from pypdf import PdfReader
from PySide6.QtCore import Qt

from app.claims.claim import autosave_claim, claims_of, start_claim
from app.claims.sample_portfolio import complete_unit, sign_fully
from app.claims.sign_off import sign_off_unit, sign_offs_of, unit_readiness
from app.claims.withdrawal import withdrawn_claims
from app.models import Learner, Qualification
from app.models.claims import Claim
from app.signing.audit import events_for_record
from app.signing.sign import signing_status
from tests.claims.window_helpers import claims_window, select_claim, select_unit, sign_all
from tests.evidence.evidence_helpers import empty_enrolments

# The summative date: today, as the evidence these tests sign is signed today and a
# decision is not dated before the signatures it rests on (issue 12).
DAY = date.today()
ASSESSOR = "Alex Morgan"
STATEMENT = "I have worked on the returns desk for two years and learnt to explain the law calmly."


def _learner_with_unit_202(store):
    """A C&G 2794 learner the demo leaves empty, with unit 202 complete and ready."""
    def find(session):
        for e in empty_enrolments(session):
            if session.get(Qualification, e.qualification_id).ab_number == "2794-02":
                return e.id, e.learner_id, session.get(Learner, e.learner_id).full_name
    enrolment_id, learner_id, name = store.read(find)
    unit_id = next(r.unit_id for r in store.read(unit_readiness, enrolment_id)
                   if r.unit_number == "202")
    store.write_now(lambda s: complete_unit(s, enrolment_id, unit_id, on=DAY, learner_name=name,
                                            assessor_name=ASSESSOR))
    return enrolment_id, learner_id, name, unit_id


def _unit_text(panel, number):
    return next(panel.units.item(i).text() for i in range(panel.units.count())
                if f"Unit {number}:" in panel.units.item(i).text())


def _pdf_text(path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages)


def test_withdraw_a_sign_off_from_the_tab_and_be_refused_once_it_is_signed(qtbot, demo_store):
    enrolment_id, learner_id, name, unit_id = _learner_with_unit_202(demo_store)
    sign_off_id = demo_store.write_now(lambda s: sign_off_unit(
        s, enrolment_id, unit_id, summative_date=DAY, assessor_name=ASSESSOR))
    win = claims_window(qtbot, demo_store, learner_id)
    panel = win.page.claims
    select_unit(qtbot, panel, "202")
    assert _unit_text(panel, "202").startswith("◐ Unit 202")
    assert panel.withdraw_sign_off_button.isEnabled()
    qtbot.mouseClick(panel.withdraw_sign_off_button, Qt.LeftButton)
    dialog = panel.withdraw_dialog
    assert dialog.reason.isVisible() and not dialog.refusal.isVisible()

    # No reason: refused with a message, nothing withdrawn.
    qtbot.mouseClick(dialog.ok, Qt.LeftButton)
    qtbot.waitUntil(dialog.problem.isVisible, timeout=5000)
    assert dialog.problem.text() == ("⚠ Say why the sign-off is withdrawn: the reason stays in "
                                     "the audit trail.")
    assert dialog.isVisible() and demo_store.read(sign_offs_of, enrolment_id)

    qtbot.keyClicks(dialog.reason, "Summative date typed as last month.")
    qtbot.mouseClick(dialog.ok, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: _unit_text(panel, "202").startswith("✓ Unit 202"), timeout=5000)
    assert "ready to sign off" in _unit_text(panel, "202")
    assert panel.sign_off_button.isEnabled() and not panel.withdraw_sign_off_button.isEnabled()
    assert demo_store.read(sign_offs_of, enrolment_id) == []
    [event] = [e for e in demo_store.read(events_for_record, sign_off_id) if e.action == "withdrawn"]
    assert event.summary.endswith("withdrawn. Reason: Summative date typed as last month.")
    assert event.actor_name == "Alex"      # whoever uses this laptop

    # Signed off afresh and signed: the tab still offers the action, and the dialog says no.
    again = demo_store.write_now(lambda s: sign_off_unit(
        s, enrolment_id, unit_id, summative_date=DAY, assessor_name=ASSESSOR))
    demo_store.write_now(lambda s: sign_fully(s, "unit_sign_off", again, name, ASSESSOR))
    panel.refresh()
    qtbot.waitUntil(lambda: _unit_text(panel, "202").startswith("● Unit 202"), timeout=5000)
    select_unit(qtbot, panel, "202")
    qtbot.mouseClick(panel.withdraw_sign_off_button, Qt.LeftButton)
    dialog = panel.withdraw_dialog
    assert dialog.refusal.isVisible() and not dialog.reason.isVisible()
    assert not dialog.ok.isVisible() and dialog.cancel.text() == "Close"
    assert f"is signed by {name} (learner)" in dialog.refusal.text()
    assert "so it cannot be withdrawn" in dialog.refusal.text()
    qtbot.mouseClick(dialog.cancel, Qt.LeftButton)
    assert demo_store.read(sign_offs_of, enrolment_id)[0].signed_off
    win.close()


def test_withdraw_a_draft_claim_then_sample_and_sign_the_next_and_print_both(qtbot, demo_store,
                                                                            tmp_path):
    enrolment_id, learner_id, name, unit_id = _learner_with_unit_202(demo_store)
    sign_off_id = demo_store.write_now(lambda s: sign_off_unit(
        s, enrolment_id, unit_id, summative_date=DAY, assessor_name=ASSESSOR))
    demo_store.write_now(lambda s: sign_fully(s, "unit_sign_off", sign_off_id, name, ASSESSOR))
    first = demo_store.write_now(lambda s: start_claim(s, enrolment_id, [sign_off_id]))
    win = claims_window(qtbot, demo_store, learner_id)
    panel = win.page.claims
    qtbot.waitUntil(lambda: panel.claims.count() == 1, timeout=5000)
    assert not panel.withdraw_claim_button.isEnabled()       # nothing chosen yet
    select_claim(qtbot, panel, "CLAIM-001")
    assert "✎ draft" in panel.claims.item(0).text()
    assert not panel.claim_iqa_button.isEnabled()            # not signed: nothing to sample
    qtbot.mouseClick(panel.withdraw_claim_button, Qt.LeftButton)
    dialog = panel.withdraw_dialog
    qtbot.keyClicks(dialog.reason, "Started with the wrong units.")
    qtbot.mouseClick(dialog.ok, Qt.LeftButton)
    qtbot.waitUntil(lambda: panel.claims.count() == 1
                    and panel.claims.item(0).text().startswith("✗ CLAIM-001"), timeout=5000)
    assert f"withdrawn {date.today():%d/%m/%Y}: Started with the wrong units." in \
        panel.claims.item(0).text()
    assert demo_store.read(claims_of, enrolment_id) == []
    assert [w.id for w in demo_store.read(withdrawn_claims, enrolment_id)] == [first]
    # Chosen, a withdrawn claim can be neither sampled nor withdrawn again, but it prints so.
    select_claim(qtbot, panel, "CLAIM-001")
    assert not panel.withdraw_claim_button.isEnabled() and not panel.claim_iqa_button.isEnabled()
    withdrawn_pdf = tmp_path / "withdrawn.pdf"
    panel.save_pdf(str(withdrawn_pdf))
    qtbot.waitUntil(lambda: panel.status.text().startswith("✔ Saved"), timeout=15000)
    text = _pdf_text(withdrawn_pdf)
    assert "Claim to competence: WITHDRAWN" in text
    assert "Reason: Started with the wrong units." in text

    # The next claim, signed by learner and assessor, is sampled and signed by the IQA.
    second = demo_store.write_now(lambda s: start_claim(s, enrolment_id, [sign_off_id]))
    demo_store.write_now(lambda s: autosave_claim(s, second, {
        "learner_statement": STATEMENT, "assessor_statement": STATEMENT}))
    demo_store.write_now(lambda s: sign_fully(s, "claim", second, name, ASSESSOR))
    panel.refresh()
    qtbot.waitUntil(lambda: panel.claims.count() == 2, timeout=5000)
    select_claim(qtbot, panel, "CLAIM-002")
    assert "✔ signed" in panel.claims.currentItem().text()
    qtbot.waitUntil(panel.claim_iqa_button.isEnabled, timeout=5000)
    qtbot.mouseClick(panel.claim_iqa_button, Qt.LeftButton)
    sample = panel.iqa_dialog
    assert (sample.name.text(), sample.initials.text()) == ("Jo Whitfield", "JW")
    sample.sampled_on.clear()
    qtbot.keyClicks(sample.sampled_on, (date.today() + timedelta(days=1)).strftime("%d/%m/%Y"))
    sample.initials.clear()
    qtbot.keyClicks(sample.initials, "JW2")
    qtbot.mouseClick(sample.ok, Qt.LeftButton)
    qtbot.waitUntil(lambda: sample.problems["iqa_initials"].isVisible(), timeout=5000)
    assert sample.problems["iqa_sampled_on"].text() == "⚠ The sample date cannot be in the future."
    assert "1 to 5 letters" in sample.problems["iqa_initials"].text()
    assert demo_store.read(lambda s: s.get(Claim, second).iqa_sampled_on) is None
    sampled = date.today() - timedelta(days=1)
    sample.sampled_on.clear()
    qtbot.keyClicks(sample.sampled_on, sampled.strftime("%d/%m/%Y"))
    sample.initials.clear()
    qtbot.keyClicks(sample.initials, "J.W.")
    qtbot.mouseClick(sample.ok, Qt.LeftButton)
    qtbot.waitUntil(lambda: getattr(panel, "signing_dialog", None) is not None, timeout=5000)
    row = demo_store.read(lambda s: s.get(Claim, second))
    assert (row.iqa_sampled_on, row.iqa_initials, row.iqa_name) == (sampled, "JW", "Jo Whitfield")
    sign_all(qtbot, demo_store, panel.signing_dialog, "claim", second, ["iqa"])
    panel.signing_dialog.close()
    assert "iqa" in {s.role for s in demo_store.read(signing_status, "claim", second).signatures}
    qtbot.waitUntil(lambda: "IQA signed" in panel.claims.currentItem().text(), timeout=5000)
    assert not panel.claim_iqa_button.isEnabled()

    # The unit's own sample goes in the claim form's IV columns.
    select_unit(qtbot, panel, "202")
    qtbot.mouseClick(panel.iqa_button, Qt.LeftButton)
    unit_sample = panel.iqa_dialog
    unit_sample.sampled_on.clear()
    qtbot.keyClicks(unit_sample.sampled_on, sampled.strftime("%d/%m/%Y"))
    qtbot.mouseClick(unit_sample.ok, Qt.LeftButton)
    qtbot.waitUntil(lambda: demo_store.read(sign_offs_of, enrolment_id)[0].iqa_initials == "JW",
                    timeout=5000)
    panel.signing_dialog.close()
    select_claim(qtbot, panel, "CLAIM-002")
    pdf = tmp_path / "sampled.pdf"
    panel.save_pdf(str(pdf))
    qtbot.waitUntil(lambda: panel.status.text().startswith("✔ Saved")
                    and "sampled.pdf" in panel.status.text(), timeout=15000)
    text = _pdf_text(pdf)
    assert "WITHDRAWN" not in text
    assert "202 Recognition" in text and f"{sampled:%d/%m/%Y} JW" in text
    assert f"Sampled by the Internal Verifier on {sampled:%d/%m/%Y}: Jo Whitfield (JW)" in text
    win.close()


def test_make_a_claim_says_why_not_when_every_signed_off_unit_is_claimed(qtbot, demo_store):
    enrolment_id, learner_id, name, unit_id = _learner_with_unit_202(demo_store)
    win = claims_window(qtbot, demo_store, learner_id)
    panel = win.page.claims
    assert not panel.claim_button.isEnabled()
    assert panel.claim_button.toolTip().startswith("Sign off a unit first")
    sign_off_id = demo_store.write_now(lambda s: sign_off_unit(
        s, enrolment_id, unit_id, summative_date=DAY, assessor_name=ASSESSOR))
    demo_store.write_now(lambda s: sign_fully(s, "unit_sign_off", sign_off_id, name, ASSESSOR))
    panel.refresh()
    qtbot.waitUntil(panel.claim_button.isEnabled, timeout=5000)
    # The IQA samples on this laptop only when they are there to sign: the button says so.
    select_unit(qtbot, panel, "202")
    assert panel.iqa_button.isEnabled()
    assert panel.iqa_button.toolTip().startswith("For the IQA, when they are with you")

    demo_store.write_now(lambda s: start_claim(s, enrolment_id, [sign_off_id]))
    panel.refresh()
    qtbot.waitUntil(lambda: panel.claims.count() == 1, timeout=5000)
    assert not panel.claim_button.isEnabled()
    assert panel.claim_button.toolTip() == ("Nothing left to claim: every signed-off unit is in "
                                            "CLAIM-001 already. Double-click a claim to open it")
    assert panel.claims.currentItem() is None       # the assessor's laptop chooses none
    panel.make_claim()                              # as Ctrl+Shift+M does
    assert panel.status.text().startswith("Nothing left to claim")
    assert getattr(panel, "claim_dialog", None) is None
    win.close()
