"""`fieldfolio pdf LEARNER --what ... --out FILE` writes the same PDFs the window does."""
from __future__ import annotations

import shutil

from pypdf import PdfReader

from app.caseload.demo import load_demo_caseload
from app.claims.sample_portfolio import build_claim_ready_learner
from app.cli import run
from app.db.store import Store
from app.models.signing import AuditEvent


def test_pdf_command_writes_each_document(catalogue_db, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(catalogue_db, data)
    with Store(data) as store:
        store.write_now(load_demo_caseload)
        ids = store.write_now(lambda s: build_claim_ready_learner(s, units=3, records=6))
    for what in ("claim-pack", "matrix", "records"):
        out = tmp_path / f"{what}.pdf"
        assert run(["--data-dir", str(data), "pdf", ids["uln"], "--what", what,
                    "--out", str(out)]) == 0
        text = " ".join(" ".join((p.extract_text() or "").split())
                        for p in PdfReader(out).pages)
        assert ids["uln"] in text
        if what == "claim-pack":
            assert "Claim to competence" in text and "Contents" in text
        if what == "matrix":
            assert "Evidence matrix" in text and "Claim to competence" not in text
        if what == "records":
            assert "Observation record" in text and "Unit achievement summary" in text
    assert "Wrote the records of evidence for" in capsys.readouterr().out
    # By id as well as ULN; an unknown learner is an error with a reason, not a crash.
    assert run(["--data-dir", str(data), "pdf", ids["learner_id"], "--out",
                str(tmp_path / "by-id.pdf")]) == 0
    assert run(["--data-dir", str(data), "pdf", "0000000000", "--out",
                str(tmp_path / "none.pdf")]) == 1
    assert "No learner has the ULN or id '0000000000'" in capsys.readouterr().err
    assert not (tmp_path / "none.pdf").exists()
    with Store(data) as store:
        exported = store.read(lambda s: s.query(AuditEvent).filter(
            AuditEvent.action == "exported").count())
    assert exported == 4
