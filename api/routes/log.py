"""The transparency log, public by design: checkpoint, C2SP tlog-tiles, RFC 9162 proofs.

Anyone (auditors, mirrors, witnesses) may follow the log; it holds hashes and
leaf records, never footage. No bearer token is asked.
"""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status

from api.deps import RuntimeDep
from api.log_schemas import ConsistencyProofPublic, InclusionProofPublic
from bodycam_guard.domain.errors import InputError, NotFoundError
from bodycam_guard.domain.timestamps import TIMESTAMP_REPLY_TYPE
from bodycam_guard.services import log_reads
from bodycam_guard.services.publish_checkpoint import latest_checkpoint
from bodycam_guard.services.timestamp_checkpoints import checkpoint_timestamp

router = APIRouter(prefix="/api/v1/log", tags=["log"])
_IMMUTABLE = "public, max-age=31536000, immutable"
Count = Annotated[int, Query(ge=0)]


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]


@router.get("/checkpoint", response_class=Response)
def checkpoint(runtime: RuntimeDep) -> Response:
    """The latest signed checkpoint (C2SP signed note), as text/plain."""
    latest = latest_checkpoint(uow=runtime.uow)
    if latest is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no checkpoint published yet")
    return Response(latest.note, media_type="text/plain; charset=utf-8")


@router.get("/checkpoint/timestamp", response_class=Response)
def checkpoint_timestamp_reply(
    runtime: RuntimeDep, size: Annotated[int | None, Query(ge=0)] = None
) -> Response:
    """The RFC 3161 reply (DER TimeStampResp) dating the latest checkpoint, or the one of `size`."""
    reply = checkpoint_timestamp(uow=runtime.uow, size=size)
    if reply is None:
        which = "the latest checkpoint" if size is None else f"the checkpoint of size {size}"
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no timestamp of {which} (yet)")
    return Response(reply, media_type=TIMESTAMP_REPLY_TYPE)


@router.get("/tile/{path:path}", response_class=Response)
def tile(path: str, runtime: RuntimeDep) -> Response:
    """A hash tile or entry bundle; full tiles are immutable and cached for a year."""
    try:
        found = log_reads.read_tile(f"tile/{path}", uow=runtime.uow)
    except InputError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    headers = {"Cache-Control": _IMMUTABLE if found.full else "no-cache"}
    return Response(found.content, media_type="application/octet-stream", headers=headers)


@router.get("/proof/inclusion")
def inclusion(index: Count, size: Count, runtime: RuntimeDep) -> InclusionProofPublic:
    """RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves."""
    try:
        hashes = log_reads.inclusion_proof(index, size, uow=runtime.uow)
    except InputError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
    return InclusionProofPublic(index=index, size=size, hashes=_b64(hashes))


@router.get("/proof/consistency")
def consistency(old: Count, new: Count, runtime: RuntimeDep) -> ConsistencyProofPublic:
    """RFC 9162 consistency proof from the tree of `old` leaves to the tree of `new`."""
    try:
        hashes = log_reads.consistency_proof(old, new, uow=runtime.uow)
    except InputError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
    return ConsistencyProofPublic(old=old, new=new, hashes=_b64(hashes))
