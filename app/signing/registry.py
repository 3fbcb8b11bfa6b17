"""What can be signed: each kind of record registers how to serialise, describe and amend it.

Evidence records register in app/signing/evidence_signable.py. Other features (unit
sign-offs, claims, IQA samples) register the same way from a module listed in
SIGNABLE_MODULES, so `fieldfolio verify` can recompute their hashes too.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy.orm import Session

# Modules that call register_signable when imported. Missing optional ones are skipped.
SIGNABLE_MODULES = ["app.signing.evidence_signable"]
OPTIONAL_SIGNABLE_MODULES: list[str] = ["app.claims.signable"]


@dataclass(frozen=True)
class RecordSummary:
    """How a record is named to a person: in verify reports, the signing dialog, audit."""
    record_type: str
    record_id: str
    kind: str                 # "Observation", "Witness testimony", "Claim"
    learner_id: str | None
    learner_name: str
    portfolio_ref: str
    title: str
    exists: bool = True

    def label(self) -> str:
        ref = f" {self.portfolio_ref}" if self.portfolio_ref else ""
        title = f" “{self.title}”" if self.title else ""
        who = f" for {self.learner_name}" if self.learner_name else ""
        return f"{self.kind}{ref}{title}{who}"


@dataclass(frozen=True)
class Signable:
    record_type: str
    # The content a signature covers, as a plain dict (see canonical.py). None if gone.
    serialise: Callable[[Session, str], dict | None]
    describe: Callable[[Session, str], RecordSummary]
    # Stages of roles: every role in a stage signs before any role of the next stage.
    required_signers: Callable[[Session, str], list[list[str]]] = lambda s, r: [["learner", "assessor"]]
    # Readable sections (heading, text) shown to the signer: the record in full.
    present: Callable[[Session, str], list[tuple[str, str]]] | None = None
    # Copy a signed record into a new unsigned draft pointing at it; returns the new id.
    copy_for_amendment: Callable[[Session, str], str] | None = None
    # Version counter of the record (its Synced.version), stored with each signature.
    version: Callable[[Session, str], int] = lambda s, r: 1
    # Called just before the first signature is stored: lock the record (e.g. state
    # 'signed'). The database triggers refuse any change after that signature exists.
    mark_signed: Callable[[Session, str], None] | None = None
    # Whether the record is gone (tombstoned): a deleted record cannot be signed.
    is_deleted: Callable[[Session, str], bool] = lambda s, r: False
    # Optional "kind" key for the centre policy's required signers (e.g. "evidence:Wt").
    policy_key: Callable[[Session, str], str] | None = None
    # The coverage rule `serialise` implements (app/signing/coverage.py), and the
    # serialisers of earlier rules, kept so signatures made under them still verify.
    rule: int = 1
    earlier_rules: dict[int, Callable[[Session, str], dict | None]] = field(default_factory=dict)
    # The files a signature covers by their SHA-256: (name as the signer saw it, sha256,
    # size). Verify reads each one's bytes where the files are (the laptop's store).
    signed_files: Callable[[Session, str], list[tuple[str, str, int]]] | None = None
    # Whether this signer may sign in this role: (session, record id, role, printed name)
    # -> the reason not, or None (e.g. a witness signs under the witness's name on the record).
    check_signer: Callable[[Session, str, str, str], str | None] | None = None
    extra: dict = field(default_factory=dict)


_REGISTRY: dict[str, Signable] = {}
_loaded = False


def register_signable(record_type: str, serialise: Callable[[Session, str], dict | None],
                      **kwargs) -> Signable:
    """Make `record_type` signable. `serialise(session, record_id) -> dict` gives the content
    a signature covers; see Signable for the optional callables."""
    signable = Signable(record_type, serialise, **kwargs)
    _REGISTRY[record_type] = signable
    return signable


def load_all() -> None:
    global _loaded
    if _loaded:
        return
    for name in SIGNABLE_MODULES + OPTIONAL_SIGNABLE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if name in OPTIONAL_SIGNABLE_MODULES and exc.name == name:
                continue
            raise
    _loaded = True


def signable(record_type: str) -> Signable | None:
    load_all()
    return _REGISTRY.get(record_type)


def all_signables() -> dict[str, Signable]:
    load_all()
    return dict(_REGISTRY)
