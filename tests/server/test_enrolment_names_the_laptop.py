"""The enrol code names the member of staff a laptop belongs to: after `fieldfolio enrol`
(File → Connect to centre…) the laptop shows, signs and audits under the name the centre
knows, not the one typed at set-up; the typed name stays in the audit trail, and what was
signed under it keeps it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.caseload.demo import load_demo_caseload
from app.caseload.profile import current_profile, set_up
from app.claims.sample_portfolio import complete_unit
from app.models import Enrolment, Learner, Signature, StaffMember
from app.models.signing import AuditEvent
from app.signing.integrity import verify_integrity
from app.signing.sheet import signing_sheet
from app.sync import state
from app.sync.engine import run_sync
from tests.server.sync_helpers import centre_rows, enrolled
from ui.main_window import MainWindow


def _first_enrolment(session):
    enrolment = session.scalars(select(Enrolment).order_by(Enrolment.created_at)).first()
    learner = session.get(Learner, enrolment.learner_id)
    unit_id = enrolment.unit_choices[0].unit_id
    return enrolment.id, learner.full_name, unit_id


def test_enrolment_gives_the_laptop_the_centres_name_and_keeps_the_typed_one(
        qtbot, centre, laptops):
    laptop = laptops("assessor")
    laptop.write_now(set_up, "Sam P", "assessor", "Riverside Training", "RT-04412")
    laptop.write_now(load_demo_caseload)
    enrolment_id, learner_name, unit_id = laptop.read(_first_enrolment)
    # Signed before enrolment, under the name typed at set-up.
    [record_id] = laptop.write_now(lambda s: complete_unit(
        s, enrolment_id, unit_id, on=date.today(), learner_name=learner_name,
        assessor_name="Sam P"))[:1]

    sam = enrolled(laptop, centre, "Sam Patel")

    me = laptop.read(current_profile)
    assert (me.name, me.role) == ("Sam Patel", "assessor")
    assert laptop.read(signing_sheet, "evidence_record", record_id).assessor_name == "Sam Patel"
    [event] = laptop.read(lambda s: s.scalars(select(AuditEvent).where(
        AuditEvent.record_type == "staff_member")).all())
    centre_name = laptop.read(state.get, "centre_name")
    assert event.summary == (f"Name on this laptop changed from Sam P (typed at set-up) to Sam "
                             f"Patel, as {centre_name} knows this member of staff (enrolled "
                             f"with the centre)")
    assert event.actor_name == "Sam Patel"
    # What was signed under the typed name keeps it, and still verifies.
    signers = laptop.read(lambda s: set(s.scalars(select(Signature.signer_name).where(
        Signature.record_id == record_id))))
    assert "Sam P" in signers and "Sam Patel" not in signers
    report = laptop.read(verify_integrity)
    assert report.ok, report.summary()

    # The centre hears the laptop's name with everything else; its own account is unchanged.
    assert run_sync(laptop).rejected == 0
    at_centre = centre_rows(centre, laptop.device_id, sam, "assessor")
    names = {row["name"] for (table, _), row in at_centre.items() if table == "staff_member"}
    assert {"Sam Patel"} <= names and "Sam P" not in names

    window = MainWindow(laptop)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.who_label.text() == "Sam Patel · Assessor", timeout=10_000)
    window.close()


def test_an_iqas_laptop_says_iqa_and_samples_under_the_centres_name(qtbot, centre, laptops):
    laptop = laptops("iqa")
    laptop.write_now(set_up, "Jo", "assessor", "Riverside Training", "RT-04412")
    enrolled(laptop, centre, "Jo Whitfield", "iqa")
    assert laptop.read(current_profile).name == "Jo Whitfield"
    assert laptop.read(lambda s: [m.name for m in s.scalars(select(StaffMember))]) == [
        "Jo Whitfield"]
    window = MainWindow(laptop)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.who_label.text() == "Jo Whitfield · IQA", timeout=10_000)
    window.close()


def test_enrolment_gives_the_laptop_the_centres_own_name_for_its_paperwork(centre, laptops):
    from app.claims.paperwork import _portfolio
    from server.models import ServerSetting
    laptop = laptops("assessor")
    laptop.write_now(set_up, "Sam P", "assessor", "Riverside", "")
    laptop.write_now(load_demo_caseload)
    enrolment_id, _learner, _unit = laptop.read(_first_enrolment)
    assert laptop.read(_portfolio, enrolment_id).header.centre == "Riverside"
    centre.admin(lambda s: s.add(ServerSetting(key="centre_name", value="Riverside Training")))
    enrolled(laptop, centre, "Sam Patel")
    assert laptop.read(current_profile).centre_name == "Riverside Training"
    assert laptop.read(_portfolio, enrolment_id).header.centre == "Riverside Training"
    [event] = laptop.read(lambda s: s.scalars(select(AuditEvent).where(
        AuditEvent.record_type == "centre", AuditEvent.action == "changed")).all())
    assert event.summary == ("Centre name on this laptop changed from Riverside (typed at "
                             "set-up) to Riverside Training, the centre's own name (enrolled "
                             "with the centre)")


def test_a_laptop_enrolled_before_takes_the_centres_own_name_at_its_next_sync(centre, laptops):
    from app.models import Centre
    from server.models import ServerSetting
    laptop = laptops("assessor")
    laptop.write_now(set_up, "Sam P", "assessor", "Riverside", "")
    centre.admin(lambda s: s.add(ServerSetting(key="centre_name", value="Riverside Training")))
    enrolled(laptop, centre, "Sam Patel")
    # As a laptop enrolled before enrolment took the name: the typed one still here.
    me = laptop.read(current_profile)
    laptop.write_now(lambda s: setattr(s.get(Centre, me.centre_id), "name", "Riverside"))
    assert run_sync(laptop).rejected == 0
    assert laptop.read(current_profile).centre_name == "Riverside Training"
    # Sent with that sync: nothing is left waiting after it.
    assert laptop.read(state.status).waiting == 0
    run_sync(laptop)
    assert laptop.read(state.status).waiting == 0


def test_a_centre_not_named_by_its_admin_leaves_the_name_typed_at_set_up(centre, laptops):
    laptop = laptops("assessor")
    laptop.write_now(set_up, "Sam P", "assessor", "Riverside", "")
    enrolled(laptop, centre, "Sam Patel")
    assert laptop.read(state.get, "centre_name") == "the centre"
    assert laptop.read(current_profile).centre_name == "Riverside"
