"""Repositories: the tables read and written in the domain's terms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bodycam_guard.adapters.db.duty_records import RosteredDutyRow
from bodycam_guard.adapters.db.history_slices import chunks, received_file, received_log
from bodycam_guard.adapters.db.run_records import add_runs, note_clashes
from bodycam_guard.adapters.db.tables import (
    ApiToken,
    Bundle,
    Device,
    DeviceEventRow,
    Officer,
    Segment,
    Station,
    ensure_known,
)
from bodycam_guard.domain.device_log import NAMES_A_FILE, DeviceEvent, DeviceLog, epoch_us
from bodycam_guard.domain.errors import DuplicateNameError
from bodycam_guard.domain.manifest import Manifest
from bodycam_guard.domain.roster import RosteredDuty
from bodycam_guard.domain.segment_runs import bundle_runs
from bodycam_guard.domain.timeline import DeviceHistory, ReceivedFile, place_events


class SqlBundles:
    """Bundles, their files and their log lines."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def is_ingested(self, manifest_sha256: str) -> bool:
        """Whether a bundle with exactly this manifest is already stored."""
        found = self._s.scalar(select(Bundle.id).where(Bundle.manifest_sha256 == manifest_sha256))
        return found is not None

    def add(
        self,
        *,
        name: str,
        manifest: Manifest,
        manifest_sha256: str,
        log: DeviceLog,
        log_sha256: str,
        log_bytes: int,
        log_signature_sha256: str | None,
        signature_status: str,
        files: Sequence[ReceivedFile],
        at: datetime,
    ) -> None:
        """Record a stored bundle with its files and every log line."""
        ensure_known(self._s, Device, manifest.device_id, at)
        ensure_known(self._s, Station, manifest.station_id, at)
        for ev in log.events:
            if ev.event == "undock" and (officer := ev.str_field("officer_id")):
                ensure_known(self._s, Officer, officer, at)
        bundle = Bundle(
            name=name,
            device_id=manifest.device_id,
            station_id=manifest.station_id,
            docked_at=manifest.docked_at,
            manifest_sha256=manifest_sha256,
            log_path=manifest.log.path,
            log_sha256=log_sha256,
            log_listed_sha256=manifest.log.sha256,
            log_bytes=log_bytes,
            log_signature_sha256=log_signature_sha256,
            signature_status=signature_status,
            ingested_at=at,
            detected=False,
        )
        self._s.add(bundle)
        self._s.flush()
        run_of_line, run_of_file = self._add_runs(bundle, log, files)
        file_seqs = {
            ev.str_field("file"): ev.int_field("file_seq")
            for ev in log.events
            if ev.event == "segment"
        }
        for f in files:
            media = f.media
            self._s.add(
                Segment(
                    bundle_id=bundle.id,
                    device_id=manifest.device_id,
                    path=f.path,
                    sha256=f.sha256,
                    listed_sha256=f.listed_sha256,
                    bytes=f.bytes,
                    file_seq=file_seqs.get(f.path),
                    container=media.container if media else None,
                    creation_time=media.creation_time if media else None,
                    span_s=media.span_s if media else None,
                    declared_duration_s=media.declared_duration_s if media else None,
                    jumps=[[j.start_s, j.end_s] for j in media.jumps] if media else None,
                    video_packets=media.video_packets if media else None,
                    audio_packets=media.audio_packets if media else None,
                    media_error=f.media_error,
                    run_id=run_of_file.get(f.path),
                )
            )
        self._s.add_all(
            DeviceEventRow(
                bundle_id=bundle.id,
                device_id=manifest.device_id,
                line=ev.line,
                seq=ev.seq,
                ts=ev.ts,
                event=ev.event,
                fields=dict(ev.fields),
                file=ev.str_field("file") if ev.event in NAMES_A_FILE else None,
                file_seq=ev.int_field("file_seq") if ev.event in NAMES_A_FILE else None,
                start_us=_segment_time(ev, "start"),
                end_us=_segment_time(ev, "end"),
                run_id=run_of_line.get(ev.line),
            )
            for ev in log.events
        )
        self._s.flush()
        note_clashes(self._s, manifest.device_id, log, files)

    def _add_runs(
        self, bundle: Bundle, log: DeviceLog, files: Sequence[ReceivedFile]
    ) -> tuple[dict[int, int], dict[str, int]]:
        """Summarise the bundle's runs of routine footage; which run each line and file is in."""
        run_of_line: dict[int, int] = {}
        run_of_file: dict[str, int] = {}
        runs = bundle_runs(log.events, files)
        for run, run_id in zip(
            runs, add_runs(self._s, bundle.id, bundle.device_id, runs), strict=True
        ):
            run_of_line.update(dict.fromkeys(range(run.first_line, run.last_line + 1), run_id))
            run_of_file.update(dict.fromkeys(run.paths, run_id))
        return run_of_line, run_of_file

    def devices_pending_detection(self) -> list[str]:
        """Devices with a stored bundle that detection has not yet run over."""
        rows = self._s.scalars(
            select(Bundle.device_id).where(Bundle.detected.is_(False)).distinct()
        )
        return sorted(rows)

    def mark_detected(self, *device_ids: str) -> None:
        """Record that detection has run over every stored bundle of these devices."""
        for chunk in chunks(device_ids):
            self._s.execute(update(Bundle).where(Bundle.device_id.in_(chunk)).values(detected=True))


