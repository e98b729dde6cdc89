"""Checkpoints (C2SP tlog-checkpoint) in signed notes (C2SP signed-note), and tlog-proof files.

A checkpoint body is `origin\\nsize\\nbase64(root)\\n` plus optional extension
lines. A signed note is the body, a blank line, and one line per signature:
`— <key name> base64(key id (4 bytes) || signature)`. For Ed25519 the key id is
the first four bytes of SHA-256(name || 0x0A || 0x01 || public key), and the
verifier key string is `name+hex8(key id)+base64(0x01 || public key)`.

Signing and signature checking are injected as callables, so this module stays
pure; `bodycam_guard.adapters.log_signer` supplies them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bodycam_guard.domain.errors import InputError, IntegrityError

ED25519_TYPE = b"\x01"
SIGNATURE_PREFIX = "\u2014 "
TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1"
_NOTE = "signed note"
_PROOF = "tlog-proof"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A log's tree head: origin, size and root hash, with optional extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        """The C2SP tlog-checkpoint note text."""
        for line in (self.origin, *self.extensions):
            if not line or "\n" in line:
                raise InputError(f"expected a non-empty single line, found {line!r}", file=_NOTE)
        if self.size < 0:
            raise InputError(f"expected a size >= 0, found {self.size}", file=_NOTE, field="size")
        lines = [
            self.origin,
            str(self.size),
            base64.b64encode(self.root).decode(),
            *self.extensions,
        ]
        return "".join(line + "\n" for line in lines)


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """One signature line of a signed note."""

    name: str
    key_id: bytes
    signature: bytes


@dataclass(frozen=True, slots=True)
class TlogProof:
    """A c2sp.org/tlog-proof@v1 file: a leaf index, its inclusion proof and a signed checkpoint."""

    index: int
    hashes: tuple[bytes, ...]
    checkpoint_note: str
    extra: bytes | None = None


def _b64decode(text: str, *, file: str, field: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise InputError(
            f"expected standard base64, found {text!r}", file=file, field=field
        ) from exc


def _decimal(text: str, *, file: str, field: str) -> int:
    if not (text.isascii() and text.isdigit()) or (text != "0" and text.startswith("0")):
        raise InputError(
            f"expected a decimal without leading zeros, found {text!r}", file=file, field=field
        )
    return int(text)


def parse_checkpoint_body(text: str) -> Checkpoint:
    """Parse a C2SP tlog-checkpoint note text (as returned by `open_note`)."""
    if not text.endswith("\n"):
        raise InputError("expected the checkpoint text to end with a newline", file=_NOTE)
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not all(lines):
        raise InputError(f"expected at least 3 non-empty lines, found {lines!r}", file=_NOTE)
    size = _decimal(lines[1], file=_NOTE, field="size")
    root = _b64decode(lines[2], file=_NOTE, field="root")
    if len(root) != 32:
        raise InputError(
            f"expected a 32-byte root, found {len(root)} bytes", file=_NOTE, field="root"
        )
    return Checkpoint(origin=lines[0], size=size, root=root, extensions=tuple(lines[3:]))


def key_id(name: str, public_key: bytes) -> bytes:
    """Ed25519 note key id: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key)."""
    return hashlib.sha256(name.encode() + b"\n" + ED25519_TYPE + public_key).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    """The verifier key string `name+hex8(key id)+base64(0x01 || public key)`."""
    if not name or "+" in name or any(ch.isspace() for ch in name):
        raise InputError(f"expected a key name without spaces or '+', found {name!r}", file=_NOTE)
    encoded = base64.b64encode(ED25519_TYPE + public_key).decode()
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


def sign_note(text: str, name: str, public_key: bytes, sign: Callable[[bytes], bytes]) -> str:
    """A signed note of `text` with one Ed25519 signature line by key `name`."""
    if not text.endswith("\n"):
        raise InputError("expected the note text to end with a newline", file=_NOTE)
    signature = base64.b64encode(key_id(name, public_key) + sign(text.encode())).decode()
    return f"{text}\n{SIGNATURE_PREFIX}{name} {signature}\n"


def sign_checkpoint(
    checkpoint: Checkpoint, name: str, public_key: bytes, sign: Callable[[bytes], bytes]
) -> str:
    """The checkpoint as a signed note."""
    return sign_note(checkpoint.body(), name, public_key, sign)


def parse_note(note: str) -> tuple[str, list[NoteSignature]]:
    """Split a signed note into its text and signature lines (signatures not checked)."""
    if not note.endswith("\n"):
        raise InputError("expected the note to end with a newline", file=_NOTE)
    cut = note.rfind("\n\n")
    if cut < 0:
        raise InputError("expected a blank line before the signatures", file=_NOTE)
    text, signature_block = note[: cut + 1], note[cut + 2 :]
    signatures = []
    for line in signature_block[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise InputError(f"expected '— name signature', found {line!r}", file=_NOTE)
        name, _, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        raw = _b64decode(encoded, file=_NOTE, field="signature")
        if not name or len(raw) < 5:
            raise InputError(f"expected a key name and signature, found {line!r}", file=_NOTE)
        signatures.append(NoteSignature(name=name, key_id=raw[:4], signature=raw[4:]))
    return text, signatures


def open_note(
    note: str, name: str, public_key: bytes, verify: Callable[[bytes, bytes], bool]
) -> str:
    """The note's text once a signature by this key verifies; IntegrityError otherwise."""
    text, signatures = parse_note(note)
    wanted = key_id(name, public_key)
    ours = [s for s in signatures if s.name == name and s.key_id == wanted]
    if not ours:
        raise IntegrityError(f"expected a signature by {name} ({wanted.hex()}), found none")
    for signature in ours:
        if not verify(signature.signature, text.encode()):
            raise IntegrityError(f"signature by {name} ({wanted.hex()}) does not verify")
    return text


