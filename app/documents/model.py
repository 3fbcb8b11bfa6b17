"""What goes on paper: plain data the PDF builders lay out, with no database behind it.

Queries in `app/claims/paperwork.py` fill these from the database; tests and benchmarks
build them directly. Every printed record carries its reference and the hash its signatures
cover (`content_hash`), so a page can be checked against the system; None means the record
is not signed yet and the page says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class DocumentHeader:
    """Printed at the top of every page: whose paper this is."""
    centre: str
    learner_name: str
    qualification_title: str
    qualification_number: str = ""
    registration_number: str = ""
    uln: str = ""


@dataclass(frozen=True)
class SignatureBox:
    """A place to sign. With `image_png` it prints the captured signature; without, an empty
    box for a pen. `signed_on` None leaves the date blank to be written by hand."""
    role: str                      # "Learner", "Assessor", "Internal Verifier (if sampled)"
    printed_name: str = ""
    signed_on: date | None = None
    image_png: bytes | None = None
    method: str = ""               # how it was captured ("drawn on screen", "typed"), if signed

    @property
    def signed(self) -> bool:
        return self.signed_on is not None and (self.image_png is not None or bool(self.method))


@dataclass(frozen=True)
class CriterionRef:
    """One AC as printed: its unit and its LO.AC number, with the wording when there is room,
    the assessor's decision for this piece of evidence and their note on it."""
    unit: str
    number: str
    text: str = ""
    status: str = ""               # "met", "working_towards", or "" where not decided here
    note: str = ""


@dataclass(frozen=True)
class AttachmentRef:
    """A file behind a record, as an IQA checks it against the system: the SHA-256 names the
    bytes in the attachment store, so the paper and the file can be matched."""
    name: str
    media_type: str
    size: int                      # bytes
    sha256: str
    caption: str = ""
    duration_ms: int | None = None  # playing time of a clip, where it could be read


@dataclass(frozen=True)
class DetailEntry:
    """One method-specific field of a record (app/evidence/methods.py DETAILS), as printed:
    a short value ("line"), paragraphs ("text"), or rows under column labels ("list")."""
    label: str
    kind: str = "text"
    value: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


# ---- corrections: a signed record never changes; an amendment is a new record with the
# same portfolio reference, so both pages say which is which

@dataclass(frozen=True)
class Correction:
    """Printed on an amendment: the signed record it corrects, who signed that and when,
    why it was corrected and what changed, so an IQA holding two pages with one reference
    knows which one stands and need not compare them line by line."""
    number: int                    # 1 for the first amendment of the original, 2 for the next
    corrects: str                  # the record corrected: "PD-001" or "PD-001 amendment 1"
    signed_on: date | None         # when the corrected record's last signature was made
    signed_by: list[str]           # "Amelia Hughes (learner)", in signing order
    reason: str
    made_by: str
    made_on: date | None
    changes: list[str]             # "Location: “Shop floor” → “Customer service desk”"


@dataclass(frozen=True)
class Supersession:
    """Printed on a signed record a later amendment corrects: it stays on file as signed."""
    by: str                        # "PD-001 amendment 1"
    made_on: date | None
    reason: str
    signed: bool                   # whether anyone has signed the amendment yet
    # Until the amendment carries every signature it needs, this record is the one that
    # counts towards progress and sign-off (app/evidence/in_force.py).
    stands: bool = False


def marked_reference(reference: str, correction: Correction | None,
                     superseded: Supersession | None) -> str:
    """The reference as printed beside a record, on its footer, in the contents and on its
    evidence matrix row, so all four name the same version: "PD-001 (amendment 1)"."""
    marks = ([f"amendment {correction.number}"] if correction else []) + (
        ["superseded"] if superseded else [])
    return f"{reference} ({', '.join(marks)})" if marks else reference


# ---- claim to competence (EDI Appendix E "Learner statement and assessor summative statement")

@dataclass(frozen=True)
class ClaimedUnitRow:
    number: str
    title: str
    summative_date: date | None = None
    learner_initials: str = ""
    assessor_initials: str = ""
    iv_date: date | None = None
    iv_initials: str = ""
    reference: str = ""            # the national unit reference (UAN/URN), e.g. A/506/2130
    credit: int | None = None      # where the source gives one


@dataclass(frozen=True)
class ClaimFormData:
    reference: str
    units: list[ClaimedUnitRow]
    full_award: bool
    learner_statement: str
    assessor_statement: str
    learner_signature: SignatureBox
    assessor_signature: SignatureBox
    iv_signature: SignatureBox
    combination_note: str = ""     # why it is or is not a full award, in the rules' words
    content_hash: str | None = None
    learner_declaration: str = ("I confirm the evidence I have submitted to claim competence "
                                "is authentic.")
    assessor_declaration: str = "I confirm the evidence I have assessed is authentic."
    # "Withdrawn on 24/11/2026 by Alex Morgan. Reason: ..." for a withdrawn claim, else "".
    withdrawn: str = ""
    # The IQA's sample of the whole claim, printed with the IV's signature: "on 23/11/2026:
    # Jo Whitfield (JW)", or "" when the claim is not sampled.
    iv_sampled: str = ""
    # A claim for units from a unit bank (no qualification, no full award), and whose.
    unit_bank: bool = False
    awarding_body: str = ""
    # Every other signature the record holds (a trainee's countersignature...), printed
    # after the boxes above: the page shows every signature in the database.
    more_signatures: list[SignatureBox] = field(default_factory=list)


