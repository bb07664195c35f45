"""per-request speed (issue 19): no schema change — profiling /me and the 20-row lists found the time in thread
hops, pool pings, statement building and double validation, not in the access path (bench/bench_http.py's docstring)

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
