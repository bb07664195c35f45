"""SIPAS survey (issue 20): surveys, questions, collection points, responses, official results

Revision ID: s20survey001
Revises: n17notify001
Create Date: 2026-12-06 06:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 's20survey001'
down_revision: str | None = 'n17notify001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString
_TS = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table('survey_throttle',
    sa.Column('key', _STR(length=100), nullable=False),
    sa.Column('window_start', _TS(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('sipas_official_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('factor', _STR(length=20), nullable=False),
    sa.Column('percent_milli', sa.Integer(), nullable=False),
    sa.Column('source', _STR(length=500), nullable=True),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', _TS(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'year', 'factor')
    )
    with op.batch_alter_table('sipas_official_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sipas_official_result_unit_id'), ['unit_id'], unique=False)

    op.create_table('survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_unit_id', sa.Integer(), nullable=True),
    sa.Column('code', _STR(length=80), nullable=False),
    sa.Column('name', _STR(length=300), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', 'retired', name='surveystatus', native_enum=False), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('source_note', sa.Text(), nullable=True),
    sa.Column('framework_id', sa.Integer(), nullable=True),
    sa.Column('allow_comment', sa.Boolean(), nullable=False),
    sa.Column('cloned_from_id', sa.Integer(), nullable=True),
    sa.Column('published_at', _TS(), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('created_at', _TS(), nullable=False),
    sa.Column('updated_at', _TS(), nullable=True),
    sa.ForeignKeyConstraint(['cloned_from_id'], ['survey.id'], ),
    sa.ForeignKeyConstraint(['framework_id'], ['framework.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', 'version')
    )
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_owner_unit_id'), ['owner_unit_id'], unique=False)

    op.create_table('collection_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', _STR(length=80), nullable=False),
    sa.Column('name', _STR(length=300), nullable=False),
    sa.Column('address', _STR(length=500), nullable=True),
    sa.Column('opening_hours', _STR(length=100), nullable=False),
    sa.Column('open_days', _STR(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('token_secret', _STR(length=64), nullable=False),
    sa.Column('token_rotated_at', _TS(), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('created_at', _TS(), nullable=False),
    sa.Column('updated_at', _TS(), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('collection_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collection_point_survey_id'), ['survey_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_collection_point_unit_id'), ['unit_id'], unique=False)

    op.create_table('survey_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('code', _STR(length=20), nullable=False),
    sa.Column('factor', sa.Enum('tiep_can', 'thu_tuc', 'cong_chuc', 'ket_qua', 'gop_y', name='surveyfactor', native_enum=False), nullable=False),
    sa.Column('order', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('scale', sa.Enum('likert5', 'yes_no', name='questionscale', native_enum=False), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['node_id'], ['framework_node.id'], ),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('survey_id', 'code')
    )
    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_question_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_question_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('qr', 'kiosk', 'paper', 'import', name='responsesource', native_enum=False), nullable=False),
    sa.Column('submitted_at', _TS(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.Column('client_hash', _STR(length=64), nullable=True),
    sa.Column('address_hash', _STR(length=64), nullable=True),
    sa.Column('phone_hash', _STR(length=64), nullable=True),
    sa.Column('answers_hash', _STR(length=64), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('out_of_hours', sa.Boolean(), nullable=False),
    sa.Column('burst', sa.Boolean(), nullable=False),
    sa.Column('duplicate', sa.Boolean(), nullable=False),
    sa.Column('honeypot', sa.Boolean(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['point_id'], ['collection_point.id'], ),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_answered_on'), ['answered_on'], unique=False)
        batch_op.create_index('ix_survey_response_client_submitted', ['client_hash', 'submitted_at'], unique=False)
        batch_op.create_index('ix_survey_response_point_submitted', ['point_id', 'submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_response_survey_id'), ['survey_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_response_unit_id'), ['unit_id'], unique=False)

    op.create_table('survey_answer',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['survey_question.id'], ),
    sa.ForeignKeyConstraint(['response_id'], ['survey_response.id'], ),
    sa.PrimaryKeyConstraint('response_id', 'question_id')
    )
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answer_question_id'), ['question_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answer_question_id'))
    op.drop_table('survey_answer')
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_response_unit_id'))
        batch_op.drop_index(batch_op.f('ix_survey_response_survey_id'))
        batch_op.drop_index('ix_survey_response_point_submitted')
        batch_op.drop_index('ix_survey_response_client_submitted')
        batch_op.drop_index(batch_op.f('ix_survey_response_answered_on'))
    op.drop_table('survey_response')
    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_question_survey_id'))
        batch_op.drop_index(batch_op.f('ix_survey_question_node_id'))
    op.drop_table('survey_question')
    with op.batch_alter_table('collection_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collection_point_unit_id'))
        batch_op.drop_index(batch_op.f('ix_collection_point_survey_id'))
    op.drop_table('collection_point')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_owner_unit_id'))
        batch_op.drop_index(batch_op.f('ix_survey_code'))
    op.drop_table('survey')
    with op.batch_alter_table('sipas_official_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sipas_official_result_unit_id'))
    op.drop_table('sipas_official_result')
    op.drop_table('survey_throttle')
