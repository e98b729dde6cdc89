"""Stations upload dock bundles: `PUT /api/v1/bundles/{name}` with a tar of the bundle's folder."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Request, Response, status
from starlette.concurrency import run_in_threadpool

from api.deps import CallerDep, RuntimeDep
from bodycam_guard.domain.errors import BundleRejectedError, DuplicateNameError, InputError
from bodycam_guard.services.receive_bundle import IntakeFolders, check_bundle_name, receive_bundle

router = APIRouter(prefix="/api/v1/bundles", tags=["bundles"])


@router.put("/{name}", status_code=status.HTTP_201_CREATED)
async def upload(
    name: str, request: Request, runtime: RuntimeDep, caller: CallerDep, response: Response
) -> dict[str, object]:
    """Store the streamed tar on disk (never whole in memory), check it, land it in the inbox."""
    settings = runtime.settings
    folders = IntakeFolders(
        staging=settings.home / "staging", inbox=settings.inbox, quarantine=settings.quarantine
    )
    try:
        check_bundle_name(name)
        folders.staging.mkdir(parents=True, exist_ok=True)
        archive = folders.staging / f"{name}.{uuid.uuid4().hex}.tar.partial"
        try:
            with archive.open("wb") as out:
                async for chunk in request.stream():
                    out.write(chunk)
            received = await run_in_threadpool(
                receive_bundle,
                name,
                archive,
                caller.principal,
                folders=folders,
                uow=runtime.uow,
                clock=runtime.clock,
            )
        finally:
            archive.unlink(missing_ok=True)
    except BundleRejectedError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, exc.diagnostics()) from exc
    except InputError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    except DuplicateNameError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    if not received.queued:
        response.status_code = status.HTTP_200_OK
    return {"bundle": received.name, "status": "queued" if received.queued else "already received"}
