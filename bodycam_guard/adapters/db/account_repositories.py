"""Repositories for accounts: units, users, officer assignments, token units, web sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bodycam_guard.adapters.db.accounts import (
    OfficerUnitRow,
    TokenUnitRow,
    UnitRow,
    UserRow,
    WebSessionRow,
)
from bodycam_guard.adapters.db.tables import ApiToken
from bodycam_guard.domain.accounts import Account, Language, NotVisibleError, Principal, Role
from bodycam_guard.domain.errors import DuplicateNameError


def _account(row: UserRow) -> Account:
    return Account(
        id=row.id,
        username=row.username,
        password_hash=row.password_hash,
        role=Role(row.role),
        unit_id=row.unit_id,
        language=Language(row.language),
        timezone=row.timezone,
        disabled=row.disabled,
    )


class SqlAccounts:
    """Units, users, officer assignments, token units and web sessions over one session."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def add_unit(self, *, unit_id: str, name: str, at: datetime) -> None:
        """Record a new unit; ids are unique."""
        if self._s.get(UnitRow, unit_id) is not None:
            raise DuplicateNameError(f"a unit {unit_id!r} already exists")
        self._s.add(UnitRow(id=unit_id, name=name, created_at=at))
        self._s.flush()

    def unit_exists(self, unit_id: str) -> bool:
        """Whether the unit is known."""
        return self._s.get(UnitRow, unit_id) is not None

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
    ) -> None:
        """Record a new account; usernames are unique."""
        if self._s.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
            raise DuplicateNameError(f"a user {username!r} already exists")
        self._s.add(
            UserRow(
                username=username,
                password_hash=password_hash,
                role=role.value,
                unit_id=unit_id,
                language=language.value,
                timezone=timezone,
                created_at=at,
                disabled=False,
            )
        )
        self._s.flush()

    def user_named(self, username: str) -> Account | None:
        """The account with this username, or None."""
        row = self._s.scalar(select(UserRow).where(UserRow.username == username))
        return _account(row) if row is not None else None

    def set_language(self, username: str, language: Language) -> None:
        """Change the language a user's pages are shown in."""
        row = self._s.scalar(select(UserRow).where(UserRow.username == username))
        if row is not None:
            row.language = language.value
            self._s.flush()

    def assign_officer(self, *, officer_id: str, unit_id: str, at: datetime) -> None:
        """Put an officer in a unit (moving them out of any other)."""
        row = self._s.get(OfficerUnitRow, officer_id)
        if row is None:
            self._s.add(OfficerUnitRow(officer_id=officer_id, unit_id=unit_id, assigned_at=at))
        else:
            row.unit_id, row.assigned_at = unit_id, at
        self._s.flush()

    def officer_unit(self, officer_id: str) -> str | None:
        """The unit an officer serves in, if assigned."""
        return self._s.scalar(
            select(OfficerUnitRow.unit_id).where(OfficerUnitRow.officer_id == officer_id)
        )

    def scope_token(self, *, token_name: str, unit_id: str) -> bool:
        """Make the named token act for a unit; False if there is no such token."""
        token_id = self._s.scalar(select(ApiToken.id).where(ApiToken.name == token_name))
        if token_id is None:
            return False
        self._s.merge(TokenUnitRow(token_id=token_id, unit_id=unit_id))
        self._s.flush()
        return True

    def token_principal(self, token_sha256: str) -> Principal | None:
        """The caller a token with this hash is, with its unit if it has one."""
        row = self._s.execute(
            select(ApiToken.name, ApiToken.role, TokenUnitRow.unit_id)
            .outerjoin(TokenUnitRow, TokenUnitRow.token_id == ApiToken.id)
            .where(ApiToken.token_sha256 == token_sha256)
        ).one_or_none()
        if row is None:
            return None
        return Principal(name=row.name, role=Role(row.role), unit_id=row.unit_id)

    def add_session(
        self, *, token_sha256: str, username: str, csrf_token: str, at: datetime, expires: datetime
    ) -> None:
        """Record a web session for a user."""
        user_id = self._s.scalar(select(UserRow.id).where(UserRow.username == username))
        if user_id is None:
            raise NotVisibleError(f"expected a user {username!r} to open a session for, found none")
        self._s.add(
            WebSessionRow(
                token_sha256=token_sha256,
                user_id=user_id,
                csrf_token=csrf_token,
                created_at=at,
                expires_at=expires,
            )
        )
        self._s.flush()

    def session_account(self, token_sha256: str, now: datetime) -> tuple[Account, str] | None:
        """The account and CSRF token of a live session; None if unknown, expired or disabled."""
        row = self._s.execute(
            select(UserRow, WebSessionRow.csrf_token)
            .join(WebSessionRow, WebSessionRow.user_id == UserRow.id)
            .where(WebSessionRow.token_sha256 == token_sha256)
            .where(WebSessionRow.expires_at > now)
            .where(UserRow.disabled.is_(False))
        ).one_or_none()
        return (_account(row[0]), row[1]) if row is not None else None

    def drop_session(self, token_sha256: str) -> None:
        """End a web session (logout)."""
        self._s.execute(delete(WebSessionRow).where(WebSessionRow.token_sha256 == token_sha256))
