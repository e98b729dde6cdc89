"""File digests for the verifier: each file read once, its hashes computed side by side.

A bag's payload is checked against its SHA-256 and SHA-512 manifests and, for
evidence, against the SHA-256 in each file's log leaf. Reading a file three
times would make verification three times slower than hashing; instead each
file is read once, SHA-512 runs in a second thread while SHA-256 runs in this
one (hashlib releases the GIL on large updates), and the results are kept for
the rest of the run.

NOTE on the threat model: the cache lives for one verification run and is keyed
by path, size and modification time; a file changed during the run would have
to keep all three to be missed, and the run reads nothing it trusts from the
bag's author except the bytes it hashes.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

_CHUNK = 4 << 20
ALGORITHMS = ("sha256", "sha512")


class Digests:
    """Every algorithm of ALGORITHMS over each file asked for, computed in one read."""

    def __init__(self) -> None:
        self._done: dict[tuple[str, int, int], dict[str, str]] = {}
        self._pool = ThreadPoolExecutor(max_workers=len(ALGORITHMS) - 1)

    def of(self, path: Path, algorithm: str) -> str:
        """The hex digest of `path` with `algorithm` (sha256 or sha512)."""
        info = path.stat()
        key = (str(path.resolve()), info.st_size, info.st_mtime_ns)
        if key not in self._done:
            self._done[key] = self._compute(path)
        return self._done[key][algorithm]

    def _compute(self, path: Path) -> dict[str, str]:
        hashers = [hashlib.new(name) for name in ALGORITHMS]
        first, *others = hashers
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                pending = [self._pool.submit(h.update, chunk) for h in others]
                first.update(chunk)
                for future in pending:
                    future.result()
        return {name: h.hexdigest() for name, h in zip(ALGORITHMS, hashers, strict=True)}

    def close(self) -> None:
        """Stop the hashing thread."""
        self._pool.shutdown()
