"""The transparency log's leaves: canonical JSON (RFC 8785) records, schema version 1.

Every leaf is a JSON object with `"type"` and `"v": 1`; its bytes are exactly
`rfc8785.dumps(obj)`, so anyone can rebuild a leaf from its fields and get the
same Merkle leaf hash. Hashes are lowercase hex; times are UTC, ISO 8601 with a
`Z` suffix. The schemas are documented in docs/transparency-log.md.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import rfc8785

from bodycam_guard.domain.errors import InputError

LEAF_VERSION = 1
LEAF_TYPES = frozenset({"segment", "late_segment", "device_log", "bundle", "review", "tombstone"})
_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")
_LEAF = "log leaf"


def _hex(value: str, field: str) -> str:
    if not _HEX_SHA256.fullmatch(value):
        raise InputError(
            f"expected 64 lowercase hex digits, found {value!r}", file=_LEAF, field=field
        )
    return value


def _count(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"expected an integer >= 0, found {value!r}", file=_LEAF, field=field)
    return value


def _text(value: str, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(f"expected a non-empty string, found {value!r}", file=_LEAF, field=field)
    return value


def _utc(value: datetime, field: str) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(f"expected an aware datetime, found {value!r}", file=_LEAF, field=field)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _encode(obj: dict[str, Any]) -> bytes:
    return rfc8785.dumps({**obj, "v": LEAF_VERSION})


def segment_leaf(
    *,
    device_id: str,
    file_seq: int,
    path: str,
    sha256_hex: str,
    bytes: int,  # noqa: A002 - the leaf field is named "bytes"
    chain_hex: str,
    bundle: str,
) -> bytes:
    """Leaf for one recorded file (segment), with its device chain value bound in."""
    return _encode(
        {
            "type": "segment",
            "device_id": _text(device_id, "device_id"),
            "file_seq": _count(file_seq, "file_seq"),
            "path": _text(path, "path"),
            "sha256": _hex(sha256_hex, "sha256"),
            "bytes": _count(bytes, "bytes"),
            "chain": _hex(chain_hex, "chain"),
            "bundle": _text(bundle, "bundle"),
        }
    )


def late_segment_leaf(
    *,
    device_id: str,
    file_seq: int,
    path: str,
    sha256_hex: str,
    bytes: int,  # noqa: A002 - the leaf field is named "bytes"
    after_chain_hex: str,
    bundle: str,
) -> bytes:
    """Leaf for a recorded file that arrived after a higher `file_seq` was chained.

    It is logged (it is evidence) but kept out of the device chain, which only grows
    in `file_seq` order and is never rewritten; `after_chain` is the chain value it
    arrived after, fixing its place in time.
    """
    return _encode(
        {
            "type": "late_segment",
            "device_id": _text(device_id, "device_id"),
            "file_seq": _count(file_seq, "file_seq"),
            "path": _text(path, "path"),
            "sha256": _hex(sha256_hex, "sha256"),
            "bytes": _count(bytes, "bytes"),
            "after_chain": _hex(after_chain_hex, "after_chain"),
            "bundle": _text(bundle, "bundle"),
        }
    )


def device_log_leaf(
    *,
    device_id: str,
    bundle: str,
    sha256_hex: str,
    bytes: int,  # noqa: A002 - the leaf field is named "bytes"
    first_seq: int,
    last_seq: int,
) -> bytes:
    """Leaf for a device's own event log file from one dock bundle."""
    if _count(last_seq, "last_seq") < _count(first_seq, "first_seq"):
        raise InputError(
            f"expected last_seq >= first_seq {first_seq}, found {last_seq}",
            file=_LEAF,
            field="last_seq",
        )
    return _encode(
        {
            "type": "device_log",
            "device_id": _text(device_id, "device_id"),
            "bundle": _text(bundle, "bundle"),
            "sha256": _hex(sha256_hex, "sha256"),
            "bytes": _count(bytes, "bytes"),
            "first_seq": first_seq,
            "last_seq": last_seq,
        }
    )


def bundle_leaf(
    *, device_id: str, bundle: str, manifest_sha256_hex: str, station_id: str, docked_at: datetime
) -> bytes:
    """Leaf for an ingested dock bundle, binding its manifest."""
    return _encode(
        {
            "type": "bundle",
            "device_id": _text(device_id, "device_id"),
            "bundle": _text(bundle, "bundle"),
            "manifest_sha256": _hex(manifest_sha256_hex, "manifest_sha256"),
            "station_id": _text(station_id, "station_id"),
            "docked_at": _utc(docked_at, "docked_at"),
        }
    )


def review_leaf(*, incident_id: str, action: str, actor: str, comment: str, at: datetime) -> bytes:
    """Leaf for one supervisor review action on an incident."""
    if not isinstance(comment, str):
        raise InputError(f"expected a string, found {comment!r}", file=_LEAF, field="comment")
    return _encode(
        {
            "type": "review",
            "incident_id": _text(incident_id, "incident_id"),
            "action": _text(action, "action"),
            "actor": _text(actor, "actor"),
            "comment": comment,
            "at": _utc(at, "at"),
        }
    )


def tombstone_leaf(*, leaf_index: int, reason: str, at: datetime) -> bytes:
    """Leaf recording a retention deletion of the data behind an earlier leaf."""
    return _encode(
        {
            "type": "tombstone",
            "leaf_index": _count(leaf_index, "leaf_index"),
            "reason": _text(reason, "reason"),
            "at": _utc(at, "at"),
        }
    )


def parse_leaf(data: bytes) -> dict[str, Any]:
    """Parse leaf bytes; InputError unless canonical JSON with a known type and v 1."""
    try:
        obj = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"expected canonical JSON, found {exc}", file=_LEAF) from exc
    if not isinstance(obj, dict):
        raise InputError(f"expected a JSON object, found {type(obj).__name__}", file=_LEAF)
    if obj.get("type") not in LEAF_TYPES:
        raise InputError(f"expected one of {sorted(LEAF_TYPES)}", file=_LEAF, field="type")
    if obj.get("v") != LEAF_VERSION:
        raise InputError(f"expected {LEAF_VERSION}, found {obj.get('v')!r}", file=_LEAF, field="v")
    if rfc8785.dumps(obj) != data:
        raise InputError("expected RFC 8785 canonical bytes, found another encoding", file=_LEAF)
    return obj
