"""Rules about the footage files themselves: missing, deleted, skipped, cut, or not what was sent.

Each rule returns its findings and the stretches of time they account for, so
the coverage rules do not report the same fact again as a gap (one fact, one
incident).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Protocol

from bodycam_guard.domain.incidents import Finding, IncidentKind
from bodycam_guard.domain.routine_footage import Elided
from bodycam_guard.domain.timeline import (
    DeviceHistory,
    DutyWindow,
    LoggedEvent,
    ReceivedFile,
    SegmentRecord,
    officer_at,
)


class _Add(Protocol):
    def __call__(
        self,
        kind: IncidentKind,
        start: datetime | None,
        end: datetime | None,
        fact: str,
        evidence: Mapping[str, object],
    ) -> None: ...


@dataclass(slots=True)
class FootageVerdict:
    """Findings about files, and the time spans they explain."""

    findings: list[Finding] = field(default_factory=list)
    accounted: list[tuple[datetime, datetime]] = field(default_factory=list)
    covered: list[tuple[datetime, datetime]] = field(default_factory=list)
    """Stretches of real footage (packet spans minus holes) of the received files."""


def _segment_evidence(record: SegmentRecord) -> dict[str, object]:
    return {
        "file": record.file,
        "file_seq": record.file_seq,
        "segment_event": record.logged.evidence(),
    }


def _file_evidence(received: ReceivedFile) -> dict[str, object]:
    return {
        "bundle": received.bundle,
        "path": received.path,
        "sha256": received.sha256,
        "bytes": received.bytes,
    }


def judge_footage(
    history: DeviceHistory,
    segments: Sequence[SegmentRecord],
    windows: Sequence[DutyWindow],
    *,
    tolerance_s: float,
) -> FootageVerdict:
    """Apply every footage rule to one device's history."""
    verdict = FootageVerdict()
    received = {f.path: f for f in history.files}
    deletes = [e for e in history.events if e.event.event == "delete"]
    deleted_files = {e.event.str_field("file") for e in deletes}
    deleted_seqs = {e.event.int_field("file_seq") for e in deletes}
    by_seq = {s.file_seq: s for s in segments}

    def add(
        kind: IncidentKind,
        start: datetime | None,
        end: datetime | None,
        fact: str,
        evidence: Mapping[str, object],
    ) -> None:
        verdict.findings.append(
            Finding(
                kind=kind,
                device_id=history.device_id,
                officer_id=officer_at(windows, start),
                start=start,
                end=end,
                fact=fact,
                evidence=evidence,
            )
        )

    for record in segments:
        got = received.get(record.file)
        if got is None:
            if record.file not in deleted_files and record.file_seq not in deleted_seqs:
                add(
                    IncidentKind.FOOTAGE_MISSING,
                    record.start,
                    record.end,
                    f"file_seq:{record.file_seq}",
                    _segment_evidence(record),
                )
                verdict.accounted.append((record.start, record.end))
            continue
        _judge_received(record, got, tolerance_s, verdict, add)

    for logged in deletes:
        _judge_delete(logged, received, by_seq, verdict, add)
    _judge_counter(
        segments,
        deletes,
        received,
        verdict,
        add,
        routine=Elided(history.routine.file_seq_lo, history.routine.file_seq_hi),
    )
    _judge_hashes(history, received, segments, add)
    _place_unnamed(history, segments, verdict)
    return verdict


def _judge_received(
    record: SegmentRecord, got: ReceivedFile, tolerance_s: float, verdict: FootageVerdict, add: _Add
) -> None:
    def evidence() -> dict[str, object]:
        # Built only for a finding: most received files give none.
        return {**_segment_evidence(record), "received": _file_evidence(got)}

    if got.media is None:
        add(
            IncidentKind.FOOTAGE_CUT,
            record.start,
            record.end,
            f"unreadable:{got.sha256}",
            {**evidence(), "unreadable": True, "media_error": got.media_error or "not probed"},
        )
        verdict.accounted.append((record.start, record.end))
        return
    media = got.media
    cursor = record.start
    for jump in media.jumps:
        hole_start = record.start + timedelta(seconds=jump.start_s)
        hole_end = record.start + timedelta(seconds=jump.end_s)
        verdict.covered.append((cursor, hole_start))
        cursor = hole_end
        if jump.length_s > tolerance_s:
            add(
                IncidentKind.FOOTAGE_CUT,
                hole_start,
                hole_end,
                f"hole:{got.sha256}:{round(jump.start_s * 1000)}",
                {**evidence(), "hole_offset_s": jump.start_s, "hole_length_s": jump.length_s},
            )
            verdict.accounted.append((hole_start, hole_end))
    media_end = record.start + timedelta(seconds=media.span_s)
    verdict.covered.append((cursor, media_end))
    shortfall = (record.end - media_end).total_seconds()
    if shortfall > tolerance_s:
        add(
            IncidentKind.FOOTAGE_CUT,
            media_end,
            record.end,
            f"short:{got.sha256}",
            {
                **evidence(),
                "logged_length_s": (record.end - record.start).total_seconds(),
                "media_span_s": media.span_s,
                "declared_duration_s": media.declared_duration_s,
            },
        )
        verdict.accounted.append((media_end, record.end))


