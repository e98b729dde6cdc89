"""Dock bundles on disk (dock-bundle-v1): finding complete ones, opening them safely, quarantining.

A bundle is complete once its `manifest.json` exists (stations write it last,
by atomic rename). Every path the manifest names must stay inside the bundle:
absolute paths, `..` and symbolic links that lead outside are refused.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bodycam_guard.domain.errors import BundleRejectedError, InputError
from bodycam_guard.domain.manifest import MANIFEST_NAME, Manifest, parse_manifest
from bodycam_guard.domain.rfc3339 import format_rfc3339

_logger = logging.getLogger(__name__)
REJECTED_NAME = "REJECTED.txt"


@dataclass(frozen=True, slots=True)
class BundleFolder:
    """An opened bundle: its manifest (parsed and raw) and the real paths of what it lists."""

    root: Path
    manifest: Manifest
    manifest_bytes: bytes

    @property
    def name(self) -> str:
        """The bundle's folder name (stations use `<device_id>_<docked_at>`)."""
        return self.root.name

    def signature_path(self) -> Path | None:
        """The device's signature over its log (`<log>.sig`), when present inside the bundle."""
        candidate = self.root / f"{self.manifest.log.path}.sig"
        inside = candidate.resolve().is_relative_to(self.root.resolve())
        return candidate if inside and candidate.is_file() else None

    def path_of(self, relative: str) -> Path:
        """The file a manifest path names (already checked to stay inside the bundle)."""
        return self.root / relative


def is_complete(folder: Path) -> bool:
    """Whether the station has finished writing this bundle."""
    return (folder / MANIFEST_NAME).is_file()


def find_bundles(path: Path) -> list[Path]:
    """The complete bundles at `path`: the folder itself, or the bundle folders inside it."""
    if is_complete(path):
        return [path]
    if not path.is_dir():
        return []
    return sorted(child for child in path.iterdir() if child.is_dir() and is_complete(child))


def _inside(root: Path, relative: str, field: str) -> InputError | None:
    target = root / relative
    # The manifest parser already refused absolute paths and '..': a way out can only be a link.
    resolved = target.resolve()
    if not resolved.is_relative_to(root.resolve()):
        return InputError(
            f"{relative!r} is a symbolic link leading outside the bundle (to {resolved})",
            file=MANIFEST_NAME,
            field=field,
        )
    if not target.exists():
        return InputError(
            f"{relative!r} is listed but not in the bundle", file=MANIFEST_NAME, field=field
        )
    if not target.is_file():
        return InputError(f"{relative!r} is not a regular file", file=MANIFEST_NAME, field=field)
    return None


def open_bundle(root: Path) -> BundleFolder:
    """Read and check a bundle's manifest and paths; raise BundleRejectedError listing every problem."""
    name = root.name
    try:
        raw = (root / MANIFEST_NAME).read_bytes()
    except OSError as exc:
        unreadable = InputError(f"cannot be read ({exc.strerror})", file=MANIFEST_NAME)
        raise BundleRejectedError(name, [unreadable]) from exc
    try:
        manifest = parse_manifest(raw)
    except InputError as exc:
        raise BundleRejectedError(name, [exc]) from exc
    problems = [
        problem
        for n, listed in enumerate(manifest.files)
        if (problem := _inside(root, listed.path, f"files[{n}].path")) is not None
    ]
    if (log_problem := _inside(root, manifest.log.path, "log.path")) is not None:
        problems.append(log_problem)
    if problems:
        raise BundleRejectedError(name, problems)
    return BundleFolder(root=root, manifest=manifest, manifest_bytes=raw)


def quarantine(folder: Path, quarantine_root: Path, reason: str, at: datetime) -> Path:
    """Move a rejected bundle whole into quarantine, with REJECTED.txt saying why; nothing is deleted."""
    quarantine_root.mkdir(parents=True, exist_ok=True)
    target = quarantine_root / folder.name
    n = 1
    while target.exists():
        n += 1
        target = quarantine_root / f"{folder.name}.{n}"
    shutil.move(folder, target)
    note = target / REJECTED_NAME
    with note.open("a", encoding="utf-8") as out:
        out.write(f"rejected at {format_rfc3339(at)} by bodycam-guard\n{reason}\n")
    _logger.warning("bundle %s quarantined at %s", folder.name, target)
    return target


def release_ingested(bundle: BundleFolder, unlisted_root: Path) -> Path | None:
    """Clear a stored bundle out of the inbox.

    Only files the manifest lists (all now in the write-once store, hash-checked) and
    the manifest itself are removed. Anything else the station left in the folder is
    moved whole to `unlisted_root`, so nothing is lost; returns where, if anywhere.
    """
    log = bundle.manifest.log.path
    known = {log, f"{log}.sig", *(f.path for f in bundle.manifest.files)}
    for relative in sorted(known):
        (bundle.root / relative).unlink(missing_ok=True)
    leftovers = [p for p in bundle.root.rglob("*") if p.is_file() and p.name != MANIFEST_NAME]
    if leftovers:
        unlisted_root.mkdir(parents=True, exist_ok=True)
        target = unlisted_root / bundle.name
        n = 1
        while target.exists():
            n += 1
            target = unlisted_root / f"{bundle.name}.{n}"
        shutil.move(bundle.root, target)
        _logger.warning("bundle %s: files not in its manifest kept at %s", bundle.name, target)
        return target
    # The manifest goes last: while it exists the folder still reads as a complete bundle.
    (bundle.root / MANIFEST_NAME).unlink(missing_ok=True)
    shutil.rmtree(bundle.root)
    return None
