"""The detector: every incident one device's history shows, as pure findings."""

from __future__ import annotations

from datetime import datetime

from bodycam_guard.domain.coverage_rules import coverage_gaps, muted_stretches
from bodycam_guard.domain.duty_rules import duties_without_camera, late_uploads
from bodycam_guard.domain.footage_rules import judge_footage
from bodycam_guard.domain.incidents import DetectionPolicy, Finding
from bodycam_guard.domain.log_rules import bad_signatures, clock_skews, log_gaps
from bodycam_guard.domain.routine_footage import Elided
from bodycam_guard.domain.timeline import DeviceHistory, duty_windows, segment_records


def detect(history: DeviceHistory, policy: DetectionPolicy, *, now: datetime) -> list[Finding]:
    """All findings for one device as of `now`, each fact once, sorted by time then kind."""
    windows = duty_windows(history.events)
    segments = segment_records(history.events)
    footage = judge_footage(history, segments, windows, tolerance_s=policy.tolerance_s)
    findings = [
        *footage.findings,
        # What the footage rules already explain counts as covered: one fact, one incident.
        *coverage_gaps(
            history.device_id,
            windows,
            history.events,
            [*footage.covered, *footage.accounted],
            tolerance_s=policy.tolerance_s,
            routine=history.routine.covered(history.events),
        ),
        *muted_stretches(
            history.device_id, windows, history.events, tolerance_s=policy.tolerance_s
        ),
        *log_gaps(
            history.device_id,
            history.events,
            windows,
            routine=Elided(history.routine.seq_lo, history.routine.seq_hi),
        ),
        *bad_signatures(history.device_id, history.logs, history.events, windows),
        *duties_without_camera(
            history.roster, {history.device_id: windows}, grace_s=policy.max_shift_s, now=now
        ),
        *late_uploads(history.device_id, windows, max_shift_s=policy.max_shift_s, now=now),
        *clock_skews(
            history.device_id, history.events, windows, threshold_s=policy.clock_skew_threshold_s
        ),
    ]
    unique = {f.incident_id: f for f in findings}
    return sorted(
        unique.values(),
        key=lambda f: (f.start is None, f.start.timestamp() if f.start else 0.0, f.kind),
    )
