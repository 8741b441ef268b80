"""Security advisories (OSV records), their affected packages, the findings they open

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 03:00:00

"""
from alembic import op
import sqlalchemy as sa

import governance.database


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'advisories',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('osv_id', sa.String(length=200), nullable=False),
        sa.Column('modified', sa.String(length=40), nullable=False),
        sa.Column('published', sa.String(length=40), nullable=False),
        sa.Column('withdrawn', sa.String(length=40), nullable=False),
        sa.Column('aliases', sa.JSON(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('details', sa.Text(), nullable=False),
        sa.Column('severity', sa.JSON(), nullable=False),
        sa.Column('severity_name', sa.String(length=20), nullable=False),
        sa.Column('affected', sa.JSON(), nullable=False),
        sa.Column('references', sa.JSON(), nullable=False),
        sa.Column('imported_at', governance.database.UTCDateTime(), nullable=False),
        sa.Column('created_at', governance.database.UTCDateTime(), nullable=False),
        sa.Column('updated_at', governance.database.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('osv_id', name='uq_advisories_osv_id'),
    )
    op.create_table(
        'advisory_packages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('advisory_id', sa.Integer(), nullable=False),
        sa.Column('purl_type', sa.String(length=40), nullable=False),
        sa.Column('name_key', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['advisory_id'], ['advisories.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_advisory_packages_advisory_id', 'advisory_packages', ['advisory_id'])
    op.create_index('ix_advisory_packages_key', 'advisory_packages', ['purl_type', 'name_key'])
    op.create_table(
        'security_findings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('advisory_id', sa.Integer(), nullable=False),
        sa.Column('component_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('justification', sa.Text(), nullable=False),
        sa.Column('not_affected_until', sa.Date(), nullable=True),
        sa.Column('fixed', sa.JSON(), nullable=False),
        sa.Column('opened_at', governance.database.UTCDateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', governance.database.UTCDateTime(), nullable=False),
        sa.Column('updated_at', governance.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['advisory_id'], ['advisories.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['component_id'], ['components.id']),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('advisory_id', 'component_id',
                            name='uq_security_findings_advisory_id_component_id'),
    )
    op.create_index('ix_security_findings_advisory_id', 'security_findings', ['advisory_id'])
    op.create_index('ix_security_findings_component_id', 'security_findings', ['component_id'])
    op.create_index('ix_security_findings_state', 'security_findings', ['state'])


def downgrade():
    op.drop_table('security_findings')
    op.drop_table('advisory_packages')
    op.drop_table('advisories')
