"""What the laptop and the centre agree on: the protocol version, headers and the refusals
a laptop must tell apart. Imported by both sides (server/ imports app/, never the reverse).

Refusals are HTTP errors whose JSON body is {"error": CODE, "message": TEXT}; the message is
meant for the user, the code for the program:

| status | error                | meaning                                                  |
|--------|----------------------|----------------------------------------------------------|
| 400    | bad_request          | the request itself is malformed                          |
| 401    | not_enrolled         | no token, or a token the centre does not know            |
| 403    | forbidden            | this staff member may not see or change that learner      |
| 404    | no_such_enrol_code   | the enrol code is wrong, used or expired                 |
| 409    | sequence_gap         | a push skipped a sequence number (the laptop resends)    |
| 410    | device_revoked       | the centre revoked this laptop: it gets no more data (it  |
|        |                      | may still push and upload, then ask POST /wipe: see       |
|        |                      | server/revocation.py)                                     |
| 422    | pack_refused         | a qualification pack sent up cannot join the centre's     |
|        |                      | catalogue (invalid, or its id and version name another)   |
| 426    | update_fieldfolio    | this laptop's protocol is older than the centre accepts   |
"""
from __future__ import annotations

# Bump PROTOCOL_VERSION (and OLDEST_ACCEPTED, unless the centre still reads the old form)
# whenever what a laptop and the centre send each other changes: a column added to or
# dropped from a synced table, a value that now means something else, a new rule for
# which rows may go together. Otherwise an older laptop's rows are refused one by one as
# malformed (or, worse, taken with a column missing) instead of it being told to update.
# The same number is in every sync file's manifest (app/sync_file/archive.py).
#   1: issue 13 as first shipped.
#   2: learner.merged_into_id (laptop revision 0011, centre s0004), pack documents
#      (0012/s0005), enrolment.joined_into_id (0013/s0006), a signed reference may repeat
#      (0014/s0007).
PROTOCOL_VERSION = 2
OLDEST_ACCEPTED = 2

# Columns a later protocol added to tables that already synced, by table. A change frozen
# for sending by an older Fieldfolio (pushed, or exported to a stick, but not yet answered
# when the laptop was updated) lacks them, and the centre would refuse it as malformed; the
# columns did not exist then, so the change is sent with them empty (app/sync/outgoing.py).
# Add to this when a bump adds a column to a synced table.
ADDED_SINCE_FROZEN = {"learner": ("merged_into_id",), "enrolment": ("joined_into_id",)}
PROTOCOL_HEADER = "X-Fieldfolio-Protocol"
API = "/api/v1"

NOT_ENROLLED = "not_enrolled"
FORBIDDEN = "forbidden"
NO_SUCH_CODE = "no_such_enrol_code"
SEQUENCE_GAP = "sequence_gap"
DEVICE_REVOKED = "device_revoked"
UPDATE_FIELDFOLIO = "update_fieldfolio"
BAD_REQUEST = "bad_request"
PACK_REFUSED = "pack_refused"

STATUS_OF = {BAD_REQUEST: 400, NOT_ENROLLED: 401, FORBIDDEN: 403, NO_SUCH_CODE: 404,
             SEQUENCE_GAP: 409, DEVICE_REVOKED: 410, PACK_REFUSED: 422,
             UPDATE_FIELDFOLIO: 426}

# A pushed change's outcome, as the centre stores it and returns it on every replay.
APPLIED, REJECTED, CONFLICT = "applied", "rejected", "conflict"

CENTRE_SCOPE = "centre"
# The device_id of a version the centre wrote itself (staff, its key; an erased learner's
# row it erased again: server/erased.py).
CENTRE_WRITER = "centre"

# What the user is told when one side is too old for the other, over the network and by
# sync file alike: which side must be updated, and that nothing was lost.
LAPTOP_TOO_OLD = ("This version of Fieldfolio is too old for the centre's server: please "
                  "update Fieldfolio, then sync again. Nothing on this laptop has been lost.")
CENTRE_TOO_OLD = ("The centre's server is older than this Fieldfolio: ask the centre to "
                  "update its server. Nothing on this laptop has been lost.")


def too_old(version: int) -> str | None:
    """At the centre: why a laptop speaking `version` is refused, or None if it is not."""
    if version < OLDEST_ACCEPTED:
        return LAPTOP_TOO_OLD
    if version > PROTOCOL_VERSION:
        return CENTRE_TOO_OLD
    return None
