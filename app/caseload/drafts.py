"""Keeping what was typed, valid or not, until it can be saved to the record."""
from __future__ import annotations

import json

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.models import FormDraft


def save_draft(session: Session, form: str, record_id: str, fields: dict) -> None:
    row = session.scalars(select(FormDraft).where(
        FormDraft.form == form, FormDraft.record_id == record_id)).first()
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    if row is None:
        session.add(FormDraft(form=form, record_id=record_id, fields_json=text))
    elif row.fields_json != text:
        row.fields_json, row.saved_at = text, utcnow()


def load_draft(session: Session, form: str, record_id: str) -> dict | None:
    row = session.scalars(select(FormDraft).where(
        FormDraft.form == form, FormDraft.record_id == record_id)).first()
    return json.loads(row.fields_json) if row else None


def clear_draft(session: Session, form: str, record_id: str) -> None:
    session.execute(delete(FormDraft).where(FormDraft.form == form,
                                            FormDraft.record_id == record_id))


def clear_drafts(session: Session, form: str, record_ids) -> None:
    """`clear_draft` for many records in one statement (`record_ids`: a list, or a select of
    ids), e.g. every record of a learner being erased."""
    session.execute(delete(FormDraft).where(FormDraft.form == form,
                                            FormDraft.record_id.in_(record_ids)))


def drafts_for(session: Session, form: str) -> list[tuple[str, dict]]:
    rows = session.scalars(select(FormDraft).where(FormDraft.form == form)
                           .order_by(FormDraft.saved_at.desc()))
    return [(r.record_id, json.loads(r.fields_json)) for r in rows]
