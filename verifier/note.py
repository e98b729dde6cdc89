"""Signed notes (C2SP signed-note) and checkpoints (C2SP tlog-checkpoint), Ed25519 only.

A verifier key is `name+hex8(key id)+base64(0x01 || 32-byte public key)`, the
key id being the first four bytes of SHA-256(name || 0x0A || 0x01 || public key).
The log signs its checkpoints with a key whose name is the checkpoint origin.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from verifier.errors import VerificationError

_DASH = "\u2014 "


@dataclass(frozen=True, slots=True)
class VerifierKey:
    """A parsed Ed25519 note verifier key."""

    name: str
    key_id: bytes
    public_key: bytes


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A verified checkpoint: origin, tree size, root hash and extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...]


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise VerificationError(what, expected="standard base64", found=repr(text)) from exc


def parse_verifier_key(vkey: str) -> VerifierKey:
    """Parse `name+hex8+base64(0x01||key)`; VerificationError if malformed or inconsistent."""
    # 1. Three '+'-separated fields; the name has no spaces.
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3 or not parts[0] or any(ch.isspace() for ch in parts[0]):
        raise VerificationError("verifier key", expected="name+keyid+key", found=repr(vkey))
    name, hex_id, encoded = parts
    # 2. The key is 0x01 (Ed25519) followed by 32 bytes.
    raw = _b64(encoded, "verifier key material")
    if len(raw) != 33 or raw[0] != 1:
        raise VerificationError(
            "verifier key material", expected="0x01 + 32 bytes", found=raw.hex()
        )
    # 3. The stated key id is the one the name and key hash to.
    computed = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if hex_id != computed.hex():
        raise VerificationError("verifier key id", expected=computed.hex(), found=hex_id)
    return VerifierKey(name=name, key_id=computed, public_key=raw[1:])


def verify_note(note: str, key: VerifierKey) -> str:
    """Return the note text once every signature line by `key` verifies (at least one)."""
    # 1. Text, then the last blank line, then signature lines; the note ends in a newline.
    cut = note.rfind("\n\n")
    if not note.endswith("\n") or cut < 0:
        raise VerificationError(
            "signed note", expected="text, blank line, signatures", found="none"
        )
    text, block = note[: cut + 1], note[cut + 2 : -1]
    public_key = Ed25519PublicKey.from_public_bytes(key.public_key)
    verified = 0
    for line in block.split("\n"):
        # 2. Each line is '— name base64(keyid || signature)'.
        if not line.startswith(_DASH):
            raise VerificationError(
                "signature line", expected="'\u2014 name sig'", found=repr(line)
            )
        name, _, encoded = line[len(_DASH) :].partition(" ")
        raw = _b64(encoded, "signature")
        # 3. Lines from other keys (other name or id) are ignored, as the spec requires.
        if name != key.name or raw[:4] != key.key_id:
            continue
        # 4. A line from our key must verify over the note text.
        try:
            public_key.verify(raw[4:], text.encode())
        except InvalidSignature as exc:
            raise VerificationError(
                f"signature by {key.name}", expected="a valid Ed25519 signature", found="a forgery"
            ) from exc
        verified += 1
    if not verified:
        raise VerificationError(
            "signature", expected=f"one by {key.name}+{key.key_id.hex()}", found="none"
        )
    return text


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint note text: origin, decimal size, base64 root, extension lines."""
    lines = text[:-1].split("\n") if text.endswith("\n") else []
    if len(lines) < 3 or not all(lines):
        raise VerificationError("checkpoint text", expected="3+ non-empty lines", found=repr(text))
    origin, size_text, root_text = lines[:3]
    if not (size_text.isascii() and size_text.isdigit()) or (
        size_text != "0" and size_text.startswith("0")
    ):
        raise VerificationError("checkpoint size", expected="a decimal", found=repr(size_text))
    root = _b64(root_text, "checkpoint root")
    if len(root) != 32:
        raise VerificationError("checkpoint root", expected="32 bytes", found=f"{len(root)} bytes")
    return Checkpoint(origin=origin, size=int(size_text), root=root, extensions=tuple(lines[3:]))


def verify_checkpoint(note: str, key: VerifierKey) -> Checkpoint:
    """Verify a signed checkpoint by the log key; its origin must be the key's name."""
    checkpoint = parse_checkpoint(verify_note(note, key))
    if checkpoint.origin != key.name:
        raise VerificationError("checkpoint origin", expected=key.name, found=checkpoint.origin)
    return checkpoint
