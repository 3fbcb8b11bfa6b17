"""Per record, in the learner's evidence list: before the laptop is connected nothing is
said; connected, each record says it is waiting to go to the centre until a sync has taken
it, all of it (its ACs, files and signatures too), and then that it is at the centre."""
from __future__ import annotations

from app.caseload.demo import load_demo_caseload
from app.evidence.records import create_record
from app.sync.record_states import AT_CENTRE, WAITING
from tests.server.sync_helpers import enrolled
from tests.server.test_files_over_sync import amelia
from ui.main_window import MainWindow


def _lines(window) -> list[str]:
    records = window.page.evidence.list
    return [records.item(i).text().splitlines()[-1] for i in range(records.count())]


def test_each_record_says_whether_it_is_at_the_centre(qtbot, centre, laptops):
    laptop = laptops("assessor")
    laptop.write_now(load_demo_caseload)
    learner, enrolment_id = laptop.read(amelia)
    window = MainWindow(laptop)
    qtbot.addWidget(window)
    window.show()
    window.open_learner(learner.id)
    qtbot.waitUntil(lambda: window.page.evidence.list.count() > 0, timeout=10_000)
    assert not any(WAITING in line or AT_CENTRE in line for line in _lines(window))

    enrolled(laptop, centre, "Sam Patel")
    window.refresh_status()   # else Sync now, still believing it unconnected, offers to connect
    qtbot.waitUntil(lambda: "Connected to" in window.sync_area.headline.text(), timeout=10_000)
    window.page.evidence.refresh()
    assert all(line.endswith(f" · {WAITING}") for line in _lines(window)), _lines(window)

    window.sync_area.sync_now()
    qtbot.waitUntil(lambda: window.sync_area.last_result.startswith("Synced:"), timeout=90_000)
    qtbot.waitUntil(lambda: all(line.endswith(f" · {AT_CENTRE}") for line in _lines(window)),
                    timeout=10_000)

    record_id = laptop.write_now(create_record, enrolment_id, "PD", title="Complaints")
    window.page.evidence.refresh()
    window.page.evidence.select_record(record_id)
    lines = _lines(window)
    assert lines.count(next(line for line in lines if line.endswith(WAITING))) == 1
    assert sum(line.endswith(AT_CENTRE) for line in lines) == len(lines) - 1
