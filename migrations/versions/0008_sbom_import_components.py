"""an imported SBOM's components are rows of their own

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

COLUMNS = ("name", "version", "purl", "license", "status", "verdict", "explanation", "reason",
           "requests")


def upgrade():
    table = op.create_table(
        'sbom_import_components',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('version', sa.Text(), nullable=False),
        sa.Column('purl', sa.Text(), nullable=True),
        sa.Column('license', sa.Text(), nullable=True),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('verdict', sa.String(length=10), nullable=True),
        sa.Column('explanation', sa.Text(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('requests', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['import_id'], ['sbom_imports.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('import_id', 'position'),
    )
    op.create_index('ix_sbom_import_components_status', 'sbom_import_components',
                    ['import_id', 'status'], unique=False)
    # Every component each earlier import kept in its JSON column moves to the new table.
    connection = op.get_bind()
    imports = sa.table('sbom_imports', sa.column('id', sa.Integer),
                       sa.column('components', sa.JSON))
    for import_id, components in connection.execute(sa.select(imports.c.id,
                                                              imports.c.components)):
        rows = [{"import_id": import_id, "position": position,
                 **{key: row.get(key) for key in COLUMNS}}
                for position, row in enumerate(components or [])]
        for row in rows:
            row["name"], row["version"] = row["name"] or "", row["version"] or ""
            row["explanation"], row["reason"] = row["explanation"] or "", row["reason"] or ""
            row["requests"] = row["requests"] or []
        if rows:
            connection.execute(sa.insert(table), rows)
    with op.batch_alter_table('sbom_imports', schema=None) as batch_op:
        batch_op.drop_column('components')


def downgrade():
    with op.batch_alter_table('sbom_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('components', sa.JSON(), nullable=True))
    connection = op.get_bind()
    imports = sa.table('sbom_imports', sa.column('id', sa.Integer),
                       sa.column('components', sa.JSON))
    components = sa.table('sbom_import_components', sa.column('import_id', sa.Integer),
                          sa.column('position', sa.Integer),
                          *(sa.column(key, sa.JSON if key == "requests" else sa.Text)
                            for key in COLUMNS))
    kept: dict[int, list] = {}
    for row in connection.execute(sa.select(components).order_by(components.c.import_id,
                                                                 components.c.position)):
        kept.setdefault(row.import_id, []).append({key: getattr(row, key) for key in COLUMNS})
    for import_id, rows in kept.items():
        connection.execute(imports.update().where(imports.c.id == import_id)
                           .values(components=rows))
    op.drop_index('ix_sbom_import_components_status', table_name='sbom_import_components')
    op.drop_table('sbom_import_components')
