"""Connecting this laptop to a centre (File → Connect to centre…, `fieldfolio enrol`).

The laptop sends the one-time code, its device id and the public half of its signing key;
the centre answers with an opaque token and who this laptop belongs to. Nothing typed
before is discarded: every record already here stays queued and goes up at the first sync.
"""
from __future__ import annotations

import platform

from sqlalchemy.orm import Session

from app.caseload.profile import current_profile
from app.db.store import Store
from app.models import Centre, StaffMember
from app.signing.audit import record_event
from app.signing.device_key import device_signer, raw_public
from app.signing.trust import pin_centre_key
from app.sync import state
from app.sync.client import CentreClient


def _public_key(session: Session) -> str:
    return raw_public(device_signer(session).private_key.public_key()).hex()


def enrol(store: Store, url: str, code: str, client: CentreClient | None = None) -> dict:
    """Enrol with the centre at `url`. Returns the centre's answer (staff, centre)."""
    public_key = store.write_now(_public_key)
    own = client is None
    client = client or CentreClient(url)
    try:
        answer = client.enrol(code.strip(), store.device_id, platform.node(), public_key)
    finally:
        if own:
            client.close()

    def remember(session: Session) -> None:
        if answer["centre"].get("public_key"):
            # Pinned once: signatures under keys the centre vouches for count from now on
            # (app/signing/trust.py); a different centre key is refused.
            pin_centre_key(session, answer["centre"]["public_key"])
        state.put(session, "url", url.rstrip("/"))
        state.put(session, "token", answer["token"])
        state.put(session, "centre_name", answer["centre"]["name"])
        state.put(session, "staff_id", answer["staff"]["id"])
        state.put(session, "staff_name", answer["staff"]["name"])
        state.put(session, "role", answer["staff"]["role"])
        state.put(session, "watch", None)  # the first sync with this centre does everything
        if not state.get(session, "next_seq"):
            state.put(session, "next_seq", int(answer.get("last_seq") or 0) + 1)
        take_the_centres_name(session, answer["staff"]["name"], answer["centre"]["name"])
        take_the_centres_own_name(session, answer["centre"]["name"])
    store.write_now(remember)
    return answer


def take_the_centres_name(session: Session, name: str, centre_name: str) -> bool:
    """The enrol code names the member of staff this laptop belongs to: from now on the
    laptop shows, signs and audits under the name the centre knows, not the one typed at
    set-up ('Jo W' becomes 'Jo Whitfield'). The typed name stays in the audit trail; what
    was signed under it is not touched (a signature keeps the name it was made with).
    True if the name changed."""
    me = current_profile(session)
    name = (name or "").strip()
    if me is None or not name or name == me.name:
        return False
    staff = session.get(StaffMember, me.staff_id)
    typed, staff.name = staff.name, name
    session.flush()
    record_event(session, "changed", "staff_member", staff.id, actor_name=name,
                 summary=f"Name on this laptop changed from {typed} (typed at set-up) to "
                         f"{name}, as {centre_name} knows this member of staff (enrolled "
                         f"with the centre)")
    return True


# What a centre whose admin has not named it answers (server/routes/enrol.py centre_name):
# words for the status bar, not a name to print on the laptop's paperwork.
UNNAMED = "the centre"


def take_the_centres_own_name(session: Session, centre_name: str) -> bool:
    """The centre's own name, as the centre gives it at enrolment, for the centre this
    laptop was set up with: the claim pack's header said "Riverside" (typed at set-up) under
    a status bar saying "Connected to Riverside Training". The typed name stays in the audit
    trail; signed records do not carry it. True if the name changed."""
    me = current_profile(session)
    centre_name = (centre_name or "").strip()
    if (me is None or not me.centre_id or centre_name in ("", UNNAMED)
            or centre_name == me.centre_name):
        return False
    centre = session.get(Centre, me.centre_id)
    typed, centre.name = centre.name, centre_name
    session.flush()
    record_event(session, "changed", "centre", centre.id,
                 summary=f"Centre name on this laptop changed from {typed} (typed at set-up) "
                         f"to {centre_name}, the centre's own name (enrolled with the centre)")
    return True
