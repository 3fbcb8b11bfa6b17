"""A learner's name stays as their signatures cover it.

From coverage rule 2 (app/signing/coverage.py) a signature on a learner's evidence, unit
sign-off or claim covers the learner's name as the signer saw it on the page. Changing the
name afterwards makes `verify` report every one of those records as changed outside
Fieldfolio (false, and alarming at an audit), and the centre's signatures stop matching
what it holds. So while a learner has signed work (the same test that refuses deleting
them, app/caseload/deletion.py) a change to their full name is refused:

- on the laptop, as a problem beside the name field on their Details form
  (app/caseload/learners.py `check_learner`): what was typed stays as a draft and every
  other field saves as usual, as a mistyped ULN does;
- at the centre, for a pushed learner row (server/push.py), in the same words: an older or
  altered laptop cannot break the centre's signatures either.

Any change to the full name as signed is refused, a space or a capital letter too: the
signatures cover the exact text. Moving a word between given names and family name leaves
the full name, and so the signatures, as they were, and is allowed.

This is the smallest safe rule, not the whole answer. A learner whose name really changes
(marriage, deed poll) needs a "record a change of name" feature that keeps their former
names, so that verify checks each signature under the name it was made with; that is for a
later round. Until then the assessor is told to take it to the centre and the awarding body.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.caseload.deletion import signature_count
from app.models import Learner
from app.models.caseload import full_name_of

NAME_FIELDS = ("given_names", "family_name")


def refusal_to_rename(session: Session, learner_id: str, signed_name: str,
                      new_name: str) -> str | None:
    """Why the learner known as `signed_name` cannot become `new_name`, or None."""
    if new_name == signed_name:
        return None
    signatures = signature_count(session, learner_id)
    if not signatures:
        return None
    return (f"{signed_name} has signed work under this name ({signatures} "
            f"signature{'s' if signatures != 1 else ''}), and the signatures cover it: the "
            f"name cannot change here while that work is on file. If their name has changed, "
            f"tell the centre: a change of name goes through the centre and the awarding "
            f"body, and Fieldfolio cannot yet record one.")


def renaming_problems(session: Session, learner_id: str | None,
                      typed: dict[str, str]) -> dict[str, str]:
    """The form's problems, by name field, when `typed` (clean given names and family name)
    would change a learner's signed name: shown beside each field that changed."""
    learner = session.get(Learner, learner_id) if learner_id else None
    if learner is None:
        return {}
    new = {key: typed.get(key, getattr(learner, key)) for key in NAME_FIELDS}
    words = refusal_to_rename(session, learner.id, learner.full_name,
                              full_name_of(new["given_names"], new["family_name"]))
    if words is None:
        return {}
    return {key: words for key in NAME_FIELDS if new[key] != getattr(learner, key)}


def refusal_of_pushed_name(session: Session, existing: dict | None, row: dict) -> str | None:
    """The centre's check of a pushed learner row against the one it holds."""
    if existing is None:
        return None
    return refusal_to_rename(session, row["id"],
                             full_name_of(existing["given_names"], existing["family_name"]),
                             full_name_of(row["given_names"], row["family_name"]))
