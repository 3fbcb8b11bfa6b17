"""Database rows to the dataclasses app/documents prints: claim form, evidence matrices,
records of evidence, witnesses, unit achievement summary and the claim pack.

Read-only: every function takes a session and returns plain data, so the window can build
a PDF off the UI thread (store.read_async) and the command line the same way.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.claims.claim import RECORD_TYPE as CLAIM
from app.claims.corrections import amendment_marks
from app.claims.sign_off import RECORD_TYPE as SIGN_OFF, sign_offs_of
from app.claims.printed_details import detail_entries
from app.claims.withdrawal import withdrawal_of
from app.documents.words import in_words
from app.documents.model import (
    AttachmentRef, ClaimedUnitRow, ClaimFormData, ClaimPackData, Correction, CriterionRef,
    DiscussionBookmark, DiscussionRecordData, DocumentHeader, EvidenceMatrixData,
    EvidenceRecordData, MatrixOutcome, MatrixRow, ObservationRecordData, QuestionAnswer,
    QuestioningRecordData, SignatureBox, SignOffTerms, Supersession, UnitAchievementRow,
    UnitAchievementSummaryData, WitnessEntry, WitnessListData, WitnessTestimonyData,
    marked_reference,
)
from app.evidence.in_force import not_in_force
from app.evidence.progress import MET, NOT_STARTED, enrolment_progress
from app.models import (
    AssessmentCriterion, Centre, Enrolment, Learner, LearningOutcome, Qualification,
    Signature, StaffMember, Unit,
)
from app.models.claims import Claim, UnitSignOff
from app.evidence.methods import method_name
from app.evidence.printed_reference import printed_references
from app.models.evidence import JUDGEMENT_FLAGS, Attachment, CriterionMapping, EvidenceRecord
from app.models.signing import SIGNATURE_METHODS, SIGNER_ROLES

EVIDENCE = "evidence_record"
# The DETAILS fields each method's own page prints in places designed for them; every other
# field (all of them for methods without a page of their own) is printed from DETAILS.
ON_OWN_PAGE = {
    "Obs": frozenset({"workplace", "start_time", "end_time", "activities", "notes", "judgement",
                      "feedback", "learner_comments"}),
    "PD": frozenset({"duration", "topics", "summary", "bookmarks"}),
    "Q": frozenset({"mode", "questions"}),
    "Wt": frozenset({"witness_name", "job_title", "relationship", "contact", "seen_when",
                     "what_they_saw", "signs_as_reason"}),
    "EW": frozenset({"witness_name", "job_title", "relationship", "contact", "seen_when",
                     "what_they_saw", "competence", "signs_as_reason"}),
}
IV = "Internal Verifier (if sampled)"


def initials(name: str) -> str:
    return "".join(part[0] for part in name.replace("-", " ").split() if part).upper()


@dataclass
class _Portfolio:
    """Everything about one enrolment that the documents need, read in a few queries."""
    header: DocumentHeader
    enrolment: Enrolment
    learner: Learner
    assessor_name: str
    iqa_name: str
    signatures: dict[tuple[str, str], list[Signature]]
    records: list[EvidenceRecord]
    mappings: dict[str, list[tuple[str, str, str, str, str, str]]]  # record -> (unit no, AC no, text, status, unit id, note)
    files: dict[str, list[AttachmentRef]]                            # record -> its live files
    # record -> (what it corrects, what supersedes it), for amendments and amended records
    amendments: dict[str, tuple[Correction | None, Supersession | None]] = field(
        default_factory=dict)
    # records printed but not counted: superseded, or a correction not yet fully signed
    not_counted: set[str] = field(default_factory=set)
    # The enrolment's assessor is a trainee: their decisions carry a countersignature.
    trainee: bool = False
    unit_bank: bool = False        # enrolled on a bank of units (no rules of combination)
    awarding_body: str = ""
    # record id -> its printed reference: "OBS-001/A3F2" where one reference is signed in
    # two records of the learner (app/evidence/printed_reference.py).
    printed: dict[str, str] = field(default_factory=dict)

    def ref(self, record: EvidenceRecord) -> str:
        return self.printed.get(record.id, record.portfolio_ref)

    def reference(self, record: EvidenceRecord) -> str:
        """As printed: an amendment and the record it corrects share a portfolio
        reference, so each says which it is ("PD-001 (amendment 1)")."""
        return marked_reference(self.ref(record),
                                *self.amendments.get(record.id, (None, None)))

    def boxes(self, record_type: str, record_id: str,
              roles: list[tuple[str, str, str]]) -> list[SignatureBox]:
        """roles: (role, printed label, expected name): a box for each, signed where the
        record holds that role's signature, empty for a pen where it does not."""
        return self.signature_boxes(record_type, record_id, roles)[0]

    def signature_boxes(self, record_type: str, record_id: str,
                        roles: list[tuple[str, str, str]]
                        ) -> tuple[list[SignatureBox], list[SignatureBox]]:
        """The boxes for `roles`, and a box for every other signature the record holds
        (a countersignature, a second signer of one role), so the page shows every
        signature in the database and never a blank where someone has signed."""
        left = list(self.signatures.get((record_type, record_id), []))
        expected = []
        for role, label, name in roles:
            s = next((s for s in left if s.role == role), None)
            if s is not None:
                left.remove(s)
            expected.append(_box(label, name, s))
        return expected, [_box(SIGNER_ROLES.get(s.role, s.role), s.signer_name, s)
                          for s in left]

    def assessor_roles(self, record_type: str, record_id: str) -> list[tuple[str, str, str]]:
        """Who signs as assessor: the assessor, or a trainee assessor and the qualified
        assessor who countersigns the trainee's decision. Read from the signatures first (a
        trainee qualified since still signed as one), then from the enrolment's assessor."""
        roles = {s.role for s in self.signatures.get((record_type, record_id), [])}
        trainee = "assessor" not in roles and (
            bool(roles & {"trainee_assessor", "countersigning_assessor"}) or self.trainee)
        if trainee:
            return [("trainee_assessor", "Trainee assessor", self.assessor_name),
                    ("countersigning_assessor", "Countersigning assessor", "")]
        return [("assessor", "Assessor", self.assessor_name)]

    def content_hash(self, record_type: str, record_id: str) -> str | None:
        sigs = self.signatures.get((record_type, record_id))
        return sigs[0].content_hash if sigs else None


