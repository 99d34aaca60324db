"""Alembic environment: the schema is the SQLModel metadata; the engine comes from the caller or the app."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import campaigns.domain.model  # noqa: F401  (registers every table on the metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        from campaigns.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"))
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connectable)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs table rebuilds to alter
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
