"""A witness signs under the witness's name on the record: a testimony 'from Sian Morgan'
refuses a signature typed as 'Somebody Else', in the operation and in the signing window,
unless the record states why before they sign; the reason is kept and printed."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from app.caseload.profile import set_up
from app.caseload.validation import InvalidInput
from app.claims.paperwork import enrolment_pack_data
from app.claims.print import pdf_for
from app.evidence.records import autosave_record, create_record
from app.signing.sign import sign_record, signing_status
from tests.documents.pdfcheck import pages_text
from tests.signing.signing_helpers import drawn, first_enrolment
from ui.main_window import MainWindow
from ui.signing import open_signing

EV = "evidence_record"


def _testimony(session) -> tuple[str, str]:
    enrolment = first_enrolment(session)
    record_id = create_record(session, enrolment.id, "Wt", title="Complaint handled")
    autosave_record(session, record_id, {"details": {
        "witness_name": "Sian Morgan", "job_title": "Supervisor",
        "what_they_saw": "Calmed an upset customer and arranged the refund."}})
    return enrolment.id, record_id


def test_a_witness_signs_under_the_name_on_the_record(demo_store):
    enrolment_id, record_id = demo_store.write_now(_testimony)
    with pytest.raises(InvalidInput) as refused:
        demo_store.write_now(sign_record, EV, record_id, **drawn("Somebody Else", "witness"))
    assert "from Sian Morgan, so the witness signs as Sian Morgan" in \
        refused.value.problems["signer_name"]
    assert demo_store.read(signing_status, EV, record_id).signatures == []
    # The same name, however it is spaced or capitalised, signs.
    demo_store.write_now(sign_record, EV, record_id, **drawn("  sian   MORGAN ", "witness"))


def test_another_name_signs_with_the_reason_kept_and_printed(demo_store):
    enrolment_id, record_id = demo_store.write_now(_testimony)
    reason = "Signs with her married name, Sian Pryce, since October"
    demo_store.write_now(autosave_record, record_id, {"details": {
        "witness_name": "Sian Morgan", "what_they_saw": "Calmed an upset customer.",
        "signs_as_reason": reason}})
    demo_store.write_now(sign_record, EV, record_id, **drawn("Sian Pryce", "witness"))
    text = " ".join(" ".join(pages_text(pdf_for(demo_store.read(
        enrolment_pack_data, enrolment_id, "records"), "records"))).split())
    assert f"Signs under another name because {reason}" in text
    assert "Sian Pryce" in text


def test_the_signing_window_says_why_another_name_is_refused(qtbot, demo_store):
    demo_store.write_now(set_up, "Alex Morgan", "assessor", "Riverside", "RT1")
    _, record_id = demo_store.write_now(_testimony)
    win = MainWindow(demo_store)
    qtbot.addWidget(win)
    win.show()
    dialog = open_signing(win, win.bridge, EV, record_id)
    qtbot.waitUntil(lambda: dialog.sheet is not None and dialog.role.count() > 0, timeout=5000)
    dialog.role.setCurrentIndex(dialog.role.findData("witness"))
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Somebody Else")
    qtbot.mousePress(dialog.pad, Qt.LeftButton, pos=QPoint(40, 100))
    for point in ((90, 60), (160, 130), (220, 70)):
        qtbot.mouseMove(dialog.pad, QPoint(*point))
    qtbot.mouseRelease(dialog.pad, Qt.LeftButton, pos=QPoint(220, 70))
    qtbot.mouseClick(dialog.sign_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "signs as Sian Morgan" in dialog.problem.text(), timeout=5000)
    assert demo_store.read(signing_status, EV, record_id).signatures == []
    dialog.close()
    win.close()
