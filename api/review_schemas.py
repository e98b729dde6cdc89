"""Request and response models of the review workflow."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas import IncidentPublic
from bodycam_guard.domain.review import MAX_COMMENT_CHARS, Review, ReviewAction
from bodycam_guard.domain.rfc3339 import format_rfc3339
from bodycam_guard.services.incident_queue import IncidentFile


class ReviewCreate(BaseModel):
    """POST /api/v1/incidents/{id}/reviews: what the supervisor does, and why."""

    action: ReviewAction
    comment: str = Field(default="", max_length=MAX_COMMENT_CHARS)


class ReviewPublic(BaseModel):
    """One review action in an incident's trail."""

    incident_id: str
    action: str
    actor: str
    comment: str
    at: str
    status_after: str
    leaf_index: int | None

    @classmethod
    def of(cls, review: Review) -> ReviewPublic:
        """The public form of a recorded review."""
        return cls(
            incident_id=review.incident_id,
            action=review.action.value,
            actor=review.actor,
            comment=review.comment,
            at=format_rfc3339(review.at),
            status_after=review.status_after.value,
            leaf_index=review.leaf_index,
        )


class IncidentDetail(IncidentPublic):
    """One incident with its evidence, its review trail and the actions open to the caller."""

    reviews: list[ReviewPublic]
    actions: list[str]

    @classmethod
    def of_file(cls, found: IncidentFile) -> IncidentDetail:
        """The public form of an incident file."""
        return cls(
            **IncidentPublic.of(found.incident).model_dump(),
            reviews=[ReviewPublic.of(r) for r in found.reviews],
            actions=[a.value for a in found.actions],
        )