def _box(label: str, name: str, s: Signature | None) -> SignatureBox:
    if s is None:
        return SignatureBox(label, name)
    how = SIGNATURE_METHODS.get(s.method, s.method).lower()
    return SignatureBox(label, s.signer_name, s.signed_at.date(), s.image_png, how)


def _portfolio(session: Session, enrolment_id: str) -> _Portfolio:
    # The enrolment kept and any joined into it at a merge: one portfolio, whose signed
    # records stayed where they were signed (app/caseload/same_enrolment.py).
    from app.caseload.same_enrolment import enrolment_family
    family = enrolment_family(session, enrolment_id)
    enrolment_id = family[0]
    enrolment = session.get(Enrolment, enrolment_id)
    learner = session.get(Learner, enrolment.learner_id)
    qual = session.get(Qualification, enrolment.qualification_id)
    assessor = session.get(StaffMember, enrolment.assessor_id) if enrolment.assessor_id else None
    iqa = session.get(StaffMember, enrolment.iqa_id) if enrolment.iqa_id else None
    centre = session.get(Centre, assessor.centre_id) if assessor and assessor.centre_id else None
    if centre is None:
        centre = session.scalars(select(Centre).where(Centre.deleted_at.is_(None))).first()
    number = " / ".join(x for x in (qual.ab_number, qual.regulator_number) if x)
    # A unit bank is units, not a qualification: its description in the catalogue
    # ("...title not printed in the source") is not a title to print on every page.
    unit_bank = qual.kind == "unit_bank"
    header = DocumentHeader(
        centre=(f"{centre.name}" + (f" (centre {centre.number})" if centre.number else ""))
        if centre else "", learner_name=learner.full_name,
        qualification_title=(f"{qual.awarding_body} units (claimed as units, not a "
                             f"qualification)") if unit_bank else qual.title,
        qualification_number=number,
        registration_number=enrolment.registration_number or learner.registration_number,
        uln=learner.uln or "")
    signatures: dict[tuple[str, str], list[Signature]] = {}
    from app.caseload.same_learner import same_learner_ids   # a merged record's signed work
    for s in session.scalars(select(Signature).where(
            Signature.learner_id.in_(same_learner_ids(session, learner.id)))
                             .order_by(Signature.signed_at)):
        signatures.setdefault((s.record_type, s.record_id), []).append(s)
    records = list(session.scalars(select(EvidenceRecord).where(
        EvidenceRecord.enrolment_id.in_(family), EvidenceRecord.deleted_at.is_(None))
        # An amendment keeps its original's reference (and usually its date): after it.
        .order_by(EvidenceRecord.date, EvidenceRecord.portfolio_ref,
                  EvidenceRecord.amends_id.is_not(None), EvidenceRecord.created_at)))
    mappings: dict[str, list] = {}
    for record_id, unit_no, ac_no, text, status, unit_id, note in session.execute(
            select(CriterionMapping.record_id, Unit.number, AssessmentCriterion.number,
                   AssessmentCriterion.text, CriterionMapping.status, Unit.id,
                   CriterionMapping.note)
            .join(AssessmentCriterion, AssessmentCriterion.id == CriterionMapping.criterion_id)
            .join(Unit, Unit.id == CriterionMapping.unit_id)
            .join(LearningOutcome, LearningOutcome.id == AssessmentCriterion.lo_id)
            .join(EvidenceRecord, EvidenceRecord.id == CriterionMapping.record_id)
            .where(EvidenceRecord.enrolment_id.in_(family),
                   CriterionMapping.deleted_at.is_(None))
            .order_by(Unit.sort_order, LearningOutcome.sort_order,
                      AssessmentCriterion.sort_order)):
        mappings.setdefault(record_id, []).append((unit_no, ac_no, text, status, unit_id,
                                                   note or ""))
    files: dict[str, list[AttachmentRef]] = {}
    for a in session.scalars(select(Attachment).join(
            EvidenceRecord, EvidenceRecord.id == Attachment.record_id)
            .where(EvidenceRecord.enrolment_id.in_(family), Attachment.deleted_at.is_(None))
            .order_by(Attachment.created_at)):
        files.setdefault(a.record_id, []).append(AttachmentRef(
            a.original_name, a.media_type, a.size, a.sha256, a.caption or "", a.duration_ms))
    not_counted = not_in_force(session, enrolment_id=enrolment_id)
    return _Portfolio(header, enrolment, learner, assessor.name if assessor else "",
                      iqa.name if iqa else "", signatures, records, mappings, files,
                      amendment_marks(session, records, signatures, not_counted), not_counted,
                      trainee=bool(assessor and assessor.role == "trainee_assessor"),
                      unit_bank=unit_bank, awarding_body=qual.awarding_body,
                      printed=printed_references(session, learner.id))


