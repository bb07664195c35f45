"""survey submissions at volume (issue 20): no schema change

The public form's one statement per answer (api/surveys/intake.py) is served by the indexes of s20survey001:
the burst count by ``ix_survey_response_point_submitted`` (and reads at most ``survey_burst_count`` entries), the
duplicate check by ``ix_survey_response_client_submitted``, the replay lookup by the unique key of
``idempotency_record`` and the throttle bump by the primary key of ``survey_throttle``.

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
