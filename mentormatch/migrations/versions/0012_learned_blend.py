"""the learned mentor blend, in the database

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 17:25:00.000000
"""
from alembic import op
import sqlalchemy as sa

from mentormatch.core.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'learned_blend',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('weights', sa.JSON(), nullable=True),
        sa.Column('outcomes', sa.Integer(), nullable=False),
        sa.Column('went_well', sa.Integer(), nullable=False),
        sa.Column('switched_by', sa.String(length=80), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_learned_blend')),
    )
    op.create_index(op.f('ix_learned_blend_created_at'), 'learned_blend', ['created_at'])


def downgrade():
    op.drop_index(op.f('ix_learned_blend_created_at'), table_name='learned_blend')
    op.drop_table('learned_blend')
