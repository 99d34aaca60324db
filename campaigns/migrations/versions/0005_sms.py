"""text messages: the SMS log, opt-outs, mobile verification; nudges on the sms channel; a person's mobile and
SMS choices; a group's country and monthly text budget

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from campaigns.domain.model.base import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CHANNELS_BEFORE = "channel IN ('inapp', 'email', 'webhook')"
CHANNELS_AFTER = "channel IN ('inapp', 'email', 'webhook', 'sms')"


def _string(length: int):
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _change_channel_check(before: str, after: str) -> None:
    """Let nudges take (or stop taking) the sms channel. PostgreSQL swaps the CHECK. SQLite cannot alter one,
    and rebuilding the nudge table would fail the foreign keys of the inbox items and texts that refer to it
    (foreign_keys cannot be switched off inside the migration's transaction), so its stored definition is
    edited in place: SQLite's documented procedure for loosening a CHECK (sqlite.org/lang_altertable.html,
    "Making Other Kinds Of Table Schema Changes"); downgrading deletes the sms rows first, so the narrower
    CHECK holds for every row left."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint("ck_nudge_channel", "nudge", type_="check")
        op.create_check_constraint("ck_nudge_channel", "nudge", after)
        return
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    changed = bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'nudge' "
        "AND instr(sql, ?) > 0", (before, after, before)).rowcount
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    if changed != 1:
        raise RuntimeError("the nudge table's channel CHECK is not the one this migration expects")


def upgrade() -> None:
    _change_channel_check(CHANNELS_BEFORE, CHANNELS_AFTER)
    # plain ADD COLUMNs: SQLite would rebuild a table to change it, and these are referenced by others
    op.add_column("user", sa.Column("mobile", sa.String(length=16), nullable=True))
    op.add_column("user", sa.Column("mobile_verified_at", UTCDateTime(), nullable=True))
    op.create_index("ix_user_mobile", "user", ["mobile"], unique=True)
    op.add_column("organisation", sa.Column("country", sa.String(length=2), nullable=False, server_default="GB"))
    op.add_column("organisation", sa.Column("sms_monthly_budget", sa.Integer(), nullable=False,
                                            server_default="500"))
    op.add_column("notification_settings", sa.Column("sms_kinds", sa.JSON(), nullable=False, server_default="[]"))
    op.create_table(
        "text_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("nudge_id", sa.Integer(), nullable=True),
        sa.Column("direction", _string(3), nullable=False),
        sa.Column("number", _string(16), nullable=False),
        sa.Column("kind", _string(40), nullable=False),
        sa.Column("body", _string(1600), nullable=False),
        sa.Column("encoding", _string(5), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("link", _string(500), nullable=True),
        sa.Column("essential", sa.Boolean(), nullable=False),
        sa.Column("idempotency_key", _string(40), nullable=True),
        sa.Column("provider_sid", _string(64), nullable=True),
        sa.Column("status", _string(12), nullable=False),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("direction IN ('out', 'in')", name="ck_text_direction"),
        sa.CheckConstraint("segments >= 0", name="ck_text_segments"),
        sa.ForeignKeyConstraint(["action_id"], ["action.id"]),
        sa.ForeignKeyConstraint(["nudge_id"], ["nudge.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
        sa.UniqueConstraint("nudge_id"),
        sa.UniqueConstraint("provider_sid"),
    )
    op.create_index("ix_text_org_created", "text_message", ["org_id", "created_at"])
    op.create_index(op.f("ix_text_message_number"), "text_message", ["number"])
    op.create_index(op.f("ix_text_message_user_id"), "text_message", ["user_id"])
    op.create_table(
        "text_opt_out",
        sa.Column("number", _string(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("number"),
    )
    op.create_table(
        "mobile_verification",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("number", _string(16), nullable=False),
        sa.Column("code_hash", _string(64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("user_id"),
    )


def downgrade() -> None:
    op.drop_table("mobile_verification")
    op.drop_table("text_opt_out")
    op.drop_index(op.f("ix_text_message_user_id"), table_name="text_message")
    op.drop_index(op.f("ix_text_message_number"), table_name="text_message")
    op.drop_index("ix_text_org_created", table_name="text_message")
    op.drop_table("text_message")
    op.drop_column("notification_settings", "sms_kinds")
    op.drop_column("organisation", "sms_monthly_budget")
    op.drop_column("organisation", "country")
    op.drop_index("ix_user_mobile", table_name="user")
    op.drop_column("user", "mobile_verified_at")
    op.drop_column("user", "mobile")
    op.execute("DELETE FROM nudge WHERE channel = 'sms'")
    _change_channel_check(CHANNELS_AFTER, CHANNELS_BEFORE)