class SqlHistories:
    """A device's whole received history, in log order."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def devices(self) -> list[str]:
        """Every device that has sent a bundle."""
        return sorted(self._s.scalars(select(Bundle.device_id).distinct()))

    def load(self, device_id: str) -> DeviceHistory:
        """Everything received from `device_id`: events on the reference clock, files, logs."""
        bundles = list(
            self._s.scalars(
                select(Bundle)
                .where(Bundle.device_id == device_id)
                .order_by(Bundle.docked_at, Bundle.id)
            )
        )
        names = {b.id: b.name for b in bundles}
        order = {b.id: n for n, b in enumerate(bundles)}
        rows = self._s.scalars(select(DeviceEventRow).where(DeviceEventRow.device_id == device_id))
        ordered = sorted(rows, key=lambda r: (order[r.bundle_id], r.line))
        events = place_events(
            [
                (
                    names[r.bundle_id],
                    DeviceEvent(seq=r.seq, ts=r.ts, event=r.event, fields=r.fields, line=r.line),
                )
                for r in ordered
            ]
        )
        segments = self._s.scalars(
            select(Segment).where(Segment.device_id == device_id).order_by(Segment.id)
        )
        files = tuple(received_file(s, names[s.bundle_id]) for s in segments)
        logs = tuple(received_log(b) for b in bundles)
        roster = tuple(
            RosteredDuty(officer_id=r.officer_id, device_id=r.device_id, start=r.start, end=r.end)
            for r in self._s.scalars(
                select(RosteredDutyRow)
                .where(RosteredDutyRow.device_id == device_id)
                .order_by(RosteredDutyRow.start)
            )
        )
        return DeviceHistory(
            device_id=device_id, events=events, files=files, logs=logs, roster=roster
        )


class SqlApiTokens:
    """API tokens, by the SHA-256 of their secret."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, *, name: str, role: str, token_sha256: str, at: datetime) -> None:
        """Record a new token; names are unique."""
        if self._s.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
            raise DuplicateNameError(f"a token named {name!r} already exists")
        self._s.add(ApiToken(name=name, role=role, token_sha256=token_sha256, created_at=at))
        self._s.flush()

    def role_for(self, token_sha256: str) -> str | None:
        """The role of the token with this hash, or None."""
        return self._s.scalar(select(ApiToken.role).where(ApiToken.token_sha256 == token_sha256))


def _segment_time(event: DeviceEvent, name: str) -> int | None:
    """A `segment` line's start or end as microseconds since the epoch, copied out to be read column-wise."""
    if event.event != "segment":
        return None
    moment = event.time_field(name)
    return epoch_us(moment) if moment is not None else None
