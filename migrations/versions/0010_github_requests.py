"""GitHub organization requests: their fields, the checks on the code to publish, the office's
waivers of failing items, the provisioning calls

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 23:00:00

"""
from alembic import op
import sqlalchemy as sa

import governance.database


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'github_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org', sa.String(length=100), nullable=False),
        sa.Column('repository', sa.String(length=100), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('license', sa.String(length=100), nullable=False),
        sa.Column('visibility', sa.String(length=20), nullable=False),
        sa.Column('github_teams', sa.JSON(), nullable=False),
        sa.Column('maintainers', sa.JSON(), nullable=False),
        sa.Column('security_contact', sa.String(length=200), nullable=False),
        sa.Column('contributor_terms', sa.String(length=30), nullable=False),
        sa.Column('team_wrote_all', sa.Boolean(), nullable=True),
        sa.Column('other_code', sa.Text(), nullable=False),
        sa.Column('telemetry', sa.Boolean(), nullable=False),
        sa.Column('cryptography', sa.Boolean(), nullable=False),
        sa.Column('justification', sa.Text(), nullable=False),
        sa.Column('package_names', sa.JSON(), nullable=False),
        sa.Column('username', sa.String(length=100), nullable=False),
        sa.Column('permission', sa.String(length=20), nullable=False),
        sa.Column('access_expires_on', sa.Date(), nullable=True),
        sa.Column('provisioning_state', sa.String(length=20), nullable=False),
        sa.Column('provisioning_error', sa.Text(), nullable=False),
        sa.Column('provisioning_dry_run', sa.Boolean(), nullable=False),
        sa.Column('provisioning_started_at', governance.database.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['id'], ['requests.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_github_requests_org', 'github_requests', ['org'])
    op.create_table(
        'github_check_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('scan_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('created_at', governance.database.UTCDateTime(), nullable=False),
        sa.Column('started_at', governance.database.UTCDateTime(), nullable=True),
        sa.Column('finished_at', governance.database.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['request_id'], ['github_requests.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['scan_id'], ['scans.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('scan_id', name='uq_github_check_runs_scan_id'),
    )
    op.create_index('ix_github_check_runs_request_id', 'github_check_runs', ['request_id'])
    op.create_index('ix_github_check_runs_state', 'github_check_runs', ['state'])
    op.create_table(
        'github_check_waivers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('item_key', sa.String(length=600), nullable=False),
        sa.Column('rule', sa.String(length=60), nullable=False),
        sa.Column('path', sa.String(length=2000), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('waived_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', governance.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['github_requests.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['waived_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('request_id', 'item_key',
                            name='uq_github_check_waivers_request_item'),
    )
    op.create_index('ix_github_check_waivers_request_id', 'github_check_waivers',
                    ['request_id'])
    op.create_table(
        'github_provisioning_calls',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('operation', sa.String(length=100), nullable=False),
        sa.Column('method', sa.String(length=10), nullable=False),
        sa.Column('path', sa.String(length=500), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('body', sa.JSON(), nullable=True),
        sa.Column('description', sa.String(length=300), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('status', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('finished_at', governance.database.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['request_id'], ['github_requests.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('request_id', 'key',
                            name='uq_github_provisioning_calls_request_key'),
    )
    op.create_index('ix_github_provisioning_calls_request_id', 'github_provisioning_calls',
                    ['request_id'])


def downgrade():
    op.drop_table('github_provisioning_calls')
    op.drop_table('github_check_waivers')
    op.drop_table('github_check_runs')
    op.drop_table('github_requests')
