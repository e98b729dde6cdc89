"""Real, tiny, deterministic body-camera clips and dock bundles, written with PyAV.

`write_clip` encodes H.264 + AAC with fixed settings (one encoder thread, fixed
GOP, seeded content) so the same call gives the same bytes on the same PyAV
build. A *cut* leaves frames and audio out while keeping the timestamps of the
rest, exactly what an editor removing footage produces: the file then shows a
forward jump in its presentation timestamps. `write_bundle` lays a `Scenario`
out as a dock bundle (dock-bundle-v1): media first, then the device log, then
`manifest.json` last, by atomic rename.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import random
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

_logger = logging.getLogger(__name__)

_FORMATS = {".mp4": "mp4", ".mov": "mov", ".mkv": "matroska"}
_AUDIO_RATE = 16_000
_AUDIO_FRAME = 1024  # AAC frame size, in samples
_TONE_HZ = 440.0
_TONE_AMPLITUDE = 0.05  # quiet: the point is that the file has a real audio track


def rfc3339_ms(moment: datetime) -> str:
    """An aware datetime as RFC 3339 UTC with milliseconds and ``Z``, as device logs write it."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def write_clip(
    path: Path,
    *,
    duration_s: float,
    fps: int = 5,
    size: tuple[int, int] = (64, 48),
    creation_time: datetime | None,
    cut: tuple[float, float] | None = None,
    truncate_to_s: float | None = None,
    preset: str = "ultrafast",
    x264_params: str | None = None,
    bit_rate: int | None = None,
    noise_seed: int | None = None,
) -> None:
    """Write an H.264 + AAC clip of `duration_s` seconds; the container follows the suffix.

    `cut=(a, b)` leaves out video frames and audio frames starting in [a, b) seconds,
    keeping every other timestamp; `truncate_to_s` stops the clip early. `preset`,
    `x264_params` (e.g. ``"bframes=3"``) and `bit_rate` tune libx264; `noise_seed`
    adds seeded noise so that frames cost real bits (benchmarks).
    """
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        msg = f"{path.name}: expected a suffix among {sorted(_FORMATS)}, found {path.suffix!r}"
        raise ValueError(msg)
    end_s = duration_s if truncate_to_s is None else min(duration_s, truncate_to_s)

    def kept(t: float) -> bool:
        # A hair of slack so that a cut at 17 * 0.2 s (3.4000000000000004) takes frame 17.
        slack = 1e-9
        return t < end_s - slack and not (cut is not None and cut[0] - slack <= t < cut[1] - slack)

    width, height = size
    options = {"preset": preset, "threads": "1", "g": "300", "keyint_min": "300"}
    if x264_params is not None:
        options["x264-params"] = x264_params
    rng = np.random.default_rng(noise_seed) if noise_seed is not None else None
    muxer_options = {"movflags": "+faststart"} if fmt in {"mp4", "mov"} else {}
    with av.open(str(path), mode="w", format=fmt, options=muxer_options) as container:
        if creation_time is not None:
            container.metadata["creation_time"] = creation_time.astimezone(UTC).strftime(
                "%Y-%m-%dT%H:%M:%S.%fZ"
            )
        video = container.add_stream("libx264", rate=fps, options=options)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        if bit_rate is not None:
            video.bit_rate = bit_rate
        audio = container.add_stream("aac", rate=_AUDIO_RATE, layout="mono")
        audio.bit_rate = 8_000

        # Video and audio in time order, so the muxer interleaves them as a camera would.
        moments = sorted(
            [(i / fps, 0, i) for i in range(round(duration_s * fps))]
            + [
                (s / _AUDIO_RATE, 1, s)
                for s in range(0, round(duration_s * _AUDIO_RATE), _AUDIO_FRAME)
            ]
        )
        for t, kind, index in moments:
            if not kept(t):
                continue
            if kind == 0:
                picture = _picture(index, fps, size, rng)
                frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
                frame.pts, frame.time_base = index, Fraction(1, fps)
                container.mux(video.encode(frame))
            else:
                container.mux(audio.encode(_tone(index)))
        container.mux(video.encode(None))
        container.mux(audio.encode(None))
    _logger.debug(
        "wrote %s (%.1f s, cut=%s, truncated to %s)", path, duration_s, cut, truncate_to_s
    )


def _tone(first_sample: int) -> av.AudioFrame:
    """One AAC frame's worth of a quiet sine tone, starting at `first_sample`."""
    t = (first_sample + np.arange(_AUDIO_FRAME)) / _AUDIO_RATE
    # A short beep every two seconds: audible, and near-silence in between keeps AAC tiny.
    envelope = np.where(t % 2.0 < 0.25, _TONE_AMPLITUDE, 0.0)
    samples = (envelope * np.sin(2 * np.pi * _TONE_HZ * t)).astype(np.float32)
    sound = av.AudioFrame.from_ndarray(samples[np.newaxis, :], format="fltp", layout="mono")
    sound.sample_rate = _AUDIO_RATE
    sound.pts, sound.time_base = first_sample, Fraction(1, _AUDIO_RATE)
    return sound


