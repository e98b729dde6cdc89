"""The station's `manifest.json` (dock-bundle-v1): what the bundle holds, with the station's hashes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from bodycam_guard.domain.device_log import LogProblemsError
from bodycam_guard.domain.errors import InputError
from bodycam_guard.domain.rfc3339 import parse_rfc3339

MANIFEST_NAME = "manifest.json"
BUNDLE_FORMAT = "bodycam-bundle/1"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class ListedFile:
    """A file the station says it copied off the camera, with the hash it computed while copying."""

    path: str
    sha256: str
    bytes: int | None


@dataclass(frozen=True, slots=True)
class Manifest:
    """A bundle's manifest: which device, which station, when docked, which files."""

    device_id: str
    station_id: str
    docked_at: datetime
    files: tuple[ListedFile, ...]
    log: ListedFile


def check_bundle_path(path: object, *, field: str) -> str:
    """Return a safe relative `/`-separated path inside the bundle, or raise InputError naming the field."""
    if not isinstance(path, str) or not path:
        raise InputError(
            f"expected a relative path, found {json.dumps(path)}", file=MANIFEST_NAME, field=field
        )
    if "\\" in path or "\x00" in path:
        raise InputError(f"path {path!r} must be '/'-separated", file=MANIFEST_NAME, field=field)
    pure = PurePosixPath(path)
    if pure.is_absolute():
        raise InputError(f"absolute path {path!r} is not allowed", file=MANIFEST_NAME, field=field)
    if ".." in pure.parts:
        raise InputError(f"path {path!r} leaves the bundle ('..')", file=MANIFEST_NAME, field=field)
    if pure.parts and pure.parts[0] == MANIFEST_NAME:
        raise InputError(
            f"path {path!r} names the manifest itself", file=MANIFEST_NAME, field=field
        )
    return str(pure)


def _require(obj: dict[str, Any], name: str, kind: type, where: str) -> Any:
    if name not in obj:
        raise InputError("required field is missing", file=MANIFEST_NAME, field=f"{where}{name}")
    value = obj[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InputError(
            f"expected {kind.__name__}, found {json.dumps(value)[:60]}",
            file=MANIFEST_NAME,
            field=f"{where}{name}",
        )
    return value


def _listed(obj: object, where: str) -> ListedFile:
    if not isinstance(obj, dict):
        raise InputError(
            f"expected an object, found {json.dumps(obj)[:60]}", file=MANIFEST_NAME, field=where
        )
    prefix = f"{where}."
    path = check_bundle_path(_require(obj, "path", str, prefix), field=f"{prefix}path")
    sha = _require(obj, "sha256", str, prefix)
    if not _HEX64.match(sha):
        raise InputError(
            f"expected 64 lower-case hex digits, found {sha!r}",
            file=MANIFEST_NAME,
            field=f"{prefix}sha256",
        )
    size = _require(obj, "bytes", int, prefix) if "bytes" in obj else None
    return ListedFile(path=path, sha256=sha, bytes=size)


def parse_manifest(data: bytes) -> Manifest:
    """Parse and check a manifest; raise InputError naming the field on any problem."""
    try:
        obj = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 ({exc.reason})", file=MANIFEST_NAME) from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON ({exc.msg})", file=MANIFEST_NAME, line=exc.lineno
        ) from exc
    if not isinstance(obj, dict):
        raise InputError(
            f"expected a JSON object, found {json.dumps(obj)[:60]}", file=MANIFEST_NAME
        )
    fmt = _require(obj, "format", str, "")
    if fmt != BUNDLE_FORMAT:
        raise InputError(
            f"expected {BUNDLE_FORMAT!r}, found {fmt!r}", file=MANIFEST_NAME, field="format"
        )
    device_id = _require(obj, "device_id", str, "")
    station_id = _require(obj, "station_id", str, "")
    docked_raw = _require(obj, "docked_at", str, "")
    try:
        docked_at = parse_rfc3339(docked_raw)
    except ValueError as exc:
        raise InputError(str(exc), file=MANIFEST_NAME, field="docked_at") from exc
    if not device_id.strip():
        raise InputError("must not be empty", file=MANIFEST_NAME, field="device_id")
    files_raw = _require(obj, "files", list, "")
    files = tuple(_listed(item, f"files[{n}]") for n, item in enumerate(files_raw))
    log = _listed(_require(obj, "log", dict, ""), "log")
    seen: set[str] = set()
    for n, listed in enumerate((*files, log)):
        if listed.path in seen:
            raise InputError(
                f"path {listed.path!r} is listed twice",
                file=MANIFEST_NAME,
                field=f"files[{n}].path",
            )
        seen.add(listed.path)
    return Manifest(
        device_id=device_id, station_id=station_id, docked_at=docked_at, files=files, log=log
    )


__all__ = [
    "BUNDLE_FORMAT",
    "MANIFEST_NAME",
    "ListedFile",
    "LogProblemsError",
    "Manifest",
    "parse_manifest",
]
