"""dashboards and plan appendix speed (issue 19)

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
