"""Password hashing with argon2id (argon2-cffi's recommended parameters, RFC 9106)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class Argon2Passwords:
    """Hash and check passwords; only the encoded hash (with its salt and parameters) is kept."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        # Checked against when the user does not exist, so both answers take the same time.
        self._decoy = self._hasher.hash("bodycam-guard decoy password")

    def hash(self, password: str) -> str:
        """An argon2id hash of `password`."""
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether `password` matches; None (no such user) costs as much and is False."""
        try:
            return self._hasher.verify(password_hash or self._decoy, password) and bool(
                password_hash
            )
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
