"""`fieldfolio verify-page`: a claim pack checked page by page from its PDF and from a
150 dpi scan of it, a code typed from a footer, a made-up code, and a page whose record
was corrected since it was printed."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.claims.paperwork import claim_pack_data
from app.claims.print import pdf_for
from app.claims.sample_portfolio import build_claim_ready_learner, sign_fully
from app.documents.style import fingerprint
from app.signing.amend import amend
from app.signing.page_check import check_code

ROOT = Path(__file__).resolve().parents[2]


def fieldfolio(data_dir, *args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir),
                           *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.fixture
def printed(demo_store, tmp_path):
    ids = demo_store.write_now(lambda s: build_claim_ready_learner(s, units=1, records=2))
    pdf = tmp_path / "claim-pack.pdf"
    pdf.write_bytes(pdf_for(demo_store.read(claim_pack_data, ids["claim_id"])))
    return demo_store, ids, pdf


def test_every_signed_page_of_a_claim_pack_pdf_matches(printed):
    store, ids, pdf = printed
    result = fieldfolio(store.data_dir, "verify-page", str(pdf))
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "DOES NOT MATCH" not in out
    assert out.count("matches") >= 4
    assert "Claim to competence CLAIM-001" in out and "Unit sign-off UNIT" in out
    assert "Observation OBS-001" in out and "(learner)" in out and "(assessor)" in out
    assert "Current: the record is as it was signed." in out


def test_a_150_dpi_scan_is_checked_from_its_qr_codes(printed, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler's pdftoppm is not installed")
    store, ids, pdf = printed
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "2", "-l", "2", str(pdf),
                    str(tmp_path / "scan")], check=True)
    (scan,) = tmp_path.glob("scan*.png")
    result = fieldfolio(store.data_dir, "verify-page", str(scan))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "code 1: matches" in result.stdout and "Claim to competence" in result.stdout


def test_a_typed_fingerprint_a_made_up_one_and_a_corrected_record(printed):
    store, ids, pdf = printed

    def first_record(session):
        from sqlalchemy import select

        from app.models import EvidenceRecord, Signature
        record = session.scalars(select(EvidenceRecord).where(
            EvidenceRecord.enrolment_id == ids["enrolment_id"])
            .order_by(EvidenceRecord.portfolio_ref)).first()
        sig = session.scalars(select(Signature).where(Signature.record_id == record.id)).first()
        return record.id, record.portfolio_ref, sig.content_hash
    record_id, ref, digest = store.read(first_record)
    typed = f"{ref} {fingerprint(digest)}"
    check = store.read(check_code, typed)
    assert check.ok and check.standing.startswith("Current")
    made_up = store.read(check_code, f"{ref} 0000 1111 2222")
    assert not made_up.ok and "does not match anything signed" in made_up.problem
    result = fieldfolio(store.data_dir, "verify-page", f"{ref} 0000 1111 2222")
    assert result.returncode == 1 and "DOES NOT MATCH" in result.stdout
    unsigned = store.read(check_code, f"FIELDFOLIO:{ref}:UNSIGNED")
    assert not unsigned.ok and "proves nothing" in unsigned.problem
    # Corrected since it was printed: the page no longer counts once the correction is signed.
    new_id = store.write_now(amend, record_id, "The date was wrong")
    assert "not yet signed" in store.read(check_code, typed).standing
    store.write_now(sign_fully, "evidence_record", new_id, "A Learner", "Alex Morgan")
    standing = store.read(check_code, typed).standing
    assert standing.startswith("Superseded by a correction") and "The date was wrong" in standing
    assert "not yet signed" not in standing


def test_check_a_printed_page_from_the_tools_menu(qtbot, printed, tmp_path):
    """The window's Tools → Check a printed page…: a code typed, then the PDF opened."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow
    from ui.signing.page_check_dialog import PageCheckDialog
    store, ids, pdf = printed
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    action = next(a for a in window.menus["tools"].actions() if a.objectName() == "act_check_page")
    assert action.text() == "Check a printed page…"
    action.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PageCheckDialog))
    qtbot.keyClicks(dialog.code, "OBS-001 0000 1111 2222")
    qtbot.keyClick(dialog.code, Qt.Key_Return)
    qtbot.waitUntil(lambda: dialog.results.count() == 1, timeout=10000)
    assert "do NOT match" in dialog.verdict.text()
    assert "does not match anything signed" in dialog.results.item(0).text()
    dialog.check(str(pdf))
    qtbot.waitUntil(lambda: "match what was signed" in dialog.verdict.text(), timeout=20000)
    texts = [dialog.results.item(i).text() for i in range(dialog.results.count())]
    assert any(t.startswith("✓ claim-pack.pdf page 2: Claim to competence") for t in texts)
    assert not any(t.startswith("✗") for t in texts)
    dialog.close()
    window.close()


def test_only_the_newest_check_stands(qtbot, printed):
    """A PDF opened and then a code typed before the PDF's answer came: the code's verdict
    stands, not the PDF's arriving after it (reads run on two threads, the PDF's slower)."""
    from ui.main_window import MainWindow
    from ui.signing.page_check_dialog import PageCheckDialog
    store, ids, pdf = printed
    window = MainWindow(store)
    qtbot.addWidget(window)
    dialog = PageCheckDialog(window, window.bridge)
    qtbot.addWidget(dialog)
    dialog.check(str(pdf))
    dialog.check("OBS-001 0000 1111 2222")
    qtbot.waitUntil(lambda: dialog.verdict.text() != "Checking…", timeout=20000)
    qtbot.wait(3000)                      # the PDF's answer has come by now, and was dropped
    assert "do NOT match" in dialog.verdict.text()
    assert dialog.results.count() == 1
    assert "does not match anything signed" in dialog.results.item(0).text()
