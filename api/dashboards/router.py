from datetime import date
from typing import Annotated, Any

import pydantic_core
from fastapi import APIRouter, Query, Response

from api.auth.deps import CurrentPrincipal, require
from api.authz import scope
from api.authz.permissions import Permission
from api.config import get_settings
from api.dashboards import service
from api.dashboards import trend as trend_service
from api.dashboards.schemas import Summary, Trend
from api.dashboards.trend import Granularity
from api.db import SessionDep
from api.one_hop import OneHopRoute, one_hop

IncludePredecessors = Annotated[
    bool,
    Query(
        description="Với unit_id: cộng cả số liệu của các đơn vị đã sáp nhập (đổi tên) vào đơn vị này, kể cả "
        "nhiều lần sáp nhập; chỉ những đơn vị người dùng được xem. / With unit_id: also count the units "
        "merged (or renamed) into it, transitively; only units the caller reaches."
    ),
]

router = APIRouter(prefix="/dashboards", tags=["dashboards"], route_class=OneHopRoute)


@router.get(
    "/summary",
    response_model=Summary,
    operation_id="dashboards-summary",
    dependencies=[require(Permission.dashboards_read)],
)
@one_hop
def summary(
    session: SessionDep,
    principal: CurrentPrincipal,
    plan_id: int | None = None,
    unit_id: int | None = None,
    include_predecessors: IncludePredecessors = False,
    limit: Annotated[
        int, Query(ge=1, le=5000, description="Số dòng tối đa theo đơn vị / theo kế hoạch")
    ] = 200,
) -> Response:
    """Bốn nhóm thời hạn, tiến độ bình quân, theo đơn vị / lĩnh vực / kế hoạch, xếp hạng đơn vị chậm, sắp đến hạn."""
    s = get_settings()
    if unit_id is not None:  # a unit out of reach answers 404, as everywhere (not a page of zeros)
        scope.get_unit(session, principal, unit_id, Permission.dashboards_read)
    doc = service.summary(
        session,
        principal,
        today=s.today(),
        soon_days=s.due_soon_days,
        plan_id=plan_id,
        unit_id=unit_id,
        include_predecessors=include_predecessors,
        limit=limit,
    )
    # The document is plain data the service built (ints, floats, strings, dates, the due-soon rows already
    # validated as AssignmentRead): serialised once here, not validated again field by field by FastAPI
    # (``response_model`` stays for the OpenAPI; tests/dashboards/test_summary.py checks the shape).
    return Response(pydantic_core.to_json(doc), media_type="application/json")


@router.get(
    "/trend",
    response_model=Trend,
    operation_id="dashboards-trend",
    dependencies=[require(Permission.dashboards_read)],
)
def trend(
    session: SessionDep,
    principal: CurrentPrincipal,
    plan_id: int | None = None,
    unit_id: int | None = None,
    node_id: Annotated[int | None, Query(description="Lĩnh vực / tiêu chí (gồm tiêu chí con)")] = None,
    granularity: Annotated[
        Granularity, Query(description="Theo tháng hoặc theo tuần (thứ Hai – Chủ nhật)")
    ] = "month",
    date_from: Annotated[
        date | None, Query(description="Từ ngày (mặc định: 01/01 của năm tham chiếu); tối đa 156 điểm")
    ] = None,
    include_predecessors: IncludePredecessors = False,
) -> dict[str, Any]:
    """Xu hướng: đến hạn, hoàn thành đúng hạn, hoàn thành quá hạn, quá hạn chưa xong tại cuối mỗi kỳ đến ngày tham chiếu."""
    if unit_id is not None:
        scope.get_unit(session, principal, unit_id, Permission.dashboards_read)
    return trend_service.trend(
        session,
        principal,
        today=get_settings().today(),
        granularity=granularity,
        date_from=date_from,
        plan_id=plan_id,
        unit_id=unit_id,
        node_id=node_id,
        include_predecessors=include_predecessors,
    )
