"""Use case: a stored media file for the browser, if the caller may see that duty's footage."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bodycam_guard.domain.accounts import NotVisibleError, Principal
from bodycam_guard.services.ports import BlobStore
from bodycam_guard.services.supervision_ports import SupervisionUnitOfWorkFactory

_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class Footage:
    """A stored file to serve: where it is, what the camera named it, and its media type."""

    path: Path
    name: str
    media_type: str


def footage(
    sha256: str, caller: Principal, *, uow: SupervisionUnitOfWorkFactory, blobs: BlobStore
) -> Footage:
    """The read-only stored file with this hash; NotVisibleError if unknown or out of scope."""
    caller.require_reader()
    if len(sha256) != 64 or not set(sha256) <= _HEX:
        raise NotVisibleError(f"expected a lowercase SHA-256, found {sha256!r}")
    with uow() as work:
        recorded = work.queue.footage_name(sha256, caller.visible_units())
    path = blobs.path_of(sha256)
    if recorded is None or not path.is_file():
        raise NotVisibleError(f"expected stored footage {sha256}, found none you may see")
    name = PurePosixPath(recorded).name
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Footage(path=path, name=name, media_type=media_type)
