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

PROTOCOL_VERSION = 1
OLDEST_ACCEPTED = 1
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
