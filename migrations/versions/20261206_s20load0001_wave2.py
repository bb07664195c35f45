"""survey submissions at volume (issue 20)

Revision ID: s20load0001
Revises: p19dash0001
Create Date: 2026-12-06 10:15:00
"""
from collections.abc import Sequence


revision: str = 's20load0001'
down_revision: str | Sequence[str] | None = 'p19dash0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
