"""scheduler_heartbeat: each scheduler process writes when it last ran, for the site admin's home

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from campaigns.domain.model.base import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduler_heartbeat",
        sa.Column("scheduler", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("beat_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scheduler"),
    )


def downgrade() -> None:
    op.drop_table("scheduler_heartbeat")
