"""The window's "Save as PDF…" leaves no PDF the audit trail does not know about: the file is
staged beside its target, the export noted, and only then put in place (as the command line
does). A database that refuses the audit entry (here a trigger, as a damaged or full database
would refuse it) must leave neither the PDF nor its staging file behind."""
from __future__ import annotations

import sqlite3

from PySide6.QtWidgets import QWidget
from sqlalchemy import func, select

from app.models import AuditEvent, Learner
from ui.bridge import Bridge
from ui.claims.printing import Paperwork


def _amelia(session):
    return session.scalars(select(Learner.id).where(Learner.family_name == "Hughes")).first()


def _exports(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "exported")) or 0


def test_a_pdf_the_audit_trail_refused_is_not_left_behind(qtbot, demo_store, tmp_path):
    learner_id = demo_store.read(_amelia)
    widget = QWidget()
    qtbot.addWidget(widget)
    paperwork = Paperwork(Bridge(demo_store), widget)
    said: list[str] = []
    paperwork.status.connect(said.append)
    out = tmp_path / "out"
    out.mkdir()
    before = demo_store.read(_exports)

    con = sqlite3.connect(demo_store.db_path)
    con.execute("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit trail refused'); END")
    con.commit()
    try:
        paperwork.save_as(learner_id, "Amelia Hughes", "matrix", path=str(out / "matrix.pdf"))
        qtbot.waitUntil(lambda: any("was not saved" in s for s in said), timeout=20000)
    finally:
        con.execute("DROP TRIGGER refuse_audit")
        con.commit()
        con.close()
    assert list(out.iterdir()) == []           # neither the PDF nor a staging file
    assert demo_store.read(_exports) == before

    paperwork.save_as(learner_id, "Amelia Hughes", "matrix", path=str(out / "matrix.pdf"))
    qtbot.waitUntil(lambda: any(s.startswith("✔ Saved") for s in said), timeout=20000)
    assert [p.name for p in out.iterdir()] == ["matrix.pdf"]
    assert (out / "matrix.pdf").read_bytes().startswith(b"%PDF")
    assert demo_store.read(_exports) == before + 1
