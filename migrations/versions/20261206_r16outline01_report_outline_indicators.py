"""report outlines and indicator tables (issue 16)

Revision ID: r16outline01
Revises: n17notify001
Create Date: 2026-12-06 06:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "r16outline01"
down_revision: str | None = "n17notify001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_outline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "level", sa.Enum("unit", "district", name="reportlevel", native_enum=False), nullable=False
        ),
        sa.Column("unit_kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("owner_unit_id", sa.Integer(), nullable=True),
        sa.Column("based_on_id", sa.Integer(), nullable=True),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("source_note", sa.Text(), nullable=True),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["based_on_id"], ["report_outline.id"]),
        sa.ForeignKeyConstraint(["owner_unit_id"], ["org_unit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("report_outline", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_outline_owner_unit_id"), ["owner_unit_id"], unique=False)
    op.create_table(
        "report_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outline_id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("section_key", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("unit_of_measure", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("computed", sa.Boolean(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column(
            "rollup",
            sa.Enum("sum", "average", "share", "none", name="rollup", native_enum=False),
            nullable=False,
        ),
        sa.Column("numerator_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("denominator_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["outline_id"], ["report_outline.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("outline_id", "code"),
    )
    with op.batch_alter_table("report_indicator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_indicator_outline_id"), ["outline_id"], unique=False)
    op.create_table(
        "report_indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["entered_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["indicator_id"], ["report_indicator.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["org_unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "indicator_id"),
    )
    with op.batch_alter_table("report_indicator_value", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_indicator_value_indicator_id"), ["indicator_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_report_indicator_value_report_id"), ["report_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_indicator_value_unit_id"), ["unit_id"], unique=False)
    _insert_defaults()


def _insert_defaults() -> None:
    """The shipped outlines (flagged unverified) and their indicators, so a new installation has them."""
    from datetime import UTC, datetime

    from api.reports.outline_defaults import default_rows

    outline = sa.table(
        "report_outline",
        *(sa.column(c) for c in ("level", "unit_kind", "owner_unit_id", "based_on_id", "code", "name", "verified",
                                 "source_note", "version", "created_at")),
        sa.column("sections", sa.JSON),
    )  # fmt: skip
    indicator = sa.table(
        "report_indicator",
        *(sa.column(c) for c in ("outline_id", "code", "section_key", "name", "unit_of_measure", "computed",
                                 "source", "rollup", "numerator_code", "denominator_code", "order")),
    )  # fmt: skip
    bind = op.get_bind()
    now = datetime.now(UTC)
    for row, indicators in default_rows():
        bind.execute(outline.insert().values(**row, version=1, created_at=now))
        new_id = bind.execute(
            sa.text("SELECT max(id) FROM report_outline WHERE code = :code AND owner_unit_id IS NULL"),
            {"code": row["code"]},
        ).scalar_one()
        if indicators:
            bind.execute(indicator.insert(), [{**i, "outline_id": new_id} for i in indicators])


def downgrade() -> None:
    with op.batch_alter_table("report_indicator_value", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_indicator_value_unit_id"))
        batch_op.drop_index(batch_op.f("ix_report_indicator_value_report_id"))
        batch_op.drop_index(batch_op.f("ix_report_indicator_value_indicator_id"))
    op.drop_table("report_indicator_value")
    with op.batch_alter_table("report_indicator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_indicator_outline_id"))
    op.drop_table("report_indicator")
    with op.batch_alter_table("report_outline", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_outline_owner_unit_id"))
    op.drop_table("report_outline")
