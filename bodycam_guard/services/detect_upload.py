"""Use case: detection after an upload, over only the duty windows the new bundles can change.

The device's bundles not yet detected are the upload. Their slice of history
(`detection_slice`) is judged by the ordinary detector, and only incidents whose
facts lie in the affected range are created, updated or retracted; the rest of the
device's incidents are left as they are. The result is what full detection would
give, which a property test holds it to. When the slice cannot be bounded (history
out of time order, a file stored twice, counters of far-apart bundles interleaved),
the run falls back to full detection in the same transaction and says why.

Kinds that time alone changes (`late_upload` of a camera still out, `no_camera` of a
duty whose grace ran out) are re-judged by the scheduled full runs, not here.
"""

from __future__ import annotations

from bodycam_guard.domain.detector import detect
from bodycam_guard.domain.incidents import DetectionPolicy
from bodycam_guard.services.detect import (
    DetectionReport,
    DetectionScope,
    log_report,
    run_full_detection,
)
from bodycam_guard.services.detection_slice import NeedsFullDetection, plan_slice
from bodycam_guard.services.ports import Clock, UnitOfWorkFactory


def detect_after_upload(
    device_id: str, *, uow: UnitOfWorkFactory, policy: DetectionPolicy, clock: Clock
) -> DetectionReport:
    """Reconcile the incidents the device's newly stored bundles can change; idempotent."""
    with uow() as work:
        now = clock()
        plan = plan_slice(work.slices, device_id, policy=policy, now=now)
        if plan is None:
            report = DetectionReport(
                device_id=device_id,
                findings=0,
                new=0,
                retracted=0,
                scope=DetectionScope.AFTER_UPLOAD,
                note="no bundle awaits detection",
            )
        elif isinstance(plan, NeedsFullDetection):
            report = run_full_detection(
                work, device_id, policy=policy, now=now, note=f"fell back: {plan.reason}"
            )
        else:
            findings = [f for f in detect(plan.history, policy, now=now) if plan.range.contains(f)]
            new, retracted = work.incidents.reconcile(
                device_id, findings, policy, now, within=plan.range
            )
            work.slices.mark_detected(plan.new_bundles)
            report = DetectionReport(
                device_id=device_id,
                findings=len(findings),
                new=new,
                retracted=retracted,
                scope=DetectionScope.AFTER_UPLOAD,
                note=f"{plan.bundles} bundles read, "
                f"{plan.range.start.isoformat()} to {plan.range.end.isoformat()}",
            )
        work.commit()
    log_report(report)
    return report
