"""import history (issue 18)

Revision ID: i18imprun01
Revises: n17notify001
Create Date: 2026-12-06 06:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401
from alembic import op  # noqa: F401


revision: str = 'i18imprun01'
down_revision: str | None = 'n17notify001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'import_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('actor_user_id', sa.Integer(), nullable=True),
        sa.Column('actor_token_id', sa.Integer(), nullable=True),
        sa.Column('actor_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column('dry_run', sa.Boolean(), nullable=False),
        sa.Column('outcome', sa.Enum('succeeded', 'rejected', name='importoutcome', native_enum=False,
                                     create_constraint=False, length=9), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('created', sa.Integer(), nullable=False),
        sa.Column('updated', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('deleted', sa.Integer(), nullable=False),
        sa.Column('error_count', sa.Integer(), nullable=False),
        sa.Column('errors', sa.JSON(), nullable=False),
        sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.ForeignKeyConstraint(['actor_token_id'], ['api_token.id'], ),
        sa.ForeignKeyConstraint(['actor_user_id'], ['user_account.id'], ),
        sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_import_run_unit_at', 'import_run', ['unit_id', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_import_run_unit_at', table_name='import_run')
    op.drop_table('import_run')
