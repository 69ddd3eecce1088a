"""the write count: one row that every committed write moves on (the page cache's freshness)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 20:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    write_count = op.create_table(
        'write_count',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_write_count')),
    )
    op.bulk_insert(write_count, [{'id': 1, 'value': 0}])


def downgrade():
    op.drop_table('write_count')
