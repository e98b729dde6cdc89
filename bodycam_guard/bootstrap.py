"""The composition root: builds the engine, stores, probe, clock and log key from settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from sqlalchemy import Engine

from bodycam_guard.adapters.blob_store import LocalBlobStore
from bodycam_guard.adapters.db.engine import make_engine, migrate, session_factory
from bodycam_guard.adapters.db.unit_of_work import SqlUnitOfWork
from bodycam_guard.adapters.log_signer import LogSigner, load_or_create
from bodycam_guard.config import Settings
from bodycam_guard.domain.incidents import DetectionPolicy
from bodycam_guard.domain.media import MediaFacts
from bodycam_guard.services.timestamp_ports import TimestampAuthority

_logger = logging.getLogger(__name__)


def probe_media(path: Path, *, min_jump_s: float) -> MediaFacts:
    """Probe a stored file with PyAV, loaded on first use so commands that never probe start fast."""
    from bodycam_guard.adapters.media_probe import probe_media as probe

    return probe(path, min_jump_s=min_jump_s)


def utc_now() -> datetime:
    """The wall clock, aware UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Runtime:
    """Everything the use cases take as arguments, built once per process."""

    settings: Settings
    engine: Engine
    uow: Callable[[], SqlUnitOfWork]
    blobs: LocalBlobStore
    probe: Callable[[Path], MediaFacts]
    clock: Callable[[], datetime]
    policy: DetectionPolicy
    signer: LogSigner
    tsa: TimestampAuthority | None = None
    """The RFC 3161 time-stamping authority of BODYCAM_GUARD_TSA_URL, if the deployment has one."""


def time_stamping_authority(settings: Settings) -> TimestampAuthority | None:
    """The TSA the settings name (nothing is contacted here), or None."""
    if settings.tsa_url is None:
        return None
    # Loaded only when configured, like PyAV: deployments without a TSA never import it.
    from bodycam_guard.adapters.timestamp_authority import Rfc3161Authority, load_roots

    roots = load_roots(settings.tsa_ca_file) if settings.tsa_ca_file else None
    return Rfc3161Authority(settings.tsa_url, timeout_s=settings.tsa_timeout_s, roots=roots)


def bootstrap(
    settings: Settings, *, clock: Callable[[], datetime] = utc_now, sweep_incoming: bool = True
) -> Runtime:
    """Create the home's folders, migrate the database, load (or create) the log key, wire it up.

    `sweep_incoming=False` leaves half-written blobs alone: an API worker must not remove the
    one the ingesting process is writing right now.
    """
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.inbox.mkdir(exist_ok=True)
    engine = make_engine(settings.resolved_database_url())
    migrate(engine)
    sessions = session_factory(engine)
    blobs = LocalBlobStore(settings.blob_root())
    if sweep_incoming:
        blobs.sweep_incoming()
    policy = settings.policy()
    signer = load_or_create(settings.log_key_path, settings.log_origin)
    return Runtime(
        settings=settings,
        engine=engine,
        uow=partial(SqlUnitOfWork, sessions),
        blobs=blobs,
        probe=partial(probe_media, min_jump_s=min(0.5, policy.tolerance_s)),
        clock=clock,
        policy=policy,
        signer=signer,
        tsa=time_stamping_authority(settings),
    )