def _criteria(p: _Portfolio, record_id: str) -> list[CriterionRef]:
    return [CriterionRef(u, n, t, s, note) for u, n, t, s, _, note in p.mappings.get(record_id, [])]


def _describe(record: EvidenceRecord) -> str:
    details = json.loads(record.details_json or "{}")
    for key in ("activities", "what_they_saw", "summary", "shows", "account", "description",
                "outcome", "how_it_maps"):
        if details.get(key):
            return _shortened(f"{record.title}: {details[key]}", 160)
    return record.title


def _shortened(value: str, limit: int) -> str:
    """Cut at a word with an ellipsis, so a matrix row never ends 'Observed: greetin' as
    if that were what the assessor wrote; the record's own page has it in full."""
    if len(value) <= limit:
        return value
    return value[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


def record_data(p: _Portfolio, record: EvidenceRecord):
    """The printed record of a piece of evidence, whatever its method."""
    d = json.loads(record.details_json or "{}")
    h = p.content_hash(EVIDENCE, record.id)
    crit = _criteria(p, record.id)
    name = p.learner.full_name
    files = p.files.get(record.id, [])
    # A draft nothing is ticked on is not judged yet: its boxes are not five 'no's.
    held = [f for f in JUDGEMENT_FLAGS if getattr(record, f)]
    if record.state == "draft" and not held:
        held = None
    more = detail_entries(record.method, d, ON_OWN_PAGE.get(record.method, frozenset()))
    correction, superseded = p.amendments.get(record.id, (None, None))
    standing = {"correction": correction, "superseded": superseded}
    common = {"attachments": files, "more": more, **standing}
    if record.method in ("Wt", "EW"):
        role = "witness" if record.method == "Wt" else "expert_witness"
        (witness, assessor, *counter), others = p.signature_boxes(EVIDENCE, record.id, [
            (role, "Witness" if role == "witness" else "Expert witness", d.get("witness_name", "")),
            *p.assessor_roles(EVIDENCE, record.id)])
        common["more_signatures"] = counter + others
        return WitnessTestimonyData(
            p.ref(record), record.title, record.date, d.get("witness_name", ""),
            d.get("job_title", ""), d.get("relationship", ""), d.get("contact", ""),
            d.get("what_they_saw", ""), crit, witness, assessor, record.method == "EW",
            d.get("competence", ""), h, seen_when=d.get("seen_when", ""), judgement=held,
            location=record.location, signs_as_reason=d.get("signs_as_reason", ""), **common)
    (assessor, learner, *counter), others = p.signature_boxes(EVIDENCE, record.id, [
        p.assessor_roles(EVIDENCE, record.id)[0], ("learner", "Learner", name),
        *p.assessor_roles(EVIDENCE, record.id)[1:]])
    common["more_signatures"] = counter + others
    if record.method == "Obs":
        notes = "\n".join(f"{n.get('at', '')} {n.get('text', '')}".strip()
                          for n in d.get("notes") or [])
        activity = d.get("activities", "") + (f"\n\nNotes during the observation:\n{notes}"
                                              if notes else "")
        judgement_text = d.get("judgement", "")
        feedback = d.get("feedback", "") + (f"\n\nAssessor's judgement: {judgement_text}"
                                            if judgement_text else "")
        workplace = d.get("workplace", "")
        return ObservationRecordData(
            p.ref(record), record.title, record.date, record.location or workplace,
            activity, crit, feedback, d.get("learner_comments", ""), held, assessor, learner,
            d.get("start_time", ""), d.get("end_time", ""), h,
            workplace=workplace if record.location and workplace != record.location else "",
            **common)
    if record.method == "PD":
        marks = [DiscussionBookmark(b.get("at", ""), [CriterionRef("", b.get("criterion", ""))],
                                    b.get("recording", "")) for b in d.get("bookmarks") or []]
        recordings = ", ".join(f.name for f in files
                               if f.media_type.startswith(("audio/", "video/")))
        return DiscussionRecordData(
            p.ref(record), record.title, record.date, record.location, d.get("topics", ""),
            d.get("summary", ""), marks, crit, assessor, learner, recordings, h,
            duration=f"{d.get('duration')} minutes" if d.get("duration") else "",
            judgement=held, **common)
    if record.method == "Q":
        questions = [QuestionAnswer(q.get("question", ""), q.get("answer", ""), [],
                                    q.get("decision", "")) for q in d.get("questions") or []]
        return QuestioningRecordData(p.ref(record), record.title, record.date,
                                     d.get("mode", "oral"), questions, assessor, learner, h,
                                     judgement=held, criteria=crit, location=record.location,
                                     **common)
    return EvidenceRecordData(
        p.ref(record), record.method, method_name(record.method), record.title,
        record.date, record.location, more, crit, held, assessor, learner, files, h,
        more_signatures=common["more_signatures"], **standing)


def witness_list(p: _Portfolio) -> WitnessListData:
    entries: dict[str, WitnessEntry] = {}
    for r in p.records:
        if r.method not in ("Wt", "EW"):
            continue
        d = json.loads(r.details_json or "{}")
        role = "witness" if r.method == "Wt" else "expert_witness"
        signed = [s for s in p.signatures.get((EVIDENCE, r.id), []) if s.role == role]
        if not signed:
            continue
        key = signed[0].signer_name.strip().lower()
        if key in entries:
            entries[key].records.append(p.reference(r))
            continue
        specimen = p.boxes(EVIDENCE, r.id, [(role, "Witness", signed[0].signer_name)])[0]
        entries[key] = WitnessEntry(signed[0].signer_name, d.get("job_title", ""),
                                    d.get("relationship", ""), d.get("contact", ""),
                                    [p.reference(r)], specimen)
    return WitnessListData(f"WITNESSES-{p.learner.registration_number or 'LIST'}",
                           list(entries.values()))


def evidence_matrix(session: Session, p: _Portfolio, unit: Unit,
                    sign_off: UnitSignOff | None) -> EvidenceMatrixData:
    los = session.scalars(select(LearningOutcome).where(LearningOutcome.unit_id == unit.id)
                          .order_by(LearningOutcome.sort_order)).all()
    acs = session.execute(select(AssessmentCriterion.lo_id, AssessmentCriterion.number)
                          .where(AssessmentCriterion.unit_id == unit.id)
                          .order_by(AssessmentCriterion.sort_order)).all()
    by_lo: dict[str, list[str]] = {}
    for lo_id, number in acs:
        by_lo.setdefault(lo_id, []).append(number)
    outcomes = [MatrixOutcome(lo.number, lo.title, by_lo.get(lo.id, [])) for lo in los
                if by_lo.get(lo.id)]
    # A signed sign-off's matrix shows the evidence it was signed on and nothing added
    # since (a reprint is the same page); otherwise what the portfolio holds now, with
    # evidence not yet signed marked so and not counted as meeting anything.
    frozen = signed_evidence_ids(p, sign_off)
    rows = []
    for r in p.records:
        marks = {n: s for _, n, _, s, uid, _ in p.mappings.get(r.id, []) if uid == unit.id}
        if not marks or (frozen is not None and r.id not in frozen):
            continue
        signed = r.state == "signed"
        description = _describe(r) if signed else "Not yet signed. " + _describe(r)
        rows.append(MatrixRow(p.reference(r), description, r.method, marks,
                              r.id not in p.not_counted and signed))
    roles = [("learner", "Learner", p.learner.full_name), ("assessor", "Assessor", p.assessor_name),
             ("iqa", IV, (sign_off.iqa_name or p.iqa_name)
                     if sign_off and sign_off.iqa_sampled_on else "")]
    others: list[SignatureBox] = []
    if sign_off is not None:
        (learner, assessor, iv), others = p.signature_boxes(SIGN_OFF, sign_off.id, roles)
        reference, h = f"UNIT-{unit.number}-SIGNOFF", p.content_hash(SIGN_OFF, sign_off.id)
    else:
        learner, assessor, iv = (SignatureBox(label, name) for _, label, name in roles)
        reference, h = f"UNIT-{unit.number}-MATRIX", None
    return EvidenceMatrixData(reference, unit.number, unit.title, outcomes, rows, learner,
                              assessor, iv, h, more_signatures=others,
                              sign_off=sign_off_terms(sign_off) if sign_off else None,
                              unit_reference=unit.reference or "", unit_credit=unit.credit)


def sign_off_terms(sign_off: UnitSignOff) -> SignOffTerms:
    """The sign-off as its signers read it (app/claims/signable.present_sign_off): the
    words stored on the row, not today's defaults, so the page shows what was signed."""
    evidence = [f"{e['ref']} ({e['method']})" if e.get("method") else e["ref"]
                for e in json.loads(sign_off.evidence_json or "[]") if e.get("ref")]
    return SignOffTerms(sign_off.summative_date, sign_off.decision, evidence,
                        sign_off.assessor_name, sign_off.assessor_declaration,
                        sign_off.learner_confirmation)


def signed_evidence_ids(p: _Portfolio, sign_off: UnitSignOff | None) -> set[str] | None:
    """The records a signed sign-off was signed on (its frozen evidence list) and every
    version of each; None while the sign-off is unsigned or there is none."""
    if sign_off is None or not p.signatures.get((SIGN_OFF, sign_off.id)):
        return None
    return _with_versions(p, {e["id"] for e in json.loads(sign_off.evidence_json or "[]")
                              if e.get("id")})


def achievement_summary(session: Session, p: _Portfolio) -> UnitAchievementSummaryData:
    from app.caseload.enrolments import check_units, unit_options
    progress = enrolment_progress(session, p.enrolment.id)
    options = {o.id: o for o in unit_options(session, p.enrolment.qualification_id)}
    done = {v.unit_id: v for v in sign_offs_of(session, p.enrolment.id)}
    rows = []
    for u in progress.units:
        option = options.get(u.id)
        # Met on signed evidence only: a tick on a draft is not an achievement on paper.
        met = sum(c.status == MET and c.signed for c in u.criteria)
        view = done.get(u.id)
        status = view.status if view else (
            "ready to sign off" if u.status == MET and met == len(u.criteria) else
            "met, evidence not yet signed" if u.status == MET else
            "in progress" if any(c.status != NOT_STARTED for c in u.criteria) else
            "not started")
        rows.append(UnitAchievementRow(u.number, u.title, (option.group or "") if option else "",
                                       option.credit if option else None, met, len(u.criteria),
                                       view.summative_date if view and view.signed_off else None,
                                       status))
    signed_units = {v.unit_id for v in done.values() if v.signed_off}
    check = check_units(session, p.enrolment.qualification_id, signed_units, "signed off")
    count = len(signed_units)
    so_far = f"Units signed off so far: {in_words(count)}."
    # Without rules of combination (a unit bank) there is no award to measure against,
    # and the catalogue's sentence about its source is not for this page.
    summary = "No unit is signed off yet." if not signed_units else (
        f"{so_far} {check.summary()}" if check.rules_stated else so_far)
    return UnitAchievementSummaryData(f"SUMMARY-{p.header.registration_number or 'UNITS'}",
                                      rows, summary)


def claim_form(session: Session, p: _Portfolio, claim: Claim) -> ClaimFormData:
    views = {v.id: v for v in sign_offs_of(session, claim.enrolment_id, every=True)}
    learner_initials = initials(p.learner.full_name)
    units = []
    for sid in json.loads(claim.sign_offs_json):
        v = views.get(sid)
        if v is None:
            continue
        assessor = next((s for s in p.signatures.get((SIGN_OFF, sid), [])
                         if s.role in ("assessor", "countersigning_assessor")), None)
        iqa = next((s for s in p.signatures.get((SIGN_OFF, sid), []) if s.role == "iqa"), None)
        unit = session.get(Unit, v.unit_id)
        units.append(ClaimedUnitRow(
            v.unit_number, v.unit_title, v.summative_date,
            learner_initials if "learner" in v.signed_roles else "",
            initials(assessor.signer_name) if assessor else "",
            v.iqa_sampled_on or (iqa.signed_at.date() if iqa else None),
            v.iqa_initials or (initials(iqa.signer_name) if iqa else ""),
            reference=(unit.reference or "") if unit else "",
            credit=unit.credit if unit else None))
    (learner, assessor, iv), others = p.signature_boxes(CLAIM, claim.id, [
        ("learner", "Learner", p.learner.full_name), ("assessor", "Assessor", p.assessor_name),
        ("iqa", IV, claim.iqa_name or "")])
    withdrawal = withdrawal_of(session, CLAIM, claim.id)
    sampled = (f"on {claim.iqa_sampled_on:%d/%m/%Y}: {claim.iqa_name} ({claim.iqa_initials})"
               if claim.iqa_sampled_on else "")
    return ClaimFormData(claim.reference, units, claim.full_award, claim.learner_statement,
                         claim.assessor_statement, learner, assessor, iv,
                         claim.combination_summary, p.content_hash(CLAIM, claim.id),
                         claim.learner_declaration or ClaimFormData.learner_declaration,
                         claim.assessor_declaration or ClaimFormData.assessor_declaration,
                         withdrawn=withdrawal.sentence() if withdrawal else "",
                         iv_sampled=sampled, more_signatures=others,
                         unit_bank=p.unit_bank, awarding_body=p.awarding_body)


def _units_and_sign_offs(session: Session, p: _Portfolio, only: set[str] | None = None):
    progress = enrolment_progress(session, p.enrolment.id)
    # One per unit, of the enrolment and any joined into it: the one sign_offs_of shows.
    shown = [v.id for v in sign_offs_of(session, p.enrolment.id)]
    sign_offs = {s.unit_id: s for s in session.scalars(select(UnitSignOff).where(
        UnitSignOff.id.in_(shown)))}
    for u in progress.units:
        if only is None or u.id in only:
            yield session.get(Unit, u.id), sign_offs.get(u.id)


def _with_versions(p: _Portfolio, ids: set[str]) -> set[str]:
    """`ids` and every record that corrects, or is corrected by, one of them."""
    ids = set(ids)
    while True:
        more = {r.id for r in p.records if r.amends_id in ids} | {
            r.amends_id for r in p.records if r.id in ids and r.amends_id}
        if more <= ids:
            return ids
        ids |= more


def claim_pack_data(session: Session, claim_id: str) -> ClaimPackData:
    """Everything for one claim: the units it claims, their evidence, the witnesses."""
    claim = session.get(Claim, claim_id)
    p = _portfolio(session, claim.enrolment_id)
    claimed_units = set(session.scalars(select(UnitSignOff.unit_id).where(
        UnitSignOff.id.in_(json.loads(claim.sign_offs_json) or [""]))))
    units = list(_units_and_sign_offs(session, p, claimed_units))
    matrices = [evidence_matrix(session, p, u, s) for u, s in units]
    # The records behind those matrices' rows (by id: a row's reference may be marked),
    # with every version of each: a correction that moved a record to another unit is still
    # the page its superseded original sends the reader to. A signed sign-off gives its
    # frozen list; a draft is never printed inside a claim pack.
    used: set[str] = set()
    for unit, sign_off in units:
        frozen = signed_evidence_ids(p, sign_off)
        used |= frozen if frozen is not None else _with_versions(p, {
            rid for rid, maps in p.mappings.items() if any(m[4] == unit.id for m in maps)})
    # (A correction still being signed is printed, marked so, after the original it
    # corrects: the reader is sent to it.)
    records = [d for r in p.records if r.id in used and (r.state != "draft" or r.amends_id)
               for d in [record_data(p, r)] if d is not None]
    return ClaimPackData(p.header, claim_form(session, p, claim), achievement_summary(session, p),
                         matrices, records, witness_list(p))


def enrolment_pack_data(session: Session, enrolment_id: str, what: str = "claim-pack") -> ClaimPackData:
    """For a learner without a chosen claim: `claim-pack` uses the latest claim if there is
    one; `matrix` gives every unit's matrix; `records` the records, witnesses and summary."""
    if what == "claim-pack":
        from app.caseload.same_enrolment import enrolment_family
        latest = session.scalars(select(Claim.id).where(
            Claim.enrolment_id.in_(enrolment_family(session, enrolment_id)),
            Claim.deleted_at.is_(None))
            .order_by(Claim.created_at.desc())).first()
        if latest:
            return claim_pack_data(session, latest)
        from app.caseload.validation import InvalidInput
        learner = session.get(Learner, session.get(Enrolment, enrolment_id).learner_id)
        raise InvalidInput({"what": f"{learner.full_name} has no claim yet, so there is no "
                                    f"claim pack to print. Print the matrices (--what matrix) "
                                    f"or the records (--what records), or make a claim first."})
    p = _portfolio(session, enrolment_id)
    matrices = [] if what == "records" else [
        evidence_matrix(session, p, u, s) for u, s in _units_and_sign_offs(session, p)]
    records = [] if what == "matrix" else [
        d for r in p.records for d in [record_data(p, r)] if d is not None]
    summary = None if what == "matrix" else achievement_summary(session, p)
    witnesses = None if what == "matrix" else witness_list(p)
    return ClaimPackData(p.header, None, summary, matrices, records, witnesses)


def learner_named(session: Session, learner: str) -> Learner:
    """A learner named by ULN or id, or InvalidInput saying no such learner."""
    from app.caseload.validation import InvalidInput, ascii_digits
    uln = ascii_digits(learner).replace(" ", "")
    row = session.scalars(select(Learner).where(
        ((Learner.uln == uln) | (Learner.id == learner)), Learner.deleted_at.is_(None))).first()
    if row is None:
        raise InvalidInput({"learner": f"No learner has the ULN or id '{learner}'."})
    return row


def learner_enrolment(session: Session, learner: str) -> str:
    """A learner named by ULN or id -> their current enrolment id (the newest)."""
    from app.caseload.validation import InvalidInput
    row = learner_named(session, learner)
    enrolment = session.scalars(select(Enrolment.id).where(
        Enrolment.learner_id == row.id, Enrolment.deleted_at.is_(None))
        .order_by(Enrolment.created_at.desc())).first()
    if enrolment is None:
        raise InvalidInput({"learner": f"{row.full_name} is not enrolled on a qualification."})
    return enrolment
