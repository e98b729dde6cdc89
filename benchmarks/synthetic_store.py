"""A seeded SQLite store of a whole precinct's history, built once and cached under /tmp.

1,000 cameras x 80 days x one 10-hour shift a day of 120 five-minute segments: 9.6 M
segments and about 12 M device log lines (undock, a time_sync, the segment lines, a
few battery lines, dock; in 2 % of the shifts the officer switches the camera off
for 5 to 30 minutes). Rows go in with executemany on the migrated schema, camera by
camera, so every index the product uses is there and filled in order. Camera 0's day
`HELD_BACK_DAY` is left out: the benchmark uploads it late, out of order.

The file is built under a temporary name and renamed when complete, so an
interrupted build is never reused; its name carries the scale and seed, and later
schema migrations are applied to it in place.
Set BODYCAM_BENCH_CAMERAS (and _DAYS) for a quick, smaller store.
"""

from __future__ import annotations

import json
import os
import random
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bodycam_guard.adapters.db.engine import make_engine, migrate
from bodycam_guard.domain.device_log import epoch_us
from bodycam_guard.domain.rfc3339 import parse_rfc3339

SEED = 20261124
CAMERAS = int(os.environ.get("BODYCAM_BENCH_CAMERAS", "1000"))
DAYS = int(os.environ.get("BODYCAM_BENCH_DAYS", "80"))
SEGMENTS_PER_SHIFT = 120
SEGMENT_S = 300.0
EPOCH = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
HELD_BACK_DAY = DAYS // 2
SWITCH_OFF_SHARE = 0.02
CACHE = Path(os.environ.get("BODYCAM_BENCH_CACHE", "/tmp/bodycam-guard-bench"))


def camera_id(n: int) -> str:
    """The device id of camera `n`."""
    return f"KZ-BEN-{n:04d}"


def store_path() -> Path:
    """Where the cached store for this scale lives."""
    return CACHE / f"precinct-v1-{CAMERAS}x{DAYS}x{SEGMENTS_PER_SHIFT}-s{SEED}.sqlite"


def ensure_store() -> Path:
    """The cached store, built first if absent (10 M segments take some minutes)."""
    path = store_path()
    if path.exists():
        engine = make_engine(f"sqlite:///{path}")
        migrate(engine)  # later migrations are applied to the cached rows, not rebuilt
        engine.dispose()
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    building = path.with_suffix(".building")
    for stale in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        stale.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{building}")
    migrate(engine)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1000000")
        at = _sql_time(EPOCH)
        cursor.execute("INSERT INTO stations (id, first_seen_at) VALUES ('ST-BEN', ?)", (at,))
        for camera in range(CAMERAS):
            _insert_camera(cursor, camera, at)
            raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
        engine.dispose()
    building.rename(path)
    return path


def _sql_time(moment: datetime) -> str:
    # How UTCDateTime stores on SQLite: naive UTC, microseconds always written.
    return moment.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _insert_camera(cursor: Any, camera: int, at: str) -> None:
    device = camera_id(camera)
    cursor.execute("INSERT INTO devices (id, first_seen_at) VALUES (?, ?)", (device, at))
    rng = random.Random(SEED * 10_007 + camera)
    seq, file_seq = 0, 0
    for day in range(DAYS):
        shift = shift_lines(device, day, seq, file_seq, rng)
        seq, file_seq = shift.seq, shift.file_seq
        if camera == 0 and day == HELD_BACK_DAY:
            continue
        _insert_shift(cursor, device, day, shift)


class Shift:
    """One day's dock bundle of a camera: its log lines and the files they name."""

    def __init__(self, device: str, day: int) -> None:
        self.device = device
        self.day = day
        self.lines: list[tuple[int, datetime, str, dict[str, Any]]] = []
        self.files: list[tuple[str, int, float]] = []
        self.seq = 0
        self.file_seq = 0

    @property
    def name(self) -> str:
        """The bundle's name."""
        return f"{self.device}_{self.day:03d}"

    @property
    def docked_at(self) -> datetime:
        """When the camera docked (its last line)."""
        return self.lines[-1][1]

    def line(self, moment: datetime, event: str, **fields: Any) -> None:
        """Log one line (the device clock runs 300 ms ahead; a time_sync says so)."""
        self.seq += 1
        self.lines.append((self.seq, moment + timedelta(milliseconds=300), event, fields))


