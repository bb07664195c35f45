"""HTTP routes of the reporting periods (kỳ báo cáo)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import col

from api.auth.deps import CurrentPrincipal, require
from api.authz import scope
from api.authz.permissions import Permission
from api.db import SessionDep
from api.etag import make_etag, require_if_match, set_etag
from api.idempotency import IdempotencyDep
from api.models import PeriodKind, ReportingPeriod
from api.pagination import Page, PageDep, paginate
from api.reports import periods
from api.reports.schemas import PeriodGenerate, PeriodRead, PeriodUpdate

router = APIRouter(prefix="/report-periods", tags=["report_periods"])
P = Permission
SORT = {
    "year": ReportingPeriod.year,
    "data_from": ReportingPeriod.data_from,
    "data_to": ReportingPeriod.data_to,
    "due_unit": ReportingPeriod.due_unit,
    "id": ReportingPeriod.id,
}


def _etag(p: ReportingPeriod) -> str:
    return make_etag("reporting_period", p.id, p.version)


def _read(p: ReportingPeriod, today: date) -> PeriodRead:
    out = PeriodRead.model_validate(p)
    out.due_dates_are_defaults = periods.has_default_due_dates(p)
    out.unit_due_passed, out.district_due_passed = today > p.due_unit, today > p.due_district
    return out


def _today(request: Request) -> date:
    today: date = request.app.state.settings.today()
    return today


@router.post(
    "/generate",
    status_code=201,
    response_model=list[PeriodRead],
    operation_id="report_periods-generate",
    dependencies=[require(P.reports_review)],
)
def generate(
    body: PeriodGenerate,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    idem: IdempotencyDep,
) -> Response:
    """Tạo 4 kỳ báo cáo của năm (Quý I, 6 tháng, Quý III, năm) với thời gian chốt số liệu theo 581/BNV-CCHC và hạn
    nộp mặc định (chưa xác minh, sửa được). Kỳ đã có được giữ nguyên."""
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    owner = periods.owner_unit_for(session, principal, body.owner_unit_id)
    created = periods.generate(session, principal, owner=owner, year=body.year)
    return idem.respond(session, principal.key, [_read(p, _today(request)) for p in created], 201)


@router.get(
    "",
    response_model=Page[PeriodRead],
    operation_id="report_periods-list",
    dependencies=[require(P.reports_read)],
)
def list_periods(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    owner_unit_id: int | None = None,
    kind: PeriodKind | None = None,
) -> dict[str, object]:
    stmt = scope.visible_periods(principal)
    if year is not None:
        stmt = stmt.where(col(ReportingPeriod.year) == year)
    if owner_unit_id is not None:
        stmt = stmt.where(col(ReportingPeriod.owner_unit_id) == owner_unit_id)
    if kind is not None:
        stmt = stmt.where(col(ReportingPeriod.kind) == kind)
    today = _today(request)
    return paginate(
        session,
        stmt,
        page,
        sort_fields=SORT,
        default_order=[
            col(ReportingPeriod.year).desc(),
            col(ReportingPeriod.data_to),
            col(ReportingPeriod.id),
        ],
        transform=lambda rows: [_read(p, today) for p in rows],
    )


@router.get(
    "/{period_id}",
    response_model=PeriodRead,
    operation_id="report_periods-get",
    dependencies=[require(P.reports_read)],
)
def get_period(
    period_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> PeriodRead:
    p = scope.get_period(session, principal, period_id)
    set_etag(response, _etag(p))
    return _read(p, _today(request))


@router.patch(
    "/{period_id}",
    response_model=PeriodRead,
    operation_id="report_periods-update",
    dependencies=[require(P.reports_review)],
)
def update_period(
    period_id: int,
    body: PeriodUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> PeriodRead:
    """Sửa thời gian chốt số liệu, hạn nộp của từng cấp (Phòng Nội vụ của đơn vị định nghĩa kỳ)."""
    p = scope.get_period(session, principal, period_id)
    scope.get_unit(
        session, principal, p.owner_unit_id, P.reports_review
    )  # 404 unless the caller manages the owner
    require_if_match(request, _etag(p))
    p = periods.update(session, principal, period=p, data=body)
    set_etag(response, _etag(p))
    return _read(p, _today(request))
