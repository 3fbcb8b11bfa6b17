"""The Details form of a learner with signed work shows a change to their name as a problem
beside the field, as it does a mistyped ULN: what was typed stays on the form (and in its
draft, after a restart too), the other fields save, and verify still passes
(app/caseload/name_as_signed.py)."""
from __future__ import annotations

from app.caseload.profile import set_up
from app.models import Learner
from app.signing.integrity import verify_integrity
from ui.main_window import MainWindow


def learner(store, name: str) -> str:
    return store.read(lambda s: next(l.id for l in s.query(Learner) if l.full_name == name))


def type_into(qtbot, widget, text):
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def test_typing_a_new_family_name_for_amelia_shows_why_beside_it(qtbot, demo_store):
    store = demo_store
    store.write_now(set_up, "Alex Morgan", "assessor", "Riverside", "RT1")
    amelia = learner(store, "Amelia Hughes")
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    win.open_learner(amelia)
    form = win.page.form
    type_into(qtbot, form.editors["family_name"], "-Walker")
    form.editors["phone"].clear()
    type_into(qtbot, form.editors["phone"], "07700 900123")
    problem = form.problem_labels["family_name"]
    qtbot.waitUntil(lambda: problem.isVisibleTo(form), timeout=3000)
    assert problem.text().startswith("⚠ Amelia Hughes has signed work under this name")
    assert "the name cannot change here while that work is on file" in problem.text()
    assert not form.problem_labels["given_names"].isVisibleTo(form)
    assert form.editors["family_name"].text() == "Hughes-Walker"    # as typed, kept

    qtbot.waitUntil(lambda: store.read(lambda s: s.get(Learner, amelia).phone)
                    == "07700 900123", timeout=3000)
    assert store.read(lambda s: s.get(Learner, amelia).full_name) == "Amelia Hughes"
    assert win.page.title.text() == "Amelia Hughes"
    assert store.read(verify_integrity).ok

    # Another learner and back: the draft brings the typed name and its problem again.
    win.open_learner(learner(store, "Kwame Mensah"))
    win.open_learner(amelia)
    assert form.editors["family_name"].text() == "Hughes-Walker"
    qtbot.waitUntil(lambda: problem.isVisibleTo(form), timeout=3000)
    win.close()
