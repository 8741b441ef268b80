"""Funding proposals (a request kind) and the budget of each fiscal year

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 02:00:00

"""
from alembic import op
import sqlalchemy as sa

import governance.database


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'funding_proposals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('beneficiary_type', sa.String(length=20), nullable=False),
        sa.Column('purl', sa.String(length=500), nullable=False),
        sa.Column('foundation_id', sa.String(length=50), nullable=False),
        sa.Column('tier_id', sa.String(length=50), nullable=False),
        sa.Column('beneficiary_name', sa.String(length=300), nullable=False),
        sa.Column('funding_kind', sa.String(length=20), nullable=False),
        sa.Column('amount_minor', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('rate', sa.String(length=32), nullable=False),
        sa.Column('budget_minor', sa.BigInteger(), nullable=False),
        sa.Column('budget_currency', sa.String(length=3), nullable=False),
        sa.Column('fiscal_year', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=50), nullable=False),
        sa.Column('recurrence', sa.String(length=20), nullable=False),
        sa.Column('rationale', sa.Text(), nullable=False),
        sa.Column('paid_to_employee', sa.Boolean(), nullable=False),
        sa.Column('basis', sa.JSON(), nullable=False),
        sa.Column('override_reason', sa.Text(), nullable=False),
        sa.Column('payment_reference', sa.String(length=200), nullable=False),
        sa.Column('paid_on', sa.Date(), nullable=True),
        sa.Column('term_ends_on', sa.Date(), nullable=True),
        sa.Column('renews_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['id'], ['requests.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['renews_id'], ['funding_proposals.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    for column in ('purl', 'foundation_id', 'funding_kind', 'fiscal_year', 'term_ends_on'):
        op.create_index(f'ix_funding_proposals_{column}', 'funding_proposals', [column])
    op.create_table(
        'funding_budgets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('fiscal_year', sa.Integer(), nullable=False),
        sa.Column('amount_minor', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_at', governance.database.UTCDateTime(), nullable=False),
        sa.Column('updated_at', governance.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('fiscal_year', name='uq_funding_budgets_fiscal_year'),
    )


def downgrade():
    op.drop_table('funding_budgets')
    op.drop_table('funding_proposals')
