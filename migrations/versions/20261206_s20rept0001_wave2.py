"""survey figures in the periodic report (issue 20)

The khảo sát section of the report outlines shows the unit's own satisfaction survey above the unit's text
(``source: survey`` on the written section ``khao_sat``), and the indicator ``CB_HAI_LONG`` is computed from the
survey whenever the report's window has answers (``source: survey_satisfaction`` on the entered indicator).

Data only, on every outline: a shipped default (no owner) takes the new hint too; a district's copy keeps its
own title and hint and only gains the source. A section or indicator the district changed otherwise (an ``auto``
section, another source) is left alone. Downgrade removes the sources (and restores the defaults' hint).
Frozen reports keep the outline they were frozen with.

Revision ID: s20rept0001
Revises: s20load0001
Create Date: 2026-12-06 10:15:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "s20rept0001"
down_revision: str | Sequence[str] | None = "s20load0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY, INDICATOR, SECTION_SOURCE, INDICATOR_SOURCE = "khao_sat", "CB_HAI_LONG", "survey", "survey_satisfaction"
HINT_BEFORE = "Hình thức, số phiếu, kết quả khảo sát trong kỳ."
HINT_AFTER = (
    "Số liệu khảo sát tại bộ phận một cửa được hệ thống điền ở trên; bổ sung hình thức khảo sát khác, đánh giá và "
    "giải pháp đối với các yếu tố có tỷ lệ hài lòng thấp."
)

outline = sa.table("report_outline", sa.column("id", sa.Integer), sa.column("owner_unit_id", sa.Integer),
                   sa.column("sections", sa.JSON))  # fmt: skip
indicator = sa.table("report_indicator", sa.column("id", sa.Integer), sa.column("outline_id", sa.Integer),
                     sa.column("code", sa.String), sa.column("computed", sa.Boolean),
                     sa.column("source", sa.String))  # fmt: skip


def _sections(forward: bool) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(outline.c.id, outline.c.owner_unit_id, outline.c.sections)).all()
    for oid, owner, sections in rows:
        changed = False
        out: list[dict[str, Any]] = []
        for s in sections or []:
            s = dict(s)
            if s.get("key") == KEY and s.get("fill") == "written":
                if forward and not s.get("source"):
                    s["source"], changed = SECTION_SOURCE, True
                    if owner is None:
                        s["hint"] = HINT_AFTER
                elif not forward and s.get("source") == SECTION_SOURCE:
                    s["source"], changed = None, True
                    if owner is None:
                        s["hint"] = HINT_BEFORE
            out.append(s)
        if changed:
            bind.execute(outline.update().where(outline.c.id == oid).values(sections=out))


def upgrade() -> None:
    _sections(forward=True)
    op.get_bind().execute(
        indicator.update()
        .where(indicator.c.code == INDICATOR, indicator.c.computed.is_(False), indicator.c.source.is_(None))
        .values(source=INDICATOR_SOURCE)
    )


def downgrade() -> None:
    _sections(forward=False)
    op.get_bind().execute(
        indicator.update()
        .where(
            indicator.c.code == INDICATOR,
            indicator.c.computed.is_(False),
            indicator.c.source == INDICATOR_SOURCE,
        )
        .values(source=None)
    )
