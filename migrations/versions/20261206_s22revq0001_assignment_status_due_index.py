"""assignment (status, due_date, id): the review queue reads one status's range (#19)

The review queue (``/assignments?status=submitted``) counted its rows over every assignment in reach (a scan of
the whole table: 2,995 rows on the demo, ~200,000 nationally, to keep the 10 % submitted) and read its page in
due-date order filtering the others out. With this index the count reads the submitted range alone and the page
that range in order. Demo, PostgreSQL: the count 0.36 → 0.24 ms per run (``bench/bench_http.py``).

Revision ID: s22revq0001
Revises: s21appx0001
Create Date: 2026-12-06 21:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "s22revq0001"
down_revision: str | Sequence[str] | None = "s21appx0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index("ix_assignment_status_due", ["status", "due_date", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index("ix_assignment_status_due")
