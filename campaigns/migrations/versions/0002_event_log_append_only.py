"""the event log is append-only: the database refuses UPDATE and DELETE on it

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the event log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute("CREATE TRIGGER event_no_update BEFORE UPDATE OR DELETE ON event "
                   "FOR EACH ROW EXECUTE FUNCTION event_append_only()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER event_no_{verb.lower()} BEFORE {verb} ON event "
                       f"BEGIN SELECT RAISE(ABORT, 'the event log is append-only ({verb} refused)'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS event_no_update ON event")
        op.execute("DROP FUNCTION IF EXISTS event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS event_no_update")
        op.execute("DROP TRIGGER IF EXISTS event_no_delete")
