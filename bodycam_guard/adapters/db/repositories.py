"""Repositories: the tables read and written in the domain's terms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bodycam_guard.adapters.db.duty_records import RosteredDutyRow
from bodycam_guard.adapters.db.history_slices import chunks, received_file, received_log
from bodycam_guard.adapters.db.incident_queue import SqlIncidentQueue
from bodycam_guard.adapters.db.run_records import NAMES_A_FILE, add_runs, note_clashes
from bodycam_guard.adapters.db.tables import (
    ApiToken,
    Bundle,
    Device,
    DeviceEventRow,
    IncidentRow,
    Officer,
    Segment,
    Station,
    ensure_known,
)
from bodycam_guard.domain.detection_range import AffectedRange
from bodycam_guard.domain.device_log import DeviceEvent, DeviceLog, epoch_us
from bodycam_guard.domain.errors import DuplicateNameError
from bodycam_guard.domain.incidents import (
    DetectionPolicy,
    Finding,
    Incident,
    IncidentFilter,
    IncidentKind,
    IncidentStatus,
)
from bodycam_guard.domain.manifest import Manifest
from bodycam_guard.domain.roster import RosteredDuty
from bodycam_guard.domain.segment_runs import bundle_runs
from bodycam_guard.domain.timeline import DeviceHistory, ReceivedFile, place_events

# Kinds the detector derives from received data; it may retract these when new data
# shows the fact no longer holds. Kinds raised by scheduled checks are left alone.
DETECTOR_KINDS = frozenset(
    {
        IncidentKind.CAMERA_OFF,
        IncidentKind.AUDIO_MUTED,
        IncidentKind.BATTERY_DEPLETED,
        IncidentKind.DEVICE_FAULT,
        IncidentKind.UNEXPLAINED_GAP,
        IncidentKind.FOOTAGE_MISSING,
        IncidentKind.FOOTAGE_DELETED,
        IncidentKind.FILE_COUNTER_GAP,
        IncidentKind.LOG_GAP,
        IncidentKind.FOOTAGE_CUT,
        IncidentKind.HASH_MISMATCH,
        IncidentKind.CLOCK_SKEW,
        IncidentKind.LATE_UPLOAD,
        IncidentKind.NO_CAMERA,
        IncidentKind.BAD_SIGNATURE,
    }
)

"""Log lines whose file and file counter are copied into indexed columns."""


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


_I = IncidentRow
_STORED_INCIDENTS = select(
    _I.id, _I.kind, _I.severity, _I.officer_id, _I.start, _I.end, _I.evidence, _I.retracted
)
"""Incidents as plain rows: most findings are unchanged, and only need their time of detection."""


class SqlIncidents:
    """Incidents, reconciled with each detection run."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def reconcile(
        self,
        device_id: str,
        findings: Sequence[Finding],
        policy: DetectionPolicy,
        at: datetime,
        *,
        within: AffectedRange | None = None,
    ) -> tuple[int, int]:
        """Upsert this device's findings by id; retract detector incidents no longer found.

        With `within`, only the device's incidents in that range are considered for
        retraction (incremental detection); others are left as they are. Returns
        (new incidents, retracted incidents). A supervisor's status is never reset.
        """
        i = IncidentRow
        query = _STORED_INCIDENTS.where(i.device_id == device_id)
        if within is not None:
            query = query.where(or_(i.start.between(within.start, within.end), i.start.is_(None)))
        existing = {
            row.id: row
            for row in self._s.execute(query)
            if within is None
            or within.holds(IncidentKind(row.kind), row.start, row.end, row.evidence)
        }
        return self._settle(
            {device_id: findings}, existing, policy, at, looked_up=within is not None
        )

    def reconcile_devices(
        self, findings: Mapping[str, Sequence[Finding]], policy: DetectionPolicy, at: datetime
    ) -> tuple[int, int]:
        """Full reconciliation of several devices at once, as `reconcile` does each; (new, retracted)."""
        i = IncidentRow
        existing: dict[str, Any] = {}
        for chunk in chunks(findings):
            existing.update(
                (row.id, row)
                for row in self._s.execute(_STORED_INCIDENTS.where(i.device_id.in_(chunk)))
            )
        return self._settle(findings, existing, policy, at, looked_up=False)

    def _settle(
        self,
        findings: Mapping[str, Sequence[Finding]],
        existing: dict[str, Any],
        policy: DetectionPolicy,
        at: datetime,
        *,
        looked_up: bool,
    ) -> tuple[int, int]:
        """Write findings against the stored incidents they may replace; retract the rest."""
        i = IncidentRow
        created = 0
        unchanged: list[str] = []
        for device_id, found in findings.items():
            for finding in found:
                values: dict[str, Any] = {
                    "kind": finding.kind.value,
                    "severity": policy.severity_of(finding.kind).value,
                    "officer_id": finding.officer_id,
                    "start": finding.start,
                    "end": finding.end,
                    "evidence": dict(finding.evidence),
                    "retracted": False,
                }
                stored = existing.pop(finding.incident_id, None)
                if stored is not None and all(getattr(stored, k) == v for k, v in values.items()):
                    unchanged.append(finding.incident_id)
                    continue
                # Outside the range read, an incident of that id may still be stored.
                row = self._s.get(i, finding.incident_id) if stored or looked_up else None
                if row is None:
                    self._s.add(
                        i(
                            id=finding.incident_id,
                            device_id=device_id,
                            status=IncidentStatus.OPEN.value,
                            first_detected_at=at,
                            last_detected_at=at,
                            **values,
                        )
                    )
                    created += 1
                else:
                    for key, value in {**values, "last_detected_at": at}.items():
                        setattr(row, key, value)
        gone = [
            row.id for row in existing.values() if row.kind in DETECTOR_KINDS and not row.retracted
        ]
        self._s.flush()
        for ids, change in ((unchanged, {"last_detected_at": at}), (gone, {"retracted": True})):
            for n in range(0, len(ids), 500):
                self._s.execute(
                    update(i)
                    .where(i.id.in_(ids[n : n + 500]))
                    .values(**change)
                    .execution_options(synchronize_session=False)
                )
        return created, len(gone)

    def raise_finding(self, finding: Finding, policy: DetectionPolicy, at: datetime) -> bool:
        """Record a finding of a scheduled check (e.g. integrity_failure); True if it is new.

        Found again, its evidence and last detection time are updated; reconcile never
        retracts it, because its kind is not one the detector derives.
        """
        row = self._s.get(IncidentRow, finding.incident_id)
        if row is not None:
            row.evidence = dict(finding.evidence)
            row.last_detected_at = at
            self._s.flush()
            return False
        self._s.add(
            IncidentRow(
                id=finding.incident_id,
                kind=finding.kind.value,
                severity=policy.severity_of(finding.kind).value,
                device_id=finding.device_id,
                officer_id=finding.officer_id,
                start=finding.start,
                end=finding.end,
                status=IncidentStatus.OPEN.value,
                evidence=dict(finding.evidence),
                first_detected_at=at,
                last_detected_at=at,
                retracted=False,
            )
        )
        self._s.flush()
        return True

    def list(self, wanted: IncidentFilter) -> list[Incident]:
        """Incidents matching the filter, newest first; retracted ones are left out."""
        # The queue's statements are the one implementation of incident filtering.
        return SqlIncidentQueue(self._s).matching(wanted, None)

    def get(self, incident_id: str) -> Incident | None:
        """One incident by id, or None."""
        return SqlIncidentQueue(self._s).get(incident_id, None)


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
