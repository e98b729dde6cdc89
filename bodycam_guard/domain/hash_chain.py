"""The per-device hash chain over recorded segments, in `file_seq` order.

`chain_n = SHA256("bodycam-chain/v1\\n" || device_id (UTF-8) || u64be(file_seq) || sha256_n
|| chain_{n-1})`, with `chain_0` thirty-two zero bytes. Each value commits to every
earlier segment of the device, so a segment removed, replaced or reordered changes
every later value; the chain value of each segment is bound into its log leaf.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from bodycam_guard.domain.errors import IntegrityError

CHAIN_DOMAIN = b"bodycam-chain/v1\n"
CHAIN_START = bytes(32)
_MAX_FILE_SEQ = (1 << 64) - 1


def extend(prev: bytes, device_id: str, file_seq: int, sha256: bytes) -> bytes:
    """The chain value after appending segment `file_seq` (whose SHA-256 is `sha256`)."""
    if len(prev) != 32:
        raise IntegrityError(f"expected a 32-byte previous chain value, found {len(prev)} bytes")
    if len(sha256) != 32:
        raise IntegrityError(f"expected a 32-byte segment SHA-256, found {len(sha256)} bytes")
    if not 0 <= file_seq <= _MAX_FILE_SEQ:
        raise IntegrityError(f"expected file_seq in 0..2**64-1, found {file_seq}")
    return hashlib.sha256(
        CHAIN_DOMAIN + device_id.encode("utf-8") + file_seq.to_bytes(8, "big") + sha256 + prev
    ).digest()


def recompute(device_id: str, segments: Iterable[tuple[int, bytes]]) -> list[bytes]:
    """Chain values of `(file_seq, sha256)` segments from `chain_0`; file_seq must increase."""
    values: list[bytes] = []
    current = CHAIN_START
    last_seq: int | None = None
    for file_seq, sha256 in segments:
        if last_seq is not None and file_seq <= last_seq:
            raise IntegrityError(
                f"device {device_id}: expected file_seq greater than {last_seq}, found {file_seq}"
            )
        current = extend(current, device_id, file_seq, sha256)
        values.append(current)
        last_seq = file_seq
    return values
