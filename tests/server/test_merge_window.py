"""A learner made twice, as the assessor meets it in the window (issue 13): the needs-
attention item opens the two records side by side, the assessor picks whose details to
keep and presses Merge; the item goes away, the caseload lists the learner once, and the
next sync leaves nothing for attention."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.caseload.profile import set_up
from app.models import Learner
from app.sync.attention import open_items
from app.sync.engine import run_sync
from tests.server.sync_helpers import enrolled
from tests.server.test_same_learner_twice import ULN, _amelia
from ui.main_window import MainWindow
from ui.sync.merge_dialog import ROWS


def test_the_attention_item_opens_the_merge_and_the_learner_is_one_again(qtbot, centre, laptops):
    one, two = laptops("one"), laptops("two")
    two.write_now(set_up, "Sam Patel", "assessor", "Riverside Training", "RT1")
    sam = enrolled(one, centre, "Sam Patel")
    enrolled(two, centre, "Sam Patel", staff_id=sam)
    one.write_now(_amelia, "Till drawer count")
    mine = two.write_now(_amelia, "Greeting customers")
    run_sync(one)
    run_sync(two)

    window = MainWindow(two)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 2, timeout=10000)
    dialog = window.attention_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=5000)
    assert dialog.list.item(0).text().endswith(
        f"Amelia Hughes (ULN {ULN}) is on this laptop twice: merge them")
    assert dialog.merge_button.isVisible() and not dialog.read_button.isVisible()

    merge = dialog.open_merge(dialog.items[0].id)
    qtbot.addWidget(merge)
    merge.show()
    qtbot.waitUntil(lambda: len(merge.sides) == 2, timeout=5000)
    names = [merge.table.verticalHeaderItem(r).text() for r in range(merge.table.rowCount())]
    assert names == [name for name, _ in ROWS]
    assert merge.table.item(0, 0).text() == merge.table.item(0, 1).text() == "Amelia Hughes"
    at_centre = [merge.table.item(len(ROWS) - 1, c).text() for c in range(2)]
    assert sorted(a.split(":")[0] for a in at_centre) == ["no", "yes"]
    assert not merge.merge_button.isEnabled()          # nothing is merged until one is picked
    window.grab().save(str(centre.data_dir.parent / "merge-window.png"))
    mine_column = [s.id for s in merge.sides].index(mine["learner"])
    merge.radios[mine_column].click()
    qtbot.mouseClick(merge.merge_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: merge.outcome is not None, timeout=5000)
    assert merge.outcome.merged_id == mine["learner"]  # the centre's record survives
    qtbot.waitUntil(lambda: dialog.reason.text() == "Nothing needs attention.", timeout=5000)
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 1, timeout=10000)

    assert run_sync(two).rejected == 0 and not two.read(open_items)
    assert two.read(lambda s: s.get(Learner, mine["learner"]).merged_into_id) \
        == merge.outcome.kept_id
    window.close()
