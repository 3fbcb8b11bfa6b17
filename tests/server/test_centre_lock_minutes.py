"""The centre sets how many idle minutes before every laptop locks (issue 17): the admin's
`server-admin lock-minutes N` reaches a laptop at its next sync (the quick one too) and wins
over the laptop's own number; cleared, the laptop's own applies again. In the window the
running lock follows at once and Help → About says who set it."""
from __future__ import annotations

import subprocess
import sys

from PySide6.QtCore import Qt

from app.safekeeping.lock_policy import lock_rule, set_idle_minutes
from app.sync.engine import run_sync
from tests.server.centre_process import ROOT
from tests.server.sync_helpers import enrolled
from ui.lock.idle_lock import IdleLock
from ui.main_window import MainWindow


def _admin(centre, *args):
    cmd = [sys.executable, str(ROOT / "main.py"), "server-admin", "--data-dir",
           str(centre.data_dir)]
    if centre.database_url:
        cmd += ["--database-url", centre.database_url]
    done = subprocess.run(cmd + list(args), cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_centres_lock_minutes_win_and_can_be_handed_back(centre, laptops):
    laptop = laptops("a")
    laptop.write_now(set_idle_minutes, 30)
    enrolled(laptop, centre, "Sam Patel")
    run_sync(laptop)
    assert laptop.read(lock_rule) == (30, False)        # the centre has set none
    assert "lock after 2 idle minutes" in _admin(centre, "lock-minutes", "2")
    run_sync(laptop)
    assert laptop.read(lock_rule) == (2, True)
    _admin(centre, "lock-minutes", "3")
    run_sync(laptop)                                      # nothing to do: the one question
    assert laptop.read(lock_rule) == (3, True)
    laptop.write_now(set_idle_minutes, 45)               # the laptop's own does not win
    assert laptop.read(lock_rule) == (3, True)
    assert "each laptop uses its own" in _admin(centre, "lock-minutes", "--clear")
    run_sync(laptop)
    assert laptop.read(lock_rule) == (45, False)


def test_the_window_locks_on_the_centres_minutes_and_says_so(qtbot, centre, encrypted_store):
    _admin(centre, "centre-name", "Riverside Training")
    enrolled(encrypted_store, centre, "Sam Patel")
    window = MainWindow(encrypted_store)
    qtbot.addWidget(window)
    window.idle_lock = IdleLock(encrypted_store.data_dir, 5, window)
    window.show()
    _admin(centre, "lock-minutes", "2")
    area = window.sync_area
    qtbot.waitUntil(lambda: area.sync_button.isVisible(), timeout=5000)
    qtbot.mouseClick(area.sync_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.idle_lock.minutes == 2, timeout=60000)
    assert window.idle_lock.timer.interval() == 2 * 60_000 and window.idle_lock.timer.isActive()
    about = window.open_about()
    qtbot.addWidget(about)
    text = about.lock_label.text()
    assert about.lock_label.isVisible()
    assert "Locks after 2 minutes" in text and "set by Riverside Training" in text, text
    window.idle_lock.stop()
