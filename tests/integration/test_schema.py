"""The migrations build exactly the tables the code maps, and start-up knows the newest one."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from bodycam_guard.adapters.db.engine import (
    SCHEMA_HEAD,
    alembic_config,
    make_engine,
    migrate,
    schema_revision,
    session_factory,
)
from bodycam_guard.adapters.db.tables import Base


def test_migrations_match_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    migrate(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_schema_head_constant_is_alembics_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert ScriptDirectory.from_config(alembic_config(engine)).get_current_head() == SCHEMA_HEAD
    assert schema_revision(engine) is None
    migrate(engine)
    migrate(engine)
    assert schema_revision(engine) == SCHEMA_HEAD
    engine.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_a_store_with_bundles_migrates_to_runs_and_detection_summarises_its_bundles(
    tmp_path: Path,
) -> None:
    """Upgrading keeps every row: bundles stored before runs get theirs when first detected."""
    from alembic import command
    from sqlalchemy import func, select

    from bodycam_guard.adapters.db.tables import Bundle, SegmentRunRow
    from bodycam_guard.adapters.db.unit_of_work import SqlUnitOfWork
    from bodycam_guard.domain.incidents import DetectionPolicy
    from bodycam_guard.services.detect import detect_device
    from tests.integration.synthetic_device import NOW, store_bundle, synthetic_device

    old = tmp_path / "old.sqlite"
    engine = make_engine(f"sqlite:///{old}")
    migrate(engine)
    uow = partial(SqlUnitOfWork, session_factory(engine))
    for bundle in synthetic_device(3, "KZ-OLD-1")[0]:
        store_bundle(uow, "KZ-OLD-1", bundle)
    policy = DetectionPolicy()
    expected = detect_device("KZ-OLD-1", uow=uow, policy=policy, clock=lambda: NOW)
    # Back to the schema before runs, then forward again, with the rows in place.
    command.downgrade(alembic_config(engine), "0009")
    command.upgrade(alembic_config(engine), "head")
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(SegmentRunRow)) == 0
        assert connection.scalar(select(func.count()).where(Bundle.runs_built.is_(False))) > 0
    again = detect_device("KZ-OLD-1", uow=uow, policy=policy, clock=lambda: NOW)
    assert (again.findings, again.new, again.retracted) == (expected.findings, 0, 0)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(SegmentRunRow)) > 0
        assert connection.scalar(select(func.count()).where(Bundle.runs_built.is_(False))) == 0
    engine.dispose()
