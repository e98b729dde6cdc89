"""Unpacking a dock bundle uploaded as a tar stream, refusing anything a bundle cannot hold.

Stations upload a bundle folder as a tar (optionally gzip'd), with or without
the bundle's folder name as the top directory. Only regular files and folders
are accepted, each inside the bundle: absolute names, `..`, links and device
files are refused with an error naming the member.
"""

from __future__ import annotations

import tarfile
from pathlib import Path, PurePosixPath

from bodycam_guard.domain.errors import InputError


def unpack_bundle_tar(archive: Path, into: Path, *, name: str) -> Path:
    """Unpack `archive` under `into`; return the bundle's folder (the top folder `name`, if used)."""
    label = f"{name}.tar"
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            members = tar.getmembers()
            for member in members:
                _check(member, label)
            tar.extractall(into, members=members, filter="data")
    except tarfile.TarError as exc:
        raise InputError(f"not a readable tar archive ({exc})", file=label) from exc
    tops = {PurePosixPath(m.name).parts[0] for m in members if PurePosixPath(m.name).parts}
    return into / name if tops == {name} and (into / name).is_dir() else into


def _check(member: tarfile.TarInfo, label: str) -> None:
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts:
        raise InputError(f"member {member.name!r} would land outside the bundle", file=label)
    if not (member.isfile() or member.isdir()):
        kind = "a link" if member.issym() or member.islnk() else "not a regular file"
        raise InputError(f"member {member.name!r} is {kind}; a bundle holds files only", file=label)
