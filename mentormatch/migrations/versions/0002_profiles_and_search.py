"""profiles, interests and directory search

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 04:01:30.691351

"""
from alembic import op
import sqlalchemy as sa

import mentormatch.core.database


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


PG_SEARCH_VECTOR = (
    "setweight(to_tsvector('simple', coalesce(search_primary, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(search_secondary, '')), 'B')"
)
POSTGRES_SEARCH = [
    f"ALTER TABLE profile ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({PG_SEARCH_VECTOR}) STORED",
    "CREATE INDEX ix_profile_search_vector ON profile USING gin (search_vector)",
]
SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE profile_fts USING fts5(search_primary, search_secondary, content='profile', "
    "content_rowid='user_id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER profile_fts_insert AFTER INSERT ON profile BEGIN "
    "INSERT INTO profile_fts(rowid, search_primary, search_secondary) "
    "VALUES (new.user_id, new.search_primary, new.search_secondary); END",
    "CREATE TRIGGER profile_fts_delete AFTER DELETE ON profile BEGIN "
    "INSERT INTO profile_fts(profile_fts, rowid, search_primary, search_secondary) "
    "VALUES ('delete', old.user_id, old.search_primary, old.search_secondary); END",
    "CREATE TRIGGER profile_fts_update AFTER UPDATE OF search_primary, search_secondary ON profile BEGIN "
    "INSERT INTO profile_fts(profile_fts, rowid, search_primary, search_secondary) "
    "VALUES ('delete', old.user_id, old.search_primary, old.search_secondary); "
    "INSERT INTO profile_fts(rowid, search_primary, search_secondary) "
    "VALUES (new.user_id, new.search_primary, new.search_secondary); END",
]


def upgrade():
    op.create_table('tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tag')),
    sa.UniqueConstraint('name', name=op.f('uq_tag_name'))
    )
    op.create_table('profile',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('stage_detail', sa.String(length=20), nullable=True),
    sa.Column('organisation', sa.String(length=120), nullable=True),
    sa.Column('department', sa.String(length=120), nullable=True),
    sa.Column('region', sa.String(length=40), nullable=True),
    sa.Column('about', sa.Text(), nullable=True),
    sa.Column('looking_for', sa.Text(), nullable=True),
    sa.Column('availability_hours', sa.Integer(), nullable=True),
    sa.Column('meet_in_person', sa.Boolean(), nullable=False),
    sa.Column('meet_video', sa.Boolean(), nullable=False),
    sa.Column('meet_messages', sa.Boolean(), nullable=False),
    sa.Column('offers_mentoring', sa.Boolean(), nullable=False),
    sa.Column('mentor_status', sa.String(length=20), nullable=True),
    sa.Column('mentor_capacity', sa.Integer(), nullable=True),
    sa.Column('registration_number', sa.String(length=20), nullable=True),
    sa.Column('onboarded_at', mentormatch.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', mentormatch.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('search_primary', sa.Text(), nullable=False),
    sa.Column('search_secondary', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_profile_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_profile'))
    )
    with op.batch_alter_table('profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_mentor_status'), ['mentor_status'], unique=False)
        batch_op.create_index(batch_op.f('ix_profile_region'), ['region'], unique=False)
        batch_op.create_index('ix_profile_updated_at', ['updated_at'], unique=False)

    dialect = op.get_bind().dialect.name
    for statement in {"postgresql": POSTGRES_SEARCH, "sqlite": SQLITE_SEARCH}.get(dialect, []):
        op.execute(statement)

    op.create_table('profile_goal',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['profile.user_id'], name=op.f('fk_profile_goal_user_id_profile'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'code', name=op.f('pk_profile_goal'))
    )
    with op.batch_alter_table('profile_goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_goal_code'), ['code'], unique=False)

    op.create_table('profile_interest',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tag_id'], ['tag.id'], name=op.f('fk_profile_interest_tag_id_tag'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['profile.user_id'], name=op.f('fk_profile_interest_user_id_profile'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'tag_id', name=op.f('pk_profile_interest'))
    )
    with op.batch_alter_table('profile_interest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_interest_tag_id'), ['tag_id'], unique=False)

    op.create_table('profile_specialty',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['profile.user_id'], name=op.f('fk_profile_specialty_user_id_profile'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'code', name=op.f('pk_profile_specialty'))
    )
    with op.batch_alter_table('profile_specialty', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_specialty_code'), ['code'], unique=False)



def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS profile_fts")
    with op.batch_alter_table('profile_specialty', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_specialty_code'))

    op.drop_table('profile_specialty')
    with op.batch_alter_table('profile_interest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_interest_tag_id'))

    op.drop_table('profile_interest')
    with op.batch_alter_table('profile_goal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_goal_code'))

    op.drop_table('profile_goal')
    with op.batch_alter_table('profile', schema=None) as batch_op:
        batch_op.drop_index('ix_profile_updated_at')
        batch_op.drop_index(batch_op.f('ix_profile_region'))
        batch_op.drop_index(batch_op.f('ix_profile_mentor_status'))

    op.drop_table('profile')
    op.drop_table('tag')
