"""Tables for supervision: units, user accounts, officer assignments, web sessions, reviews.

They live on the same declarative `Base` as the core tables, so one Alembic
history creates them all (migrations/env.py imports this module).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bodycam_guard.adapters.db.tables import UTC, ApiToken, Base, IncidentRow, Sha256Hex


class UnitRow(Base):
    """A unit (precinct, patrol company): supervisors review the incidents of its officers."""

    __tablename__ = "units"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[UTC]


class UserRow(Base):
    """A person who logs in to the web page; only an argon2id hash of the password is kept."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(128), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[UTC]
    disabled: Mapped[bool] = mapped_column(default=False)


class OfficerUnitRow(Base):
    """Which unit an officer serves in (one at a time; reassignment overwrites)."""

    __tablename__ = "officer_units"
    officer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    assigned_at: Mapped[UTC]


class TokenUnitRow(Base):
    """The unit a supervisor's API token acts for."""

    __tablename__ = "api_token_units"
    token_id: Mapped[int] = mapped_column(ForeignKey(ApiToken.id), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))


class WebSessionRow(Base):
    """A logged-in browser: the SHA-256 of its cookie, its CSRF token, and when it ends."""

    __tablename__ = "web_sessions"
    token_sha256: Mapped[Sha256Hex] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[UTC]
    expires_at: Mapped[UTC]


class ReviewRow(Base):
    """One review action on an incident: never updated or deleted (the audit trail)."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(128))
    comment: Mapped[str] = mapped_column(Text)
    at: Mapped[UTC]
    status_before: Mapped[str] = mapped_column(String(16))
    status_after: Mapped[str] = mapped_column(String(16))
    leaf_index: Mapped[int | None] = mapped_column(BigInteger)
    """The review's leaf in the transparency log."""


# The queue lists newest first, whole or by a supervisor's officers or by kind and status. Each
# index ends in (retracted, start, id), so a page and its capped count read index entries only.
_QUEUE_ORDER = (IncidentRow.retracted, IncidentRow.start, IncidentRow.id)
# A supervisor's page walks the whole queue newest first, keeping their unit's officers: with the
# officer in the index entry, that filter needs no table row.
Index("ix_incidents_queue", *_QUEUE_ORDER, IncidentRow.officer_id)
Index("ix_incidents_officer_queue", IncidentRow.officer_id, *_QUEUE_ORDER)
Index("ix_incidents_kind_status_queue", IncidentRow.kind, IncidentRow.status, *_QUEUE_ORDER)
