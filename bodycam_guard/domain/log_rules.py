"""Rules about the device log itself: lines removed, and a device clock far off the dock's."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from bodycam_guard.domain.incidents import Finding, IncidentKind
from bodycam_guard.domain.routine_footage import Elided
from bodycam_guard.domain.timeline import DutyWindow, LoggedEvent, ReceivedLog, officer_by_log


def log_gaps(
    device_id: str,
    events: Sequence[LoggedEvent],
    windows: Sequence[DutyWindow],
    *,
    routine: Elided | None = None,
) -> list[Finding]:
    """Every skip in the device's event counter, and every step backwards between lines of one log.

    `routine` holds the counters of routine segment lines left out of `events`.
    """
    findings = []
    by_seq = sorted(events, key=lambda e: e.event.seq)
    for before, after in pairwise(by_seq):
        a, b = before.event.seq, after.event.seq
        if b - a > 1 and not (routine and routine.fill(a, b)):
            findings.append(
                Finding(
                    kind=IncidentKind.LOG_GAP,
                    device_id=device_id,
                    officer_id=officer_by_log(windows, before),
                    start=before.ref,
                    end=after.ref,
                    fact=f"seq:{a}-{b}",
                    evidence={
                        "last_before": before.evidence(),
                        "first_after": after.evidence(),
                        "missing_seqs": b - a - 1,
                    },
                )
            )
    for prev, nxt in pairwise(events):
        if prev.bundle == nxt.bundle and nxt.event.seq <= prev.event.seq:
            findings.append(
                Finding(
                    kind=IncidentKind.LOG_GAP,
                    device_id=device_id,
                    officer_id=officer_by_log(windows, nxt),
                    start=nxt.ref,
                    end=nxt.ref,
                    fact=f"backwards:{nxt.bundle}:{nxt.event.line}",
                    evidence={
                        "line_before": prev.evidence(),
                        "line_after": nxt.evidence(),
                        "problem": "event counter did not increase",
                    },
                )
            )
    return findings


def clock_skews(
    device_id: str,
    events: Sequence[LoggedEvent],
    windows: Sequence[DutyWindow],
    *,
    threshold_s: float,
) -> list[Finding]:
    """Every `time_sync` whose offset is beyond the threshold."""
    findings = []
    for logged in events:
        if logged.event.event != "time_sync":
            continue
        offset = logged.event.int_field("offset_ms") or 0
        if abs(offset) / 1000 > threshold_s:
            findings.append(
                Finding(
                    kind=IncidentKind.CLOCK_SKEW,
                    device_id=device_id,
                    officer_id=officer_by_log(windows, logged),
                    start=logged.ref,
                    end=logged.ref,
                    fact=f"time_sync:{logged.event.seq}",
                    evidence={
                        "time_sync": logged.evidence(),
                        "offset_s": offset / 1000,
                        "threshold_s": threshold_s,
                    },
                )
            )
    return findings


def bad_signatures(
    device_id: str,
    logs: Sequence[ReceivedLog],
    events: Sequence[LoggedEvent],
    windows: Sequence[DutyWindow],
) -> list[Finding]:
    """Every log of a device with a registered key whose signature was missing or wrong."""
    findings = []
    for log in logs:
        if log.signature not in ("missing", "invalid"):
            continue
        own = [e for e in events if e.bundle == log.bundle]
        start, end = (own[0].ref, own[-1].ref) if own else (None, None)
        findings.append(
            Finding(
                kind=IncidentKind.BAD_SIGNATURE,
                device_id=device_id,
                officer_id=officer_by_log(windows, own[0]) if own else None,
                start=start,
                end=end,
                fact=f"signature:{log.bundle}",
                evidence={
                    "bundle": log.bundle,
                    "log": log.path,
                    "log_sha256": log.sha256,
                    "signature": log.signature,
                },
            )
        )
    return findings
