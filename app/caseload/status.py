"""Figures for the status bar."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import OutboxEntry


def changes_waiting_for_sync(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxEntry)) or 0
