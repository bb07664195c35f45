"""import history (issue 18)

Revision ID: i18imprun01
Revises: n17notify001
Create Date: 2026-12-06 06:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401
from alembic import op  # noqa: F401


revision: str = 'i18imprun01'
down_revision: str | None = 'n17notify001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
