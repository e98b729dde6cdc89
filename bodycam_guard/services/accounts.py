"""Use cases for admins: units, user accounts, officers' units, and the unit a token acts for."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bodycam_guard.domain.accounts import DEFAULT_TIMEZONE, Language, NotVisibleError, Role
from bodycam_guard.domain.errors import InputError
from bodycam_guard.services.ports import Clock
from bodycam_guard.services.supervision_ports import (
    Passwords,
    SupervisionUnitOfWork,
    SupervisionUnitOfWorkFactory,
)

MIN_PASSWORD_CHARS = 12


def add_unit(unit_id: str, name: str, *, uow: SupervisionUnitOfWorkFactory, clock: Clock) -> None:
    """Create a unit."""
    if not unit_id.strip():
        raise InputError("expected a unit id, found an empty one", file="units add", field="id")
    with uow() as work:
        work.accounts.add_unit(unit_id=unit_id, name=name or unit_id, at=clock())
        work.commit()


def _require_unit(work: SupervisionUnitOfWork, unit_id: str | None) -> None:
    if unit_id is not None and not work.accounts.unit_exists(unit_id):
        raise NotVisibleError(f"unit: expected a known unit, found {unit_id!r} (add it first)")


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            f"expected an IANA time zone such as Asia/Almaty, found {name!r}",
            file="users add",
            field="timezone",
        ) from exc
    return name


def add_user(
    username: str,
    password: str,
    *,
    role: Role,
    unit_id: str | None = None,
    language: Language = Language.EN,
    timezone: str = DEFAULT_TIMEZONE,
    uow: SupervisionUnitOfWorkFactory,
    clock: Clock,
    passwords: Passwords,
) -> None:
    """Create an account; a supervisor must belong to a unit."""
    if role is Role.SUPERVISOR and unit_id is None:
        raise InputError("a supervisor needs a unit (--unit)", file="users add", field="unit")
    if len(password) < MIN_PASSWORD_CHARS:
        raise InputError(
            f"expected a password of at least {MIN_PASSWORD_CHARS} characters, "
            f"found {len(password)}",
            file="users add",
            field="password",
        )
    zone = _timezone(timezone)
    password_hash = passwords.hash(password)
    with uow() as work:
        _require_unit(work, unit_id)
        work.accounts.add_user(
            username=username,
            password_hash=password_hash,
            role=role,
            unit_id=unit_id,
            language=language,
            timezone=zone,
            at=clock(),
        )
        work.commit()


def assign_officer(
    officer_id: str, unit_id: str, *, uow: SupervisionUnitOfWorkFactory, clock: Clock
) -> None:
    """Put an officer in a unit, so its supervisors see the officer's incidents."""
    with uow() as work:
        _require_unit(work, unit_id)
        work.accounts.assign_officer(officer_id=officer_id, unit_id=unit_id, at=clock())
        work.commit()


def scope_token(token_name: str, unit_id: str, *, uow: SupervisionUnitOfWorkFactory) -> None:
    """Make an API token act for a unit (a supervisor's script)."""
    with uow() as work:
        _require_unit(work, unit_id)
        if not work.accounts.scope_token(token_name=token_name, unit_id=unit_id):
            raise NotVisibleError(f"token: expected a token named {token_name!r}, found none")
        work.commit()


def set_language(username: str, language: Language, *, uow: SupervisionUnitOfWorkFactory) -> None:
    """Change the language a user's pages are shown in."""
    with uow() as work:
        work.accounts.set_language(username, language)
        work.commit()
