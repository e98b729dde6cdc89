"""The review workflow's rules: which action applies in which status, and where it leads."""

from __future__ import annotations

import pytest

from bodycam_guard.domain.incidents import IncidentStatus as S
from bodycam_guard.domain.review import (
    ReviewAction as A,
)
from bodycam_guard.domain.review import (
    ReviewCommentError,
    ReviewRefusedError,
    actions_for,
    next_status,
)


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        (S.OPEN, A.ACKNOWLEDGE, S.ACKNOWLEDGED),
        (S.OPEN, A.JUSTIFY, S.JUSTIFIED),
        (S.OPEN, A.ESCALATE, S.ESCALATED),
        (S.ACKNOWLEDGED, A.JUSTIFY, S.JUSTIFIED),
        (S.ACKNOWLEDGED, A.ESCALATE, S.ESCALATED),
        (S.ACKNOWLEDGED, A.CLOSE, S.CLOSED),
        (S.JUSTIFIED, A.ESCALATE, S.ESCALATED),
        (S.JUSTIFIED, A.CLOSE, S.CLOSED),
        (S.ESCALATED, A.JUSTIFY, S.JUSTIFIED),
        (S.ESCALATED, A.CLOSE, S.CLOSED),
    ],
)
def test_allowed_transitions(status: S, action: A, after: S) -> None:
    assert next_status(status, action, "because") == after
    assert action in actions_for(status)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.OPEN, A.CLOSE),
        (S.ACKNOWLEDGED, A.ACKNOWLEDGE),
        (S.JUSTIFIED, A.JUSTIFY),
        (S.CLOSED, A.ACKNOWLEDGE),
        (S.CLOSED, A.JUSTIFY),
        (S.CLOSED, A.ESCALATE),
        (S.CLOSED, A.CLOSE),
    ],
)
def test_refused_transitions_say_what_was_expected(status: S, action: A) -> None:
    with pytest.raises(ReviewRefusedError, match=f"found {status.value}"):
        next_status(status, action, "because")
    assert action not in actions_for(status)


@pytest.mark.parametrize("comment", ["", "   \n"])
def test_justify_needs_a_comment(comment: str) -> None:
    with pytest.raises(ReviewCommentError, match="expected a comment"):
        next_status(S.OPEN, A.JUSTIFY, comment)


def test_other_actions_need_no_comment_but_cap_its_length() -> None:
    assert next_status(S.OPEN, A.ACKNOWLEDGE, "") == S.ACKNOWLEDGED
    with pytest.raises(ReviewCommentError, match="at most 4000"):
        next_status(S.OPEN, A.ESCALATE, "x" * 4001)


def test_closed_is_final() -> None:
    assert actions_for(S.CLOSED) == []
