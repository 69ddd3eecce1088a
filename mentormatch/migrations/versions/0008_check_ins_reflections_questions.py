"""check-ins, reflections and quick questions

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 15:10:00.000000
"""
from alembic import op
import sqlalchemy as sa

from mentormatch.core.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'check_in',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('connection_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.SmallInteger(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('score', sa.SmallInteger(), nullable=True),
        sa.Column('comment', sa.String(length=280), nullable=True),
        sa.Column('answered_at', UTCDateTime(), nullable=True),
        sa.Column('emailed_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['connection_id'], ['connection.id'], name=op.f('fk_check_in_connection_id_connection'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['member_id'], ['user_account.id'], name=op.f('fk_check_in_member_id_user_account'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in')),
    )
    op.create_index('uq_check_in_number', 'check_in', ['connection_id', 'member_id', 'number'], unique=True)
    op.create_index(op.f('ix_check_in_member_id'), 'check_in', ['member_id'])
    op.create_index(op.f('ix_check_in_answered_at'), 'check_in', ['answered_at'])

    op.create_table(
        'reflection',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('connection_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['connection_id'], ['connection.id'], name=op.f('fk_reflection_connection_id_connection'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['member_id'], ['user_account.id'], name=op.f('fk_reflection_member_id_user_account'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reflection')),
    )
    op.create_index(op.f('ix_reflection_connection_id'), 'reflection', ['connection_id'])
    op.create_index(op.f('ix_reflection_member_id'), 'reflection', ['member_id'])

    op.create_table(
        'quick_question',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('asker_id', sa.Integer(), nullable=False),
        sa.Column('mentor_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('answered_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['asker_id'], ['user_account.id'], name=op.f('fk_quick_question_asker_id_user_account'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['mentor_id'], ['user_account.id'], name=op.f('fk_quick_question_mentor_id_user_account'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quick_question')),
    )
    op.create_index(op.f('ix_quick_question_asker_id'), 'quick_question', ['asker_id'])
    op.create_index(op.f('ix_quick_question_mentor_id'), 'quick_question', ['mentor_id'])
    op.create_index(
        'uq_quick_question_open_pair', 'quick_question', ['asker_id', 'mentor_id'], unique=True,
        sqlite_where=sa.text('answered_at IS NULL'), postgresql_where=sa.text('answered_at IS NULL'),
    )


def downgrade():
    op.drop_table('quick_question')
    op.drop_table('reflection')
    op.drop_table('check_in')
