"""replaceable notification templates and new event kinds (issue 17)

Revision ID: n17tmpl0001
Revises: n17notify001
Create Date: 2026-12-06 06:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'n17tmpl0001'
down_revision: str | None = 'n17notify001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


KINDS = (
    'returned', 'approved', 'commented', 'mentioned', 'due_soon', 'overdue', 'escalated_head',
    'escalated_district', 'digest', 'period_open', 'period_due', 'period_overdue', 'period_late_units', 'report_returned',
    'report_accepted', 'round_open', 'round_closing', 'sheet_returned', 'delivery_failing',
)


def upgrade() -> None:
    # The new kinds fit the kind column's VARCHAR(18) (no native enum, no CHECK): nothing to widen.
    op.create_table('notification_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum(*KINDS, name='notificationkind', native_enum=False), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'kind', 'language')
    )
    with op.batch_alter_table('notification_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_template_unit_id'), ['unit_id'], unique=False)
    with op.batch_alter_table('notification_setting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_open_days', sa.Integer(), nullable=False, server_default='10'))
        batch_op.add_column(sa.Column('delivery_failing_hours', sa.Integer(), nullable=False, server_default='24'))


def downgrade() -> None:
    with op.batch_alter_table('notification_setting', schema=None) as batch_op:
        batch_op.drop_column('delivery_failing_hours')
        batch_op.drop_column('report_open_days')
    with op.batch_alter_table('notification_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_template_unit_id'))
    op.drop_table('notification_template')
