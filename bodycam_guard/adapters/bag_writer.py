"""Writes BagIt (RFC 8493) evidence bags: footage under `data/`, proofs under a tag directory.

Payload files are hashed (SHA-256 and SHA-512) while they are copied, in one
pass. The bag is assembled in a temporary sibling directory and renamed into
place, so a bag at `out_dir` is always complete. Names with `%`, backslashes,
control characters, `.`/`..` segments or absolute paths are refused: BagIt
percent-encodes such names in manifests and some validators disagree on them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import shutil
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from bodycam_guard.domain.errors import InputError

_logger = logging.getLogger(__name__)

TAG_DIR = "bodycam-guard"
ALGORITHMS = ("sha256", "sha512")
_CHUNK = 1 << 20
_RESERVED_INFO = frozenset({"Payload-Oxum", "Bagging-Date"})


def _check_name(name: str, what: str) -> str:
    parts = name.split("/")
    if (
        not name
        or name.startswith("/")
        or any(part in {"", ".", ".."} for part in parts)
        or any(ch in name for ch in "%\\")
        or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name)
    ):
        raise InputError(f"expected a plain relative path, found {name!r}", file=what, field="name")
    return name


def _copy_hashing(source: Path, target: Path) -> tuple[int, dict[str, str]]:
    digests = {algorithm: hashlib.new(algorithm) for algorithm in ALGORITHMS}
    size = 0
    buffer = bytearray(_CHUNK)
    view = memoryview(buffer)
    with source.open("rb") as reader, target.open("xb") as writer:
        while count := reader.readinto(buffer):
            chunk = view[:count]
            for digest in digests.values():
                digest.update(chunk)
            writer.write(chunk)
            size += count
        writer.flush()
        os.fsync(writer.fileno())
    return size, {algorithm: digest.hexdigest() for algorithm, digest in digests.items()}


def _write_tag(root: Path, relpath: str, content: bytes, sums: dict[str, dict[str, str]]) -> None:
    target = root / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    for algorithm in ALGORITHMS:
        sums[algorithm][relpath] = hashlib.new(algorithm, content).hexdigest()


def _manifest(entries: Mapping[str, str]) -> bytes:
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(entries.items())).encode()


def write_bag(
    out_dir: Path,
    payload: Sequence[tuple[str, Path]],
    tag_files: Mapping[str, bytes],
    info: Mapping[str, str],
    *,
    bagging_date: date | None = None,
) -> Path:
    """Write a bag at `out_dir` (which must not exist) and return its path.

    `payload` lists `(name under data/, source file)`; `tag_files` maps paths
    relative to the `bodycam-guard/` tag directory to their bytes; `info` adds
    bag-info.txt fields (Payload-Oxum and Bagging-Date are computed).
    """
    if out_dir.exists():
        raise InputError("expected a new directory, found an existing path", file=str(out_dir))
    for key, value in info.items():
        if key in _RESERVED_INFO or not key or ":" in key or "\n" in key + value:
            raise InputError(f"expected a free bag-info field, found {key!r}", file="bag-info.txt")
    names = [_check_name(name, "payload") for name, _ in payload]
    if len(set(names)) != len(names):
        raise InputError("expected distinct payload names, found duplicates", file="payload")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = out_dir.with_name(f".{out_dir.name}.{secrets.token_hex(6)}.partial")
    work.mkdir()
    try:
        _fill(work, payload, tag_files, info, bagging_date or datetime.now(UTC).date())
        work.rename(out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _logger.info("wrote bag %s: %d payload files", out_dir, len(payload))
    return out_dir


def _fill(
    work: Path,
    payload: Sequence[tuple[str, Path]],
    tag_files: Mapping[str, bytes],
    info: Mapping[str, str],
    bagging_date: date,
) -> None:
    payload_sums: dict[str, dict[str, str]] = {algorithm: {} for algorithm in ALGORITHMS}
    octets = 0
    for name, source in payload:
        target = work / "data" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        size, digests = _copy_hashing(source, target)
        octets += size
        for algorithm in ALGORITHMS:
            payload_sums[algorithm][f"data/{name}"] = digests[algorithm]
    if not payload:
        (work / "data").mkdir()

    tag_sums: dict[str, dict[str, str]] = {algorithm: {} for algorithm in ALGORITHMS}
    _write_tag(
        work, "bagit.txt", b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", tag_sums
    )
    fields = {
        **info,
        "Bagging-Date": bagging_date.isoformat(),
        "Payload-Oxum": f"{octets}.{len(payload)}",
    }
    bag_info = "".join(f"{key}: {value}\n" for key, value in fields.items())
    _write_tag(work, "bag-info.txt", bag_info.encode(), tag_sums)
    for algorithm in ALGORITHMS:
        _write_tag(work, f"manifest-{algorithm}.txt", _manifest(payload_sums[algorithm]), tag_sums)
    for relpath, content in sorted(tag_files.items()):
        _write_tag(work, f"{TAG_DIR}/{_check_name(relpath, 'tag file')}", content, tag_sums)
    for algorithm in ALGORITHMS:
        (work / f"tagmanifest-{algorithm}.txt").write_bytes(_manifest(tag_sums[algorithm]))
