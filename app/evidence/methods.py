"""What each assessment method records, beyond the fields every record shares.

One description drives both the editor (which field set to show) and the checks, so the
two cannot drift apart. Kinds: "line" (one line), "text" (paragraphs), "time" (HH:MM),
"choice:a|b" (one of), "list" (rows of sub-fields, kept as a list of dicts).
"""
from __future__ import annotations

import re

from dataclasses import dataclass

from app.models.evidence import METHODS


@dataclass(frozen=True)
class DetailField:
    key: str
    label: str
    kind: str = "text"
    columns: tuple[tuple[str, str], ...] = ()  # for "list": (key, label) of each column


OBSERVATION = (
    DetailField("workplace", "Workplace", "line"),
    DetailField("start_time", "Start time", "time"),
    DetailField("end_time", "End time", "time"),
    DetailField("activities", "Activities observed"),
    DetailField("notes", "Notes during the observation", "list", (("at", "Time"), ("text", "Note"))),
    DetailField("judgement", "Assessor's judgement"),
    DetailField("feedback", "Feedback to the learner"),
    DetailField("learner_comments", "Learner's comments"),
)
DISCUSSION = (
    DetailField("duration", "Duration (minutes)", "line"),
    DetailField("topics", "Planned topics"),
    DetailField("summary", "Summary / record of the discussion"),
    DetailField("bookmarks", "Bookmarks in the recording", "list",
                (("at", "At (mm:ss)"), ("criterion", "AC"), ("recording", "Recording"))),
)
QUESTIONING = (
    DetailField("mode", "Oral or written", "choice:oral|written"),
    DetailField("questions", "Questions", "list",
                (("question", "Question"), ("answer", "Learner's answer"),
                 ("decision", "Assessor's decision"))),
)
WITNESS = (
    DetailField("witness_name", "Witness name", "line"),
    DetailField("job_title", "Job title", "line"),
    DetailField("relationship", "Relationship to the learner", "line"),
    DetailField("contact", "Contact details", "line"),
    DetailField("seen_when", "When they saw it", "line"),
    DetailField("what_they_saw", "What they saw"),
    # A witness signs under the name on the record; where they cannot (a married name,
    # signing as the firm), the reason is written here before they sign, and kept.
    DetailField("signs_as_reason", "If the witness signs under another name: why", "line"),
)
EXPERT_WITNESS = WITNESS[:4] + (
    DetailField("competence", "Occupational competence (qualifications, experience)"),
) + WITNESS[4:]
PRODUCT = (
    DetailField("item", "The item (document, email, plan...)", "line"),
    DetailField("held_at", "Where it is held in the workplace (if kept in situ)", "line"),
    DetailField("shows", "What it shows"),
)
# A self-assessment (a SWOT analysis, say) is an account the learner gives of themselves; C&G
# 2794 bars it as evidence but for unit 201 LO 4, which expects one, so the record says which
# it is (app/evidence/requirements.py reads it).
REFLECTIVE = (DetailField("account_kind", "What the account is",
                          "choice:reflective account|self-assessment"),
              DetailField("account", "The learner's account"))
PRIOR_LEARNING = (
    DetailField("certificate", "Certificate", "line"),
    DetailField("prior_unit", "Unit achieved", "line"),
    DetailField("awarding_body", "Awarding body", "line"),
    DetailField("achieved_on", "Date achieved", "line"),
    DetailField("how_it_maps", "How it maps to this qualification"),
)
SIMULATION = (
    DetailField("scenario", "Scenario / realistic working environment"),
    DetailField("why_allowed", "Why simulation is allowed here"),
    DetailField("outcome", "What the learner did"),
)
REALISTIC_WORK = (
    DetailField("setting", "The realistic working environment or work placement", "line"),
    DetailField("how_realistic", "How it meets the realistic working environment guidelines"),
    DetailField("outcome", "What the learner did"),
)
OTHER = (DetailField("description", "Description"),)

DETAILS: dict[str, tuple[DetailField, ...]] = {
    "Obs": OBSERVATION, "PD": DISCUSSION, "Q": QUESTIONING, "Wt": WITNESS,
    "EW": EXPERT_WITNESS, "P": PRODUCT, "RA": REFLECTIVE, "A": PRIOR_LEARNING,
    "Sim": SIMULATION, "RWE": REALISTIC_WORK, "Ot": OTHER,
}

# Portfolio reference prefixes, as assessors write them on paper portfolios.
REF_PREFIX = {"Obs": "OBS", "P": "PE", "Q": "Q", "PD": "PD", "Wt": "WT", "EW": "EW",
              "RA": "RA", "A": "RPL", "Sim": "SIM", "RWE": "RWE",
              "Ot": "OT"}

assert set(DETAILS) == set(METHODS) == set(REF_PREFIX)

_NUMBERED = re.compile(r"^(.*-)(\d+)$")


def next_free_reference(method: str, ref: str, taken: set[str]) -> str:
    """The next number after every reference in `taken` with `ref`'s prefix (or the
    method's), for an unsigned reference that clashes: a merge, or two devices numbering
    alike. A signed reference is never renumbered."""
    match = _NUMBERED.match(ref)
    prefix = match.group(1) if match else REF_PREFIX.get(method, "REC") + "-"
    numbers = [int(t[len(prefix):]) for t in taken
               if t.startswith(prefix) and t[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def method_name(code: str) -> str:
    return METHODS.get(code, code)


def record_evidence(method: str, details: dict) -> str | None:
    """The narrower kind of evidence a record says it is, as the rules name it (specs/FORMAT.md
    "evidence"), or None where it is simply its method."""
    if method == "RA" and details.get("account_kind") == "self-assessment":
        return "self-assessment"
    return None


def empty_details(method: str) -> dict:
    return {f.key: ([] if f.kind == "list" else "") for f in DETAILS[method]}
