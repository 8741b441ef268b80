"""license clearing: concluded licenses, dismissed detections, verdicts under a clearing,
approvals without a scan, per-file detections after reference following

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 19:30:00

"""
from alembic import op
import sqlalchemy as sa

import governance.database


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'license_conclusions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('component_id', sa.Integer(), nullable=False),
        sa.Column('expression_spdx', sa.Text(), nullable=False),
        sa.Column('option_spdx', sa.Text(), nullable=False),
        sa.Column('reason_code', sa.String(length=60), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('findings_digest', sa.String(length=64), nullable=False),
        sa.Column('scan_id', sa.Integer(), nullable=True),
        sa.Column('concluded_by_id', sa.Integer(), nullable=False),
        sa.Column('concluded_at', governance.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['component_id'], ['components.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['scan_id'], ['scans.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['concluded_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('component_id'),
    )
    op.create_index('ix_license_conclusions_findings_digest', 'license_conclusions',
                    ['findings_digest'])
    op.create_table(
        'detection_dismissals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('component_id', sa.Integer(), nullable=False),
        sa.Column('expression_spdx', sa.String(length=1000), nullable=False),
        sa.Column('reason_code', sa.String(length=60), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', governance.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['component_id'], ['components.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('component_id', 'expression_spdx'),
    )
    op.create_index('ix_detection_dismissals_component_id', 'detection_dismissals',
                    ['component_id'])
    with op.batch_alter_table('license_verdicts') as batch:
        batch.add_column(sa.Column('clearing_digest', sa.String(length=64), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('raised', sa.Text(), nullable=False, server_default=''))
        batch.drop_constraint('uq_license_verdicts_scan_id_context_policy_digest',
                              type_='unique')
        batch.create_unique_constraint(
            'uq_license_verdicts_scan_context_policy_clearing',
            ['scan_id', 'context', 'policy_digest', 'clearing_digest'])
    with op.batch_alter_table('recorded_verdicts') as batch:
        batch.add_column(sa.Column('basis', sa.String(length=20), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('clearing_digest', sa.String(length=64), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('without_scan_reason', sa.Text(), nullable=False,
                                   server_default=''))
    with op.batch_alter_table('scan_files') as batch:
        batch.add_column(sa.Column('license_detections', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('scan_files') as batch:
        batch.drop_column('license_detections')
    with op.batch_alter_table('recorded_verdicts') as batch:
        batch.drop_column('without_scan_reason')
        batch.drop_column('clearing_digest')
        batch.drop_column('basis')
    with op.batch_alter_table('license_verdicts') as batch:
        batch.drop_constraint(
            'uq_license_verdicts_scan_context_policy_clearing', type_='unique')
        batch.create_unique_constraint('uq_license_verdicts_scan_id_context_policy_digest',
                                       ['scan_id', 'context', 'policy_digest'])
        batch.drop_column('raised')
        batch.drop_column('clearing_digest')
    op.drop_index('ix_detection_dismissals_component_id', table_name='detection_dismissals')
    op.drop_table('detection_dismissals')
    op.drop_index('ix_license_conclusions_findings_digest', table_name='license_conclusions')
    op.drop_table('license_conclusions')
