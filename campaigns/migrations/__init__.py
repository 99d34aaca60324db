"""Alembic migrations, kept inside the package so an installed app can upgrade its own database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

HERE = Path(__file__).resolve().parent


def alembic_config(url: str, connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision`."""
    command.upgrade(alembic_config(url), revision)


def regenerate_initial() -> Path:
    """Rewrite 0001 from the models: while the project is young, the first migration holds the schema.

    `flask --app wsgi db regenerate`; later hand-written revisions (0002…) build on it unchanged.
    """
    from alembic.autogenerate import produce_migrations, render_python_code
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    import campaigns.domain.model  # noqa: F401

    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        script = produce_migrations(context, SQLModel.metadata)
    upgrade = render_python_code(script.upgrade_ops, migration_context=context)
    downgrade = render_python_code(script.downgrade_ops, migration_context=context)
    target = HERE / "versions" / "0001_initial.py"
    target.write_text(INITIAL.format(upgrade=upgrade.rstrip(), downgrade=downgrade.rstrip()))
    return target


INITIAL = '''"""initial schema (generated from the models by `flask --app wsgi db regenerate`)

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import campaigns.domain.model.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
{upgrade}


def downgrade() -> None:
{downgrade}
'''
