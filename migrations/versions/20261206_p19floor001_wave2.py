"""per-request speed (issue 19): indexes for the request floor and lists

Revision ID: p19floor001
Revises: w20merge0001
Create Date: 2026-12-06 10:15:00
"""
from collections.abc import Sequence


revision: str = 'p19floor001'
down_revision: str | Sequence[str] | None = 'w20merge0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
