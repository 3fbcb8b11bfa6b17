"""The centre's file store and its routes, wired to the sync server: where the files live
(`files/` in the server's data folder), who is calling (the device token check every sync
request passes) and who may fetch a file (a device that may see a record using it).

Kept apart from routes.py so the routes stay testable on their own, over any FileStore.
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select

from app.models.evidence import Attachment, EvidenceRecord
from app.transfer.sync_step import CENTRE_FILES
from server.auth import device_handing_in
from server.database import CentreDatabase
from server.files.routes import files_router
from server.files.store import KEEP_PARTIAL, FolderFileStore
from server.permissions import may_see

FILES_PATH = CENTRE_FILES


def centre_files(centre: CentreDatabase, keep_partial: float = KEEP_PARTIAL) -> FolderFileStore:
    return FolderFileStore(centre.data_dir / "files", keep_partial=keep_partial)


def _device_id(request: Request) -> str:
    """A revoked laptop may still upload what it holds (its evidence must not be lost with
    it); `may_read` keeps every file from it."""
    return device_handing_in(request).id


def centre_files_router(centre: CentreDatabase, keep_partial: float = KEEP_PARTIAL) -> APIRouter:
    def may_read(device_id: str, sha256: str) -> bool:
        """A file is fetched only by a laptop that may see a record using it: content
        addressing must not let anyone with a hash read a learner's evidence."""
        from server.models import SyncDevice
        from server.auth import CallingDevice
        from app.models import StaffMember
        with centre.reading() as session:
            dev = session.get(SyncDevice, device_id)
            if dev is None or dev.revoked_at is not None:
                return False
            staff = session.get(StaffMember, dev.staff_id)
            device = CallingDevice(dev.id, dev.staff_id, staff.role if staff else "", dev.name)
            learners = session.scalars(
                select(EvidenceRecord.learner_id).join(
                    Attachment, Attachment.record_id == EvidenceRecord.id)
                .where(Attachment.sha256 == sha256).distinct())
            return any(may_see(session, device, learner) for learner in learners)

    return files_router(centre_files(centre, keep_partial), device_of=_device_id, may_read=may_read,
                        prefix=FILES_PATH)


__all__ = ["centre_files", "centre_files_router", "FILES_PATH"]