def format_tlog_proof(
    index: int, hashes: Sequence[bytes], checkpoint_note: str, extra: bytes | None = None
) -> str:
    """A c2sp.org/tlog-proof@v1 file for leaf `index`."""
    lines = [TLOG_PROOF_HEADER]
    if extra is not None:
        lines.append("extra " + base64.b64encode(extra).decode())
    lines.append(f"index {index}")
    lines.extend(base64.b64encode(h).decode() for h in hashes)
    return "\n".join(lines) + "\n\n" + checkpoint_note


def parse_tlog_proof(text: str) -> TlogProof:
    """Parse a c2sp.org/tlog-proof@v1 file (the checkpoint is returned, not verified)."""
    head, sep, checkpoint_note = text.partition("\n\n")
    if not sep:
        raise InputError("expected a blank line before the checkpoint", file=_PROOF)
    lines = head.split("\n")
    if lines[0] != TLOG_PROOF_HEADER:
        raise InputError(f"expected {TLOG_PROOF_HEADER!r}, found {lines[0]!r}", file=_PROOF, line=1)
    position = 1
    extra = None
    if position < len(lines) and lines[position].startswith("extra "):
        extra = _b64decode(lines[position][len("extra ") :], file=_PROOF, field="extra")
        position += 1
    if position >= len(lines) or not lines[position].startswith("index "):
        raise InputError("expected 'index N'", file=_PROOF, line=position + 1)
    index = _decimal(lines[position][len("index ") :], file=_PROOF, field="index")
    hashes = []
    for number, line in enumerate(lines[position + 1 :], start=position + 2):
        value = _b64decode(line, file=_PROOF, field="hash")
        if len(value) != 32:
            raise InputError(
                f"expected a 32-byte hash, found {len(value)}", file=_PROOF, line=number
            )
        hashes.append(value)
    return TlogProof(
        index=index, hashes=tuple(hashes), checkpoint_note=checkpoint_note, extra=extra
    )
