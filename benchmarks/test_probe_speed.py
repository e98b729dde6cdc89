"""How fast probe_media reads a long HD recording, next to hashing the same file.

The peer is `hashlib.file_digest(f, "sha256")` over the same file, measured in
the same run: ingest hashes every byte anyway, and demuxing also reads every
packet's payload, so the two should be of the same order (both from page cache
here), far below decoding. The clip is 300 s of 720p30 H.264 at about 4 Mb/s
with seeded noise, so frames cost real bits; it is written once (about 5 min on
a 2-core runner) and cached in the temp directory. Nothing here asserts a
timing: run ``python -m pytest benchmarks`` and read the table and the ratio.
"""

from __future__ import annotations

import hashlib
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from bodycam_guard.adapters import media_probe
from bodycam_guard.adapters.media_probe import probe_media
from sample_media.clips import write_clip

SEED = 20261124
DURATION_S, FPS, SIZE, BIT_RATE = 300, 30, (1280, 720), 4_000_000
CACHE = Path(tempfile.gettempdir()) / "bodycam-guard-bench"
CLIP_NAME = f"noise-{SIZE[1]}p{FPS}-{DURATION_S}s-{BIT_RATE // 1000}kbps-seed{SEED}.mp4"

_medians: dict[str, float] = {}


@pytest.fixture(scope="module")
def long_clip() -> Path:
    """The 300 s 720p30 clip, written on first use and reused by later runs."""
    clip = CACHE / CLIP_NAME
    if not clip.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = clip.with_suffix(".partial.mp4")
        write_clip(
            partial,
            duration_s=DURATION_S,
            fps=FPS,
            size=SIZE,
            creation_time=datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
            bit_rate=BIT_RATE,
            noise_seed=SEED,
        )
        partial.replace(clip)
    return clip


def _record(name: str, benchmark: BenchmarkFixture, capsys: pytest.CaptureFixture[str]) -> None:
    """Keep this benchmark's median; once both ran, print probe time over hashing time."""
    if benchmark.stats is None:  # --benchmark-disable
        return
    _medians[name] = benchmark.stats.stats.median
    if {"probe", "sha256", "demux"} <= _medians.keys():
        with capsys.disabled():
            print(
                f"\nprobe_media median {_medians['probe'] * 1e3:.1f} ms, "
                f"demuxing every packet {_medians['demux'] * 1e3:.1f} ms, "
                f"hashlib.file_digest(sha256) median {_medians['sha256'] * 1e3:.1f} ms, "
                f"ratio probe/sha256 = {_medians['probe'] / _medians['sha256']:.2f}"
            )


@pytest.mark.benchmark(group="probe-vs-sha256")
def test_probe_media_on_300s_720p(
    benchmark: BenchmarkFixture, long_clip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = benchmark(probe_media, long_clip)
    _record("probe", benchmark, capsys)
    assert facts.video_packets == DURATION_S * FPS
    assert facts.jumps == ()


def _sha256_of(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


@pytest.mark.benchmark(group="probe-vs-sha256")
def test_sha256_file_digest_on_the_same_file(
    benchmark: BenchmarkFixture, long_clip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    digest = benchmark(_sha256_of, long_clip)
    _record("sha256", benchmark, capsys)
    assert len(digest) == 64


@pytest.mark.benchmark(group="probe-vs-sha256")
def test_probe_by_demuxing_every_packet(
    benchmark: BenchmarkFixture,
    long_clip: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same probe without the MP4 sample index: what MKV files and B-frame streams cost."""
    monkeypatch.setattr(media_probe, "_from_index", lambda *_: None)
    facts = benchmark(probe_media, long_clip)
    _record("demux", benchmark, capsys)
    assert facts.video_packets == DURATION_S * FPS
