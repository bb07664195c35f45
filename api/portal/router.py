"""``/portal-deliveries``: the outbox of reports sent to the provincial portal, visible and retryable."""

from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import col

from api.auth.deps import CurrentPrincipal, require
from api.authz.permissions import Permission
from api.db import SessionDep
from api.models import DeliveryStatus, PortalDelivery
from api.pagination import Page, PageDep, paginate
from api.portal import service
from api.portal.schemas import DeliveryAttemptRead, PortalDeliveryDetail, PortalDeliveryRead

router = APIRouter(prefix="/portal-deliveries", tags=["portal"])
P = Permission
SORT = {
    "id": PortalDelivery.id,
    "created_at": PortalDelivery.created_at,
    "next_attempt_at": PortalDelivery.next_attempt_at,
    "status": PortalDelivery.status,
}


def _configured(request: Request) -> bool:
    """Whether the provincial portal is configured: without PARSIPAS_PORTAL_URL no worker sends anything."""
    return bool(request.app.state.settings.portal_url)


def _read(delivery: PortalDelivery, configured: bool) -> PortalDeliveryRead:
    out = PortalDeliveryRead.model_validate(delivery)
    out.portal_configured = configured
    return out


@router.get(
    "",
    response_model=Page[PortalDeliveryRead],
    operation_id="portal-list",
    dependencies=[require(P.reports_read)],
)
def list_deliveries(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    status: DeliveryStatus | None = None,
    report_id: int | None = None,
    unit_id: int | None = None,
) -> dict[str, Any]:
    stmt = service.list_query(principal, status=status, report_id=report_id, unit_id=unit_id)
    configured = _configured(request)
    return paginate(
        session,
        stmt,
        page,
        sort_fields=SORT,
        default_order=[col(PortalDelivery.id).desc()],
        transform=lambda rows: [_read(d, configured) for d in rows],
    )


@router.get(
    "/{delivery_id}",
    response_model=PortalDeliveryDetail,
    operation_id="portal-get",
    dependencies=[require(P.reports_read)],
)
def get_delivery(
    delivery_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> PortalDeliveryDetail:
    delivery, attempts = service.get_delivery_with_attempts(
        session, principal=principal, delivery_id=delivery_id
    )
    return PortalDeliveryDetail(
        **_read(delivery, _configured(request)).model_dump(),
        payload=delivery.payload,
        attempt_log=[DeliveryAttemptRead.model_validate(a) for a in attempts],
    )


@router.post(
    "/{delivery_id}/retry",
    response_model=PortalDeliveryRead,
    operation_id="portal-retry",
    dependencies=[require(P.portal_manage)],
)
def retry_delivery(
    delivery_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> PortalDeliveryRead:
    delivery = service.retry_delivery(session, principal=principal, delivery_id=delivery_id)
    return _read(delivery, _configured(request))