# ---- evidence matrix, one per unit

@dataclass(frozen=True)
class MatrixOutcome:
    number: str                    # "1"
    title: str
    criteria: list[str]            # AC numbers in order: "1.1", "1.2", ...


@dataclass(frozen=True)
class MatrixRow:
    portfolio_ref: str
    description: str
    method: str                    # a key of METHOD_KEY
    # AC number -> "met" or "working_towards"
    marks: dict[str, str] = field(default_factory=dict)
    # False for a superseded original or a correction not yet fully signed: printed, so the
    # paper shows every version, but not counted in the "criteria met" row.
    counts: bool = True


@dataclass(frozen=True)
class SignOffTerms:
    """What the learner and assessor sign when a unit is signed off, printed as signed:
    the summative date and decision, the evidence the decision rests on (frozen at sign-off)
    and the declaration and confirmation in the words stored on the sign-off."""
    summative_date: date | None
    decision: str                  # "competent"
    evidence: list[str]            # "OBS-001 (Obs)", as listed when the unit was signed off
    assessor_name: str
    assessor_declaration: str
    learner_confirmation: str


@dataclass(frozen=True)
class EvidenceMatrixData:
    reference: str
    unit_number: str
    unit_title: str
    outcomes: list[MatrixOutcome]
    rows: list[MatrixRow]
    learner_signature: SignatureBox
    assessor_signature: SignatureBox
    iv_signature: SignatureBox
    content_hash: str | None = None
    standards_title: str = ""      # the heading above the ACs, e.g. "Customer Service standards"
    # The unit's sign-off, when there is one: printed in place of the form's generic declaration.
    sign_off: SignOffTerms | None = None
    unit_reference: str = ""       # UAN/URN where the source gives one
    unit_credit: int | None = None
    # Every other signature the record holds (a trainee's countersignature...), printed
    # after the boxes above: the page shows every signature in the database.
    more_signatures: list[SignatureBox] = field(default_factory=list)


# ---- records of evidence

@dataclass(frozen=True)
class ObservationRecordData:
    reference: str
    title: str
    observed_on: date | None
    location: str
    activity: str                  # what the learner did, in the assessor's words
    criteria: list[CriterionRef]
    feedback: str
    learner_comments: str
    judgement: list[str]           # of valid/authentic/current/reliable/sufficient that hold
    assessor_signature: SignatureBox
    learner_signature: SignatureBox
    start_time: str = ""
    end_time: str = ""
    content_hash: str | None = None
    workplace: str = ""            # the workplace, where the assessor named it apart from the location
    attachments: list[AttachmentRef] = field(default_factory=list)
    # Fields of the method (DETAILS) this page has no place of its own for, printed as they
    # are, so a field added to a method is on paper before anyone designs a place for it.
    more: list[DetailEntry] = field(default_factory=list)
    # Set on an amendment (what it corrects) and on a record an amendment supersedes.
    correction: Correction | None = None
    superseded: Supersession | None = None
    # Every other signature the record holds (a trainee's countersignature...), printed
    # after the boxes above: the page shows every signature in the database.
    more_signatures: list[SignatureBox] = field(default_factory=list)


@dataclass(frozen=True)
class DiscussionBookmark:
    """A point in the discussion (a time in the recording, or a paragraph) tied to ACs."""
    at: str                        # "00:12:30" or "para 3"
    criteria: list[CriterionRef]
    note: str = ""


@dataclass(frozen=True)
class DiscussionRecordData:
    reference: str
    title: str
    held_on: date | None
    location: str
    topics: str
    summary: str
    bookmarks: list[DiscussionBookmark]
    criteria: list[CriterionRef]
    assessor_signature: SignatureBox
    learner_signature: SignatureBox
    recording: str = ""            # where the recording is held, if there is one
    content_hash: str | None = None
    duration: str = ""             # "45 minutes"
    judgement: list[str] = field(default_factory=list)
    attachments: list[AttachmentRef] = field(default_factory=list)
    # Fields of the method (DETAILS) this page has no place of its own for, printed as they
    # are, so a field added to a method is on paper before anyone designs a place for it.
    more: list[DetailEntry] = field(default_factory=list)
    # Set on an amendment (what it corrects) and on a record an amendment supersedes.
    correction: Correction | None = None
    superseded: Supersession | None = None
    # Every other signature the record holds (a trainee's countersignature...), printed
    # after the boxes above: the page shows every signature in the database.
    more_signatures: list[SignatureBox] = field(default_factory=list)


