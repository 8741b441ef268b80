"""Upstream contributions (issues and pull requests our teams opened) and community roles

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 05:00:00

"""
from alembic import op
import sqlalchemy as sa

import governance.database


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'upstream_contributions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('project', sa.String(length=300), nullable=False),
        sa.Column('component_id', sa.Integer(), nullable=True),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('opened_on', sa.Date(), nullable=False),
        sa.Column('closed_on', sa.Date(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', governance.database.UTCDateTime(), nullable=False),
        sa.Column('updated_at', governance.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['component_id'], ['components.id']),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('url', name='uq_upstream_contributions_url'),
    )
    op.create_index('ix_upstream_contributions_component_id', 'upstream_contributions',
                    ['component_id'])
    op.create_index('ix_upstream_contributions_opened_on', 'upstream_contributions',
                    ['opened_on'])
    op.create_index('ix_upstream_contributions_project', 'upstream_contributions', ['project'])
    op.create_index('ix_upstream_contributions_team_id', 'upstream_contributions', ['team_id'])
    op.create_table(
        'community_roles',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project', sa.String(length=300), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('person_name', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('since', sa.Date(), nullable=False),
        sa.Column('until', sa.Date(), nullable=True),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', governance.database.UTCDateTime(), nullable=False),
        sa.Column('updated_at', governance.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['users.id']),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_community_roles_person_id', 'community_roles', ['person_id'])
    op.create_index('ix_community_roles_project', 'community_roles', ['project'])
    op.create_index('ix_community_roles_team_id', 'community_roles', ['team_id'])


def downgrade():
    op.drop_table('community_roles')
    op.drop_table('upstream_contributions')
