"""survey figures in the periodic report (issue 20)

Revision ID: s20rept0001
Revises: s20load0001
Create Date: 2026-12-06 10:15:00
"""
from collections.abc import Sequence


revision: str = 's20rept0001'
down_revision: str | Sequence[str] | None = 's20load0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
