"""CCHC activities (issue 16): inspections, findings, outreach outputs, accountability sessions

Revision ID: a16activ001
Revises: n17notify001
Create Date: 2026-12-06 06:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'a16activ001'
down_revision: str | None = 'n17notify001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    ]


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False)


def upgrade() -> None:
    op.create_table('inspection_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('decision_number', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    *_stamps(),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('inspection_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_plan_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_plan_year'), ['year'], unique=False)

    op.create_table('inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('owner_unit_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', _enum('periodic', 'adhoc', name='inspectionkind'), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('team', sa.JSON(), nullable=False),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('status', _enum('open', 'closed', name='inspectionstatus'), nullable=False),
    sa.Column('conclusion', sa.Text(), nullable=True),
    sa.Column('close_reason', sa.Text(), nullable=True),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    *_stamps(),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['plan_id'], ['inspection_plan.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index('ix_inspection_unit_date', ['unit_id', 'date'], unique=False)

    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('severity', _enum('low', 'medium', 'high', name='severity'), nullable=False),
    sa.Column('area', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    *_stamps(),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], ),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], ),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finding_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('outreach_output',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', _enum('article', 'radio', 'television', 'loudspeaker', 'conference', 'dialogue', 'leaflet',
                            'online_post', 'other', name='outreachkind'), nullable=False),
    sa.Column('language', _enum('vi', 'tay', 'nung', 'other', name='outreachlanguage'), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('medium', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('audience', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    *_stamps(),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outreach_output', schema=None) as batch_op:
        batch_op.create_index('ix_outreach_unit_date', ['unit_id', 'date'], unique=False)

    op.create_table('accountability_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_unit_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('chaired_by', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('head_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('head_title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=True),
    sa.Column('explained_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('explained_by_id', sa.Integer(), nullable=True),
    sa.Column('conclusion', sa.Text(), nullable=True),
    sa.Column('status', _enum('scheduled', 'held', 'closed', name='sessionstatus'), nullable=False),
    sa.Column('follow_ups', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    *_stamps(),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['explained_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('accountability_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accountability_session_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index('ix_accountability_unit_date', ['unit_id', 'date'], unique=False)

    op.create_table('accountability_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], ),
    sa.ForeignKeyConstraint(['node_id'], ['framework_node.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['accountability_session.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('accountability_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accountability_item_session_id'), ['session_id'], unique=False)

    # Evidence of the new owner kinds (inspection, outreach, accountability): the column is a plain string.
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.alter_column('owner_type', existing_type=sa.VARCHAR(length=10), type_=sa.VARCHAR(length=14),
                              existing_nullable=False)


def downgrade() -> None:
    op.execute("DELETE FROM evidence WHERE owner_type IN ('inspection', 'outreach', 'accountability')")
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.alter_column('owner_type', existing_type=sa.VARCHAR(length=14), type_=sa.VARCHAR(length=10),
                              existing_nullable=False)
    for table, indexes in (
        ('accountability_item', ['ix_accountability_item_session_id']),
        ('accountability_session', ['ix_accountability_unit_date', 'ix_accountability_session_owner_unit_id']),
        ('outreach_output', ['ix_outreach_unit_date']),
        ('finding', ['ix_finding_inspection_id', 'ix_finding_assignment_id']),
        ('inspection', ['ix_inspection_unit_date', 'ix_inspection_plan_id', 'ix_inspection_owner_unit_id']),
        ('inspection_plan', ['ix_inspection_plan_year', 'ix_inspection_plan_owner_unit_id']),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in indexes:
                batch_op.drop_index(name)
        op.drop_table(table)
