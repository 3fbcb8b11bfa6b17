"""Run in a fresh process by bench/run.py: start the window and say when it is usable.

    python bench/startup_probe.py app  DATA_DIR EXPECTED_LEARNERS
    python bench/startup_probe.py bare

`app` opens Fieldfolio exactly as `main.py` does (store, shipped packs, main window) and
reports the moment the caseload table holds every learner: the assessor can pick one.
`bare` shows an empty PySide6 main window: the floor any Qt app pays to appear.
Each prints one JSON line: wall-clock time when usable, resident memory then, and resident
memory after a short idle (the app at rest, timers running).
"""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

IDLE_SECONDS = 2.0


def rss_bytes() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def main() -> int:
    mode = sys.argv[1]
    from PySide6.QtCore import QTimer
    report: dict = {}

    if mode == "app":
        data_dir, expected = sys.argv[2], int(sys.argv[3])
        from ui.application import make_app, start_window
        app = make_app()
        store, window = start_window(data_dir)
        window.show()

        def filled() -> bool:
            return window.caseload.model.rowCount() >= expected
    else:
        from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
        app = QApplication(sys.argv)
        store, window = None, QMainWindow()
        window.setCentralWidget(QLabel("Hello"))
        window.resize(1360, 860)
        window.show()

        def filled() -> bool:
            return window.isVisible()

    def finish() -> None:
        report["idle_rss"] = rss_bytes()
        report["peak_rss"] = peak_rss_bytes()
        print(json.dumps(report), flush=True)
        app.quit()

    def poll() -> None:
        if filled():
            report["usable_at"] = time.time()
            report["usable_rss"] = rss_bytes()
            QTimer.singleShot(int(IDLE_SECONDS * 1000), finish)
        else:
            QTimer.singleShot(2, poll)

    QTimer.singleShot(0, poll)
    app.exec()
    if store is not None:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
