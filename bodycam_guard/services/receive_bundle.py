"""Use case: a station uploads a bundle over HTTP; it lands in the inbox whole, or not at all.

The upload is checked as the inbox daemon checks bundles (manifest, paths, log).
A valid bundle is renamed into the inbox in one step, so the daemon never sees
half of it; an invalid one goes whole to quarantine with its reason, and the
station is told why. Uploading the same bundle again changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from bodycam_guard.adapters.bundle_folder import open_bundle, quarantine
from bodycam_guard.adapters.bundle_tar import unpack_bundle_tar
from bodycam_guard.domain.accounts import AccessDeniedError, Principal, Role
from bodycam_guard.domain.device_log import LogProblemsError, parse_device_log
from bodycam_guard.domain.errors import BundleRejectedError, DuplicateNameError, InputError
from bodycam_guard.domain.manifest import MANIFEST_NAME
from bodycam_guard.services.ports import Clock, UnitOfWorkFactory

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


@dataclass(frozen=True, slots=True)
class ReceivedBundle:
    """What became of an upload: queued in the inbox, or already there / already ingested."""

    name: str
    queued: bool


@dataclass(frozen=True, slots=True)
class IntakeFolders:
    """Where uploads are staged, land, and go when rejected (all under the home)."""

    staging: Path
    inbox: Path
    quarantine: Path


def check_bundle_name(name: str) -> str:
    """A bundle name usable as a folder name; InputError otherwise."""
    if not _NAME.match(name):
        raise InputError(
            f"expected letters, digits, '.', '_' or '-' (e.g. KZ-AST-0042_20261124T180512Z), "
            f"found {name!r}",
            file="PUT /api/v1/bundles/{name}",
            field="name",
        )
    return name


def receive_bundle(
    name: str,
    archive: Path,
    caller: Principal,
    *,
    folders: IntakeFolders,
    uow: UnitOfWorkFactory,
    clock: Clock,
) -> ReceivedBundle:
    """Check an uploaded tar of a bundle and land it in the inbox atomically."""
    if caller.role not in (Role.STATION, Role.ADMIN) or caller.is_user:
        raise AccessDeniedError("only stations (and admins) upload bundles, with a bearer token")
    check_bundle_name(name)
    workdir = folders.staging / f"{name}.{uuid.uuid4().hex}"
    workdir.mkdir(parents=True)
    try:
        root = unpack_bundle_tar(archive, workdir, name=name)
        if not (root / MANIFEST_NAME).is_file():
            raise InputError(
                "the upload holds no manifest.json: the bundle is incomplete", file=f"{name}.tar"
            )
        manifest_bytes = (root / MANIFEST_NAME).read_bytes()
        landed = folders.inbox / name
        if landed.exists():
            if (landed / MANIFEST_NAME).read_bytes() == manifest_bytes:
                return ReceivedBundle(name=name, queued=False)
            raise DuplicateNameError(f"a different bundle named {name!r} is already in the inbox")
        with uow() as work:
            if work.bundles.is_ingested(hashlib.sha256(manifest_bytes).hexdigest()):
                return ReceivedBundle(name=name, queued=False)
        _check_like_the_inbox(root, name, folders, clock)
        folders.inbox.mkdir(parents=True, exist_ok=True)
        root.rename(landed)
        return ReceivedBundle(name=name, queued=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _check_like_the_inbox(root: Path, name: str, folders: IntakeFolders, clock: Clock) -> None:
    """Validate as the daemon would; a rejected upload is quarantined whole, as from the inbox."""
    try:
        bundle = open_bundle(root)
        log = bundle.path_of(bundle.manifest.log.path).read_bytes()
        try:
            parse_device_log(log, file=bundle.manifest.log.path)
        except LogProblemsError as exc:
            raise BundleRejectedError(name, exc.problems) from exc
    except BundleRejectedError as exc:
        named = root.with_name(name) if root.name != name else root
        if named != root:
            root.rename(named)
        quarantine(named, folders.quarantine, exc.diagnostics(), clock())
        raise
