"""Kết quả chính thức: what the province or the Ministry published, as imported (``/imports/official-results``).

Listed by the unit they belong to, like sheets (``assessments:read`` on the unit): a commune sees its own, a
district its subtree. Compared against the unit's own scores in :func:`api.scoring.results.sheet_results`.
"""

from typing import Any

from sqlmodel import Session, col

from api.authz import scope_scoring
from api.authz.principal import Principal
from api.models import Framework, OfficialResult, OrgUnit
from api.pagination import PageParams, paginate
from api.scoring.results import pts

SORT_FIELDS = {
    "year": col(OfficialResult.year),
    "unit": col(OrgUnit.code),
    "framework": col(Framework.code),
    "node_code": col(OfficialResult.node_code),
    "rank": col(OfficialResult.rank),
    "points": col(OfficialResult.points_milli),
}


def _read(row: Any) -> dict[str, Any]:
    o, unit_code, unit_name, fw_code, fw_name, node_title = row
    return {
        "id": o.id,
        "unit_id": o.unit_id,
        "unit_code": unit_code,
        "unit_name": unit_name,
        "framework_id": o.framework_id,
        "framework_code": fw_code,
        "framework_name": fw_name,
        "year": o.year,
        "node_id": o.node_id,
        "node_code": o.node_code,
        "node_title": node_title,
        "points": pts(o.points_milli),
        "percent": pts(o.percent_milli),
        "rank": o.rank,
        "source": o.source,
        "created_at": o.created_at,
    }


def list_official_results(
    session: Session,
    principal: Principal,
    *,
    page: PageParams,
    unit_id: int | None = None,
    framework_id: int | None = None,
    year: int | None = None,
) -> dict[str, Any]:
    """Official results of units in reach, newest year first, then unit, framework and node code."""
    stmt = scope_scoring.official_result_rows(principal)
    if unit_id is not None:
        stmt = stmt.where(OfficialResult.unit_id == unit_id)
    if framework_id is not None:
        stmt = stmt.where(OfficialResult.framework_id == framework_id)
    if year is not None:
        stmt = stmt.where(OfficialResult.year == year)
    return paginate(
        session,
        stmt,
        page,
        sort_fields=SORT_FIELDS,
        default_order=(
            col(OfficialResult.year).desc(),
            col(OrgUnit.code),
            col(Framework.code),
            col(OfficialResult.node_code),
            col(OfficialResult.id),
        ),
        transform=lambda rows: [_read(r) for r in rows],
        scalars=False,
    )