def _picture(
    index: int, fps: int, size: tuple[int, int], rng: np.random.Generator | None
) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """One frame: a background colour that changes every second and a white bar sweeping across."""
    width, height = size
    second = index // fps
    colour = np.array(
        [(second * 53) % 200 + 30, (second * 97) % 200 + 30, (second * 151) % 200 + 30],
        dtype=np.uint8,
    )
    img = np.broadcast_to(colour, (height, width, 3)).copy()
    bar = max(2, width // 10)
    x = (index * bar) % width
    img[:, x : x + bar] = 255
    if rng is not None:
        img ^= np.frombuffer(rng.bytes(img.size), dtype=np.uint8).reshape(img.shape) & 63
    return img


@dataclass(frozen=True, slots=True)
class Recording:
    """One segment file the camera recorded; times are on the reference (dock) clock."""

    file: str
    file_seq: int
    start: datetime
    duration_s: float
    cut: tuple[float, float] | None = None
    truncate_to_s: float | None = None
    garbage: bool = False
    """The file on the camera is garbage bytes, not a playable container."""
    in_bundle: bool = True
    """False when the file never reaches the dock (missing, or deleted on the device)."""

    def last_frame(self, fps: int) -> datetime:
        """Reference time of the last frame the segment event claims (start + length - 1/fps)."""
        return self.start + timedelta(seconds=self.duration_s - 1 / fps)


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One device log line before formatting; `ts` is on the reference clock."""

    seq: int
    ts: datetime
    event: str
    fields: Mapping[str, object] = field(default_factory=dict)
    recording: Recording | None = None
    """For a ``segment`` event: the file it announces (file, file_seq, start, end, bytes, sha256)."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """One docking's worth of a camera's life, as a dock station would receive it."""

    name: str
    device_id: str
    station_id: str
    docked_at: datetime
    events: tuple[LogEvent, ...]
    recordings: tuple[Recording, ...]
    clock_ahead_s: float = 0.0
    """How far the device clock runs ahead of the reference clock (added to every device time)."""
    wrong_manifest_sha256: frozenset[str] = frozenset()
    """Bundle paths whose manifest hash the station got wrong, on purpose."""
    signature: str | None = None
    """``valid``: the camera signs its log; ``wrong``: the signature is over other bytes."""
    fps: int = 5

    @property
    def bundle_name(self) -> str:
        """``<device_id>_<docked_at>`` as stations name bundles, e.g. ``KZ-AST-0001_20261124T080312Z``."""
        return f"{self.device_id}_{self.docked_at:%Y%m%dT%H%M%SZ}"


def device_key(device_id: str) -> Ed25519PrivateKey:
    """A sample camera's signing key, derived from its id so the bundles regenerate identically."""
    return Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(f"bodycam-guard sample device key\n{device_id}".encode()).digest()
    )


def device_public_key(device_id: str) -> bytes:
    """The base64 of a sample camera's raw public key, as `bodycam-guard devices add` reads it."""
    raw = device_key(device_id).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw) + b"\n"


def write_bundle(root: Path, scenario: Scenario) -> Path:
    """Write `scenario` as a dock bundle under `root` (media, log, manifest last) and return it."""
    bundle = root / scenario.bundle_name
    if bundle.exists():
        shutil.rmtree(bundle)
    (bundle / "media").mkdir(parents=True)
    ahead = timedelta(seconds=scenario.clock_ahead_s)
    written: dict[str, tuple[int, str]] = {}
    for rec in scenario.recordings:
        target = bundle / rec.file
        if rec.garbage:
            target.write_bytes(random.Random(rec.file).randbytes(24_000))
        else:
            write_clip(
                target,
                duration_s=rec.duration_s,
                fps=scenario.fps,
                creation_time=rec.start + ahead,
                cut=rec.cut,
                truncate_to_s=rec.truncate_to_s,
            )
        data = target.read_bytes()
        written[rec.file] = (len(data), hashlib.sha256(data).hexdigest())
        if not rec.in_bundle:
            target.unlink()

    lines = [_log_line(e, ahead, scenario.fps, written) for e in scenario.events]
    log_bytes = "".join(lines).encode()
    (bundle / "device.log.jsonl").write_bytes(log_bytes)
    if scenario.signature is not None:
        # A wrong signature is the camera's own, over the log as it was before someone edited it.
        signed = log_bytes if scenario.signature == "valid" else log_bytes.replace(b"}", b" }", 1)
        signature = base64.b64encode(device_key(scenario.device_id).sign(signed))
        (bundle / "device.log.jsonl.sig").write_bytes(signature + b"\n")

    files = []
    for rec in sorted(scenario.recordings, key=lambda r: r.file):
        if not rec.in_bundle:
            continue
        size, digest = written[rec.file]
        if rec.file in scenario.wrong_manifest_sha256:
            digest = hashlib.sha256((bundle / rec.file).read_bytes()[:-1]).hexdigest()
        files.append({"path": rec.file, "bytes": size, "sha256": digest})
    manifest = {
        "format": "bodycam-bundle/1",
        "device_id": scenario.device_id,
        "station_id": scenario.station_id,
        "docked_at": scenario.docked_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "files": files,
        "log": {"path": "device.log.jsonl", "sha256": hashlib.sha256(log_bytes).hexdigest()},
    }
    partial = bundle / "manifest.json.partial"
    partial.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    partial.replace(bundle / "manifest.json")  # last, atomically: the bundle is now complete
    _logger.info("wrote bundle %s", bundle)
    return bundle


