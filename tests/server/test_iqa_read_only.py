"""An IQA's laptop adds only IQA records (issue 13), refused on the laptop before anything
is saved rather than by the centre at sync: with a real centre, an assessor's laptop sends
a signed claim, the IQA's laptop receives it; there the assessor's work is read only
(learner, enrolment, evidence, mapping, sign-off, claim, signing as assessor), whatever
asks (the command line's functions, and the window: its controls disabled or absent),
while sampling and signing as IQA reach the centre with nothing refused."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from app.caseload.demo import load_demo_caseload
from app.cli import run as cli
from app.caseload.enrolments import update_enrolment
from app.caseload.learners import save_learner
from app.caseload.profile import set_up
from app.claims.claim import start_claim
from app.claims.iqa_sample import record_claim_iqa_sample
from app.claims.sample_portfolio import build_claim_ready_learner, criteria_of
from app.claims.sign_off import sign_offs_of
from app.evidence.mapping import map_criteria, mappings_of, unmap_criteria
from app.evidence.records import autosave_record, create_record, mark_ready_judged
from app.models import Claim, Enrolment, Learner
from app.signing.sign import sign_record
from app.sync.engine import run_sync
from app.sync.iqa_laptop import ReadOnlyForIqa, read_only_line
from server import staff
from tests.signing.signing_helpers import PNG, STROKES
from tests.claims.window_helpers import select_claim, sign_all
from tests.server.sync_helpers import enrolled
from ui.main_window import MainWindow


def _draft_ready_to_sign(session, enrolment_id: str) -> str:
    """A record mapped to one AC, judged and ready for signatures, not yet signed."""
    record_id = create_record(session, enrolment_id, "Obs", title="Handling a complaint")
    autosave_record(session, record_id, {"details": {"description": "Calm and clear."}})
    unit_id = session.get(Enrolment, enrolment_id).unit_choices[0].unit_id
    map_criteria(session, record_id, {criteria_of(session, unit_id)[0]: "met"})
    mark_ready_judged(session, record_id)
    return record_id


def assessor_and_iqa(centre, laptops):
    """The assessor's laptop with a learner's signed claim and a record ready for signatures
    at the centre, and the IQA's laptop holding them. Returns (assessor, iqa, ids)."""
    assessor, iqa = laptops("assessor"), laptops("iqa")
    assessor.write_now(load_demo_caseload)
    ids = assessor.write_now(lambda s: build_claim_ready_learner(s, units=1, records=1))
    ids["draft_id"] = assessor.write_now(_draft_ready_to_sign, ids["enrolment_id"])
    enrolled(assessor, centre, "Alex Morgan")
    assert run_sync(assessor).rejected == 0
    iqa.write_now(set_up, "Jo W", "iqa", "Riverside Training", "RT-04412")   # as typed
    jo = enrolled(iqa, centre, "Jo Whitfield", "iqa")
    centre.admin(staff.assign, ids["uln"], None, jo)
    run_sync(iqa)
    return assessor, iqa, ids


def test_the_assessors_work_is_refused_on_the_iqas_laptop_and_sampling_is_not(centre, laptops,
                                                                             capsys):
    assessor, iqa, ids = assessor_and_iqa(centre, laptops)
    learner_id, claim_id = ids["learner_id"], ids["claim_id"]
    name = iqa.read(lambda s: s.get(Learner, learner_id).full_name)
    draft_id = ids["draft_id"]
    words = (f"Read only: {name} is Alex Morgan's learner; you can sample and sign as IQA. "
             f"Their assessor makes this change on their own laptop.")
    attempts = {
        "learner details": lambda s: save_learner(s, learner_id, {
            "given_names": "Changed", "family_name": "By the IQA"}),
        "enrolment": lambda s: update_enrolment(s, ids["enrolment_id"],
                                                registration_number="XYZ123"),
        "new evidence record": lambda s: create_record(s, ids["enrolment_id"], "Obs",
                                                       title="By the IQA"),
        "evidence record": lambda s: autosave_record(s, draft_id, {"title": "Renamed"}),
        "mapping": lambda s: unmap_criteria(
            s, draft_id, [m.criterion_id for m in mappings_of(s, draft_id)]),
        "signing as the learner": lambda s: sign_record(
            s, "evidence_record", draft_id, signer_name=name, role="learner",
            method="drawn", strokes=STROKES, image_png=PNG),
        "claim": lambda s: start_claim(s, ids["enrolment_id"], [
            v.id for v in sign_offs_of(s, ids["enrolment_id"])]),
    }
    for what, attempt in attempts.items():
        with pytest.raises(ReadOnlyForIqa) as refused:
            iqa.write_now(attempt)
        assert refused.value.problems == {"read_only": words}, what
    with pytest.raises(ReadOnlyForIqa) as refused:
        iqa.write_now(save_learner, None, {"given_names": "New", "family_name": "Learner"})
    assert "a learner is added by their assessor" in str(refused.value)
    assert iqa.read(lambda s: s.get(Learner, learner_id).full_name) == name   # nothing saved
    assert iqa.read(read_only_line, learner_id) == (
        "Read only: this is Alex Morgan's learner; you can sample and sign as IQA.")
    assert assessor.read(read_only_line, learner_id) == ""    # the assessor's own laptop

    sampled = date.today() - timedelta(days=1)
    iqa.write_now(lambda s: record_claim_iqa_sample(s, claim_id, sampled_on=sampled,
                                                    initials="JW", name="Jo Whitfield"))
    iqa.write_now(lambda s: sign_record(s, "claim", claim_id, signer_name="Jo Whitfield",
                                        role="iqa", method="drawn", strokes=STROKES,
                                        image_png=PNG))
    outcome = run_sync(iqa)
    assert (outcome.rejected, outcome.conflicts) == (0, 0) and outcome.pushed > 0
    run_sync(assessor)
    assert assessor.read(lambda s: s.get(Claim, claim_id).iqa_initials) == "JW"

    # The command line runs the same code: the same sentence, exit 1, nothing erased.
    iqa.close()
    capsys.readouterr()
    assert cli(["--data-dir", str(iqa.data_dir), "learner-erase", ids["uln"], "--yes"]) == 1
    assert capsys.readouterr().err.strip() == f"fieldfolio: {words}"


