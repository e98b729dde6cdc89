"""Use cases: who is calling. Web log-in sessions (cookie + CSRF token) and API tokens.

Only the SHA-256 of a session cookie or a token is stored, so a copy of the
database does not let anyone in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from bodycam_guard.domain.accounts import Principal
from bodycam_guard.services.ports import Clock
from bodycam_guard.services.supervision_ports import Passwords, SupervisionUnitOfWorkFactory

SESSION_LIFETIME = timedelta(hours=12)
"""A shift and a little more: a supervisor logs in again next shift."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class WebSession:
    """A live web session: the caller, the cookie's secret, and the CSRF token forms must carry."""

    principal: Principal
    cookie: str
    csrf_token: str

    def csrf_matches(self, presented: str | None) -> bool:
        """Whether a form or header presented this session's CSRF token (constant time)."""
        return presented is not None and hmac.compare_digest(presented, self.csrf_token)


def log_in(
    username: str,
    password: str,
    *,
    uow: SupervisionUnitOfWorkFactory,
    clock: Clock,
    passwords: Passwords,
) -> WebSession | None:
    """Open a session for a correct username and password; None otherwise (same time either way)."""
    with uow() as work:
        account = work.accounts.user_named(username)
        hashed = account.password_hash if account and not account.disabled else None
        if account is None or not passwords.verify(hashed, password):
            return None
        cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = clock()
        work.accounts.add_session(
            token_sha256=_digest(cookie),
            username=username,
            csrf_token=csrf,
            at=now,
            expires=now + SESSION_LIFETIME,
        )
        work.commit()
    return WebSession(principal=account.principal(), cookie=cookie, csrf_token=csrf)


def session_of(
    cookie: str, *, uow: SupervisionUnitOfWorkFactory, clock: Clock
) -> WebSession | None:
    """The live session a cookie belongs to, or None."""
    with uow() as work:
        found = work.accounts.session_account(_digest(cookie), clock())
    if found is None:
        return None
    account, csrf = found
    return WebSession(principal=account.principal(), cookie=cookie, csrf_token=csrf)


def log_out(cookie: str, *, uow: SupervisionUnitOfWorkFactory) -> None:
    """End the session a cookie belongs to."""
    with uow() as work:
        work.accounts.drop_session(_digest(cookie))
        work.commit()


def token_principal(token: str, *, uow: SupervisionUnitOfWorkFactory) -> Principal | None:
    """The caller a bearer token is, or None for an unknown token."""
    with uow() as work:
        return work.accounts.token_principal(_digest(token))
