"""Amelia on Sam's two laptops with files, for the tests of an erasure reaching the other
laptop (and the centre): her unsigned draft holds two photos, one of which a signed record
of hers holds too. Both laptops hold both files, as they would once the assessor opened
them on the second laptop (fetched from the centre)."""
from __future__ import annotations

import hashlib
from datetime import date

from app.claims.sample_portfolio import sign_fully
from app.evidence.attachments import attach_file
from app.evidence.records import create_record
from app.sync.engine import run_sync
from app.transfer.fetch import fetch_from_centre
from tests.foundation.test_merge_enrolments import ASSESSOR, amelia
from tests.server.sync_helpers import sam_on_two_laptops


def photo(folder, name: str, what: bytes) -> tuple:
    path = folder / name
    path.write_bytes(b"\xff\xd8\xff\xe0" + what * 2000 + b"\xff\xd9")
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def amelia_with_files(centre, laptops, tmp_path) -> dict:
    """Returns Amelia's ids (amelia()'s, with "draft", "signed_photo") and the two laptops,
    "only_draft" and "shared" (the SHA-256s of the photo only the draft holds and of the one
    the signed record holds too), and "sam"."""
    one, two, sam = sam_on_two_laptops(centre, laptops)
    made = one.write_now(amelia, "amelia@example.org", 1, 2, "Till drawer count")
    draft = made["records"][-1]
    only_draft, only_sha = photo(tmp_path, "draft.jpg", b"drawer count, Amelia at the till ")
    shared, shared_sha = photo(tmp_path, "shared.jpg", b"the shop floor on Tuesday ")
    attach_file(one, draft, only_draft)
    attach_file(one, draft, shared)
    signed_photo = one.write_now(create_record, made["enrolment"], "P", title="Shop floor",
                                 on=date.today())
    attach_file(one, signed_photo, shared)
    one.write_now(sign_fully, "evidence_record", signed_photo, "Amelia Hughes", ASSESSOR)
    assert run_sync(one).rejected == 0
    assert run_sync(two).rejected == 0
    for sha in (only_sha, shared_sha):
        fetch_from_centre(two, sha)
        assert two.attachments.exists(sha)
    return {**made, "draft": draft, "signed_photo": signed_photo, "one": one, "two": two,
            "sam": sam, "only_draft": only_sha, "shared": shared_sha}
