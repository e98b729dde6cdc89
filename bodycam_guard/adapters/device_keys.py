"""Device keys: reading a camera's Ed25519 public key, and checking its signature over a log.

A station may bring `device.log.jsonl.sig`, the base64 Ed25519 signature of the
log's exact bytes made with the camera's key (dock-bundle-v1). For a camera
whose key is registered, a missing or wrong signature is a `bad_signature`.
"""

from __future__ import annotations

import base64
import binascii
from enum import StrEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from bodycam_guard.domain.errors import InputError


class SignatureStatus(StrEnum):
    """What became of a log's device signature."""

    VALID = "valid"
    MISSING = "missing"
    INVALID = "invalid"
    UNCHECKED = "unchecked"
    """No key is registered for the device: accepted unsigned, as the spec allows."""


def read_public_key(data: bytes, *, file: str) -> bytes:
    """The raw 32-byte Ed25519 key from a PEM file or a base64 line; InputError naming the file otherwise."""
    text = data.strip()
    if text.startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text)
        except ValueError as exc:
            raise InputError(f"not a readable PEM public key ({exc})", file=file) from exc
        if not isinstance(key, Ed25519PublicKey):
            raise InputError(f"expected an Ed25519 key, found {type(key).__name__}", file=file)
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise InputError("expected a PEM key or the base64 of 32 key bytes", file=file) from exc
    if len(raw) != 32:
        raise InputError(f"expected 32 key bytes, found {len(raw)}", file=file)
    return raw


def check_log_signature(
    public_key: bytes | None, log: bytes, signature_file: bytes | None
) -> SignatureStatus:
    """Judge a log's signature file against the device's registered key (if any)."""
    if public_key is None:
        return SignatureStatus.UNCHECKED
    if signature_file is None:
        return SignatureStatus.MISSING
    try:
        signature = base64.b64decode(signature_file.strip(), validate=True)
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, log)
    except (binascii.Error, InvalidSignature, ValueError):
        return SignatureStatus.INVALID
    return SignatureStatus.VALID