@dataclass(frozen=True)
class QuestionAnswer:
    question: str
    answer: str
    criteria: list[CriterionRef]
    judgement: str = ""            # "satisfactory", "not yet"


@dataclass(frozen=True)
class QuestioningRecordData:
    reference: str
    title: str
    asked_on: date | None
    mode: str                      # "oral" or "written"
    questions: list[QuestionAnswer]
    assessor_signature: SignatureBox
    learner_signature: SignatureBox
    content_hash: str | None = None
    judgement: list[str] = field(default_factory=list)
    criteria: list[CriterionRef] = field(default_factory=list)   # the record's, all questions
    location: str = ""
    attachments: list[AttachmentRef] = field(default_factory=list)
    # Fields of the method (DETAILS) this page has no place of its own for, printed as they
    # are, so a field added to a method is on paper before anyone designs a place for it.
    more: list[DetailEntry] = field(default_factory=list)
    # Set on an amendment (what it corrects) and on a record an amendment supersedes.
    correction: Correction | None = None
    superseded: Supersession | None = None
    # Every other signature the record holds (a trainee's countersignature...), printed
    # after the boxes above: the page shows every signature in the database.
    more_signatures: list[SignatureBox] = field(default_factory=list)


@dataclass(frozen=True)
class WitnessTestimonyData:
    reference: str
    title: str
    witnessed_on: date | None
    witness_name: str
    witness_role: str
    relationship: str
    contact: str
    testimony: str
    criteria: list[CriterionRef]
    witness_signature: SignatureBox
    assessor_signature: SignatureBox
    expert: bool = False
    occupational_competence: str = ""
    content_hash: str | None = None
    seen_when: str = ""            # when the witness saw it, in their words
    location: str = ""             # where the testimony was taken or the work seen
    signs_as_reason: str = ""      # why the witness signed under another name, if they did
    judgement: list[str] = field(default_factory=list)
    attachments: list[AttachmentRef] = field(default_factory=list)
    # Fields of the method (DETAILS) this page has no place of its own for, printed as they
    # are, so a field added to a method is on paper before anyone designs a place for it.
    more: list[DetailEntry] = field(default_factory=list)
    # Set on an amendment (what it corrects) and on a record an amendment supersedes.
    correction: Correction | None = None
    superseded: Supersession | None = None
    # Every other signature the record holds (a trainee's countersignature...), printed
    # after the boxes above: the page shows every signature in the database.
    more_signatures: list[SignatureBox] = field(default_factory=list)


@dataclass(frozen=True)
class EvidenceRecordData:
    """Evidence by a method without a page of its own design (product evidence, reflective
    account, recognition of prior learning, simulation, other): what every record shares,
    and the method's fields in the order DETAILS gives them."""
    reference: str
    method: str                    # the code: "P", "RA", "A", "Sim", "Ot"
    method_name: str               # "Product evidence"
    title: str
    recorded_on: date | None
    location: str
    details: list[DetailEntry]
    criteria: list[CriterionRef]
    judgement: list[str]
    assessor_signature: SignatureBox
    learner_signature: SignatureBox
    attachments: list[AttachmentRef] = field(default_factory=list)
    content_hash: str | None = None
    # Set on an amendment (what it corrects) and on a record an amendment supersedes.
    correction: Correction | None = None
    superseded: Supersession | None = None
    # Every other signature the record holds (a trainee's countersignature...), printed
    # after the boxes above: the page shows every signature in the database.
    more_signatures: list[SignatureBox] = field(default_factory=list)


@dataclass(frozen=True)
class WitnessEntry:
    name: str
    role: str
    relationship: str
    contact: str
    records: list[str]             # portfolio refs this witness signed
    specimen: SignatureBox


@dataclass(frozen=True)
class WitnessListData:
    reference: str
    witnesses: list[WitnessEntry]
    content_hash: str | None = None


@dataclass(frozen=True)
class UnitAchievementRow:
    number: str
    title: str
    group: str
    credit: int | None
    criteria_met: int
    criteria_total: int
    signed_off_on: date | None
    status: str                    # "signed off", "in progress", "not started", "claimed"


@dataclass(frozen=True)
class UnitAchievementSummaryData:
    reference: str
    rows: list[UnitAchievementRow]
    combination_summary: str
    content_hash: str | None = None


Record = (ObservationRecordData | DiscussionRecordData | QuestioningRecordData
          | WitnessTestimonyData | EvidenceRecordData)


@dataclass(frozen=True)
class ClaimPackData:
    """Everything an IQA or EQA is handed for one claim, in the order they read it."""
    header: DocumentHeader
    claim: ClaimFormData | None
    summary: UnitAchievementSummaryData | None
    matrices: list[EvidenceMatrixData]
    records: list[Record]
    witnesses: WitnessListData | None
