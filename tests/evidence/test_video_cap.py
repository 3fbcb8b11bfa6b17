"""C&G 2794's ten minutes of video: lengths recorded at import, added up over the portfolio,
over the cap shown in the visit plan and refused at unit sign-off, unknown lengths named."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.caseload.validation import InvalidInput
from app.claims.sample_portfolio import complete_unit
from app.claims.sign_off import sign_off_unit, unit_readiness
from app.evidence.attachments import (
    RecordLocked, attach_file, attachments_of, remove_attachment, set_attachment_duration,
)
from app.evidence.progress import enrolment_progress
from app.evidence.records import create_record, delete_record
from app.evidence.video_cap import length_in_words, video_cap, video_cap_of_record
from app.models import Enrolment, Learner, Qualification
from app.signing.amend import amend
from app.signing.sign import sign_record
from evidence_helpers import fresh_2794_enrolment
from media_files import write_au, write_mp4, write_wav

# The summative date: today, as the evidence these tests sign is signed today and a
# decision is not dated before the signatures it rests on (issue 12).
DAY = date.today()
OVER = "Video clips: 12 min 30 s of the 10 minutes allowed."


def enrolment_on(session, ab_number):
    for e in session.scalars(select(Enrolment).order_by(Enrolment.created_at)):
        qual = session.get(Qualification, e.qualification_id)
        if (qual.ab_number or "") == ab_number or (ab_number == "EDI" and "EDI" in qual.title):
            return e.id, session.get(Learner, e.learner_id).full_name
    raise AssertionError(ab_number)


@pytest.fixture
def cg(demo_store):
    enrolment_id, name, _learner = demo_store.write_now(fresh_2794_enrolment)
    return enrolment_id, name


def clip(store, enrolment_id, tmp_path, name, seconds, method="Ot"):
    record_id = store.write_now(create_record, enrolment_id, method, on=DAY)
    attachment_id = attach_file(store, record_id, write_mp4(tmp_path / name, seconds))
    return record_id, attachment_id


def cap_lines(progress):
    return {u.number: [g.text for g in u.requirements if hasattr(g, "allowed_minutes")]
            for u in progress.units}


def test_import_records_playing_time_of_audio_and_video_only(demo_store, cg, tmp_path):
    record_id = demo_store.write_now(create_record, cg[0], "PD", on=DAY)
    for path in (write_mp4(tmp_path / "role-play.mp4", 150.5),
                 write_wav(tmp_path / "discussion.wav", 3.0),
                 write_au(tmp_path / "dictaphone.au", 2.0)):
        attach_file(demo_store, record_id, path)
    notes = tmp_path / "notes.txt"
    notes.write_text("planned topics")
    attach_file(demo_store, record_id, notes)
    got = {v.original_name: (v.kind, v.duration_ms) for v in demo_store.read(attachments_of, record_id)}
    assert got == {"role-play.mp4": ("video", 150_500), "discussion.wav": ("audio", 3_000),
                   "dictaphone.au": ("audio", None), "notes.txt": ("file", None)}


def test_lengths_in_words():
    assert length_in_words(750_000) == "12 min 30 s"
    assert length_in_words(45_000) == "45 s"
    assert length_in_words(600_000) == "10 min"
    assert length_in_words(600_001) == "10 min 1 s"   # never reads as exactly the cap


def test_over_the_cap_shows_in_the_visit_plan_of_every_capped_unit(demo_store, cg, tmp_path):
    enrolment_id, _ = cg
    clip(demo_store, enrolment_id, tmp_path, "till.mp4", 7 * 60)
    before = demo_store.read(enrolment_progress, enrolment_id)
    assert all(u.outstanding == [] or all(not hasattr(g, "allowed_minutes") for g in u.outstanding)
               for u in before.units)
    assert not any("Video clips" in line for u in before.units for line in u.still_needed())
    clip(demo_store, enrolment_id, tmp_path, "phone-call.mp4", 5 * 60 + 30)
    after = demo_store.read(enrolment_progress, enrolment_id)
    capped = [u for u in after.units if cap_lines(after)[u.number]]
    assert capped, "C&G 2794 units carry the video rule"
    for unit in capped:
        assert OVER in [g.text for g in unit.outstanding]
        assert OVER in unit.still_needed()[:len(unit.outstanding)]   # with the rules, before ACs
    assert demo_store.read(video_cap, enrolment_id).text == OVER


def test_over_the_cap_blocks_sign_off_with_that_sentence_alone(demo_store, cg, tmp_path):
    enrolment_id, learner = cg
    unit_id = next(u.id for u in demo_store.read(enrolment_progress, enrolment_id).units
                   if u.number == "202")
    demo_store.write_now(lambda s: complete_unit(s, enrolment_id, unit_id, on=DAY,
                                                 learner_name=learner, assessor_name="Alex Morgan"))
    clip(demo_store, enrolment_id, tmp_path, "till.mp4", 7 * 60)
    _, second = clip(demo_store, enrolment_id, tmp_path, "phone-call.mp4", 5 * 60 + 30)
    ready = next(r for r in demo_store.read(unit_readiness, enrolment_id) if r.unit_id == unit_id)
    assert ready.missing == [OVER]
    with pytest.raises(InvalidInput) as err:
        demo_store.write_now(lambda s: sign_off_unit(s, enrolment_id, unit_id, summative_date=DAY,
                                                     assessor_name="Alex Morgan"))
    assert err.value.problems["unit"] == f"Unit 202 cannot be signed off yet:\n• {OVER}"
    # the assessor decides: take the second clip out and the unit can be signed off
    demo_store.write_now(remove_attachment, second)
    assert demo_store.write_now(lambda s: sign_off_unit(s, enrolment_id, unit_id,
                                                        summative_date=DAY,
                                                        assessor_name="Alex Morgan"))


def test_unknown_lengths_are_named_for_checking_without_blocking(demo_store, cg, tmp_path):
    enrolment_id, _ = cg
    clip(demo_store, enrolment_id, tmp_path, "till.mp4", 3 * 60)
    record_id = demo_store.write_now(create_record, enrolment_id, "Obs", on=DAY)
    mkv = tmp_path / "bodycam.mkv"
    mkv.write_bytes(b"\x1aE\xdf\xa3" + bytes(2000))   # Matroska: not read by Fieldfolio
    attach_file(demo_store, record_id, mkv)
    webm = tmp_path / "handover.webm"
    webm.write_bytes(b"\x1aE\xdf\xa3" + bytes(3000))
    attach_file(demo_store, record_id, webm)
    cap = demo_store.read(video_cap, enrolment_id)
    assert not cap.outstanding and cap.needs_checking
    assert cap.text == ("Video clips: 3 min of the 10 minutes allowed. 2 videos of unknown length "
                        "(OBS-001 bodycam.mkv, OBS-001 handover.webm): check how long they play.")
    progress = demo_store.read(enrolment_progress, enrolment_id)
    unit = next(u for u in progress.units if cap_lines(progress)[u.number])
    assert cap.text in unit.still_needed()
    assert all(not hasattr(g, "allowed_minutes") for g in unit.outstanding)


def test_what_counts_live_videos_once_on_live_records_of_this_enrolment(demo_store, cg, tmp_path):
    enrolment_id, _ = cg
    kept, _ = clip(demo_store, enrolment_id, tmp_path, "till.mp4", 6 * 60)
    # the same clip attached to a second record is still one clip
    attach_file(demo_store, demo_store.write_now(create_record, enrolment_id, "P", on=DAY),
                tmp_path / "till.mp4")
    deleted, _ = clip(demo_store, enrolment_id, tmp_path, "deleted.mp4", 6 * 60)
    demo_store.write_now(delete_record, deleted)
    _, removed = clip(demo_store, enrolment_id, tmp_path, "removed.mp4", 6 * 60)
    demo_store.write_now(remove_attachment, removed)
    audio = demo_store.write_now(create_record, enrolment_id, "PD", on=DAY)
    attach_file(demo_store, audio, write_wav(tmp_path / "long-talk.wav", 700))  # audio: not video
    other, _ = demo_store.read(enrolment_on, "EDI")
    clip(demo_store, other, tmp_path, "other-learner.mp4", 9 * 60)
    cap = demo_store.read(video_cap, enrolment_id)
    assert (cap.total.known_ms, cap.total.clips, cap.outstanding) == (360_000, 1, False)
    assert cap.text == "Video clips: 6 min of the 10 minutes allowed."
    # a qualification without the rule has no cap at all
    assert demo_store.read(video_cap, other) is None
    assert not any(hasattr(g, "allowed_minutes") for u in
                   demo_store.read(enrolment_progress, other).units for g in u.requirements)
    assert demo_store.read(video_cap_of_record, kept).total.known_ms == 360_000


def test_a_length_measured_later_fills_only_what_is_missing(demo_store, cg, tmp_path):
    enrolment_id, _ = cg
    record_id = demo_store.write_now(create_record, enrolment_id, "Obs", on=DAY)
    mkv = tmp_path / "bodycam.mkv"
    mkv.write_bytes(b"\x1aE\xdf\xa3" + bytes(2000))
    unknown = attach_file(demo_store, record_id, mkv)
    known = attach_file(demo_store, record_id, write_mp4(tmp_path / "till.mp4", 60))
    assert demo_store.write_now(set_attachment_duration, unknown, 11 * 60_000) is True
    assert demo_store.write_now(set_attachment_duration, unknown, 5_000) is False
    assert demo_store.write_now(set_attachment_duration, known, 999_000) is False
    lengths = {v.original_name: v.duration_ms for v in demo_store.read(attachments_of, record_id)}
    assert lengths == {"bodycam.mkv": 660_000, "till.mp4": 60_000}
    assert demo_store.read(video_cap, enrolment_id).text == \
        "Video clips: 12 min of the 10 minutes allowed."
    for bad in (0, -5, 1.5, "12:00"):
        with pytest.raises(InvalidInput):
            demo_store.write_now(set_attachment_duration, unknown, bad)


def test_signed_records_keep_their_files_as_signed_and_corrections_keep_lengths(
        demo_store, cg, tmp_path):
    enrolment_id, learner = cg
    record_id = demo_store.write_now(create_record, enrolment_id, "Obs", on=DAY)
    mkv = tmp_path / "bodycam.mkv"
    mkv.write_bytes(b"\x1aE\xdf\xa3" + bytes(2000))
    unknown = attach_file(demo_store, record_id, mkv)
    attach_file(demo_store, record_id, write_mp4(tmp_path / "till.mp4", 4 * 60))
    demo_store.write_now(sign_record, "evidence_record", record_id, signer_name=learner,
                         role="learner", method="drawn", strokes=[[[0, 0], [9, 9]]],
                         image_png=b"\x89PNG-signature")
    with pytest.raises(RecordLocked, match="signed"):
        demo_store.write_now(set_attachment_duration, unknown, 60_000)
    correction = demo_store.write_now(amend, record_id, "Wrong date")
    lengths = {v.original_name: v.duration_ms for v in demo_store.read(attachments_of, correction)}
    assert lengths == {"bodycam.mkv": None, "till.mp4": 240_000}
    # original and correction carry the same clips: counted once
    cap = demo_store.read(video_cap, enrolment_id)
    assert cap.total.known_ms == 240_000 and len(cap.total.unknown) == 1
    # the correction is a draft: its copy of the unknown clip can be measured
    copy = next(v.id for v in demo_store.read(attachments_of, correction)
                if v.original_name == "bodycam.mkv")
    demo_store.write_now(set_attachment_duration, copy, 60_000)
    cap = demo_store.read(video_cap, enrolment_id)
    assert cap.total.known_ms == 300_000 and cap.total.unknown == ()


def test_the_catalogue_says_the_cap_in_words():
    from app.catalogue.browse import rule_in_words
    assert rule_in_words("allowed", "Ot", None, 10, "minutes of video clips in total") == \
        "Other evidence may be used for the whole unit: at most 10 minutes of video clips in total."
