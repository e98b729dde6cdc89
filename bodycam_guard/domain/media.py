"""What a recorded file shows about itself, read from its packet timestamps.

A `MediaFacts` is the probe's verdict on one stored file: where its real packets
start and end (offsets in seconds from the first packet), and every place where
the presentation timestamps jump forward (frames removed, timestamps kept).
The detector places a file on the duty timeline at its `segment` event's start
(or the container's creation time) and treats each jump as a hole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TimestampJump:
    """A hole inside one file: no packet between `start_s` and `end_s` (offsets from the first packet)."""

    start_s: float
    end_s: float

    @property
    def length_s(self) -> float:
        """How many seconds of footage are missing inside the file."""
        return self.end_s - self.start_s


@dataclass(frozen=True, slots=True)
class MediaFacts:
    """Timing facts of one media file, from its packets only (never decoded)."""

    container: str
    """Demuxer name as FFmpeg reports it, e.g. ``mov,mp4,m4a,3gp,3g2,mj2``."""
    creation_time: datetime | None
    """The container's ``creation_time`` tag, aware UTC, or None when absent or unparsable."""
    span_s: float
    """Seconds from the first packet's pts to the end (pts + duration) of the last packet."""
    declared_duration_s: float | None
    """The container's own duration field, for cross-checking against packets and the log."""
    jumps: tuple[TimestampJump, ...]
    """Forward jumps in presentation time longer than the probe's threshold, in time order."""
    video_packets: int
    audio_packets: int
