"""A seeded synthetic camera: shifts of dock bundles with every fault incremental detection must get right.

Each shift is one bundle (undock ... dock), docked in time order. Faults, each drawn
from the seed: gaps that begin with a stop-like event or with nothing, mutes, clock
corrections (small, and past the skew threshold), event-counter and file-counter
skips (inside a bundle and across two), files that never arrive, files that arrive
in a later bundle (late files), deletions, cut or unreadable files, hash
mismatches, files no segment line names, a log line going backwards, a missing
signature and a shift never docked. Bundles are stored straight through the
repository, as ingest stores them (no media on disk: the probe's facts are given).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from bodycam_guard.adapters.db.engine import make_engine, migrate, session_factory
from bodycam_guard.adapters.db.unit_of_work import SqlUnitOfWork
from bodycam_guard.domain.device_log import DeviceEvent, DeviceLog
from bodycam_guard.domain.incidents import IncidentFilter
from bodycam_guard.domain.manifest import ListedFile, Manifest
from bodycam_guard.domain.media import MediaFacts, TimestampJump
from bodycam_guard.domain.roster import RosteredDuty
from bodycam_guard.domain.timeline import ReceivedFile
from bodycam_guard.services.ports import UnitOfWorkFactory

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=30)


@dataclass
class SyntheticBundle:
    """One docking's upload: its log lines and the files the station brought."""

    name: str
    docked_at: datetime
    events: list[DeviceEvent] = field(default_factory=list)
    files: list[ReceivedFile] = field(default_factory=list)
    signature: str = "unchecked"


@dataclass
class _Camera:
    device: str
    rng: random.Random
    seq: int = 0
    file_seq: int = 0
    offset_ms: int = 0
    late: list[ReceivedFile] = field(default_factory=list)
    deletes: list[tuple[str, int]] = field(default_factory=list)

    def line(self, bundle: SyntheticBundle, ref: datetime, event: str, **fields: Any) -> None:
        self.seq += 1
        bundle.events.append(
            DeviceEvent(
                seq=self.seq,
                ts=ref + timedelta(milliseconds=self.offset_ms),
                event=event,
                fields=fields,
                line=len(bundle.events) + 1,
            )
        )

    def device_time(self, ref: datetime) -> str:
        return (ref + timedelta(milliseconds=self.offset_ms)).isoformat()


def synthetic_device(seed: int, device: str) -> tuple[list[SyntheticBundle], list[RosteredDuty]]:
    """A camera's bundles in docking order, and a roster with duties it met and one it missed."""
    camera = _Camera(device=device, rng=random.Random(seed))
    rng = camera.rng
    bundles = []
    for day in range(rng.randint(3, 7)):
        start = T0 + timedelta(days=day, minutes=rng.randint(0, 120))
        bundles.append(_shift(camera, f"{device}_{day:02d}", start))
    duties = [
        RosteredDuty(
            officer_id=f"OFF-{device}-{n}",
            device_id=device,
            start=T0 + timedelta(days=n, minutes=-30),
            end=T0 + timedelta(days=n, hours=1),
        )
        for n in range(len(bundles) + 1)
    ]
    return bundles, duties


def _shift(camera: _Camera, name: str, start: datetime) -> SyntheticBundle:
    rng = camera.rng
    bundle = SyntheticBundle(name=name, docked_at=start)
    if rng.random() < 0.25:
        camera.seq += rng.randint(1, 3)  # lines lost between two bundles
    if rng.random() < 0.2:
        camera.file_seq += rng.randint(1, 2)  # files lost between two bundles
    camera.line(bundle, start, "undock", station_id="ST-1", officer_id=f"OFF-{name}")
    bundle.files.extend(camera.late)  # files held back by the station arrive with this bundle
    camera.late = []
    for file, file_seq in camera.deletes:
        camera.line(bundle, start + timedelta(seconds=1), "delete", file=file, file_seq=file_seq)
    camera.deletes = []
    if rng.random() < 0.4:
        camera.offset_ms = rng.choice([-1500, 700, 2500, 45_000, -60_000])
        camera.line(bundle, start + timedelta(seconds=2), "time_sync", offset_ms=camera.offset_ms)
    t = start + timedelta(seconds=rng.uniform(2, 4))
    for _ in range(rng.randint(2, 7)):
        t = _between_files(camera, bundle, t)
        length = rng.uniform(40, 240)
        _segment(camera, bundle, t, t + timedelta(seconds=length))
        t += timedelta(seconds=length)
        if (
            camera.file_seq % 3 == 0
        ):  # an inert line now and then (no draw: seeds keep their cameras)
            camera.line(bundle, t, "battery", level=80)
    end = t + timedelta(seconds=rng.uniform(1, 30))
    if rng.random() < 0.15:
        camera.line(bundle, end, "mute", state="on")  # muted till the end of duty
    if rng.random() < 0.1 and len(bundle.events) > 3:
        last = bundle.events[-1]
        bundle.events[-1] = DeviceEvent(
            seq=last.seq - 2, ts=last.ts, event=last.event, fields=last.fields, line=last.line
        )  # the counter steps back inside one log
    if rng.random() < 0.9:
        camera.line(bundle, end + timedelta(seconds=1), "dock", station_id="ST-1")
    bundle.docked_at = end + timedelta(seconds=2)
    if rng.random() < 0.1:
        bundle.signature = "missing"
    return bundle


