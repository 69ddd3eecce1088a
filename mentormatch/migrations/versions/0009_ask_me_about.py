"""ask me about: help topics, and a member's site and when they are usually around

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 17:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('profile') as batch_op:
        batch_op.add_column(sa.Column('site', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('usually_around', sa.String(length=80), nullable=True))

    op.create_table(
        'help_topic',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=60), nullable=False),
        sa.Column('skill_key', sa.String(length=200), nullable=False),
        sa.Column('position', sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['profile.user_id'], name=op.f('fk_help_topic_user_id_profile'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_help_topic')),
    )
    op.create_index(op.f('ix_help_topic_user_id'), 'help_topic', ['user_id'])
    op.create_index('uq_help_topic_skill', 'help_topic', ['user_id', 'skill_key'], unique=True)


def downgrade():
    op.drop_table('help_topic')
    with op.batch_alter_table('profile') as batch_op:
        batch_op.drop_column('usually_around')
        batch_op.drop_column('site')
