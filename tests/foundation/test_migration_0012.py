"""Upgrading a portfolio made at schema 0011 to 0012 (pack documents, issue 13): every row
is kept, including a pack imported before, and a pack imported from now on keeps its file
so it can travel to the centre."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from alembic import command
from sqlalchemy import select

from app.catalogue.importer import import_pack_file
from app.catalogue.pack_documents import document_of
from app.db import migrate
from app.db.engine import sqlite_engine
from app.db.store import Store
from app.models import SpecPack

STAMP = "2026-11-05T09:00:00.000000+00:00"
EDI = Path(__file__).resolve().parents[2] / "specs" / "edi-l2-nvq-customer-service.json"


def make_0011_database(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / "fieldfolio.sqlite3"
    engine = sqlite_engine(db, writer=True)
    command.upgrade(migrate.alembic_config(engine), "0011")
    engine.dispose()
    con = sqlite3.connect(db)
    con.execute("INSERT INTO learner (id, given_names, family_name, registration_number, email, "
                "phone, workplace_address, notes, created_at, updated_at, version, device_id) "
                f"VALUES ('l1', 'Amelia', 'Hughes', '', '', '', '', 'keep me', '{STAMP}', "
                f"'{STAMP}', 3, 'd1')")
    con.execute("INSERT INTO spec_pack (id, pack_id, sha256, kind, awarding_body, missing_json, "
                "corrections_json, listed_not_specified_json, loaded_at) VALUES ('p1', "
                f"'imported-before', '{'a' * 64}', 'qualification', 'EDI', '[]', '[]', '[]', "
                f"'{STAMP}')")
    con.commit()
    con.close()
    return db


def test_0011_portfolio_upgrades_and_then_keeps_imported_packs_files(tmp_path):
    db = make_0011_database(tmp_path / "data")
    data = json.loads(EDI.read_text(encoding="utf-8"))
    data["pack_id"], data["source"]["document_version"] = "edi-centre-edition", "Centre 1"
    pack = tmp_path / "centre-edition.json"
    pack.write_text(json.dumps(data), encoding="utf-8")
    with Store(tmp_path / "data") as store:
        assert migrate.current_revision(store.write_engine) == migrate.head_revision()  # 0012 and after
        prepared = import_pack_file(store, pack)
        sha = store.read(lambda s: s.scalars(select(SpecPack.sha256).where(
            SpecPack.pack_id == "edi-centre-edition")).one())
        assert prepared.new
        assert store.read(document_of, sha) == pack.read_bytes()
        assert store.read(document_of, "a" * 64) is None   # imported before: no file kept
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT id, notes, version FROM learner").fetchall() == [
            ("l1", "keep me", 3)]
        assert con.execute("SELECT pack_id FROM spec_pack WHERE id = 'p1'").fetchall() == [
            ("imported-before",)]
    finally:
        con.close()
