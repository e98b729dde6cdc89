"""A supervisor's review of an incident: the actions and the status each one leads to.

```
open ──acknowledge──▶ acknowledged ──justify──▶ justified ──close──▶ closed
  │                        │                        │
  └──────escalate──────────┴────────escalate────────┘──▶ escalated ──close──▶ closed
```

Justifying needs a comment (clause 10.4: a supervisor judges fairly and says
why). Escalating hands the incident up the chain; only escalated, justified or
acknowledged incidents may be closed, and a closed incident takes no more actions:
new facts make a new incident.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bodycam_guard.domain.errors import BodycamGuardError
from bodycam_guard.domain.incidents import IncidentStatus

MAX_COMMENT_CHARS = 4000


class ReviewAction(StrEnum):
    """What a supervisor does with an incident; the strings are part of the HTTP interface."""

    ACKNOWLEDGE = "acknowledge"
    JUSTIFY = "justify"
    ESCALATE = "escalate"
    CLOSE = "close"


class ReviewRefusedError(BodycamGuardError):
    """The action does not apply to the incident's status."""


class ReviewCommentError(ReviewRefusedError):
    """The action needs a comment it lacks, or the comment is too long."""


_S = IncidentStatus
TRANSITIONS: Mapping[ReviewAction, tuple[frozenset[IncidentStatus], IncidentStatus]] = {
    ReviewAction.ACKNOWLEDGE: (frozenset({_S.OPEN}), _S.ACKNOWLEDGED),
    ReviewAction.JUSTIFY: (frozenset({_S.OPEN, _S.ACKNOWLEDGED, _S.ESCALATED}), _S.JUSTIFIED),
    ReviewAction.ESCALATE: (frozenset({_S.OPEN, _S.ACKNOWLEDGED, _S.JUSTIFIED}), _S.ESCALATED),
    ReviewAction.CLOSE: (frozenset({_S.ACKNOWLEDGED, _S.JUSTIFIED, _S.ESCALATED}), _S.CLOSED),
}
"""Per action: the statuses it applies to, and the status it leads to."""


def next_status(current: IncidentStatus, action: ReviewAction, comment: str) -> IncidentStatus:
    """The status after `action`; ReviewRefusedError if it does not apply or lacks a comment."""
    allowed, after = TRANSITIONS[action]
    if current not in allowed:
        expected = ", ".join(sorted(s.value for s in allowed))
        raise ReviewRefusedError(
            f"{action.value}: expected an incident that is {expected}, found {current.value}"
        )
    if action is ReviewAction.JUSTIFY and not comment.strip():
        raise ReviewCommentError("justify: expected a comment saying why, found none")
    if len(comment) > MAX_COMMENT_CHARS:
        raise ReviewCommentError(
            f"comment: expected at most {MAX_COMMENT_CHARS} characters, found {len(comment)}"
        )
    return after


def actions_for(current: IncidentStatus) -> list[ReviewAction]:
    """The actions a supervisor may take on an incident in this status, in display order."""
    return [action for action, (allowed, _after) in TRANSITIONS.items() if current in allowed]


@dataclass(frozen=True, slots=True)
class Review:
    """One recorded review action: who, when, what, why, and the status it led to."""

    incident_id: str
    action: ReviewAction
    actor: str
    comment: str
    at: datetime
    status_after: IncidentStatus
    leaf_index: int | None = None
    """The review's leaf in the transparency log, once appended."""
