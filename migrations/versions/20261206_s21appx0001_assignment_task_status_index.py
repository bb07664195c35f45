"""assignment (task_id, status, unit_id, instance_key): the appendix's status counts read the index alone (#19)

Each task of a plan's appendix carries its assignments by status over every unit in reach; for a national plan
that is 198,000 rows per request. Read from the heap, unpacking the status of each wide row and hashing it was
most of the aggregate; from this index each task's rows come in status order with the unit (the scope) and the
instance (distinct units) beside them (``api/authz/scope_appendix.py``: ``status_counts``).

Revision ID: s21appx0001
Revises: s20rept0001
Create Date: 2026-12-06 17:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "s21appx0001"
down_revision: str | Sequence[str] | None = "s20rept0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assignment_task_status", ["task_id", "status", "unit_id", "instance_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index("ix_assignment_task_status")
