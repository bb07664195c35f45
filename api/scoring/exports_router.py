"""HTTP of the index documents: the self-assessment report of a sheet and the results table of a round."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from api.auth.deps import CurrentPrincipal, require
from api.authz.permissions import Permission
from api.db import SessionDep
from api.errors import Forbidden
from api.reports.templates_router import content_disposition
from api.scoring import export_docx, export_xlsx, exports

P = Permission
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Format = Annotated[Literal["docx", "xlsx"], Query(description="docx | xlsx")]
FILES: dict[int | str, dict[str, Any]] = {
    200: {"content": {DOCX: {}, XLSX: {}}, "description": "Tệp DOCX hoặc XLSX / DOCX or XLSX file"}
}

router = APIRouter(tags=["scoring-exports"])


def _results_reader(principal: CurrentPrincipal) -> None:
    """A participant (assessments:read) or a reader of published rankings (results:read)."""
    if not (principal.has(P.assessments_read) or principal.has(P.results_read)):
        raise Forbidden(
            "Bạn không có quyền xem kết quả chấm điểm.",
            "Missing permission assessments:read or results:read.",
            code="missing_permission",
        )


def _file(content: bytes, fmt: str, stem: str) -> Response:
    return Response(
        content,
        media_type=DOCX if fmt == "docx" else XLSX,
        headers={
            "Content-Disposition": content_disposition(f"{stem}.{fmt}"),
            "Cache-Control": "private, no-cache",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get(
    "/assessment-sheets/{sheet_id}/export",
    response_class=Response,
    operation_id="scoring-exports-sheet",
    dependencies=[require(P.assessments_read)],
    responses=FILES,
)
def export_sheet(
    sheet_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal, format: Format = "docx"
) -> Response:
    """Báo cáo kết quả tự đánh giá, chấm điểm (DOCX theo thể thức Nghị định 30: bảng tổng hợp, giải trình các
    tiêu chí không có tài liệu kiểm chứng, khó khăn, kiến nghị) hoặc bảng chấm điểm (XLSX)."""
    rep = exports.sheet_report(session, principal, sheet_id=sheet_id, settings=request.app.state.settings)
    render = export_docx.render_sheet if format == "docx" else export_xlsx.render_sheet
    return _file(render(rep), format, f"tu-danh-gia-{rep.unit.code}-{rep.round.year}-{rep.sheet.id}")


@router.get(
    "/assessment-rounds/{round_id}/results/export",
    response_class=Response,
    operation_id="scoring-exports-results",
    dependencies=[Depends(_results_reader)],
    responses=FILES,
)
def export_results(
    round_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal, format: Format = "docx"
) -> Response:
    """Bảng kết quả, xếp hạng của đợt đánh giá (DOCX, XLSX). Trước khi công bố: chỉ các đơn vị trong phạm vi của
    bạn (không xếp hạng nếu không đủ cả đợt); sau khi công bố: mọi người dùng thuộc đơn vị tổ chức."""
    rep = exports.round_report(session, principal, round_id=round_id, settings=request.app.state.settings)
    render = export_docx.render_results if format == "docx" else export_xlsx.render_results
    return _file(render(rep), format, f"ket-qua-xep-hang-{rep.round.year}-{rep.round.id}")


routers = [router]
