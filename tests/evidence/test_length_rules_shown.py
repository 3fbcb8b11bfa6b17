"""Length rules are told where the text is typed, before they bite (issue 15): a record's
title shows its limit as the typing nears it and says how far over it is before any save
is refused; a bank question shows its rule from the start (as a withdrawal's reason does)."""
from __future__ import annotations

from app.evidence.question_bank import QUESTION_LIMIT
from app.evidence.records import TITLE_LIMIT, get_record
from evidence_helpers import enrolment_with_rules
from ui.bridge import Bridge
from ui.evidence.bank_question_form import BankQuestionForm
from ui.length_rule import LengthRule
from tests.evidence.window_helpers import evidence_window, new_record


def rule_under(widget) -> LengthRule:
    return next(r for r in widget.window().findChildren(LengthRule) if r.edit is widget)


def test_a_records_title_tells_its_limit_as_the_typing_nears_it(qtbot, demo_store):
    _enrolment, learner_id, *_ = demo_store.read(enrolment_with_rules)
    win = evidence_window(qtbot, demo_store, learner_id)
    panel = win.page.evidence
    record_id = new_record(qtbot, panel, "Obs")
    title = panel.editor.common["title"]
    rule = rule_under(title)
    title.selectAll()
    qtbot.keyClicks(title, "Handling a return")
    assert not rule.isVisible()                       # far from the limit: no counter
    title.setText("x" * (TITLE_LIMIT - 20))
    assert rule.isVisible() and rule.text() == f"{TITLE_LIMIT - 20} of at most {TITLE_LIMIT} characters"
    assert rule.property("role") == "hint"
    title.setText("x" * (TITLE_LIMIT + 7))
    assert rule.text() == f"{TITLE_LIMIT + 7} characters: 7 over the {TITLE_LIMIT} allowed"
    assert rule.property("role") == "problem"
    panel.editor.save_now()                           # the refusal says the same limit
    problem = panel.editor.problems["title"]
    qtbot.waitUntil(problem.isVisible, timeout=5000)
    assert f"at most {TITLE_LIMIT}" in problem.text()
    assert demo_store.read(get_record, record_id).title != "x" * (TITLE_LIMIT + 7)
    win.close()


def test_a_bank_question_shows_its_rule_from_the_start(qtbot, demo_store):
    dialog = BankQuestionForm(None, Bridge(demo_store), [("u1", "Unit 201")], lambda *a: "",
                              heading="New bank question", button_text="Keep it")
    qtbot.addWidget(dialog)
    dialog.show()
    rule = rule_under(dialog.question)
    assert rule.isVisible() and rule.text() == f"0 of at most {QUESTION_LIMIT} characters; required"
    qtbot.keyClicks(dialog.question, "Who are your customers?")
    assert rule.text() == f"23 of at most {QUESTION_LIMIT} characters"
    assert rule.property("role") == "hint"
    dialog.close()
