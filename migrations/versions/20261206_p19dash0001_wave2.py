"""dashboards and plan appendix speed (issue 19) — no schema change

EXPLAIN (ANALYZE, BUFFERS) of the dashboard and appendix statements (PostgreSQL 15, Bình Gia demo and the
3,300-commune dataset of bench/national.py) found no access path to fix: the demo aggregate read ~2,100 buffers
through ``ix_assignment_unit_id`` (36 units) and spent 14 of its 21 ms in a nested loop over the grouping-set
CTE (25,000 rows filtered out) because PostgreSQL cannot estimate the rows of a grouping set — fixed in the query
(api/dashboards/service.py rolls the criteria and lĩnh vực up from per-task rows): 21 → 3.6 ms, same index. On
the national dataset the district's aggregate is a sequential scan of 198,000 rows plus the bucket CASE and hash
aggregate (every row is needed: an index would not help), and the appendix's status statement is 0.2–0.5 s of
the database against seconds of Python. The slot is kept empty so the chain stays linear.

Revision ID: p19dash0001
Revises: p19floor001
Create Date: 2026-12-06 10:15:00
"""
from collections.abc import Sequence

revision: str = 'p19dash0001'
down_revision: str | Sequence[str] | None = 'p19floor001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
