"""merge the wave's independent migrations (activities, report outlines, notification templates, import history,
survey) into one head

Revision ID: w20merge0001
Revises: a16activ001, r16outline01, n17tmpl0001, i18imprun01, s20survey001
Create Date: 2026-12-06 06:45:00
"""
from collections.abc import Sequence


revision: str = 'w20merge0001'
down_revision: str | Sequence[str] | None = ('a16activ001', 'r16outline01', 'n17tmpl0001', 'i18imprun01', 's20survey001')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
