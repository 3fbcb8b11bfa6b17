"""Full-text search over the text of every assessment criterion in the catalogue.

The index is the FTS5 table `fts_criterion` (made by migration 0003, filled by the
`catalogue_criterion_indexed` trigger as ACs are loaded). `search_criteria` is the function
an assessor's search box calls and the one bench/ times: it must answer within 100 ms
across all shipped packs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

MARK_START, MARK_END = "\x02", "\x03"  # around matched words in `highlighted`


@dataclass(frozen=True)
class CriterionHit:
    ac_id: str
    number: str
    text: str
    highlighted: str          # text with matches between MARK_START and MARK_END
    lo_number: str
    lo_title: str
    unit_id: str
    unit_number: str
    unit_title: str
    unit_reference: str | None
    qualification_id: str | None
    qualification_title: str
    pack_id: str


_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(typed: str) -> str:
    """What a person typed -> an FTS5 query: every word must appear, each as a prefix
    ("feedb" finds "feedback"). Quoting each word means punctuation, AND/OR/NEAR or a
    stray quote in the box can never make the query a syntax error."""
    words = _WORD.findall(typed)
    return " ".join(f'"{w}"*' for w in words)


def search_criteria(session: Session, typed: str, limit: int = 100) -> list[CriterionHit]:
    query = fts_query(typed)
    if not query:
        return []
    rows = session.execute(text(f"""
        SELECT f.ac_id,
               highlight(fts_criterion, 0, '{MARK_START}', '{MARK_END}') AS marked,
               ac.number, ac.text, lo.number, lo.title, u.id, u.number, u.title, u.reference,
               (SELECT q.id FROM qualification_unit qu JOIN qualification q
                  ON q.id = qu.qualification_id WHERE qu.unit_id = u.id
                  ORDER BY q.sort_order LIMIT 1) AS qid,
               (SELECT q.title FROM qualification_unit qu JOIN qualification q
                  ON q.id = qu.qualification_id WHERE qu.unit_id = u.id
                  ORDER BY q.sort_order LIMIT 1) AS qtitle,
               sp.pack_id, sp.document_title
        FROM fts_criterion f
        JOIN assessment_criterion ac ON ac.id = f.ac_id
        JOIN learning_outcome lo ON lo.id = ac.lo_id
        JOIN unit u ON u.id = ac.unit_id
        JOIN spec_pack sp ON sp.id = u.pack_row_id
        WHERE fts_criterion MATCH :q
        ORDER BY bm25(fts_criterion), sp.pack_id, u.sort_order, lo.sort_order, ac.sort_order
        LIMIT :limit"""), {"q": query, "limit": limit}).all()
    return [CriterionHit(
        ac_id=r[0], highlighted=r[1], number=r[2], text=r[3], lo_number=r[4], lo_title=r[5],
        unit_id=r[6], unit_number=r[7], unit_title=r[8], unit_reference=r[9],
        qualification_id=r[10], qualification_title=r[11] or r[13] or r[12], pack_id=r[12])
        for r in rows]


def refill_if_stale(session: Session) -> bool:
    """Rebuild the index from the catalogue rows if it does not hold exactly one entry per
    AC (a database restored from an older backup, an index lost in some future table
    rebuild). Cheap when all is well: two counts. Returns whether it rebuilt."""
    indexed = session.execute(text("SELECT count(*) FROM fts_criterion")).scalar_one()
    criteria = session.execute(text("SELECT count(*) FROM assessment_criterion")).scalar_one()
    if indexed == criteria:
        return False
    session.execute(text("DELETE FROM fts_criterion"))
    session.execute(text(
        "INSERT INTO fts_criterion (text, ac_id) SELECT text, id FROM assessment_criterion"))
    return True
