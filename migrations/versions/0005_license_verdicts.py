"""license verdicts stored per scan, context and policy digest

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 19:30:00

"""
from alembic import op
import sqlalchemy as sa

import governance.database


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('license_verdicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('context', sa.String(length=40), nullable=False),
    sa.Column('policy_digest', sa.String(length=64), nullable=False),
    sa.Column('basis', sa.String(length=20), nullable=False),
    sa.Column('evaluation', sa.JSON(), nullable=True),
    sa.Column('detected', sa.JSON(), nullable=False),
    sa.Column('computed_at', governance.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['scan_id'], ['scans.id'], name=op.f('fk_license_verdicts_scan_id_scans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_license_verdicts')),
    sa.UniqueConstraint('scan_id', 'context', 'policy_digest', name=op.f('uq_license_verdicts_scan_id_context_policy_digest'))
    )
    with op.batch_alter_table('license_verdicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_license_verdicts_policy_digest'), ['policy_digest'], unique=False)
        batch_op.create_index(batch_op.f('ix_license_verdicts_scan_id'), ['scan_id'], unique=False)


def downgrade():
    with op.batch_alter_table('license_verdicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_license_verdicts_scan_id'))
        batch_op.drop_index(batch_op.f('ix_license_verdicts_policy_digest'))

    op.drop_table('license_verdicts')
