"""Alembic environment: runs migrations on the engine bodycam-guard hands it."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

# Imported for its tables: they sit on the same Base, and autogenerate must see them.
import bodycam_guard.adapters.db.accounts
import bodycam_guard.adapters.db.duty_records  # noqa: F401
from bodycam_guard.adapters.db.tables import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Migrate over the engine passed in `config.attributes["engine"]`."""
    engine: Engine = config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
