"""Shared fixtures. Qt runs offscreen; every test gets its own data folder."""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

# Data folders in tests are plain unless a test gives a passphrase (the `encrypted_store`
# fixture, or FIELDFOLIO_PASSPHRASE set with monkeypatch): a developer's own variable must
# not change what the suite tests, and nothing here ever waits for a typed passphrase.
os.environ.pop("FIELDFOLIO_PASSPHRASE", None)
# No sync starts by itself in a test that did not ask: windows in tests with a centre behind
# them would otherwise race the test's own Sync now (tests/server/test_automatic_sync.py
# drives the automatic one by its tick).
os.environ["FIELDFOLIO_AUTO_SYNC_SECONDS"] = "0"
from tests.safekeeping.safekeeping_helpers import TEST_PASSPHRASE  # noqa: E402

from app.db.store import Store  # noqa: E402

# Every test runs against a private test microphone where the machine can provide one
# (tests/virtual_microphone.py): recording is tested through real Qt Multimedia, and a
# developer's own sound setup is never touched. Set before Qt first looks for devices.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import virtual_microphone  # noqa: E402

MICROPHONE, NO_MICROPHONE = None, "pulseaudio is not installed: no test microphone"
if virtual_microphone.available():
    try:
        MICROPHONE = virtual_microphone.VirtualMicrophone().start()
        os.environ["PULSE_SERVER"] = MICROPHONE.server
        import atexit
        atexit.register(MICROPHONE.stop)
    except (OSError, RuntimeError) as exc:
        NO_MICROPHONE = f"the test microphone could not start ({exc})"


# A test stuck where pytest-timeout's thread cannot run (a deadlock inside Qt's C++ while
# the main thread holds the GIL; seen once in CI, in a test playing a recording) must still
# end the run, with every thread's stack, rather than eat CI's whole budget: faulthandler's
# watchdog is C and needs no GIL. Later than pytest-timeout (600 s), which says more when
# it can; the slowest test takes under a minute alone.
HUNG_AFTER_SECONDS = 900


@pytest.fixture(autouse=True)
def no_test_hangs_for_ever(request):
    import faulthandler

    from _pytest.faulthandler import fault_handler_stderr_fd_key
    where = request.config.stash.get(fault_handler_stderr_fd_key, sys.__stderr__.fileno())
    faulthandler.dump_traceback_later(HUNG_AFTER_SECONDS, exit=True, file=where)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def microphone():
    """The test microphone, playing a tone (set `.loud = False` for silence)."""
    if MICROPHONE is None:
        pytest.skip(NO_MICROPHONE)
    MICROPHONE.loud = True
    yield MICROPHONE
    MICROPHONE.loud = True


@pytest.fixture
def data_dir(tmp_path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def store(data_dir):
    """An opened store on an empty data folder (schema at head, no catalogue loaded)."""
    s = Store(data_dir).open()
    yield s
    s.close()


@pytest.fixture(scope="session")
def catalogue_db(tmp_path_factory) -> Path:
    """A data folder with every shipped pack loaded, built once per run and copied by
    `catalogue_store` (loading five packs per test would dominate the suite's time)."""
    from app.catalogue.loader import load_bundled_packs
    path = tmp_path_factory.mktemp("catalogue") / "data"
    with Store(path) as s:
        s.write_now(load_bundled_packs)
    return path


@pytest.fixture
def catalogue_store(catalogue_db, tmp_path):
    import shutil
    target = tmp_path / "data"
    shutil.copytree(catalogue_db, target)
    s = Store(target).open()
    yield s
    s.close()


@pytest.fixture
def demo_store(catalogue_store):
    """The catalogue plus the demo caseload (12 learners, 4 employers, enrolments)."""
    from app.caseload.demo import load_demo_caseload
    catalogue_store.write_now(load_demo_caseload)
    return catalogue_store


@pytest.fixture(scope="session")
def encrypted_demo_db(tmp_path_factory) -> Path:
    """An encrypted data folder (passphrase TEST_PASSPHRASE) with the catalogue and the demo
    caseload, built once and copied by `encrypted_store`."""
    from app.caseload.demo import load_demo_caseload
    from app.catalogue.loader import load_bundled_packs
    path = tmp_path_factory.mktemp("encrypted") / "data"
    with Store(path, passphrase=TEST_PASSPHRASE) as s:
        s.write_now(load_bundled_packs)
        s.write_now(load_demo_caseload)
    return path


@pytest.fixture
def encrypted_store(encrypted_demo_db, tmp_path):
    import shutil
    target = tmp_path / "data"
    shutil.copytree(encrypted_demo_db, target)
    s = Store(target, passphrase=TEST_PASSPHRASE).open()
    yield s
    s.close()
