"""Use case: a supervisor reviews an incident of their unit (acknowledge, justify, escalate, close).

The review, the incident's new status and the review's leaf in the transparency
log are written in one transaction: the audit trail cannot say something the log
does not, or the other way round.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from bodycam_guard.domain.accounts import NotVisibleError, Principal
from bodycam_guard.domain.log_leaves import review_leaf
from bodycam_guard.domain.review import Review, ReviewAction, next_status
from bodycam_guard.services.ports import Clock
from bodycam_guard.services.supervision_ports import (
    SupervisionUnitOfWork,
    SupervisionUnitOfWorkFactory,
)

_logger = logging.getLogger(__name__)


def append_review_leaf(work: SupervisionUnitOfWork, review: Review) -> int:
    """Append the review's leaf to the transparency log, in the caller's transaction."""
    leaf = review_leaf(
        incident_id=review.incident_id,
        action=review.action.value,
        actor=review.actor,
        comment=review.comment,
        at=review.at,
    )
    (index,) = work.log.append([("review", leaf)], review.at)
    return index


def review_incident(
    incident_id: str,
    action: ReviewAction,
    comment: str,
    caller: Principal,
    *,
    uow: SupervisionUnitOfWorkFactory,
    clock: Clock,
) -> Review:
    """Apply a review action; NotVisibleError out of scope, ReviewRefusedError if it does not apply."""
    caller.require_reviewer()
    with uow() as work:
        incident = work.queue.get(incident_id, caller.visible_units())
        if incident is None:
            raise NotVisibleError(f"expected an incident {incident_id!r}, found none")
        after = next_status(incident.status, action, comment)
        review = Review(
            incident_id=incident_id,
            action=action,
            actor=caller.name,
            comment=comment.strip(),
            at=clock(),
            status_after=after,
        )
        review = replace(review, leaf_index=append_review_leaf(work, review))
        work.queue.record_review(review, incident.status)
        work.commit()
    _logger.info(
        "review incident=%s action=%s actor=%s status=%s->%s leaf=%s",
        incident_id,
        action.value,
        caller.name,
        incident.status.value,
        after.value,
        review.leaf_index,
    )
    return review
