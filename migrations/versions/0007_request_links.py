"""requests keep their own links; components keep the registry's

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 20:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('adoption_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('homepage_url', sa.String(length=500), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('repository_url', sa.String(length=500), nullable=False,
                                      server_default=''))
    # What a request showed until now was the component's links: each request keeps them as
    # its own, so nothing a user entered is lost.
    op.execute(
        "UPDATE adoption_requests SET "
        "homepage_url = (SELECT homepage_url FROM components "
        "WHERE components.id = adoption_requests.component_id), "
        "repository_url = (SELECT repository_url FROM components "
        "WHERE components.id = adoption_requests.component_id)")
    with op.batch_alter_table('adoption_requests', schema=None) as batch_op:
        batch_op.alter_column('homepage_url', server_default=None)
        batch_op.alter_column('repository_url', server_default=None)


def downgrade():
    with op.batch_alter_table('adoption_requests', schema=None) as batch_op:
        batch_op.drop_column('repository_url')
        batch_op.drop_column('homepage_url')
