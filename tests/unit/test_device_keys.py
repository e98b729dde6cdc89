"""Device keys and log signatures."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bodycam_guard.adapters.device_keys import SignatureStatus, check_log_signature, read_public_key
from bodycam_guard.domain.errors import InputError

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
RAW = KEY.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
LOG = b'{"seq": 1, "ts": "2026-11-24T08:00:00.000Z", "event": "power_on"}\n'


def test_keys_read_from_pem_or_base64() -> None:
    pem = KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert read_public_key(pem, file="k.pem") == RAW
    assert read_public_key(base64.b64encode(RAW) + b"\n", file="k.pub") == RAW


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not base64!", "k.pub: expected a PEM key or the base64 of 32 key bytes"),
        (base64.b64encode(b"short"), "k.pub: expected 32 key bytes, found 5"),
        (
            b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            "k.pub: not a readable PEM",
        ),
    ],
)
def test_bad_key_files_are_named(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_public_key(data, file="k.pub")
    assert str(caught.value).startswith(message)


def test_signature_statuses() -> None:
    good = base64.b64encode(KEY.sign(LOG))
    assert check_log_signature(None, LOG, None) is SignatureStatus.UNCHECKED
    assert check_log_signature(RAW, LOG, good) is SignatureStatus.VALID
    assert check_log_signature(RAW, LOG, None) is SignatureStatus.MISSING
    assert check_log_signature(RAW, LOG + b"\n", good) is SignatureStatus.INVALID
    assert check_log_signature(RAW, LOG, b"garbage") is SignatureStatus.INVALID
    other = Ed25519PrivateKey.from_private_bytes(bytes(32))
    assert (
        check_log_signature(RAW, LOG, base64.b64encode(other.sign(LOG))) is SignatureStatus.INVALID
    )
