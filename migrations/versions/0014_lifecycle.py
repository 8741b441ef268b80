"""After approval: the updates teams record and the local patches they carry

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa

import governance.database


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'component_updates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('from_request_id', sa.Integer(), nullable=False),
        sa.Column('to_request_id', sa.Integer(), nullable=False),
        sa.Column('from_component_id', sa.Integer(), nullable=False),
        sa.Column('to_component_id', sa.Integer(), nullable=False),
        sa.Column('updated_on', sa.Date(), nullable=False),
        sa.Column('release_notes_url', sa.String(length=500), nullable=False),
        sa.Column('test_run_url', sa.String(length=500), nullable=False),
        sa.Column('recheck', sa.String(length=20), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', governance.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['from_request_id'], ['requests.id']),
        sa.ForeignKeyConstraint(['to_request_id'], ['requests.id']),
        sa.ForeignKeyConstraint(['from_component_id'], ['components.id']),
        sa.ForeignKeyConstraint(['to_component_id'], ['components.id']),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('to_request_id', name='uq_component_updates_to_request_id'),
    )
    op.create_index('ix_component_updates_from_request_id', 'component_updates',
                    ['from_request_id'])
    op.create_index('ix_component_updates_from_component_id', 'component_updates',
                    ['from_component_id'])
    op.create_index('ix_component_updates_to_component_id', 'component_updates',
                    ['to_component_id'])
    op.create_table(
        'local_patches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project', sa.String(length=300), nullable=False),
        sa.Column('component_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('patch_filename', sa.String(length=255), nullable=False),
        sa.Column('patch_text', sa.Text(), nullable=False),
        sa.Column('patch_url', sa.String(length=500), nullable=False),
        sa.Column('upstream_url', sa.String(length=500), nullable=False),
        sa.Column('contribution_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('applied_upstream_version', sa.String(length=100), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('removed_reason', sa.Text(), nullable=False),
        sa.Column('approval', sa.String(length=20), nullable=False),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', governance.database.UTCDateTime(), nullable=True),
        sa.Column('next_review_on', sa.Date(), nullable=True),
        sa.Column('confirm_for_update_id', sa.Integer(), nullable=True),
        sa.Column('confirmed_at', governance.database.UTCDateTime(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', governance.database.UTCDateTime(), nullable=False),
        sa.Column('updated_at', governance.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['component_id'], ['components.id']),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id']),
        sa.ForeignKeyConstraint(['contribution_id'], ['upstream_contributions.id'],
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id']),
        sa.ForeignKeyConstraint(['approved_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['confirm_for_update_id'], ['component_updates.id'],
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_local_patches_project', 'local_patches', ['project'])
    op.create_index('ix_local_patches_component_id', 'local_patches', ['component_id'])
    op.create_index('ix_local_patches_team_id', 'local_patches', ['team_id'])
    op.create_index('ix_local_patches_contribution_id', 'local_patches', ['contribution_id'])


def downgrade():
    op.drop_table('local_patches')
    op.drop_table('component_updates')
