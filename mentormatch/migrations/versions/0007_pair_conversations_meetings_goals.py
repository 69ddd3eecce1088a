"""a pair's conversation, meetings, goals and notes; attachments on the outbox; nudges sent

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 14:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

from mentormatch.core.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _pair_id():
    return sa.Column('connection_id', sa.Integer(), nullable=False)


def _pair_fk(table):
    return sa.ForeignKeyConstraint(
        ['connection_id'], ['connection.id'], name=op.f(f'fk_{table}_connection_id_connection'), ondelete='CASCADE'
    )


def upgrade():
    # Added in place, also on SQLite: no copy of the tables (see 0006).
    with op.batch_alter_table('outbox_message', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('attachments', sa.JSON(), nullable=True))
    with op.batch_alter_table('mentoring_request', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('nudged_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('connection', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('quiet_prompted_at', UTCDateTime(), nullable=True))

    op.create_table(
        'connection_message',
        sa.Column('id', sa.Integer(), nullable=False),
        _pair_id(),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('client_token', sa.String(length=64), nullable=True),
        _pair_fk('connection_message'),
        sa.ForeignKeyConstraint(
            ['author_id'], ['user_account.id'], name=op.f('fk_connection_message_author_id_user_account'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_connection_message')),
    )
    op.create_index('ix_connection_message_thread', 'connection_message', ['connection_id', 'id'])
    op.create_index(op.f('ix_connection_message_author_id'), 'connection_message', ['author_id'])
    op.create_index('uq_connection_message_token', 'connection_message', ['author_id', 'client_token'], unique=True)

    op.create_table(
        'conversation_reader',
        _pair_id(),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('last_read_id', sa.Integer(), nullable=False),
        sa.Column('notified_at', UTCDateTime(), nullable=True),
        sa.Column('notify_after', UTCDateTime(), nullable=True),
        _pair_fk('conversation_reader'),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'], name=op.f('fk_conversation_reader_user_id_user_account'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('connection_id', 'user_id', name=op.f('pk_conversation_reader')),
    )
    op.create_index(op.f('ix_conversation_reader_notify_after'), 'conversation_reader', ['notify_after'])

    op.create_table(
        'connection_meeting',
        sa.Column('id', sa.Integer(), nullable=False),
        _pair_id(),
        sa.Column('uid', sa.String(length=80), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('proposed_by_id', sa.Integer(), nullable=True),
        sa.Column('starts_at', UTCDateTime(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('mode', sa.String(length=20), nullable=False),
        sa.Column('where', sa.String(length=500), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('client_token', sa.String(length=64), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        _pair_fk('connection_meeting'),
        sa.ForeignKeyConstraint(
            ['proposed_by_id'], ['user_account.id'],
            name=op.f('fk_connection_meeting_proposed_by_id_user_account'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_connection_meeting')),
        sa.UniqueConstraint('uid', name=op.f('uq_connection_meeting_uid')),
    )
    op.create_index('ix_connection_meeting_pair', 'connection_meeting', ['connection_id', 'starts_at'])
    op.create_index(
        'uq_connection_meeting_token', 'connection_meeting', ['proposed_by_id', 'client_token'], unique=True
    )

    op.create_table(
        'connection_goal',
        sa.Column('id', sa.Integer(), nullable=False),
        _pair_id(),
        sa.Column('goal_code', sa.String(length=40), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('target_date', sa.Date(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        _pair_fk('connection_goal'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_connection_goal')),
    )
    op.create_index(op.f('ix_connection_goal_connection_id'), 'connection_goal', ['connection_id'])

    op.create_table(
        'connection_note',
        sa.Column('id', sa.Integer(), nullable=False),
        _pair_id(),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        _pair_fk('connection_note'),
        sa.ForeignKeyConstraint(
            ['owner_id'], ['user_account.id'], name=op.f('fk_connection_note_owner_id_user_account'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_connection_note')),
    )
    op.create_index('uq_connection_note_owner', 'connection_note', ['connection_id', 'owner_id'], unique=True)
    op.create_index(
        'uq_connection_note_shared', 'connection_note', ['connection_id'], unique=True,
        sqlite_where=sa.text('owner_id IS NULL'), postgresql_where=sa.text('owner_id IS NULL'),
    )


def downgrade():
    op.drop_table('connection_note')
    op.drop_table('connection_goal')
    op.drop_table('connection_meeting')
    op.drop_table('conversation_reader')
    op.drop_table('connection_message')
    with op.batch_alter_table('connection', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('quiet_prompted_at')
    with op.batch_alter_table('mentoring_request', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('nudged_at')
    with op.batch_alter_table('outbox_message', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('attachments')
