"""HTTP routes of the reports (báo cáo CCHC định kỳ), their workflow and exports."""

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import col

from api.auth.deps import CurrentPrincipal, require
from api.authz import scope
from api.authz.permissions import Permission
from api.db import SessionDep
from api.etag import require_if_match, set_etag
from api.idempotency import IdempotencyDep
from api.models import Report, ReportLevel, ReportStatus
from api.pagination import Page, PageDep, paginate
from api.reports import document, export_docx, export_xlsx, service, template_store
from api.reports.periods_router import router as periods_router
from api.reports.schemas import ReportCreate, ReportDetail, ReportRead, ReportUpdate, ReturnRequest
from api.reports.templates_router import content_disposition
from api.reports.templates_router import router as templates_router

router = APIRouter(prefix="/reports", tags=["reports"])
P = Permission
SORT = {
    "id": Report.id,
    "status": Report.status,
    "submitted_at": Report.submitted_at,
    "created_at": Report.created_at,
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today(request: Request):  # type: ignore[no-untyped-def]
    return request.app.state.settings.today()


def _detail(
    request: Request, response: Response, session: SessionDep, principal: CurrentPrincipal, report: Report
) -> ReportDetail:
    set_etag(response, service.etag(report))
    return service.detail(session, principal, report, today=_today(request))


@router.post(
    "",
    status_code=201,
    response_model=ReportRead,
    operation_id="reports-create",
    dependencies=[require(P.reports_edit)],
)
def create_report(
    body: ReportCreate, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    """Mở báo cáo của một đơn vị cho một kỳ; ``unit_id`` = đơn vị định nghĩa kỳ → báo cáo tổng hợp của huyện."""
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    report = service.create(session, principal, data=body)
    return idem.respond(session, principal.key, service.read(report), 201, {"ETag": service.etag(report)})


@router.get(
    "", response_model=Page[ReportRead], operation_id="reports-list", dependencies=[require(P.reports_read)]
)
def list_reports(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    period_id: int | None = None,
    unit_id: int | None = None,
    status: ReportStatus | None = None,
    level: ReportLevel | None = None,
) -> dict[str, object]:
    stmt = service.list_query(principal, period_id=period_id, unit_id=unit_id, status=status, level=level)
    return paginate(
        session,
        stmt,
        page,
        sort_fields=SORT,
        default_order=[col(Report.id)],
        scalars=False,
        transform=service.list_rows,
    )


@router.get(
    "/{report_id}",
    response_model=ReportDetail,
    operation_id="reports-get",
    dependencies=[require(P.reports_read)],
)
def get_report(
    report_id: int, request: Request, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> ReportDetail:
    """Báo cáo với số liệu: tính trực tiếp đến ngày chốt khi chưa được tiếp nhận, số liệu đã chốt sau đó."""
    report = scope.get_report(session, principal, report_id)
    return _detail(request, response, session, principal, report)


@router.patch(
    "/{report_id}",
    response_model=ReportDetail,
    operation_id="reports-update",
    dependencies=[require(P.reports_edit)],
)
def update_report(
    report_id: int,
    body: ReportUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ReportDetail:
    """Soạn nội dung (kết quả; tồn tại, hạn chế; nguyên nhân; phương hướng; đề xuất, kiến nghị), số, người ký."""
    report = scope.get_report(session, principal, report_id, P.reports_edit)
    require_if_match(request, service.etag(report))
    report = service.update(session, principal, report=report, data=body)
    return _detail(request, response, session, principal, report)


@router.post(
    "/{report_id}/submit",
    response_model=ReportDetail,
    operation_id="reports-submit",
    dependencies=[require(P.reports_submit)],
)
def submit_report(
    report_id: int,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    confirm_missing_units: Annotated[
        bool,
        Query(
            description="Báo cáo tổng hợp: xác nhận gửi khi còn đơn vị chưa có báo cáo được tiếp nhận "
            "(không có → 409 units_not_reported liệt kê các đơn vị)."
        ),
    ] = False,
) -> ReportDetail:
    """Gửi báo cáo (thủ trưởng đơn vị; báo cáo huyện: Phòng Nội vụ). Gửi sau hạn → đánh dấu nộp muộn. Báo cáo
    tổng hợp khi còn đơn vị chưa báo cáo: cần ``confirm_missing_units=true``."""
    report = scope.get_report(session, principal, report_id, P.reports_submit)
    require_if_match(request, service.etag(report))
    report = service.submit(
        session, principal, report=report, today=_today(request), confirm_missing_units=confirm_missing_units
    )
    return _detail(request, response, session, principal, report)


@router.post(
    "/{report_id}/accept",
    response_model=ReportDetail,
    operation_id="reports-accept",
    dependencies=[require(P.reports_review)],
)
def accept_report(
    report_id: int, request: Request, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> ReportDetail:
    """Tiếp nhận báo cáo của đơn vị (Phòng Nội vụ): số liệu và bảng nhiệm vụ được chốt."""
    report = scope.get_report(session, principal, report_id, P.reports_review)
    require_if_match(request, service.etag(report))
    report = service.accept(session, principal, report=report, today=_today(request))
    return _detail(request, response, session, principal, report)


@router.post(
    "/{report_id}/return",
    response_model=ReportDetail,
    operation_id="reports-return",
    dependencies=[require(P.reports_read)],
)
def return_report(
    report_id: int,
    body: ReturnRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ReportDetail:
    """Trả lại kèm lý do: báo cáo đơn vị (Phòng Nội vụ, reports:review), báo cáo huyện (lãnh đạo, reports:approve)."""
    report = scope.get_report(session, principal, report_id)
    ctx = service.context(session, principal, report)
    service.check_can_return(principal, report=report, unit=ctx.unit)
    require_if_match(request, service.etag(report))
    report = service.return_(session, principal, report=report, unit=ctx.unit, reason=body.reason)
    return _detail(request, response, session, principal, report)


@router.post(
    "/{report_id}/approve",
    response_model=ReportDetail,
    operation_id="reports-approve",
    dependencies=[require(P.reports_approve)],
)
def approve_report(
    report_id: int, request: Request, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> ReportDetail:
    """Phê duyệt báo cáo tổng hợp của huyện (lãnh đạo): số liệu được chốt và báo cáo được xếp hàng gửi cổng tỉnh."""
    report = scope.get_report(session, principal, report_id, P.reports_approve)
    require_if_match(request, service.etag(report))
    report = service.approve(session, principal, report=report, today=_today(request))
    return _detail(request, response, session, principal, report)


@router.get(
    "/{report_id}/export",
    response_class=Response,
    operation_id="reports-export",
    dependencies=[require(P.reports_read)],
    responses={200: {"content": {DOCX: {}, XLSX: {}, "application/json": {}}, "description": "Tệp báo cáo"}},
)
def export_report(
    report_id: int,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    format: Annotated[Literal["docx", "xlsx", "json"], Query(description="docx | xlsx | json")] = "docx",
) -> Response:
    """Xuất báo cáo: DOCX theo thể thức Nghị định 30/2020/NĐ-CP, XLSX số liệu và bảng nhiệm vụ, JSON (parsipas.report.v1)."""
    report = scope.get_report(session, principal, report_id)
    settings = request.app.state.settings
    doc = document.build(session, principal, report, settings=settings)
    stem = f"bao-cao-{doc.unit.code}-{doc.ctx.period.year}-{doc.ctx.period.kind}-{report.id}"
    if format == "docx":
        content, media = export_docx.render(doc, template_store.for_report(session, doc.ctx)), DOCX
    elif format == "xlsx":
        content, media = export_xlsx.render(doc), XLSX
    else:
        content = json.dumps(document.exchange_document(doc), ensure_ascii=False, indent=2).encode()
        media = "application/json"
    headers = {
        "Content-Disposition": content_disposition(f"{stem}.{format}"),
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
        "ETag": service.etag(report),
    }
    return Response(content, media_type=media, headers=headers)


routers = [periods_router, router, templates_router]
