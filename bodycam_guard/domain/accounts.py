"""Who is asking: people and tokens, their role, their unit, and what each may see.

Supervisors review the incidents of their own unit's officers only; auditors
and admins read everything; stations only upload. Anything a caller may not
see is treated as absent (a 404, never a 403), so its existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bodycam_guard.domain.errors import BodycamGuardError


class Role(StrEnum):
    """The roles of `domain.roles.ROLES`, as an enum."""

    STATION = "station"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    ADMIN = "admin"


class Language(StrEnum):
    """Languages the web page speaks; English is the default."""

    EN = "en"
    RU = "ru"
    KK = "kk"


DEFAULT_TIMEZONE = "Asia/Almaty"
"""Where a new account lives unless told otherwise (Kazakhstan is on UTC+5 throughout)."""


class AccessDeniedError(BodycamGuardError):
    """The caller's role may not do this at all (whatever the incident)."""


class NotVisibleError(BodycamGuardError):
    """The thing asked for does not exist, or the caller may not see it: the same answer for both."""


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: a user logged in on the web page, or an API token."""

    name: str
    role: Role
    unit_id: str | None = None
    language: Language = Language.EN
    timezone: str = "UTC"
    is_user: bool = False
    """True for a person with an account (web session); False for an API token."""

    @property
    def reads_everything(self) -> bool:
        """Auditors and admins see every unit's incidents and footage."""
        return self.role in (Role.AUDITOR, Role.ADMIN)

    @property
    def reads_incidents(self) -> bool:
        """Whether this caller may read incidents at all (a supervisor needs a unit)."""
        return self.reads_everything or (self.role is Role.SUPERVISOR and self.unit_id is not None)

    @property
    def reviews(self) -> bool:
        """Only a supervisor with a unit acts on incidents."""
        return self.role is Role.SUPERVISOR and self.unit_id is not None

    def visible_units(self) -> frozenset[str] | None:
        """The units whose officers' incidents this caller sees; None means every unit."""
        if self.reads_everything:
            return None
        return frozenset({self.unit_id}) if self.reads_incidents and self.unit_id else frozenset()

    def require_reader(self) -> None:
        """Raise AccessDeniedError unless this caller may read incidents."""
        if not self.reads_incidents:
            needs = " with a unit" if self.role is Role.SUPERVISOR else ""
            raise AccessDeniedError(
                f"reading incidents: expected an auditor, an admin or a supervisor{needs}, "
                f"found {self.role.value} {self.name!r}"
            )

    def require_reviewer(self) -> None:
        """Raise AccessDeniedError unless this caller may review incidents."""
        if not self.reviews:
            raise AccessDeniedError(
                f"reviewing incidents: expected a supervisor with a unit, "
                f"found {self.role.value} {self.name!r}"
            )


@dataclass(frozen=True, slots=True)
class Account:
    """A person's account as stored: the password only as an argon2id hash."""

    id: int
    username: str
    password_hash: str
    role: Role
    unit_id: str | None
    language: Language
    timezone: str
    disabled: bool = False

    def principal(self) -> Principal:
        """The caller this account is, once logged in."""
        return Principal(
            name=self.username,
            role=self.role,
            unit_id=self.unit_id,
            language=self.language,
            timezone=self.timezone,
            is_user=True,
        )
