"""probe_media on real clips written with PyAV: spans, cuts, containers, B-frames, bad input."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import av
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bodycam_guard.adapters import media_probe
from bodycam_guard.adapters.media_probe import probe_media
from bodycam_guard.domain.errors import MediaUnreadableError
from bodycam_guard.domain.media import TimestampJump
from sample_media.clips import write_clip
from tests.support import SAMPLES as SAMPLE_BUNDLES

CREATED = datetime(2026, 11, 24, 8, 3, 12, 500_000, tzinfo=UTC)
FRAME = 1 / 5  # write_clip's default 5 fps


def _has_b_frames(path: Path) -> bool:
    """True when some video packet is presented later than it is decoded (reordering)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return any(p.pts is not None and p.pts != p.dts for p in container.demux(stream))


@pytest.mark.parametrize("duration_s", [1.0, 7.4, 30.0])
def test_span_is_the_clip_length_within_one_frame(tmp_path: Path, duration_s: float) -> None:
    clip = tmp_path / "clip.mp4"
    write_clip(clip, duration_s=duration_s, creation_time=CREATED)

    facts = probe_media(clip)

    assert facts.span_s == pytest.approx(duration_s, abs=FRAME)
    assert facts.jumps == ()
    assert facts.video_packets == round(duration_s / FRAME)
    assert facts.audio_packets > 0
    assert facts.declared_duration_s == pytest.approx(duration_s, abs=2 * FRAME)


def test_a_cut_shows_as_exactly_one_jump_at_its_offsets(tmp_path: Path) -> None:
    clip = tmp_path / "cut.mp4"
    write_clip(clip, duration_s=30, creation_time=CREATED, cut=(8.0, 23.0))

    facts = probe_media(clip)

    assert facts.jumps == (TimestampJump(start_s=8.0, end_s=23.0),)
    assert facts.jumps[0].length_s == pytest.approx(15.0)
    assert facts.span_s == pytest.approx(30.0)
    assert facts.video_packets == 75


def test_a_truncated_clip_spans_only_what_was_kept(tmp_path: Path) -> None:
    clip = tmp_path / "short.mp4"
    write_clip(clip, duration_s=30, creation_time=CREATED, truncate_to_s=20.0)

    facts = probe_media(clip)

    assert facts.span_s == pytest.approx(20.0, abs=FRAME)
    assert facts.jumps == ()


def test_jumps_shorter_than_the_threshold_are_not_reported(tmp_path: Path) -> None:
    clip = tmp_path / "blip.mp4"
    write_clip(clip, duration_s=10, creation_time=CREATED, cut=(4.0, 4.4))

    assert probe_media(clip).jumps == ()
    assert probe_media(clip, min_jump_s=0.1).jumps == (TimestampJump(start_s=4.0, end_s=4.4),)


def test_creation_time_is_read_back_as_aware_utc(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    write_clip(clip, duration_s=2, creation_time=CREATED)

    # MP4 stores whole seconds since 1904 in its movie header.
    assert probe_media(clip).creation_time == CREATED.replace(microsecond=0)


def test_a_clip_without_creation_time_reports_none(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    write_clip(clip, duration_s=2, creation_time=None)

    assert probe_media(clip).creation_time is None


@pytest.mark.parametrize(
    ("suffix", "container", "created"),
    [
        (".mov", "mov,mp4,m4a,3gp,3g2,mj2", CREATED.replace(microsecond=0)),
        (".mkv", "matroska,webm", CREATED),
    ],
)
def test_mov_and_mkv_containers(
    tmp_path: Path, suffix: str, container: str, created: datetime
) -> None:
    clip = tmp_path / f"clip{suffix}"
    write_clip(clip, duration_s=12, creation_time=CREATED, cut=(3.0, 6.0))

    facts = probe_media(clip)

    assert facts.container == container
    assert facts.creation_time == created
    assert facts.span_s == pytest.approx(12.0, abs=FRAME)
    assert facts.jumps == (TimestampJump(start_s=3.0, end_s=6.0),)


def test_b_frames_give_the_right_span_and_no_spurious_jumps(tmp_path: Path) -> None:
    clip = tmp_path / "bframes.mp4"
    write_clip(clip, duration_s=20, creation_time=CREATED, preset="medium", x264_params="bframes=3")
    assert _has_b_frames(clip), "the clip must really reorder frames for this test to mean much"

    facts = probe_media(clip)

    assert facts.span_s == pytest.approx(20.0, abs=FRAME)
    assert facts.jumps == ()


@settings(max_examples=12, deadline=None)
@given(
    cut_start=st.integers(min_value=1, max_value=30),
    cut_frames=st.integers(min_value=3, max_value=15),
    b_frames=st.booleans(),
)
def test_any_cut_is_found_exactly_with_or_without_b_frames(
    cut_start: int, cut_frames: int, b_frames: bool
) -> None:
    cut = (cut_start / 5, (cut_start + cut_frames) / 5)
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "cut.mp4"
        write_clip(
            clip,
            duration_s=10,
            creation_time=None,
            cut=cut,
            preset="medium" if b_frames else "ultrafast",
            x264_params="bframes=3" if b_frames else None,
        )
        facts = probe_media(clip)

    assert len(facts.jumps) == 1
    assert facts.jumps == (TimestampJump(start_s=cut[0], end_s=cut[1]),)
    assert facts.span_s == 10.0


def test_clips_are_byte_for_byte_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "a.mp4", tmp_path / "b.mp4"
    for clip in (first, second):
        write_clip(clip, duration_s=5, creation_time=CREATED, cut=(1.0, 2.0))

    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("garbage.mp4", bytes(range(256)) * 64),
        ("empty.mp4", b""),
        ("notes.txt", b"shift notes: nothing to report\n" * 20),
    ],
)
def test_unreadable_media_raises_naming_the_file(tmp_path: Path, name: str, content: bytes) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)

    with pytest.raises(MediaUnreadableError, match=name.replace(".", r"\.")):
        probe_media(bad)


def test_an_unreadable_file_keeps_the_demuxer_error_as_cause(tmp_path: Path) -> None:
    bad = tmp_path / "garbage.mp4"
    bad.write_bytes(bytes(range(256)) * 64)

    with pytest.raises(MediaUnreadableError, match="expected a readable") as caught:
        probe_media(bad)

    assert isinstance(caught.value.__cause__, av.FFmpegError)


def test_a_missing_file_raises_naming_it(tmp_path: Path) -> None:
    with pytest.raises(MediaUnreadableError, match=r"gone\.mp4"):
        probe_media(tmp_path / "gone.mp4")


def _every_sample_and_edge_clip(tmp_path: Path) -> list[Path]:
    clips = sorted(SAMPLE_BUNDLES.glob("*/media/*.mp4"))
    for name, extra in {
        "cut": {"cut": (3.0, 6.0)},
        "short": {"truncate_to_s": 5.0},
        "plain": {},
    }.items():
        target = tmp_path / f"{name}.mp4"
        write_clip(target, duration_s=10, creation_time=None, **extra)  # type: ignore[arg-type]
        clips.append(target)
    return clips


def test_the_sample_index_gives_the_same_facts_as_demuxing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MP4 files are read from their sample index; demuxing every packet must agree."""
    clips = _every_sample_and_edge_clip(tmp_path)
    readable = []
    for clip in clips:
        try:
            readable.append((clip, probe_media(clip)))
        except MediaUnreadableError:
            continue
    assert len(readable) >= 70
    monkeypatch.setattr(media_probe, "_from_index", lambda *_: None)
    for clip, from_index in readable:
        assert probe_media(clip) == from_index, clip.name
