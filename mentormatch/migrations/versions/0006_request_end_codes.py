"""why a request ended, as a stored code (mentoring_request.ended_because)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 09:00:00.000000

The code is backfilled from what is known: the status, and for a withdrawal the reason text the
app stored until now (the sender's own withdrawals stored none). The words are written out here,
not imported, so that this migration means the same whatever the app says later.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# The reasons stored with the withdrawals the app made itself, before the codes.
MATCHED_ELSEWHERE = "They have found a mentor, so their other requests were withdrawn."
ACCOUNT_CLOSED = "The account was closed."

request = sa.table(
    "mentoring_request",
    sa.column("status", sa.String),
    sa.column("reason", sa.Text),
    sa.column("ended_because", sa.String),
)


def upgrade():
    # Added in place, also on SQLite: no copy of the table (see downgrade).
    with op.batch_alter_table('mentoring_request', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('ended_because', sa.String(length=20), nullable=True))

    def backfill(code, *where):
        op.execute(request.update().where(request.c.ended_because.is_(None), *where).values(ended_because=code))

    backfill("declined", request.c.status == "declined")
    backfill("expired", request.c.status == "expired")
    withdrawn = request.c.status == "withdrawn"
    backfill("withdrawn", withdrawn, request.c.reason.is_(None))
    backfill("matched_elsewhere", withdrawn, request.c.reason == MATCHED_ELSEWHERE)
    backfill("account_closed", withdrawn, request.c.reason == ACCOUNT_CLOSED)
    # Any other reason on a withdrawal was the mentor stopping: paused, suspended, back for approval.
    backfill("mentor_unavailable", withdrawn)


def downgrade():
    # Not recreated on SQLite (3.35+ drops a column in place): dropping the old table, with foreign
    # keys on, would set every connection's request_id to NULL on the way.
    with op.batch_alter_table('mentoring_request', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('ended_because')
