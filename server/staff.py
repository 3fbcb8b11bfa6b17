"""What a centre's admin does on the server's machine: staff, assignments, enrol codes,
devices. Plain functions over a session, shared by `fieldfolio server-admin` and tests.

Staff are app StaffMember rows (the centre scope), so every laptop learns their names; an
admin also has role 'admin', which enrols no laptop with data of its own.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput, required_name
from app.models import Learner, StaffMember
from app.sync.protocol import CENTRE_SCOPE
from server.clock import bump_watchers, mark_changed
from server.models import EnrolCode, LearnerAssignment, SyncDevice

SERVER_ROLES = ("assessor", "trainee_assessor", "iqa", "admin")
CODE_LIFETIME = timedelta(days=3)
# Letters and digits an assessor cannot misread when typing a code from a letter or an email.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def code_hash(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_staff(session: Session, name: str, role: str) -> str:
    problem = required_name(name, "Name", 200)
    if problem or role not in SERVER_ROLES:
        raise InvalidInput({k: v for k, v in (
            ("name", problem),
            ("role", None if role in SERVER_ROLES else f"Role must be one of {', '.join(SERVER_ROLES)}."),
        ) if v})
    staff = StaffMember(name=name.strip(), role=role, version=1, device_id="centre")
    session.add(staff)
    session.flush()
    mark_changed(session, [("staff_member", staff.id, CENTRE_SCOPE, staff.version)])
    return staff.id


def staff_member(session: Session, staff_id: str) -> StaffMember:
    staff = session.get(StaffMember, staff_id)
    if staff is None or staff.deleted_at is not None:
        raise InvalidInput({"staff": f"No member of staff has the id {staff_id}."})
    return staff


def assign(session: Session, uln: str, assessor_id: str | None, iqa_id: str | None) -> str:
    """Give a learner (by ULN) an assessor and/or an IQA. Returns the learner's id."""
    learner = session.scalars(select(Learner).where(Learner.uln == uln,
                                                    Learner.deleted_at.is_(None))).first()
    if learner is None:
        raise InvalidInput({"uln": f"The centre has no learner with ULN {uln} yet: sync the "
                                   f"laptop that holds them first."})
    for staff_id, role in ((assessor_id, ("assessor", "trainee_assessor")), (iqa_id, ("iqa",))):
        if staff_id and staff_member(session, staff_id).role not in role:
            raise InvalidInput({"staff": f"{staff_id} is not an {' or '.join(role)}."})
    row = session.get(LearnerAssignment, learner.id, with_for_update=True)
    if row is None:
        row = LearnerAssignment(learner_id=learner.id)
        session.add(row)
    before = {row.assessor_id, row.iqa_id}
    if assessor_id:
        row.assessor_id = assessor_id
    if iqa_id:
        row.iqa_id = iqa_id
    session.flush()
    # Last: the laptops of whoever gained or lost the learner pull at their next sync.
    bump_watchers(session, (before | {row.assessor_id, row.iqa_id}) - {None})
    return learner.id


def new_enrol_code(session: Session, staff_id: str, now: datetime | None = None) -> str:
    staff = staff_member(session, staff_id)
    if staff.role == "admin":
        raise InvalidInput({"staff": "An admin account does not enrol a laptop."})
    now = now or datetime.now(timezone.utc)
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    code = "-".join(raw[i:i + 4] for i in range(0, 12, 4))
    session.add(EnrolCode(code_hash=code_hash(code), staff_id=staff_id, created_at=now,
                          expires_at=now + CODE_LIFETIME))
    session.flush()
    return code


def staff_list(session: Session) -> list[dict]:
    """The staff the centre added (`add-staff`), with how many laptops each has enrolled: the
    ids `assign` and `enrol-code` need, for an admin who did not keep them. Laptops' own
    profile rows, which sync too, are not the centre's accounts and are left out."""
    laptops: dict[str, int] = {}
    for device in session.scalars(select(SyncDevice)):
        if device.revoked_at is None:
            laptops[device.staff_id] = laptops.get(device.staff_id, 0) + 1
    return [{"id": s.id, "name": s.name, "role": s.role, "laptops": laptops.get(s.id, 0)}
            for s in session.scalars(select(StaffMember).where(
                StaffMember.device_id == "centre", StaffMember.deleted_at.is_(None))
                .order_by(StaffMember.role, StaffMember.name))]


def laptop_name(staff_name: str | None, host: str | None) -> str:
    """A laptop as centre IT knows it: whose it is, then the host name it gave at enrolment
    ("Sam Patel's laptop (vm)"). A centre's laptops are often all called the same; the
    host name alone said nothing."""
    host = (host or "").strip()
    if not staff_name:
        return host or "a laptop with no name"
    return f"{staff_name}'s laptop ({host})" if host else f"{staff_name}'s laptop"


def device_laptop_name(session: Session, device: SyncDevice) -> str:
    staff = session.get(StaffMember, device.staff_id)
    return laptop_name(staff.name if staff else None, device.name)


def devices(session: Session) -> list[dict]:
    names = {s.id: (s.name, s.role) for s in session.scalars(select(StaffMember))}
    return [{"id": d.id, "name": d.name, "staff_id": d.staff_id,
             "laptop": laptop_name(names.get(d.staff_id, (None,))[0], d.name),
             "staff_name": names.get(d.staff_id, ("?", "?"))[0],
             "role": names.get(d.staff_id, ("?", "?"))[1],
             "enrolled_at": d.enrolled_at.isoformat(),
             "last_sync_at": d.last_sync_at.isoformat() if d.last_sync_at else None,
             "revoked_at": d.revoked_at.isoformat() if d.revoked_at else None,
             "last_seq": d.last_seq}
            for d in session.scalars(select(SyncDevice).order_by(SyncDevice.enrolled_at))]


def revoke(session: Session, device_id: str) -> None:
    """Only marks the device: from now on the centre refuses it data (410 device_revoked)
    and takes what it still sends (server/revocation.py)."""
    device = session.get(SyncDevice, device_id)
    if device is None:
        raise InvalidInput({"device": f"No enrolled device has the id {device_id}."})
    if device.revoked_at is None:
        device.revoked_at = datetime.now(timezone.utc)
        from server.audit import REVOKED, note
        note(session, REVOKED, device.id)
