"""The caseload's progress column, kept between reads: computed for every learner once, then
only for the learners a write has touched since.

Why: the column counts every met criterion of every learner, a scan of every mapping (180,000
on an IQA's laptop of 300 learners), and the caseload list is read again after every save.
Issue 15 asked for the list under 100 ms at 300 learners; the scan alone took four times that.

What keeps it right:
- Every committed write reports the learners it touched (app/db/changes.py), through the
  store's `on_changes`, local edits and rows pulled by sync alike: their entries are dropped
  and recomputed at the next read. A catalogue change (a pack loaded or imported), or a
  write of rows that belong to no learner (such as the signing policy), drops all.
- A read takes the generation before its first query; if a write's report arrives while it
  computes, what it computed is returned but not kept (it may predate that write).
- Another process writing the same folder (the command line beside the window) is not heard:
  every entry is recomputed when it is older than `MAX_AGE` seconds, so such a change shows
  within a minute, as it would after the caseload is next refreshed.
A session that does not come from a Store (`session.info["store"]`) gets no cache: the full
computation, as before.
"""
from __future__ import annotations

import threading
import time

from sqlalchemy.orm import Session

from app.db.changes import Changes
from app.evidence.progress import CaseloadProgress, caseload_progress

MAX_AGE = 60.0
_ATTRIBUTE = "_caseload_progress_cache"
_made = threading.Lock()


class CaseloadProgressCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # learner id -> (when computed, progress or None for a learner with none)
        self._entries: dict[str, tuple[float, CaseloadProgress | None]] = {}
        self._generation = 0

    def forget(self, changes: Changes) -> None:
        """Called on the writer thread after each commit that changed synced rows."""
        with self._lock:
            self._generation += 1
            # A pack loaded, or rows that belong to no learner (the centre's signing policy,
            # which decides when a correction counts): any learner's figure may move.
            if changes.catalogue or (changes.rows and not changes.learners):
                self._entries.clear()
            for learner_id in changes.learners:
                self._entries.pop(learner_id, None)

    def clear(self) -> None:
        """Forget every learner (the benchmark's first read; nothing else needs it)."""
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def generation(self) -> int:
        with self._lock:
            return self._generation

    def progress(self, session: Session, learner_ids: list[str],
                 generation: int) -> dict[str, CaseloadProgress]:
        """Progress of these learners; `generation` as read before the session's first
        query."""
        now = time.monotonic()
        with self._lock:
            known = {l: e for l in learner_ids if (e := self._entries.get(l)) is not None
                     and now - e[0] < MAX_AGE}
        missing = [l for l in learner_ids if l not in known]
        fresh: dict[str, CaseloadProgress] = {}
        if missing:
            # Many missing (the first read, or after a minute): one pass over everything
            # costs less than a long IN list.
            fresh = caseload_progress(session, missing if len(missing) <= 20 else None)
            with self._lock:
                if self._generation == generation:
                    for learner_id in missing:
                        self._entries[learner_id] = (now, fresh.get(learner_id))
        out = {l: p for l, (_, p) in known.items() if p is not None}
        out.update({l: fresh[l] for l in missing if l in fresh})
        return out


def cache_for(session: Session) -> CaseloadProgressCache | None:
    """The cache of the store this session reads from, made (and told of changes) once."""
    store = session.info.get("store")
    if store is None:
        return None
    with _made:
        cache = getattr(store, _ATTRIBUTE, None)
        if cache is None:
            cache = CaseloadProgressCache()
            store.on_changes(cache.forget)
            setattr(store, _ATTRIBUTE, cache)
    return cache
