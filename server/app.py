"""The centre's HTTP API: a FastAPI application built around one CentreDatabase.

`create_app` is the factory every entry point uses (the `fieldfolio server` command, tests,
benchmarks). Features add their own routers: `app.include_router(router)` with routes under
app.sync.protocol.API, reaching the database through `centre_database(request)` and the
calling laptop through `server.auth.current_device`.
"""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.sync.protocol import BAD_REQUEST, STATUS_OF
from server.database import CentreDatabase
from server.refusal import Refusal, log


def centre_database(request: Request) -> CentreDatabase:
    return request.app.state.centre


def create_app(centre: CentreDatabase, keep_partial_uploads: float | None = None) -> FastAPI:
    """`keep_partial_uploads`: seconds an unfinished file upload is kept idle (default two
    weeks, server/files/store.py)."""
    from server.routes import enrol, health, packs, sync
    api = FastAPI(title="Fieldfolio centre", docs_url=None, redoc_url=None, openapi_url=None)
    api.state.centre = centre

    @api.exception_handler(Refusal)
    async def _refused(request: Request, exc: Refusal):
        log.warning("refused %s %s: %s (%s)", request.method, request.url.path, exc.error,
                    exc.message)
        return JSONResponse(exc.body(), status_code=exc.status)

    @api.exception_handler(RequestValidationError)
    async def _malformed(request: Request, exc: RequestValidationError):
        message = f"The request was not understood: {exc.errors()[:3]}"
        log.warning("refused %s %s: %s", request.method, request.url.path, message)
        return JSONResponse({"error": BAD_REQUEST, "message": message},
                            status_code=STATUS_OF[BAD_REQUEST])

    from server import revocation  # a revoked laptop's wipe confirmation
    for module in (health, enrol, sync, packs, revocation):
        api.include_router(module.router)
    from server.files.wiring import centre_files_router  # evidence files: tus uploads, Range
    api.include_router(centre_files_router(centre) if keep_partial_uploads is None
                       else centre_files_router(centre, keep_partial_uploads))
    return api


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # uvicorn logs its own configuration over this, but keeps a logger's filters.
    logging.getLogger("uvicorn.error").addFilter(_DamagedDownloadInOneLine())


class _DamagedDownloadInOneLine(logging.Filter):
    """A download of a file found damaged is cut short by an exception in its stream (so
    the laptop never gets a whole damaged file): expected and handled, it is one warning
    line in the centre's log rather than uvicorn's "Exception in ASGI application" and a
    traceback that reads like a crash."""

    def filter(self, record: logging.LogRecord) -> bool:
        from server.files.store import StoredFileDamaged
        exc = record.exc_info[1] if record.exc_info else None
        while len(getattr(exc, "exceptions", ())) == 1:   # an exception group of one
            exc = exc.exceptions[0]
        if isinstance(exc, StoredFileDamaged):
            record.msg, record.args = f"download cut short: {exc}", ()
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
