"""audit events form a hash chain; PostgreSQL refuses UPDATE and DELETE on them

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 20:00:00

"""
from alembic import op
import sqlalchemy as sa

import governance.database
# The chain's own hash and trigger SQL, so that what this migration seals `flask audit verify`
# accepts, and the trigger is the one create_all() installs.
from governance.audit.chain import event_hash
from governance.audit.models import (
    APPEND_ONLY_FUNCTION_SQL,
    APPEND_ONLY_TRIGGER_SQL,
    DROP_APPEND_ONLY_SQL,
)


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

BATCH = 1000

audit_events = sa.table(
    'audit_events',
    sa.column('id', sa.Integer()),
    sa.column('at', governance.database.UTCDateTime()),
    sa.column('actor_id', sa.Integer()),
    sa.column('object_type', sa.String()),
    sa.column('object_id', sa.Integer()),
    sa.column('action', sa.String()),
    sa.column('summary', sa.Text()),
    sa.column('before', sa.JSON()),
    sa.column('after', sa.JSON()),
    sa.column('hash', sa.String()),
    sa.column('prev_hash', sa.String()),
)


def _seal_existing_events():
    """Chain the events recorded so far, in id order, in batches."""
    bind = op.get_bind()
    update = (audit_events.update().where(audit_events.c.id == sa.bindparam('event_id'))
              .values(hash=sa.bindparam('new_hash'), prev_hash=sa.bindparam('new_prev')))
    last_id, prev_hash = 0, None
    while True:
        rows = bind.execute(
            sa.select(audit_events).where(audit_events.c.id > last_id)
            .order_by(audit_events.c.id).limit(BATCH)).all()
        if not rows:
            return
        sealed = []
        for row in rows:
            new_hash = event_hash(row._mapping, prev_hash)
            sealed.append({'event_id': row.id, 'new_hash': new_hash, 'new_prev': prev_hash})
            prev_hash = new_hash
        bind.execute(update, sealed)
        last_id = rows[-1].id


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))

    _seal_existing_events()

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_prev_hash'), ['prev_hash'])

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(APPEND_ONLY_FUNCTION_SQL)
        op.execute(APPEND_ONLY_TRIGGER_SQL)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for statement in DROP_APPEND_ONLY_SQL:
            op.execute(statement)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_prev_hash'), type_='unique')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('hash')
