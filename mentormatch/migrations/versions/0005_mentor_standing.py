"""mentor standing: the audit log names a command-line actor; every waiting mentor has an application

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 06:45:00

Until now the admins' queue made the missing applications when it was loaded (a GET that wrote).
Now every path that leaves a mentor waiting makes one at that moment (mentors/standing.py), and
this migration makes the ones that were missing, once.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# The registration body each career stage implies, as core/registration.py had it on this day.
_BODY = {
    "foundation_doctor": "GMC", "core_trainee": "GMC", "specialty_trainee": "GMC", "sas_doctor": "GMC",
    "gp": "GMC", "consultant": "GMC", "nurse_midwife": "NMC", "allied_health": "HCPC",
}


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor', sa.String(length=80), nullable=True))

    connection = op.get_bind()
    waiting = connection.execute(sa.text(
        "SELECT u.id, u.career_stage, p.registration_number, p.mentor_capacity, p.availability_hours,"
        " p.updated_at FROM user_account u JOIN profile p ON p.user_id = u.id"
        " WHERE p.mentor_status = 'pending' AND NOT EXISTS (SELECT 1 FROM mentor_application a"
        " WHERE a.applicant_id = u.id AND a.status = 'pending')"
    )).all()
    application = sa.table(
        'mentor_application',
        sa.column('applicant_id', sa.Integer), sa.column('career_stage', sa.String),
        sa.column('registration_body', sa.String), sa.column('registration_number', sa.String),
        sa.column('specialties', sa.JSON), sa.column('offers', sa.JSON), sa.column('capacity', sa.Integer),
        sa.column('hours_a_month', sa.Integer), sa.column('statement', sa.Text),
        sa.column('source', sa.String), sa.column('status', sa.String),
        sa.column('created_at'),  # as the profile's updated_at was read: text on SQLite
    )
    now = datetime.now(timezone.utc)
    if connection.dialect.name == "sqlite":  # the column is text there, as UTCDateTime writes it
        now = now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    rows = []
    for user_id, stage, number, capacity, hours, updated_at in waiting:
        codes = {
            table: [code for (code,) in connection.execute(
                sa.text(f"SELECT code FROM {table} WHERE user_id = :id ORDER BY code"), {"id": user_id}
            )]
            for table in ("profile_specialty", "profile_offer")
        }
        rows.append({
            "applicant_id": user_id, "career_stage": stage or "", "registration_body": _BODY.get(stage or "", ""),
            "registration_number": number or "", "specialties": codes["profile_specialty"],
            "offers": codes["profile_offer"], "capacity": capacity or 1, "hours_a_month": hours or 0,
            "statement": "", "source": "profile", "status": "pending",
            "created_at": updated_at or now,
        })
    if rows:
        op.bulk_insert(application, rows)


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_column('actor')
