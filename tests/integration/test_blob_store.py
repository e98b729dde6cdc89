"""The write-once blob store: hashed while copied, read-only, and safe against crashes."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path

import pytest

from bodycam_guard.adapters.blob_store import ABANDONED_AFTER_S, LocalBlobStore


def test_a_file_is_stored_read_only_under_its_hash(tmp_path: Path) -> None:
    source = tmp_path / "clip.mp4"
    source.write_bytes(os.urandom(3 << 20))
    store = LocalBlobStore(tmp_path / "blobs")
    seen: list[int] = []
    blob = store.put_file(source, progress=seen.append)
    assert blob.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert sum(seen) == blob.bytes == 3 << 20
    stored = store.path_of(blob.sha256)
    assert stored.read_bytes() == source.read_bytes()
    assert stat.S_IMODE(stored.stat().st_mode) & 0o222 == 0, "stored blobs are read-only"
    assert store.put_file(source) == blob, "storing the same content again changes nothing"


def test_a_crash_mid_copy_leaves_no_blob(tmp_path: Path) -> None:
    class Crashing:
        def __init__(self) -> None:
            self.calls = 0

        def __call__(self, _n: int) -> None:
            self.calls += 1
            raise KeyboardInterrupt

    source = tmp_path / "clip.mp4"
    source.write_bytes(os.urandom(2 << 20))
    store = LocalBlobStore(tmp_path / "blobs")
    with pytest.raises(KeyboardInterrupt):
        store.put_file(source, progress=Crashing())
    assert not store.exists(hashlib.sha256(source.read_bytes()).hexdigest())
    assert list((tmp_path / "blobs" / ".incoming").iterdir()) == []


def test_the_sweep_spares_a_copy_in_progress(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    incoming = tmp_path / "blobs" / ".incoming"
    incoming.mkdir(parents=True)
    abandoned, in_progress = incoming / "tmp-old", incoming / "tmp-now"
    abandoned.write_bytes(b"left by a crash")
    in_progress.write_bytes(b"being written by another process")
    long_ago = time.time() - ABANDONED_AFTER_S - 60
    os.utime(abandoned, (long_ago, long_ago))
    assert store.sweep_incoming() == 1
    assert not abandoned.exists() and in_progress.exists()
