"""HTTP routes of report outlines (đề cương báo cáo) and the indicator table (biểu số liệu) of a report."""

from fastapi import APIRouter, Request, Response
from sqlmodel import col

from api.auth.deps import CurrentPrincipal, require
from api.authz import scope
from api.authz import scope_outline as so
from api.authz.permissions import Permission
from api.db import SessionDep
from api.errors import Conflict
from api.etag import make_etag, require_if_match, set_etag
from api.idempotency import IdempotencyDep
from api.models import ReportLevel
from api.models.report_outline import ReportOutline
from api.pagination import Page, PageDep, paginate
from api.reports import outlines, service
from api.reports.outline_schemas import (
    IndicatorValuesPut,
    OutlineCopy,
    OutlineRead,
    OutlineUpdate,
    ReportIndicators,
)

P = Permission
router = APIRouter(tags=["report_outlines"])
SORT = {"id": ReportOutline.id, "name": ReportOutline.name, "level": ReportOutline.level}


def _etag(o: ReportOutline) -> str:
    return make_etag("report-outline", o.id, o.version)


@router.get(
    "/report-outlines",
    response_model=Page[OutlineRead],
    operation_id="report_outlines-list",
    dependencies=[require(P.reports_read)],
)
def list_outlines(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    level: ReportLevel | None = None,
    owner_unit_id: int | None = None,
) -> dict[str, object]:
    """Đề cương báo cáo CCHC: các mẫu cài sẵn (theo cấp: huyện, xã, phòng; ``verified`` = false khi câu chữ chưa
    được đối chiếu với văn bản gốc) và bản sao của các đơn vị trong phạm vi."""
    stmt = so.visible_outlines(principal)
    if level is not None:
        stmt = stmt.where(col(ReportOutline.level) == level)
    if owner_unit_id is not None:
        stmt = stmt.where(col(ReportOutline.owner_unit_id) == owner_unit_id)

    def rows(items: list[ReportOutline]) -> list[OutlineRead]:
        return outlines.outline_reads(session, principal, items)

    return paginate(
        session, stmt, page, sort_fields=SORT, default_order=[col(ReportOutline.id)], transform=rows
    )


@router.get(
    "/report-outlines/{outline_id}",
    response_model=OutlineRead,
    operation_id="report_outlines-get",
    dependencies=[require(P.reports_read)],
)
def get_outline(
    outline_id: int, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> OutlineRead:
    """Một đề cương với các mục (tự điền / đơn vị viết / tiêu đề / biểu số liệu) và các chỉ tiêu của biểu."""
    o = so.get_outline(session, principal, outline_id)
    set_etag(response, _etag(o))
    return outlines.outline_reads(session, principal, [o])[0]


@router.post(
    "/report-outlines/{outline_id}/copy",
    status_code=201,
    response_model=OutlineRead,
    operation_id="report_outlines-copy",
    dependencies=[require(P.reports_review)],
)
def copy_outline(
    outline_id: int, body: OutlineCopy, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    """Tạo đề cương riêng của đơn vị (Phòng Nội vụ) từ một đề cương (mẫu cài sẵn hoặc bản sao khác) để sửa."""
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    source = so.get_outline(session, principal, outline_id)
    new = outlines.copy(session, principal, source=source, body=body)
    out = outlines.outline_reads(session, principal, [new])[0]
    return idem.respond(session, principal.key, out, 201, {"ETag": _etag(new)})


@router.patch(
    "/report-outlines/{outline_id}",
    response_model=OutlineRead,
    operation_id="report_outlines-update",
    dependencies=[require(P.reports_review)],
)
def update_outline(
    outline_id: int,
    body: OutlineUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> OutlineRead:
    """Sửa đề cương của đơn vị (tên, các mục, các chỉ tiêu theo mã). Mẫu cài sẵn không sửa trực tiếp: sao chép
    trước (409 ``outline_shipped``)."""
    o = so.get_outline(session, principal, outline_id)
    if o.owner_unit_id is None:
        raise Conflict(
            "Đề cương mẫu cài sẵn không sửa trực tiếp: hãy tạo bản sao của đơn vị rồi sửa bản sao.",
            "A shipped outline is not edited: copy it first.",
            code="outline_shipped",
        )
    o = so.get_outline(session, principal, outline_id, P.reports_review)
    require_if_match(request, _etag(o))
    o = outlines.update(session, principal, outline=o, body=body)
    set_etag(response, _etag(o))
    return outlines.outline_reads(session, principal, [o])[0]


def _indicators(
    request: Request, session: SessionDep, principal: CurrentPrincipal, report_id: int
) -> ReportIndicators:
    report = scope.get_report(session, principal, report_id)
    ctx = service.context(session, principal, report)
    live, figures, _table = service.figures_of(session, ctx, today=request.app.state.settings.today())
    if "indicators" not in figures:  # frozen before outlines existed
        return outlines.report_indicators(
            session, principal, ctx, figures={**figures}, live=live, legacy=True
        )
    return outlines.report_indicators(session, principal, ctx, figures=figures, live=live)


@router.get(
    "/reports/{report_id}/indicators",
    response_model=ReportIndicators,
    operation_id="reports-indicators",
    dependencies=[require(P.reports_read)],
)
def get_indicators(
    report_id: int, request: Request, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> ReportIndicators:
    """Biểu số liệu của báo cáo: giá trị đơn vị nhập, giá trị hệ thống tính, và với báo cáo tổng hợp giá trị cộng
    dồn / trung bình / tỷ lệ từ báo cáo các đơn vị cùng danh sách đơn vị chưa nhập. ETag là ETag của báo cáo."""
    out = _indicators(request, session, principal, report_id)
    set_etag(response, out.etag)
    return out


@router.put(
    "/reports/{report_id}/indicators",
    response_model=ReportIndicators,
    operation_id="reports-indicators-update",
    dependencies=[require(P.reports_edit)],
)
def put_indicators(
    report_id: int,
    body: IndicatorValuesPut,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ReportIndicators:
    """Nhập số liệu các chỉ tiêu (giá trị null: xóa) khi báo cáo còn là dự thảo hoặc bị trả lại; If-Match = ETag của
    báo cáo. Chỉ tiêu tự tính hoặc cộng dồn từ đơn vị không nhập tay (422)."""
    report = scope.get_report(session, principal, report_id, P.reports_edit)
    require_if_match(request, service.etag(report))
    ctx = service.context(session, principal, report)
    outlines.put_values(
        session, principal, report=report, unit=ctx.unit, owner_id=ctx.period.owner_unit_id, body=body
    )
    out = _indicators(request, session, principal, report_id)
    set_etag(response, out.etag)
    return out


routers = [router]
