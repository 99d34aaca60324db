"""nudges lose their recipient_id index: ix_nudge_recipient_sent leads with the same column

Every nudge is inserted once and updated twice (lease, sent mark); each index is written each time.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_nudge_recipient_id", table_name="nudge")


def downgrade() -> None:
    op.create_index("ix_nudge_recipient_id", "nudge", ["recipient_id"])
