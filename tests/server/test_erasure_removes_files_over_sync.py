"""An erasure pulled from the centre takes the erased records' files off the laptop that
pulls it, as the erasure does on the laptop that made it: a photo only Amelia's unsigned
draft held goes, a photo a signed record of hers holds too stays (files are stored once by
content, so that one copy is the signed record's). A real centre process, on SQLite and
PostgreSQL."""
from __future__ import annotations

from app.caseload.erasure import erase_learner, remove_files
from app.signing.integrity import verify_integrity
from app.sync.engine import run_sync
from tests.server.erasure_setup import amelia_with_files


def test_a_pulled_erasure_removes_this_laptops_copies_of_the_erased_records_files(
        centre, laptops, tmp_path):
    made = amelia_with_files(centre, laptops, tmp_path)
    one, two = made["one"], made["two"]

    erased = remove_files(one, one.write_now(erase_learner, made["learner"]))
    assert erased.files_to_remove == [made["only_draft"]]     # what the erasure did there
    assert run_sync(one).rejected == 0
    assert run_sync(two).rejected == 0

    assert not two.attachments.exists(made["only_draft"])
    assert two.attachments.exists(made["shared"])
    assert two.read(verify_integrity).ok      # the signed record's file is whole
    assert run_sync(two).rejected == 0        # and pulling again changes nothing
    assert two.attachments.exists(made["shared"])
