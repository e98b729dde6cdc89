"""Media probe: timing facts of a recorded file from its packets, with PyAV, never decoding.

Demuxing reads only packet headers and timestamps, so a 300 s 720p file probes
in tens of milliseconds where decoding would take seconds. The primary stream
is the first video stream (the first audio stream when there is no video); its
packet timestamps give the span of real footage and every forward jump (frames
removed, timestamps kept).

MP4 and MOV carry a complete index of their samples (the `moov` sample tables,
read by FFmpeg when the file is opened): when it lists every frame, the probe
takes the timestamps from it and does not read the payload at all, so a 150 MB
file probes in milliseconds. Other containers (MKV cues index keyframes only)
are demuxed packet by packet.

MP4 and MOV store a sample's duration as the distance to the next sample's
decode time, so the frame just before a hole claims the whole hole as its
duration. Durations are therefore capped at the stream's typical (median)
packet duration before spans and jumps are computed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from av.container import InputContainer
from av.stream import Stream
from av.video.stream import VideoStream

from bodycam_guard.domain.errors import MediaUnreadableError
from bodycam_guard.domain.media import MediaFacts, TimestampJump

_logger = logging.getLogger(__name__)

RECORDING_CONTAINERS = frozenset({"mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "avi", "mpegts"})
"""FFmpeg demuxers of recording files: MP4/MOV and MKV (dock-bundle-v1), AVI and MPEG-TS.

FFmpeg also "opens" text, images and raw streams (a text file demuxes as ANSI art
video), so anything else is refused as unreadable rather than probed.
"""


def probe_media(path: Path, *, min_jump_s: float = 0.5) -> MediaFacts:
    """Read `path`'s packet timestamps and return its span, jumps and container facts."""
    try:
        with av.open(str(path), mode="r") as container:
            return _probe_open(path, container, min_jump_s)
    except av.FFmpegError as exc:
        msg = f"{path.name}: expected a readable audio/video container, found: {exc}"
        raise MediaUnreadableError(msg) from exc


def _probe_open(path: Path, container: InputContainer, min_jump_s: float) -> MediaFacts:
    """Demux an open container: all packets of its first video and first audio stream."""
    if container.format.name not in RECORDING_CONTAINERS:
        msg = (
            f"{path.name}: expected an MP4, MOV, MKV, AVI or MPEG-TS container,"
            f" found FFmpeg format {container.format.name!r}"
        )
        raise MediaUnreadableError(msg)
    video = container.streams.video[0] if container.streams.video else None
    audio = container.streams.audio[0] if container.streams.audio else None
    primary = video if video is not None else audio
    if primary is None:
        found = ", ".join(s.type for s in container.streams) or "no stream at all"
        msg = f"{path.name}: expected a video or audio stream, found {found}"
        raise MediaUnreadableError(msg)
    streams = [s for s in (video, audio) if s is not None]
    indexed = _from_index(container, streams, primary)
    counts, pts, durations = indexed if indexed is not None else _demux(container, streams, primary)
    if not pts.size or primary.time_base is None:
        msg = f"{path.name}: expected timed packets in its {primary.type} stream, found none"
        raise MediaUnreadableError(msg)
    span_s, jumps = _span_and_jumps(pts, durations, primary.time_base, min_jump_s)
    facts = MediaFacts(
        container=container.format.name,
        creation_time=_creation_time(container.metadata.get("creation_time")),
        span_s=span_s,
        declared_duration_s=(
            None if container.duration is None else container.duration / av.time_base
        ),
        jumps=jumps,
        video_packets=counts.get(video.index, 0) if video is not None else 0,
        audio_packets=counts.get(audio.index, 0) if audio is not None else 0,
    )
    _logger.debug("probed %s: span %.3f s, %d jumps", path.name, span_s, len(jumps))
    return facts


Timings = tuple[dict[int, int], npt.NDArray[np.int64], npt.NDArray[np.int64]]


def _from_index(
    container: InputContainer, streams: Sequence[Stream], primary: Stream
) -> Timings | None:
    """Packet counts and the primary stream's timestamps from a complete MP4/MOV sample index.

    None when the index does not list every frame, or when the video reorders frames
    (B-frames): the index holds decode times, which then differ from presentation times
    around a cut, so such files are demuxed.
    """
    if not container.format.name.startswith("mov,"):
        return None
    if isinstance(primary, VideoStream) and primary.codec_context.has_b_frames:
        return None
    entries = {s.index: s.index_entries for s in streams}
    complete = all(len(entries[s.index]) == s.frames for s in streams)
    if not entries[primary.index] or not complete:
        return None
    stamps = np.fromiter((e.timestamp for e in entries[primary.index]), dtype=np.int64)
    # The index holds no durations: a sample lasts until the next one starts (as in MP4 itself);
    # the last lasts a typical sample. _span_and_jumps caps durations at the median anyway.
    ordered = np.sort(stamps)
    gaps = np.diff(ordered)
    typical = int(np.median(gaps)) if gaps.size else 0
    durations = np.empty_like(ordered)
    durations[:-1] = gaps
    durations[-1] = typical
    return {i: len(e) for i, e in entries.items()}, ordered, durations


def _demux(container: InputContainer, streams: Sequence[Stream], primary: Stream) -> Timings:
    """Packet counts and the primary stream's pts and durations, demuxing every packet."""
    counts = {s.index: 0 for s in streams}
    pts: list[int] = []
    durations: list[int] = []
    for packet in container.demux(*streams):
        if packet.pts is None:  # the demuxer's final flush packet
            continue
        counts[packet.stream_index] += 1
        if packet.stream_index == primary.index:
            pts.append(packet.pts)
            durations.append(packet.duration or 0)
    return counts, np.asarray(pts, dtype=np.int64), np.asarray(durations, dtype=np.int64)


def _span_and_jumps(
    pts: npt.NDArray[np.int64],
    durations: npt.NDArray[np.int64],
    time_base: Fraction,
    min_jump_s: float,
) -> tuple[float, tuple[TimestampJump, ...]]:
    """Span from first pts to last end, and forward jumps longer than `min_jump_s`, vectorised.

    Works in integer stream ticks, so that offsets come out exact (a cut at 3 s is 3.0).
    """
    order = np.argsort(pts, kind="stable")  # B-frames arrive in decode order
    pts, durations = pts[order], durations[order]
    known = durations[durations > 0]
    typical = int(np.median(known)) if known.size else 0
    ends = pts + np.minimum(durations, typical)
    reached = np.maximum.accumulate(ends)  # end of footage seen so far, in pts order
    min_jump_ticks = min_jump_s * time_base.denominator / time_base.numerator
    holes = np.flatnonzero(pts[1:] - reached[:-1] > min_jump_ticks)
    first = int(pts[0])

    def seconds(tick: int) -> float:
        return (tick - first) * time_base.numerator / time_base.denominator

    jumps = tuple(
        TimestampJump(start_s=seconds(int(start)), end_s=seconds(int(end)))
        for start, end in zip(reached[holes], pts[holes + 1], strict=True)
    )
    return seconds(int(reached[-1])), jumps


def _creation_time(tag: str | None) -> datetime | None:
    """The container's ``creation_time`` tag as aware UTC, or None when absent or unparsable."""
    if not tag:
        return None
    try:
        moment = datetime.fromisoformat(tag)
    except ValueError:
        _logger.debug("unparsable creation_time tag %r", tag)
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