def test_the_iqas_window_offers_sampling_and_not_the_assessors_work(qtbot, centre, laptops):
    assessor, iqa, ids = assessor_and_iqa(centre, laptops)
    learner_id, claim_id, draft_id = ids["learner_id"], ids["claim_id"], ids["draft_id"]
    win = MainWindow(iqa)
    qtbot.addWidget(win)
    win.show()
    assert not win.new_action.isEnabled() and not win.delete_action.isEnabled()
    assert not win.erase_action.isEnabled() and not win.demo_action.isEnabled()
    win.open_learner(learner_id)
    page = win.page
    assert page.read_only_line.isVisible()
    assert page.read_only_line.text() == ("Read only: this is Alex Morgan's learner; you can "
                                          "sample and sign as IQA.")

    # Details: shown, not typed into.
    given = page.form.editors["given_names"]
    before = given.text()
    assert given.isReadOnly() and not page.form.editors["employer_id"].isEnabled()
    given.setFocus()
    qtbot.keyClicks(given, "x")
    assert given.text() == before and not page.form.new_employer.isEnabled()

    # Enrolments and units: no enrolling, no ticking.
    page.tabs.setCurrentWidget(page.enrolments_tab)
    assert not page.enrolments.enrol_button.isEnabled()
    tree = page.enrolments.choosers[0].tree
    unit = tree.topLevelItem(0).child(0)
    assert not unit.flags() & Qt.ItemIsUserCheckable

    # Evidence: records open read only; nothing new, nothing deleted, nothing signed.
    page.tabs.setCurrentWidget(page.evidence)
    evidence = page.evidence
    assert not evidence.new_button.isEnabled() and not evidence.delete_button.isEnabled()
    assert page.new_record() is None                        # Ctrl+E
    evidence.select_record(draft_id)
    editor = evidence.editor
    qtbot.waitUntil(lambda: editor.record is not None and editor.record.id == draft_id,
                    timeout=5000)
    assert not editor.common["title"].isEnabled() and not editor.flags["valid"].isEnabled()
    assert not editor.signing_bar.ready_button.isVisible()
    assert not editor.signing_bar.sign_button.isEnabled()
    assert not editor.files.attach_button.isEnabled()
    assert not editor.files.bookmark_button.isEnabled()
    editor.tabs.setCurrentWidget(editor.picker)
    ac = editor.picker.tree.topLevelItem(0)
    assert not ac.flags() & Qt.ItemIsUserCheckable

    # Sign-off and claims: only the IQA's sample is offered, and signing it as IQA.
    page.tabs.setCurrentWidget(page.claims)
    panel = page.claims
    qtbot.waitUntil(lambda: panel.claims.count() > 0, timeout=5000)
    select_claim(qtbot, panel, "CLAIM-001")
    qtbot.waitUntil(panel.claim_iqa_button.isEnabled, timeout=5000)
    for button in (panel.sign_off_button, panel.sign_button, panel.withdraw_sign_off_button,
                   panel.claim_button, panel.withdraw_claim_button):
        assert not button.isEnabled(), button.objectName()
    qtbot.mouseClick(panel.claim_iqa_button, Qt.LeftButton)
    sample = panel.iqa_dialog     # in the name the centre knows her by, not as typed
    assert (sample.name.text(), sample.initials.text()) == ("Jo Whitfield", "JW")
    qtbot.mouseClick(sample.ok, Qt.LeftButton)
    qtbot.waitUntil(lambda: getattr(panel, "signing_dialog", None) is not None, timeout=5000)
    signing = panel.signing_dialog
    qtbot.waitUntil(lambda: signing.sheet is not None, timeout=5000)
    assert [signing.role.itemData(i) for i in range(signing.role.count())] == ["iqa"]
    assert signing.name.text() == "Jo Whitfield"
    sign_all(qtbot, iqa, signing, "claim", claim_id, ["iqa"])
    signing.close()
    assert iqa.read(lambda s: s.get(Claim, claim_id).iqa_initials) == "JW"
    outcome = run_sync(iqa)
    assert (outcome.rejected, outcome.conflicts) == (0, 0)
    win.close()
