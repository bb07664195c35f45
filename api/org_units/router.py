from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import col, or_, select

from api import search
from api.auth.deps import CurrentPrincipal, require
from api.authz import scope
from api.authz.permissions import Permission
from api.db import SessionDep
from api.etag import make_etag, require_if_match, set_etag
from api.idempotency import IdempotencyDep
from api.models import OrgUnit, UnitLevel, UnitSuccession
from api.org_units import service, transfer
from api.org_units.schemas import (
    DeactivateRequest,
    OrgUnitCreate,
    OrgUnitRead,
    OrgUnitUpdate,
    SuccessionCreate,
    SuccessionRead,
    TransferRead,
    TransferRequest,
)
from api.pagination import Page, PageDep, paginate

router = APIRouter(prefix="/org-units", tags=["org-units"])
P = Permission
SORT = {"code": OrgUnit.code, "name": OrgUnit.name, "level": OrgUnit.level, "id": OrgUnit.id}


def _etag(unit: OrgUnit) -> str:
    return make_etag("org_unit", unit.id, unit.version)


@router.get(
    "", response_model=Page[OrgUnitRead], operation_id="org_units-list", dependencies=[require(P.units_read)]
)
def list_units(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    q: Annotated[str | None, Query(max_length=100, description="Tìm theo mã/tên")] = None,
    level: UnitLevel | None = None,
    parent_id: int | None = None,
    active: bool | None = None,
) -> dict[str, object]:
    stmt = scope.visible_units(principal)
    if (hit := search.matches(q, col(OrgUnit.code), col(OrgUnit.name), col(OrgUnit.short_name))) is not None:
        stmt = stmt.where(hit)
    if level:
        stmt = stmt.where(OrgUnit.level == level)
    if parent_id is not None:
        stmt = stmt.where(OrgUnit.parent_id == parent_id)
    if active is not None:
        stmt = stmt.where(OrgUnit.is_active == active)
    return paginate(session, stmt, page, sort_fields=SORT, default_order=[col(OrgUnit.path), col(OrgUnit.id)])


@router.post(
    "",
    status_code=201,
    response_model=OrgUnitRead,
    operation_id="org_units-create",
    dependencies=[require(P.units_manage)],
)
def create_unit(
    body: OrgUnitCreate, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    unit = service.create_unit(session, principal, data=body)
    return idem.respond(session, principal.key, OrgUnitRead.model_validate(unit), 201, {"ETag": _etag(unit)})


@router.get(
    "/{unit_id}",
    response_model=OrgUnitRead,
    operation_id="org_units-get",
    dependencies=[require(P.units_read)],
)
def get_unit(unit_id: int, session: SessionDep, principal: CurrentPrincipal, response: Response) -> OrgUnit:
    unit = scope.get_unit(session, principal, unit_id)
    set_etag(response, _etag(unit))
    return unit


@router.patch(
    "/{unit_id}",
    response_model=OrgUnitRead,
    operation_id="org_units-update",
    dependencies=[require(P.units_manage)],
)
def update_unit(
    unit_id: int,
    body: OrgUnitUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> OrgUnit:
    unit = scope.get_unit(session, principal, unit_id, P.units_manage)
    require_if_match(request, _etag(unit))
    unit = service.update_unit(session, principal, unit=unit, data=body)
    set_etag(response, _etag(unit))
    return unit


@router.post(
    "/{unit_id}/deactivate",
    response_model=OrgUnitRead,
    operation_id="org_units-deactivate",
    dependencies=[require(P.units_manage)],
)
def deactivate_unit(
    unit_id: int,
    body: DeactivateRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> OrgUnit:
    unit = scope.get_unit(session, principal, unit_id, P.units_manage)
    require_if_match(request, _etag(unit))
    unit = service.deactivate_unit(session, principal, unit=unit, data=body)
    set_etag(response, _etag(unit))
    return unit


@router.delete(
    "/{unit_id}", status_code=204, operation_id="org_units-delete", dependencies=[require(P.units_manage)]
)
def delete_unit(unit_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal) -> Response:
    unit = scope.get_unit(session, principal, unit_id, P.units_manage)
    require_if_match(request, _etag(unit))
    service.delete_unit(session, principal, unit=unit)
    return Response(status_code=204)


@router.get(
    "/{unit_id}/successions",
    response_model=list[SuccessionRead],
    operation_id="org_units-successions",
    dependencies=[require(P.units_read)],
)
def list_successions(unit_id: int, session: SessionDep, principal: CurrentPrincipal) -> list[UnitSuccession]:
    unit = scope.get_unit(session, principal, unit_id)
    stmt = (
        select(UnitSuccession)
        .where(or_(UnitSuccession.from_unit_id == unit.id, UnitSuccession.to_unit_id == unit.id))
        .order_by(col(UnitSuccession.id))
    )
    return list(session.exec(stmt).all())


@router.post(
    "/{unit_id}/successions",
    status_code=201,
    response_model=SuccessionRead,
    operation_id="org_units-add_succession",
    dependencies=[require(P.units_manage)],
)
def add_succession(
    unit_id: int,
    body: SuccessionCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    idem: IdempotencyDep,
) -> Response:
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    unit = scope.get_unit(session, principal, unit_id, P.units_manage)
    row = service.add_succession(session, principal, unit=unit, data=body)
    return idem.respond(session, principal.key, SuccessionRead.model_validate(row), 201)


@router.post(
    "/{unit_id}/transfer",
    response_model=TransferRead,
    operation_id="org_units-transfer",
    dependencies=[require(P.units_manage)],
)
def transfer_work(
    unit_id: int,
    body: TransferRequest,
    session: SessionDep,
    principal: CurrentPrincipal,
    idem: IdempotencyDep,
    dry_run: Annotated[bool, Query(description="Chạy thử: trả lời như thật, không ghi gì")] = False,
) -> Response:
    """Chuyển giao công việc đang mở (nhiệm vụ chưa duyệt, tài liệu kiểm chứng, báo cáo chưa tiếp nhận) của đơn vị
    đã sáp nhập, giải thể sang đơn vị kế thừa; việc đã duyệt, báo cáo đã tiếp nhận ở lại với đơn vị cũ."""
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    unit = scope.get_unit(session, principal, unit_id, P.units_manage)
    out = transfer.transfer(session, principal, unit=unit, to_unit_id=body.to_unit_id, dry_run=dry_run)
    read = TransferRead.model_validate(
        {
            **{k: getattr(out, k) for k in TransferRead.model_fields if k not in ("from_unit", "to_unit")},
            "from_unit": out.from_unit,
            "to_unit": out.to_unit,
        },
        from_attributes=True,
    )
    return idem.respond(session, principal.key, read, 200)
