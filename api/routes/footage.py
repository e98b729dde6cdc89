"""Footage for the browser's <video>: the stored, read-only file, with HTTP Range requests."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.deps import CallerDep, RuntimeDep
from bodycam_guard.services.footage import footage

router = APIRouter(prefix="/api/v1/footage", tags=["footage"])


@router.get("/{sha256}", response_class=FileResponse)
def stored_footage(sha256: str, runtime: RuntimeDep, caller: CallerDep) -> FileResponse:
    """The file with this SHA-256 (206 for a Range); 404 if absent or not the caller's to see."""
    found = footage(sha256, caller.principal, uow=runtime.uow, blobs=runtime.blobs)
    # Content-addressed: the bytes behind a hash never change, so the hash is the ETag.
    return FileResponse(
        found.path,
        media_type=found.media_type,
        filename=found.name,
        content_disposition_type="inline",
        headers={"Cache-Control": "private, max-age=86400, immutable", "ETag": f'"{sha256}"'},
    )