def _between_files(camera: _Camera, bundle: SyntheticBundle, t: datetime) -> datetime:
    """What happens between two files: a roll-over, a stop with a gap, a mute, a skip."""
    rng = camera.rng
    roll = rng.random()
    if roll < 0.5:
        return t + timedelta(seconds=rng.uniform(0, 1.5))
    if roll < 0.8:
        event, fields = rng.choice(
            [
                ("record_stop", {"trigger": "button"}),
                ("power_off", {"reason": "battery"}),
                ("sleep", {"state": "on"}),
                ("fault", {"code": "E7"}),
                ("record_stop", {"trigger": "storage_full"}),
                ("power_off", {"reason": "shutdown"}),
            ]
        )
        camera.line(bundle, t + timedelta(seconds=0.3), event, **fields)
    if rng.random() < 0.2:
        camera.line(bundle, t + timedelta(seconds=1), "mute", state="on")
        camera.line(bundle, t + timedelta(seconds=rng.uniform(3, 40)), "mute", state="off")
    if rng.random() < 0.1:
        camera.seq += 1  # a line removed
    if rng.random() < 0.1:
        _unnamed_file(camera, bundle, t + timedelta(seconds=5))
    return t + timedelta(seconds=rng.uniform(5, 120))


def _segment(camera: _Camera, bundle: SyntheticBundle, start: datetime, end: datetime) -> None:
    rng = camera.rng
    camera.file_seq += 2 if rng.random() < 0.08 else 1
    path = f"media/{camera.device}_{camera.file_seq:06d}.mp4"
    digest = f"{camera.file_seq:064x}"
    claimed = digest if rng.random() > 0.04 else "f" * 64
    camera.line(
        bundle,
        end,
        "segment",
        file=path,
        file_seq=camera.file_seq,
        start=camera.device_time(start),
        end=camera.device_time(end),
        bytes=1000,
        sha256=claimed,
    )
    fate = rng.random()
    if fate < 0.06:
        return  # never arrives
    if fate < 0.11:
        camera.deletes.append((path, camera.file_seq))  # erased before the next docking
        return
    length = (end - start).total_seconds()
    received = _received(camera, bundle.name, path, digest, length)
    if fate < 0.2:
        camera.late.append(received)  # arrives with the next bundle
    else:
        bundle.files.append(received)


def _received(camera: _Camera, bundle: str, path: str, digest: str, length: float) -> ReceivedFile:
    rng = camera.rng
    roll = rng.random()
    span = length - rng.uniform(4, 10) if roll < 0.05 else length - rng.uniform(0, 0.5)
    jumps = (TimestampJump(length / 3, length / 3 + 6),) if 0.05 <= roll < 0.1 else ()
    media = None if 0.1 <= roll < 0.13 else _media(span, jumps)
    return ReceivedFile(
        bundle=bundle,
        path=path,
        sha256=digest,
        bytes=1000,
        listed_sha256=digest if rng.random() > 0.04 else "e" * 64,
        media=media,
        media_error=None if media else "not a container",
    )


def _unnamed_file(camera: _Camera, bundle: SyntheticBundle, at: datetime) -> None:
    path = f"media/{bundle.name}_extra_{len(bundle.files)}.mp4"
    media = _media(camera.rng.uniform(5, 30), (), creation_time=at)
    digest = _digest(path)
    bundle.files.append(
        ReceivedFile(
            bundle=bundle.name,
            path=path,
            sha256=digest,
            bytes=1000,
            listed_sha256=digest,
            media=media,
        )
    )


def _media(
    span: float, jumps: tuple[TimestampJump, ...], creation_time: datetime | None = None
) -> MediaFacts:
    return MediaFacts(
        container="mov,mp4,m4a,3gp,3g2,mj2",
        creation_time=creation_time,
        span_s=span,
        declared_duration_s=span,
        jumps=jumps,
        video_packets=10,
        audio_packets=10,
    )


def store_bundle(uow: UnitOfWorkFactory, device: str, bundle: SyntheticBundle) -> None:
    """Record one bundle as ingest does after storing its blobs (no detection)."""
    log_sha = _digest(bundle.name)
    with uow() as work:
        work.bundles.add(
            name=bundle.name,
            manifest=Manifest(
                device_id=device,
                station_id="ST-1",
                docked_at=bundle.docked_at,
                files=tuple(ListedFile(f.path, f.listed_sha256, f.bytes) for f in bundle.files),
                log=ListedFile("device.log.jsonl", log_sha, 100),
            ),
            manifest_sha256=_digest(f"{device}/{bundle.name}"),
            log=DeviceLog(events=tuple(bundle.events)),
            log_sha256=log_sha,
            log_bytes=100,
            log_signature_sha256=None,
            signature_status=bundle.signature,
            files=bundle.files,
            at=NOW,
        )
        work.commit()


def paired_stores(folder: Path) -> Iterator[tuple[UnitOfWorkFactory, UnitOfWorkFactory]]:
    """Two migrated SQLite stores in `folder`: one for incremental detection, one for full."""
    engines = [make_engine(f"sqlite:///{folder / name}.sqlite") for name in ("inc", "full")]
    for engine in engines:
        migrate(engine)
    incremental, full = (partial(SqlUnitOfWork, session_factory(e)) for e in engines)
    yield incremental, full
    for engine in engines:
        engine.dispose()


def open_incidents(uow: UnitOfWorkFactory, device: str) -> dict[str, tuple[Any, ...]]:
    """A device's open incidents by id: kind, severity, officer, times and evidence."""
    with uow() as work:
        found = work.incidents.list(IncidentFilter(device_id=device))
    return {
        i.id: (i.kind, i.severity, i.officer_id, i.start, i.end, dict(i.evidence)) for i in found
    }


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
