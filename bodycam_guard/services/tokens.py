"""Use case: API tokens for stations and scripts; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets

from bodycam_guard.domain.errors import BodycamGuardError
from bodycam_guard.domain.roles import ROLES
from bodycam_guard.services.ports import Clock, UnitOfWorkFactory

_PREFIX = "bcg_"


class UnknownRoleError(BodycamGuardError):
    """A role that is not one of station, supervisor, auditor, admin."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(name: str, role: str, *, uow: UnitOfWorkFactory, clock: Clock) -> str:
    """Create a token for `name` with `role`; returns the secret, which is not kept."""
    if role not in ROLES:
        raise UnknownRoleError(f"role: expected one of {', '.join(ROLES)}, found {role!r}")
    token = _PREFIX + secrets.token_urlsafe(32)
    with uow() as work:
        work.tokens.add(name=name, role=role, token_sha256=_digest(token), at=clock())
        work.commit()
    return token


def role_of(token: str, *, uow: UnitOfWorkFactory) -> str | None:
    """The role a presented token grants, or None for an unknown token."""
    with uow() as work:
        return work.tokens.role_for(_digest(token))
