"""A unit of work per use case: one session, rolled back unless the use case commits."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from bodycam_guard.adapters.db.account_repositories import SqlAccounts
from bodycam_guard.adapters.db.checkpoint_timestamps import SqlCheckpointTimestamps
from bodycam_guard.adapters.db.duty_records import SqlDeviceKeys, SqlRosters
from bodycam_guard.adapters.db.evidence_records import SqlEvidenceRecords
from bodycam_guard.adapters.db.history_slices import SqlHistorySlices
from bodycam_guard.adapters.db.incident_queue import SqlIncidentQueue
from bodycam_guard.adapters.db.incident_records import SqlIncidents
from bodycam_guard.adapters.db.region_reads import SqlRegionReads
from bodycam_guard.adapters.db.repositories import SqlApiTokens, SqlBundles, SqlHistories
from bodycam_guard.adapters.db.store_stats import SqlStoreStats
from bodycam_guard.adapters.db.transparency_log import SqlCheckpoints, SqlTransparencyLog


class SqlUnitOfWork:
    """Repositories over one SQLAlchemy session."""

    bundles: SqlBundles
    histories: SqlHistories
    slices: SqlHistorySlices
    regions: SqlRegionReads
    incidents: SqlIncidents
    tokens: SqlApiTokens
    accounts: SqlAccounts
    queue: SqlIncidentQueue
    stats: SqlStoreStats
    log: SqlTransparencyLog
    checkpoints: SqlCheckpoints
    timestamps: SqlCheckpointTimestamps
    evidence: SqlEvidenceRecords
    device_keys: SqlDeviceKeys
    rosters: SqlRosters

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def __enter__(self) -> Self:
        self.session = self._sessions()
        self.bundles = SqlBundles(self.session)
        self.histories = SqlHistories(self.session)
        self.slices = SqlHistorySlices(self.session)
        self.regions = SqlRegionReads(self.session)
        self.incidents = SqlIncidents(self.session)
        self.tokens = SqlApiTokens(self.session)
        self.accounts = SqlAccounts(self.session)
        self.queue = SqlIncidentQueue(self.session)
        self.stats = SqlStoreStats(self.session)
        self.log = SqlTransparencyLog(self.session)
        self.checkpoints = SqlCheckpoints(self.session)
        self.timestamps = SqlCheckpointTimestamps(self.session)
        self.evidence = SqlEvidenceRecords(self.session)
        self.device_keys = SqlDeviceKeys(self.session)
        self.rosters = SqlRosters(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        """Make the use case's writes durable."""
        self.session.commit()
