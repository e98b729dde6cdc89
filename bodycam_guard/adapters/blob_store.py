"""Write-once blob store on the local disk, addressed by SHA-256.

A file is hashed while it is copied in (one read of the source), written to a
temporary file in the store, flushed to disk, renamed into place and made
read-only. The rename is the commit point: a crash before it leaves only a
temporary file (swept on the next start); a crash after it leaves a complete blob
that the next ingest of the same bundle finds and reuses. No database record ever
points at a half-written file, because records are written after the rename.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_logger = logging.getLogger(__name__)
_CHUNK = 1 << 20
ABANDONED_AFTER_S = 15 * 60
"""A half-written blob untouched this long was left by a crash, not by a copy in progress."""


@dataclass(frozen=True, slots=True)
class StoredBlob:
    """A blob now in the store: its SHA-256 (hex) and length."""

    sha256: str
    bytes: int


class LocalBlobStore:
    """Content-addressed, write-once files under one directory: `<root>/ab/cd/<sha256>`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._incoming = root / ".incoming"

    def path_of(self, sha256: str) -> Path:
        """Where the blob with this hash lives (whether or not it exists)."""
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        """Whether a blob with this hash is stored."""
        return self.path_of(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        """Open a stored blob for reading."""
        return self.path_of(sha256).open("rb")

    def sweep_incoming(self, *, older_than_s: float = ABANDONED_AFTER_S) -> int:
        """Remove temporary files left by a crash mid-copy; returns how many were removed.

        Only files untouched for `older_than_s` go: a copy in progress (another
        process ingesting right now) writes continuously, so its file is never that old.
        """
        if not self._incoming.is_dir():
            return 0
        cutoff = time.time() - older_than_s
        removed = 0
        for leftover in self._incoming.iterdir():
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink(missing_ok=True)
                removed += 1
        if removed:
            _logger.warning(
                "removed %d half-written blob(s) left by an interrupted ingest", removed
            )
        return removed

    def put_file(
        self, source: Path, *, progress: Callable[[int], None] | None = None
    ) -> StoredBlob:
        """Copy `source` into the store, hashing in the same pass; return its address."""
        self._incoming.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        buffer = bytearray(_CHUNK)
        view = memoryview(buffer)
        fd, tmp_name = tempfile.mkstemp(dir=self._incoming)
        tmp = Path(tmp_name)
        try:
            with source.open("rb") as src, os.fdopen(fd, "wb") as out:
                while n := src.readinto(buffer):
                    chunk = view[:n]
                    digest.update(chunk)
                    out.write(chunk)
                    size += n
                    if progress is not None:
                        progress(n)
                out.flush()
                os.fsync(out.fileno())
            blob = StoredBlob(sha256=digest.hexdigest(), bytes=size)
            self._commit(tmp, blob)
        finally:
            tmp.unlink(missing_ok=True)
        return blob

    def put_bytes(self, data: bytes) -> StoredBlob:
        """Store a small in-memory blob (a manifest, a log) the same way."""
        self._incoming.mkdir(parents=True, exist_ok=True)
        blob = StoredBlob(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
        if self.exists(blob.sha256):
            return blob
        fd, tmp_name = tempfile.mkstemp(dir=self._incoming)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            self._commit(tmp, blob)
        finally:
            tmp.unlink(missing_ok=True)
        return blob

    def _commit(self, tmp: Path, blob: StoredBlob) -> None:
        final = self.path_of(blob.sha256)
        if final.is_file():
            # Same content already stored: write-once means the first copy stays.
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        tmp.replace(final)
        dir_fd = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