def _judge_delete(
    logged: LoggedEvent,
    received: Mapping[str, ReceivedFile],
    by_seq: Mapping[int, SegmentRecord],
    verdict: FootageVerdict,
    add: _Add,
) -> None:
    file = logged.event.str_field("file")
    seq = logged.event.int_field("file_seq")
    if file in received:
        return  # erased on the camera after it was offloaded: nothing was lost
    record = by_seq.get(seq) if seq is not None else None
    start, end = (record.start, record.end) if record else (logged.ref, logged.ref)
    evidence: dict[str, object] = {"file": file, "file_seq": seq, "delete_event": logged.evidence()}
    if record:
        evidence["segment_event"] = record.logged.evidence()
        verdict.accounted.append((record.start, record.end))
    add(IncidentKind.FOOTAGE_DELETED, start, end, f"file_seq:{seq}", evidence)


def _footage_end(record: SegmentRecord, received: Mapping[str, ReceivedFile]) -> datetime:
    """Where a file's real footage ends: its packet span when received, else its last frame."""
    got = received.get(record.file)
    if got is not None and got.media is not None:
        return record.start + timedelta(seconds=got.media.span_s)
    return record.end


def _judge_counter(
    segments: Sequence[SegmentRecord],
    deletes: Sequence[LoggedEvent],
    received: Mapping[str, ReceivedFile],
    verdict: FootageVerdict,
    add: _Add,
    *,
    routine: Elided,
) -> None:
    named = {s.file_seq: s for s in segments}
    seqs = sorted(
        set(named) | {s for e in deletes if (s := e.event.int_field("file_seq")) is not None}
    )
    for before, after in pairwise(seqs):
        if after - before <= 1 or routine.fill(before, after):
            continue
        prev, nxt = named.get(before), named.get(after)
        start = _footage_end(prev, received) if prev else None
        end = nxt.start if nxt else None
        add(
            IncidentKind.FILE_COUNTER_GAP,
            start,
            end,
            f"file_seq:{before}-{after}",
            {
                "last_before": before,
                "first_after": after,
                "skipped": list(range(before + 1, after)),
                "before_event": prev.logged.evidence() if prev else None,
                "after_event": nxt.logged.evidence() if nxt else None,
            },
        )
        if start is not None and end is not None and end > start:
            verdict.accounted.append((start, end))


def _judge_hashes(
    history: DeviceHistory,
    received: Mapping[str, ReceivedFile],
    segments: Sequence[SegmentRecord],
    add: _Add,
) -> None:
    named = {s.file: s for s in segments}
    for got in received.values():
        record = named.get(got.path)
        start, end = (record.start, record.end) if record else (None, None)
        for source, claimed in (
            ("manifest", got.listed_sha256),
            ("segment_event", record.sha256 if record else None),
        ):
            if claimed is not None and claimed != got.sha256:
                add(
                    IncidentKind.HASH_MISMATCH,
                    start,
                    end,
                    f"{source}:{got.bundle}:{got.path}",
                    {
                        **_file_evidence(got),
                        "claimed_by": source,
                        "claimed_sha256": claimed,
                        "computed_sha256": got.sha256,
                    },
                )
    for log in history.logs:
        if log.listed_sha256 != log.sha256:
            add(
                IncidentKind.HASH_MISMATCH,
                None,
                None,
                f"manifest:{log.bundle}:{log.path}",
                {
                    "bundle": log.bundle,
                    "path": log.path,
                    "claimed_by": "manifest",
                    "claimed_sha256": log.listed_sha256,
                    "computed_sha256": log.sha256,
                },
            )


def _place_unnamed(
    history: DeviceHistory, segments: Sequence[SegmentRecord], verdict: FootageVerdict
) -> None:
    """Files no segment event names sit at their container's creation time."""
    named = {s.file for s in segments}
    for got in history.files:
        if got.path in named or got.media is None or got.media.creation_time is None:
            continue
        start = got.media.creation_time
        verdict.covered.append((start, start + timedelta(seconds=got.media.span_s)))
