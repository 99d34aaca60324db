"""read access: the values of what was looked at, so the row keeps a code plus values and each reader reads it in
their own language (rows before this keep their English sentence and an empty mapping)

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("read_access") as batch:
        batch.add_column(sa.Column("details", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table("read_access") as batch:
        batch.drop_column("details")
