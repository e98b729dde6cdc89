"""What the supervision use cases need beyond the core ports: accounts, the scoped queue, passwords."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from bodycam_guard.domain.accounts import Account, Language, Principal, Role
from bodycam_guard.domain.incidents import Incident, IncidentFilter, IncidentStatus
from bodycam_guard.domain.review import Review
from bodycam_guard.services.ports import UnitOfWork

Units = frozenset[str] | None
"""A caller's scope: the unit ids whose incidents it sees, or None for all."""


class Accounts(Protocol):
    """Units, users, officer assignments, token units, web sessions."""

    def add_unit(self, *, unit_id: str, name: str, at: datetime) -> None: ...
    def unit_exists(self, unit_id: str) -> bool: ...
    def add_user(
        self,
        *,
        username: str,
        password_hash: str,
        role: Role,
        unit_id: str | None,
        language: Language,
        timezone: str,
        at: datetime,
    ) -> None: ...
    def user_named(self, username: str) -> Account | None: ...
    def set_language(self, username: str, language: Language) -> None: ...
    def assign_officer(self, *, officer_id: str, unit_id: str, at: datetime) -> None: ...
    def officer_unit(self, officer_id: str) -> str | None: ...
    def scope_token(self, *, token_name: str, unit_id: str) -> bool: ...
    def token_principal(self, token_sha256: str) -> Principal | None: ...
    def add_session(
        self, *, token_sha256: str, username: str, csrf_token: str, at: datetime, expires: datetime
    ) -> None: ...
    def session_account(self, token_sha256: str, now: datetime) -> tuple[Account, str] | None: ...
    def drop_session(self, token_sha256: str) -> None: ...


class IncidentQueue(Protocol):
    """Incidents as a caller of some scope sees them, and their review trail."""

    def matching(self, wanted: IncidentFilter, units: Units) -> list[Incident]: ...
    def count(self, wanted: IncidentFilter, units: Units, cap: int | None = None) -> int: ...
    def get(self, incident_id: str, units: Units) -> Incident | None: ...
    def record_review(self, review: Review, status_before: IncidentStatus) -> None: ...
    def reviews_of(self, incident_id: str) -> list[Review]: ...
    def footage_name(self, sha256: str, units: Units) -> str | None: ...


class Passwords(Protocol):
    """A password hasher (argon2id in production)."""

    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str | None, password: str) -> bool: ...


class SupervisionUnitOfWork(UnitOfWork, Protocol):
    """The core unit of work with the supervision repositories."""

    @property
    def accounts(self) -> Accounts: ...
    @property
    def queue(self) -> IncidentQueue: ...


SupervisionUnitOfWorkFactory = Callable[[], SupervisionUnitOfWork]
