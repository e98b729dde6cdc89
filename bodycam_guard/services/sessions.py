"""Use cases: who is calling. Web log-in sessions (cookie + CSRF token) and API tokens.

Only the SHA-256 of a session cookie or a token is stored, so a copy of the
database does not let anyone in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
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


class RecentTokens:
    """Who the bearer tokens seen in the last few seconds are: a burst of requests looks each up once.

    Only tokens found are kept, by their SHA-256 (never the secret), so a token created a
    moment ago works at once and made-up tokens cannot fill the memory. What a stored token
    is can change in another process (`scope_token` gives it a unit): this process sees the
    change within `ttl_s`. Tokens cannot be revoked in this version; when they can, `forget`
    (or the same short wait) is how a revocation reaches this process.
    """

    def __init__(
        self,
        *,
        uow: SupervisionUnitOfWorkFactory,
        ttl_s: float = 2.0,
        max_tokens: int = 1024,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._uow = uow
        self._ttl_s = ttl_s
        self._max = max_tokens
        self._now = monotonic
        self._lock = threading.Lock()
        self._known: dict[str, tuple[float, Principal]] = {}

    def kept(self, token: str) -> Principal | None:
        """The caller a token was found to be less than `ttl_s` ago; None means look it up."""
        digest = _digest(token)
        with self._lock:
            kept = self._known.get(digest)
        return kept[1] if kept is not None and self._now() < kept[0] else None

    def principal(self, token: str) -> Principal | None:
        """The caller a bearer token is (as of at most `ttl_s` ago), or None for an unknown token."""
        if (kept := self.kept(token)) is not None:
            return kept
        digest = _digest(token)
        now = self._now()
        with self._uow() as work:
            found = work.accounts.token_principal(digest)
        with self._lock:
            if found is None:
                self._known.pop(digest, None)
                return None
            if digest not in self._known and len(self._known) >= self._max:
                del self._known[next(iter(self._known))]  # the oldest entry
            self._known[digest] = (now + self._ttl_s, found)
        return found

    def forget(self) -> None:
        """Drop every kept token: the next request of each is looked up again."""
        with self._lock:
            self._known.clear()
