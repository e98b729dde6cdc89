"""Tables and repositories for what admins register about duty: device keys and rosters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from bodycam_guard.adapters.db.tables import Base, Device, ensure_known
from bodycam_guard.domain.roster import RosteredDuty


class DeviceKeyRow(Base):
    """A camera's registered Ed25519 public key (raw 32 bytes, hex)."""

    __tablename__ = "device_keys"
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    public_key_hex: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[datetime]


class RosteredDutyRow(Base):
    """One rostered duty: officer, assigned camera, scheduled start and end."""

    __tablename__ = "rostered_duties"
    __table_args__ = (UniqueConstraint("officer_id", "start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[str] = mapped_column(String(64), index=True)
    device_id: Mapped[str] = mapped_column(String(64), index=True)
    start: Mapped[datetime]
    end: Mapped[datetime]
    imported_at: Mapped[datetime]


class SqlDeviceKeys:
    """Registered device keys."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def register(self, device_id: str, public_key: bytes, at: datetime) -> bool:
        """Register or replace a device's key; True when it is the device's first key."""
        ensure_known(self._s, Device, device_id, at)
        row = self._s.get(DeviceKeyRow, device_id)
        if row is None:
            self._s.add(
                DeviceKeyRow(device_id=device_id, public_key_hex=public_key.hex(), registered_at=at)
            )
        else:
            row.public_key_hex, row.registered_at = public_key.hex(), at
        self._s.flush()
        return row is None

    def key_of(self, device_id: str) -> bytes | None:
        """The device's registered key, or None."""
        row = self._s.get(DeviceKeyRow, device_id)
        return bytes.fromhex(row.public_key_hex) if row else None


class SqlRosters:
    """Rostered duties, imported from CSV or over the API."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, duties: Sequence[RosteredDuty], at: datetime) -> int:
        """Store duties not stored yet (same officer and start); returns how many were new."""
        new = 0
        for device_id in sorted({d.device_id for d in duties}):
            ensure_known(self._s, Device, device_id, at)
        for duty in duties:
            exists = self._s.scalar(
                select(RosteredDutyRow.id).where(
                    RosteredDutyRow.officer_id == duty.officer_id,
                    RosteredDutyRow.start == duty.start,
                )
            )
            if exists is None:
                self._s.add(
                    RosteredDutyRow(
                        officer_id=duty.officer_id,
                        device_id=duty.device_id,
                        start=duty.start,
                        end=duty.end,
                        imported_at=at,
                    )
                )
                new += 1
        self._s.flush()
        return new

    def of_device(self, device_id: str) -> list[RosteredDuty]:
        """Every rostered duty with this camera."""
        rows = self._s.scalars(
            select(RosteredDutyRow)
            .where(RosteredDutyRow.device_id == device_id)
            .order_by(RosteredDutyRow.start)
        )
        return [
            RosteredDuty(officer_id=r.officer_id, device_id=r.device_id, start=r.start, end=r.end)
            for r in rows
        ]

    def devices(self) -> list[str]:
        """Every camera named in a roster."""
        return sorted(self._s.scalars(select(RosteredDutyRow.device_id).distinct()))
