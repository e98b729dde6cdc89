"""Use-case step: turn an integrity check's failure into an `integrity_failure` incident.

The incident's identity is the record and the check, so the same failure found
again by the next sweep updates the one incident instead of adding another.
`integrity_failure` is not a detector kind: re-detection never retracts it, only
a supervisor closes it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bodycam_guard.domain.incidents import DetectionPolicy, Finding, IncidentKind
from bodycam_guard.services.ports import UnitOfWork

_logger = logging.getLogger(__name__)


def raise_integrity_failure(
    work: UnitOfWork,
    *,
    device_id: str,
    check: str,
    subject: str,
    expected: object,
    found: object,
    policy: DetectionPolicy,
    at: datetime,
) -> bool:
    """Record (or refresh) the incident for one failed check; True when it is new."""
    finding = Finding(
        kind=IncidentKind.INTEGRITY_FAILURE,
        device_id=device_id,
        officer_id=None,
        start=at,
        end=at,
        fact=f"{check}\n{subject}",
        evidence={
            "check": check,
            "subject": subject,
            "expected": str(expected),
            "found": str(found),
            "found_at": at.isoformat(),
        },
    )
    new = work.incidents.raise_finding(finding, policy, at)
    if new:
        _logger.error(
            "integrity failure (%s) %s: expected %s, found %s", check, subject, expected, found
        )
    return new
