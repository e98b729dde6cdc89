"""Use cases: admins register cameras' keys and import duty rosters; rostered cameras are re-judged."""

from __future__ import annotations

import logging
from pathlib import Path

from bodycam_guard.adapters.device_keys import read_public_key
from bodycam_guard.domain.errors import InputError
from bodycam_guard.domain.incidents import DetectionPolicy
from bodycam_guard.domain.roster import parse_roster_csv
from bodycam_guard.services.detect import DetectionReport, detect_device
from bodycam_guard.services.ports import Clock, UnitOfWorkFactory

_logger = logging.getLogger(__name__)


def register_device_key(
    device_id: str, key_file: Path, *, uow: UnitOfWorkFactory, clock: Clock
) -> bool:
    """Register (or replace) a camera's Ed25519 public key; True when it is its first key.

    From then on every log the camera sends must carry a valid signature; logs
    stored before are not re-judged.
    """
    try:
        data = key_file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", file=str(key_file)) from exc
    key = read_public_key(data, file=str(key_file))
    with uow() as work:
        first = work.device_keys.register(device_id, key, clock())
        work.commit()
    _logger.info("device key %s for %s", "registered" if first else "replaced", device_id)
    return first


def import_roster(
    roster_file: Path, *, uow: UnitOfWorkFactory, policy: DetectionPolicy, clock: Clock
) -> tuple[int, list[DetectionReport]]:
    """Store a roster CSV's duties, then re-judge every camera it names (for no_camera)."""
    try:
        text = roster_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot be read as UTF-8 text ({exc})", file=str(roster_file)) from exc
    duties = parse_roster_csv(text, file=str(roster_file))
    with uow() as work:
        new = work.rosters.add(duties, clock())
        work.commit()
    devices = sorted({d.device_id for d in duties})
    return new, [detect_device(d, uow=uow, policy=policy, clock=clock) for d in devices]


def judge_rostered_cameras(
    *, uow: UnitOfWorkFactory, policy: DetectionPolicy, clock: Clock
) -> list[DetectionReport]:
    """Re-judge every rostered camera: duties become judgeable as time passes (scheduled)."""
    with uow() as work:
        devices = work.rosters.devices()
    return [detect_device(d, uow=uow, policy=policy, clock=clock) for d in devices]
