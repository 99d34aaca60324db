"""public actions and guests: Action.public, guests (login-less people) and their consents, pending sign-ups
that hold no seat until confirmed, and a group's guest hold time

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import campaigns.domain.model.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UTC = campaigns.domain.model.base.UTCDateTime
OLD_STATUSES = "status IN ('confirmed', 'waitlisted', 'cancelled')"
NEW_STATUSES = "status IN ('confirmed', 'waitlisted', 'cancelled', 'pending')"


def upgrade() -> None:
    op.create_table(
        "guest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("accessibility_needs", sa.String(length=1000), nullable=False),
        sa.Column("requested", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("confirmed_at", UTC(), nullable=True),
        sa.Column("invited_at", UTC(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "user_id"),
    )
    op.create_index("ix_guest_org_id", "guest", ["org_id"])
    op.create_index("ix_guest_user_id", "guest", ["user_id"])
    # plain ADD COLUMNs: no table is rebuilt but signup (which no foreign key references)
    op.add_column("action", sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("organisation", sa.Column("guest_hold_hours", sa.Integer(), nullable=False, server_default="24"))
    with op.batch_alter_table("signup") as batch:
        batch.add_column(sa.Column("hold_expires_at", UTC(), nullable=True))
        batch.drop_constraint("ck_signup_status", type_="check")
        batch.create_check_constraint("ck_signup_status", NEW_STATUSES)
        batch.create_check_constraint("ck_signup_pending_hold", "status <> 'pending' OR hold_expires_at IS NOT NULL")


def downgrade() -> None:
    op.execute("DELETE FROM signup WHERE status = 'pending'")
    with op.batch_alter_table("signup") as batch:
        batch.drop_constraint("ck_signup_pending_hold", type_="check")
        batch.drop_constraint("ck_signup_status", type_="check")
        batch.create_check_constraint("ck_signup_status", OLD_STATUSES)
        batch.drop_column("hold_expires_at")
    op.drop_column("organisation", "guest_hold_hours")
    op.drop_column("action", "public")
    op.drop_index("ix_guest_user_id", table_name="guest")
    op.drop_index("ix_guest_org_id", table_name="guest")
    op.drop_table("guest")