def _log_line(
    event: LogEvent, ahead: timedelta, fps: int, written: Mapping[str, tuple[int, str]]
) -> str:
    """One JSONL line on the device clock: seq, ts, event first, then the event's fields."""
    line: dict[str, object] = {"seq": event.seq, "ts": rfc3339_ms(event.ts + ahead)}
    line["event"] = event.event
    line.update(event.fields)
    if event.recording is not None:
        rec = event.recording
        size, digest = written[rec.file]
        line |= {
            "file": rec.file,
            "file_seq": rec.file_seq,
            "start": rfc3339_ms(rec.start + ahead),
            "end": rfc3339_ms(rec.last_frame(fps) + ahead),
            "bytes": size,
            "sha256": digest,
        }
    return json.dumps(line) + "\n"


class DutyLog:
    """Builds a `Scenario` in time order: a reference clock, the event counter, the file counter."""

    def __init__(
        self, name: str, *, device_id: str, station_id: str, undock_at: datetime, fps: int = 5
    ) -> None:
        self.name, self.device_id, self.station_id, self.fps = name, device_id, station_id, fps
        self.now = undock_at
        self.next_seq = 1
        self.next_file_seq = 1
        self.events: list[LogEvent] = []
        self.recordings: list[Recording] = []

    def log(self, event: str, *, after_s: float = 0.0, **fields: object) -> datetime:
        """Advance the clock by `after_s`, log `event`, and return its reference time."""
        self.now += timedelta(seconds=after_s)
        self._append(LogEvent(self.next_seq, self.now, event, fields))
        return self.now

    def _append(self, event: LogEvent) -> None:
        self.events.append(event)
        self.next_seq += 1

    def wait(self, seconds: float) -> datetime:
        """Let `seconds` pass with nothing logged; return the new reference time."""
        self.now += timedelta(seconds=seconds)
        return self.now

    def record(
        self,
        duration_s: float,
        *,
        during: Sequence[tuple[float, str, Mapping[str, object]]] = (),
        logged: bool = True,
        cut: tuple[float, float] | None = None,
        truncate_to_s: float | None = None,
        garbage: bool = False,
        in_bundle: bool = True,
    ) -> Recording:
        """Record one segment from now; `during` logs events at offsets inside it, then the segment.

        `logged=False` leaves the segment event out (the line never existed); the other
        keywords describe the file as in `Recording`.
        """
        rec = Recording(
            f"media/{self.device_id}_{self.next_file_seq:06d}.mp4",
            self.next_file_seq,
            self.now,
            duration_s,
            cut=cut,
            truncate_to_s=truncate_to_s,
            garbage=garbage,
            in_bundle=in_bundle,
        )
        self.next_file_seq += 1
        self.recordings.append(rec)
        for offset, event, fields in sorted(during, key=lambda d: d[0]):
            self.now = rec.start + timedelta(seconds=offset)
            self._append(LogEvent(self.next_seq, self.now, event, fields))
        self.now = rec.start + timedelta(seconds=duration_s)
        if logged:
            self._append(LogEvent(self.next_seq, self.now, "segment", recording=rec))
        return rec

    def skip_seq(self, count: int) -> None:
        """Drop the next `count` event numbers, as if those log lines were removed."""
        self.next_seq += count

    def skip_file_seq(self, count: int) -> None:
        """Drop the next `count` file numbers, as if those files and their events were removed."""
        self.next_file_seq += count

    def scenario(
        self,
        *,
        clock_ahead_s: float = 0.0,
        wrong_manifest_sha256: Sequence[str] = (),
        signature: str | None = None,
    ) -> Scenario:
        """The finished scenario; the station docks it at the next whole second after the last event."""
        last = self.events[-1].ts
        docked_at = last.replace(microsecond=0) + timedelta(
            seconds=math.ceil(last.microsecond / 1e6)
        )
        return Scenario(
            name=self.name,
            device_id=self.device_id,
            station_id=self.station_id,
            docked_at=docked_at,
            events=tuple(self.events),
            recordings=tuple(self.recordings),
            clock_ahead_s=clock_ahead_s,
            wrong_manifest_sha256=frozenset(wrong_manifest_sha256),
            signature=signature,
            fps=self.fps,
        )
