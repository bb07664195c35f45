from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.auth.deps import CurrentPrincipal, require
from api.authz.permissions import Permission
from api.config import get_settings
from api.dashboards import service
from api.dashboards.schemas import Summary
from api.db import SessionDep

router = APIRouter(prefix="/dashboards", tags=["dashboards"])


@router.get(
    "/summary",
    response_model=Summary,
    operation_id="dashboards-summary",
    dependencies=[require(Permission.dashboards_read)],
)
def summary(
    session: SessionDep,
    principal: CurrentPrincipal,
    plan_id: int | None = None,
    unit_id: int | None = None,
    limit: Annotated[
        int, Query(ge=1, le=5000, description="Số dòng tối đa theo đơn vị / theo kế hoạch")
    ] = 200,
) -> dict[str, Any]:
    """Bốn nhóm thời hạn, tiến độ bình quân, theo đơn vị / lĩnh vực / kế hoạch, xếp hạng đơn vị chậm, sắp đến hạn."""
    s = get_settings()
    return service.summary(
        session,
        principal,
        today=s.today(),
        soon_days=s.due_soon_days,
        plan_id=plan_id,
        unit_id=unit_id,
        limit=limit,
    )
