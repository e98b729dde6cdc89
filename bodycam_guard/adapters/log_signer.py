"""The transparency log's Ed25519 signing key, kept in one file under the data directory.

The key file holds one line in the signed-note private key format used by Go's
`golang.org/x/mod/sumdb/note`: `PRIVATE+KEY+<name>+<hex8 key id>+base64(0x01 || seed)`.
It is created on first use with mode 0600 and never overwritten: losing or
replacing the log key would orphan every checkpoint already published.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from bodycam_guard.domain import checkpoint
from bodycam_guard.domain.errors import ConfigurationError

_logger = logging.getLogger(__name__)

_PREFIX = "PRIVATE+KEY+"


class LogSigner:
    """An Ed25519 note signer: the log's name (its checkpoint origin) and private key."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        self.name = name
        self._private_key = private_key
        self.public_key = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = checkpoint.key_id(name, self.public_key)

    def sign(self, msg: bytes) -> bytes:
        """The 64-byte Ed25519 signature of `msg`."""
        return self._private_key.sign(msg)

    def verify(self, signature: bytes, msg: bytes) -> bool:
        """Whether `signature` is this key's signature of `msg`."""
        try:
            self._private_key.public_key().verify(signature, msg)
        except InvalidSignature:
            return False
        return True

    def verifier_key(self) -> str:
        """The verifier key string auditors pass to `bodycam-verify --log-key`."""
        return checkpoint.verifier_key(self.name, self.public_key)

    def sign_checkpoint(self, tree_head: checkpoint.Checkpoint) -> str:
        """The checkpoint as a signed note, signed by this key."""
        return checkpoint.sign_checkpoint(tree_head, self.name, self.public_key, self.sign)


def _encode(name: str, private_key: Ed25519PrivateKey) -> str:
    seed = private_key.private_bytes_raw()
    public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    encoded = base64.b64encode(checkpoint.ED25519_TYPE + seed).decode()
    return f"{_PREFIX}{name}+{checkpoint.key_id(name, public).hex()}+{encoded}\n"


def _decode(path: Path, text: str, name: str) -> LogSigner:
    fields = text.strip().removeprefix(_PREFIX).split("+", 2)
    if not text.startswith(_PREFIX) or len(fields) != 3:
        raise ConfigurationError(
            f"{path}: expected 'PRIVATE+KEY+name+keyid+key', found another format"
        )
    found_name, hex_id, encoded = fields
    if found_name != name:
        raise ConfigurationError(f"{path}: expected a key named {name!r}, found {found_name!r}")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise ConfigurationError(f"{path}: expected base64 key material") from exc
    if len(raw) != 33 or raw[:1] != checkpoint.ED25519_TYPE:
        raise ConfigurationError(f"{path}: expected 0x01 and a 32-byte Ed25519 seed")
    signer = LogSigner(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
    if signer.key_id.hex() != hex_id:
        raise ConfigurationError(f"{path}: expected key id {signer.key_id.hex()}, found {hex_id}")
    return signer


def load_or_create(path: Path, name: str) -> LogSigner:
    """Load the log key at `path`, generating it (mode 0600) if the file does not exist yet."""
    checkpoint.verifier_key(name, bytes(32))  # validates the name before touching the disk
    if not path.exists():
        _create(path, name)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigurationError(f"{path}: expected mode 0600 for the log key, found {mode:04o}")
    return _decode(path, path.read_text(encoding="ascii"), name)


def _create(path: Path, name: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(_encode(name, Ed25519PrivateKey.generate()))
            handle.flush()
            os.fsync(handle.fileno())
        # A hard link never replaces an existing file: if another process created the
        # key meanwhile, keep theirs.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
            _logger.info("created log key %s for %s", path, name)
    finally:
        temporary.unlink(missing_ok=True)
