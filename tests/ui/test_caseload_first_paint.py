"""At start-up the caseload paints the learners' names before their progress (counted once
for every learner, a third of a second at 300 learners): "…" in the progress column, then
the figures; a names-only answer arriving after the full one never replaces it."""
from __future__ import annotations

from app.caseload.queries import caseload_rows
from ui.caseload_panel import _progress_text
from ui.main_window import MainWindow


def test_names_first_then_progress_and_never_back(qtbot, demo_store):
    rows = demo_store.read(caseload_rows, "", None, None, None, False)
    assert rows and not any(r.progress_known for r in rows)
    win = MainWindow(demo_store)
    qtbot.addWidget(win)
    model = win.caseload.model
    qtbot.waitUntil(lambda: model.rowCount() == 12 and all(r.progress_known for r in model.rows),
                    timeout=5000)
    full = {r.learner_id: r.progress_percent for r in model.rows}
    assert any(full.values())
    panel = win.caseload
    panel._show_rows(rows, panel._generation, final=False)       # late names-only answer
    assert all(r.progress_known for r in model.rows)
    assert {r.learner_id: r.progress_percent for r in model.rows} == full
    assert _progress_text(rows[0]).startswith("…")                  # what names-only shows
    assert "%" in _progress_text(model.rows[0])
    win.close()
