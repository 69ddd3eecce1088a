"""warm introductions; pay it forward (consent to show contributions, near-peer invitations)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 17:10:00.000000
"""
from alembic import op
import sqlalchemy as sa

from mentormatch.core.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'introduction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('introducer_id', sa.Integer(), nullable=False),
        sa.Column('first_id', sa.Integer(), nullable=False),
        sa.Column('second_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('first_answer', sa.String(length=10), nullable=True),
        sa.Column('second_answer', sa.String(length=10), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.Column('closed_at', UTCDateTime(), nullable=True),
        sa.Column('connection_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['introducer_id'], ['user_account.id'], name=op.f('fk_introduction_introducer_id_user_account'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['first_id'], ['user_account.id'], name=op.f('fk_introduction_first_id_user_account'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['second_id'], ['user_account.id'], name=op.f('fk_introduction_second_id_user_account'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['connection_id'], ['connection.id'], name=op.f('fk_introduction_connection_id_connection'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_introduction')),
    )
    op.create_index(op.f('ix_introduction_introducer_id'), 'introduction', ['introducer_id'])
    op.create_index(op.f('ix_introduction_first_id'), 'introduction', ['first_id'])
    op.create_index(op.f('ix_introduction_second_id'), 'introduction', ['second_id'])
    op.create_index('ix_introduction_status_expires_at', 'introduction', ['status', 'expires_at'])
    op.create_index(
        'uq_introduction_open_pair', 'introduction', ['first_id', 'second_id'], unique=True,
        sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"),
    )
    with op.batch_alter_table('profile') as batch:
        batch.add_column(sa.Column('shows_contributions', sa.Boolean(), server_default='0', nullable=False))
        batch.add_column(sa.Column('near_peer_invited_for', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('profile') as batch:
        batch.drop_column('near_peer_invited_for')
        batch.drop_column('shows_contributions')
    op.drop_table('introduction')
