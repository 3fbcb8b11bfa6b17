"""Looking is not changing: on an IQA's laptop, signing a sample shows the changes it made
in the status bar at once, and clicking the claims and units afterwards adds none. The
claim waiting for the IQA's sample is chosen when the tab opens, and the signing screen
shows the sample being signed.

A tester saw "2 changes waiting" become 4 on clicking the claim row after signing: the
signing's own changes (the signature and its audit event) were shown only when the bar's
five-second timer next looked, so the click seemed to write. These tests stop that timer."""
from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.claims.claim import autosave_claim, start_claim
from app.claims.sample_portfolio import sign_fully
from app.claims.sign_off import sign_off_unit
from app.models.claims import UnitSignOff
from app.models.local import OutboxEntry
from app.sync import state
from tests.claims.test_withdraw_and_sample_window import (
    ASSESSOR, DAY, STATEMENT, _learner_with_unit_202,
)
from tests.claims.window_helpers import claims_window, select_claim, select_unit, sign_all


def _outbox(session):
    return session.execute(select(OutboxEntry.table_name, OutboxEntry.record_id,
                                  OutboxEntry.version, OutboxEntry.queued_at)).all()


def test_the_iqa_signs_a_sample_then_clicking_claims_and_units_writes_nothing(qtbot, demo_store):
    enrolment_id, learner_id, name, unit_id = _learner_with_unit_202(demo_store)
    sign_off_id = demo_store.write_now(lambda s: sign_off_unit(
        s, enrolment_id, unit_id, summative_date=DAY, assessor_name=ASSESSOR))
    demo_store.write_now(lambda s: sign_fully(s, "unit_sign_off", sign_off_id, name, ASSESSOR))
    claim_id = demo_store.write_now(lambda s: start_claim(s, enrolment_id, [sign_off_id]))
    demo_store.write_now(lambda s: autosave_claim(s, claim_id, {
        "learner_statement": STATEMENT, "assessor_statement": STATEMENT}))
    demo_store.write_now(lambda s: sign_fully(s, "claim", claim_id, name, ASSESSOR))
    win = claims_window(qtbot, demo_store, learner_id)
    # What the assessor did has reached the centre: nothing waits on this IQA's laptop.
    demo_store.write_now(lambda s: s.query(OutboxEntry).delete())
    win._status_timer.stop()       # only what the window does itself may update the bar
    demo_store.write_now(state.put, "role", "iqa")
    demo_store.write_now(state.put, "token", "t")
    demo_store.write_now(state.put, "centre_name", "Riverside Training")
    win.follow_role()
    panel = win.page.claims
    qtbot.waitUntil(lambda: panel.read_only and panel.units.count() > 0, timeout=5000)
    win.refresh_status()
    qtbot.waitUntil(lambda: "everything is at the centre" in win.sync_area.headline.text(),
                    timeout=5000)
    # The claim waiting for the IQA is chosen already: its sample is one press away.
    qtbot.waitUntil(panel.claim_iqa_button.isEnabled, timeout=5000)
    assert "CLAIM-001" in panel.claims.currentItem().text()
    assert not panel.claim_button.isEnabled() and not panel.withdraw_claim_button.isEnabled()

    select_unit(qtbot, panel, "202")
    qtbot.waitUntil(panel.iqa_button.isEnabled, timeout=5000)
    qtbot.mouseClick(panel.iqa_button, Qt.LeftButton)
    qtbot.mouseClick(panel.iqa_dialog.ok, Qt.LeftButton)
    qtbot.waitUntil(lambda: getattr(panel, "signing_dialog", None) is not None, timeout=5000)
    # The IQA signs seeing what they sign beside: their sample date and initials.
    signing = panel.signing_dialog
    qtbot.waitUntil(lambda: signing.sheet is not None, timeout=5000)
    row = demo_store.read(lambda s: s.get(UnitSignOff, sign_off_id))
    assert row.iqa_sampled_on and row.iqa_initials
    assert (f"IQA sample Sampled on {row.iqa_sampled_on:%d/%m/%Y} by {row.iqa_name} (initials "
            f"{row.iqa_initials})." in " ".join(signing.record_view.toPlainText().split()))
    assert signing.heading.text().startswith(
        "Sign the sign-off of unit 202 “Recognition of regulations")
    assert signing.heading.text().endswith(f" for {name}")
    assert signing.windowTitle() == "Sign the sign-off of unit 202"
    sign_all(qtbot, demo_store, panel.signing_dialog, "unit_sign_off", sign_off_id, ["iqa"])
    panel.signing_dialog.close()
    written = demo_store.read(_outbox)
    assert len(written) >= 3      # the sample, the signature, their audit events
    qtbot.waitUntil(lambda: f"{len(written)} changes waiting" in win.sync_area.headline.text(),
                    timeout=5000)

    # Looking around afterwards: claims, units, tabs. Nothing is written.
    qtbot.waitUntil(lambda: panel.claims.count() == 1, timeout=5000)
    select_claim(qtbot, panel, "CLAIM-001")
    for number in ("201", "202", "203"):
        select_unit(qtbot, panel, number)
    select_claim(qtbot, panel, "CLAIM-001")
    for tab in range(win.page.tabs.count()):
        win.page.tabs.setCurrentIndex(tab)
    win.page.tabs.setCurrentWidget(panel)
    win.refresh_status()
    qtbot.wait(200)
    qtbot.waitUntil(lambda: win.sync_area.status is not None, timeout=5000)
    assert demo_store.read(_outbox) == written
    assert f"{len(written)} changes waiting" in win.sync_area.headline.text()
    win.close()
