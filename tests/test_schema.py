"""The migrations produce exactly the schema the models describe, on every backend."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from campaigns.db import engine


def test_migrations_match_the_models(app):
    with engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], f"models and migrations differ; run `flask --app wsgi db regenerate`: {diff}"


def test_sqlite_connections_get_the_pragmas(app):
    with engine().connect() as conn:
        if conn.dialect.name != "sqlite":
            return
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