def shift_lines(device: str, day: int, seq: int, file_seq: int, rng: random.Random) -> Shift:
    """A camera's shift: undock, time_sync, 120 files with small roll-over jitter, dock."""
    shift = Shift(device, day)
    shift.seq, shift.file_seq = seq, file_seq
    start = EPOCH + timedelta(days=day, seconds=rng.uniform(0, 3600))
    shift.line(start, "undock", station_id="ST-BEN", officer_id=f"OFF-{device[-4:]}")
    shift.line(start + timedelta(seconds=1), "time_sync", offset_ms=300)
    t = start + timedelta(seconds=2)
    off_at = rng.randrange(SEGMENTS_PER_SHIFT) if rng.random() < SWITCH_OFF_SHARE else -1
    for n in range(SEGMENTS_PER_SHIFT):
        if n == off_at:
            shift.line(t + timedelta(seconds=0.2), "record_stop", trigger="button")
            t += timedelta(seconds=rng.uniform(300, 1800))
        if n % 30 == 0:
            shift.line(t, "battery", level=100 - n // 2)
        shift.file_seq += 1
        end = t + timedelta(seconds=SEGMENT_S)
        path = f"media/{device}_{shift.file_seq:06d}.mp4"
        shift.line(
            end,
            "segment",
            file=path,
            file_seq=shift.file_seq,
            start=_iso(t + timedelta(milliseconds=300)),
            end=_iso(end + timedelta(milliseconds=300)),
            bytes=37_500_000,
            sha256=segment_sha(device, shift.file_seq),
        )
        shift.files.append((path, shift.file_seq, SEGMENT_S - rng.uniform(0, 0.2)))
        t = end + timedelta(seconds=rng.uniform(0, 1.5))
    shift.line(t + timedelta(seconds=5), "dock", station_id="ST-BEN")
    return shift


def segment_sha(device: str, file_seq: int) -> str:
    """The SHA-256 (hex) a camera's file of this counter has in the store."""
    return f"{zlib.crc32(device.encode()):09d}{file_seq:055x}"[:64]


def _insert_shift(cursor: Any, device: str, day: int, shift: Shift) -> None:
    at = _sql_time(shift.docked_at)
    cursor.execute(
        "INSERT INTO bundles (name, device_id, station_id, docked_at, manifest_sha256, log_path,"
        " log_sha256, log_listed_sha256, log_bytes, ingested_at, signature_status, detected)"
        " VALUES (?, ?, 'ST-BEN', ?, ?, 'device.log.jsonl', ?, ?, 90000, ?, 'unchecked', 1)",
        (shift.name, device, at, f"{device}{day:060d}"[-64:], "a" * 64, "a" * 64, at),
    )
    bundle_id = cursor.lastrowid
    cursor.executemany(
        "INSERT INTO device_events (bundle_id, device_id, line, seq, ts, event, fields, file,"
        " file_seq, start_us, end_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _event_rows(bundle_id, device, shift),
    )
    cursor.executemany(
        "INSERT INTO segments (bundle_id, device_id, path, sha256, listed_sha256, bytes, file_seq,"
        " container, span_s, declared_duration_s, jumps, video_packets, audio_packets)"
        " VALUES (?, ?, ?, ?, ?, 37500000, ?, 'mov,mp4,m4a,3gp,3g2,mj2', ?, ?, '[]', 9000, 14000)",
        [
            (
                bundle_id,
                device,
                path,
                segment_sha(device, seq),
                segment_sha(device, seq),
                seq,
                span,
                span,
            )
            for path, seq, span in shift.files
        ],
    )


def _event_rows(bundle_id: int, device: str, shift: Shift) -> Iterator[tuple[Any, ...]]:
    for line, (seq, moment, event, fields) in enumerate(shift.lines, start=1):
        named = event in ("segment", "delete")
        yield (
            bundle_id,
            device,
            line,
            seq,
            _sql_time(moment),
            event,
            json.dumps(fields),
            fields["file"] if named else None,
            fields["file_seq"] if named else None,
            epoch_us(parse_rfc3339(fields["start"])) if event == "segment" else None,
            epoch_us(parse_rfc3339(fields["end"])) if event == "segment" else None,
        )
