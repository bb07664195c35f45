"""HTTP of results, ranking, official results and points at risk. Rules and queries live in the services."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic_core import to_json

from api.auth.deps import CurrentPrincipal, require
from api.authz.permissions import Permission
from api.config import get_settings
from api.db import SessionDep
from api.errors import Forbidden
from api.pagination import Page, PageDep, PageParams
from api.scoring import official, results, risk
from api.scoring.results_schemas import (
    OfficialResultRead,
    PointsAtRisk,
    RiskAssignment,
    RoundResults,
    SheetResults,
)

P = Permission
router = APIRouter(tags=["scoring-results"])

AsOf = Annotated[date | None, Query(description="Ngày tham chiếu (mặc định: hôm nay) / reference date")]
Year = Annotated[
    int | None, Query(ge=2000, le=2100, description="Năm kế hoạch (mặc định: năm của ngày tham chiếu)")
]


def _results_reader(principal: CurrentPrincipal) -> None:
    """A participant (assessments:read) or a reader of published rankings (results:read)."""
    if not (principal.has(P.assessments_read) or principal.has(P.results_read)):
        raise Forbidden(
            "Bạn không có quyền xem kết quả chấm điểm.",
            "Missing permission assessments:read or results:read.",
            code="missing_permission",
        )


@router.get(
    "/assessment-rounds/{round_id}/results",
    response_model=RoundResults,
    operation_id="scoring-results-round",
    dependencies=[Depends(_results_reader)],
)
def round_results(
    round_id: int,
    session: SessionDep,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=500, description="Số đơn vị mỗi trang / page size")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """Kết quả và xếp hạng của đợt: tổng điểm tự chấm và sau thẩm định, tỷ lệ %, xếp loại, hạng (bằng điểm cùng
    hạng, hạng sau bỏ qua), theo lĩnh vực; đơn vị chưa nộp ở cuối. Trước khi công bố: chỉ các đơn vị trong phạm
    vi của bạn (và không xếp hạng nếu không đủ cả đợt); sau khi công bố: mọi người dùng thuộc đơn vị tổ chức.
    Phân trang theo thứ tự xếp hạng (``limit``/``offset``): hạng tính trên mọi đơn vị trong phạm vi."""
    page = PageParams(limit=limit, offset=offset)
    return ranking_response(results.round_results(session, principal, round_id=round_id, page=page))


def ranking_response(data: dict[str, Any]) -> Response:
    """The ranking as JSON, serialised once by pydantic-core without re-validating every unit against
    :class:`RoundResults`: a province's ranking is thousands of rows the service has just built from typed
    columns, and validating them again cost as much as the query. ``tests/scoring`` holds it equal to the
    validated model's JSON; the per-lĩnh vực copy the exports use is not part of the API shape."""
    for unit in data["units"]:
        unit.pop("areas", None)
    return Response(to_json(data), media_type="application/json")


@router.get(
    "/assessment-sheets/{sheet_id}/results",
    response_model=SheetResults,
    operation_id="scoring-results-sheet",
    dependencies=[require(P.assessments_read)],
)
def sheet_results(sheet_id: int, session: SessionDep, principal: CurrentPrincipal) -> dict[str, Any]:
    """Kết quả của phiếu theo từng cấp: tự chấm, sau thẩm định, tối đa, %; kết quả chính thức (nếu đã nhập) và
    chênh lệch; thay đổi so với năm trước (qua ánh xạ tiêu chí khi nhân bản bộ chỉ số); tiêu chí yếu nhất."""
    return results.sheet_results(session, principal, sheet_id=sheet_id)


@router.get(
    "/official-results",
    response_model=Page[OfficialResultRead],
    operation_id="scoring-results-official-list",
    dependencies=[require(P.assessments_read)],
)
def list_official(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    unit_id: int | None = None,
    framework_id: int | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> dict[str, Any]:
    """Kết quả chính thức đã nhập (``/imports/official-results``) của các đơn vị trong phạm vi của bạn."""
    return official.list_official_results(
        session, principal, page=page, unit_id=unit_id, framework_id=framework_id, year=year
    )


@router.get(
    "/points-at-risk",
    response_model=PointsAtRisk,
    operation_id="scoring-results-points-at-risk",
    dependencies=[require(risk.PERMISSION)],
)
def points_at_risk(
    session: SessionDep,
    principal: CurrentPrincipal,
    framework_id: Annotated[
        int | None, Query(description="Bộ chỉ số (mặc định: bộ được gắn với nhiều nhiệm vụ nhất)")
    ] = None,
    unit_id: Annotated[int | None, Query(description="Một đơn vị (mặc định: mọi đơn vị áp dụng)")] = None,
    as_of: AsOf = None,
    year: Year = None,
) -> dict[str, Any]:
    """Điểm chắc chắn / có nguy cơ / đang thực hiện / chưa có nhiệm vụ theo tiêu chí, lĩnh vực, đơn vị và toàn
    bộ; chỉ số dự kiến nếu không thay đổi và nếu mọi nhiệm vụ đang mở hoàn thành. ``measure = criteria`` khi
    điểm tối đa chưa rõ: đếm số tiêu chí thay cho điểm. Quyền: dashboards:read (xem công việc, không lộ điểm)."""
    return risk.points_at_risk(
        session,
        principal,
        framework_id=framework_id,
        unit_id=unit_id,
        as_of=as_of or get_settings().today(),
        year=year,
    )


@router.get(
    "/points-at-risk/assignments",
    response_model=Page[RiskAssignment],
    operation_id="scoring-results-points-at-risk-assignments",
    dependencies=[require(risk.PERMISSION)],
)
def points_at_risk_assignments(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    framework_id: int,
    node_id: int,
    unit_id: int | None = None,
    as_of: AsOf = None,
    year: Year = None,
) -> dict[str, Any]:
    """Nhiệm vụ được giao gắn với tiêu chí (hoặc lĩnh vực): nhóm thời hạn, có tài liệu kiểm chứng, đóng góp."""
    return risk.risk_assignments(
        session,
        principal,
        framework_id=framework_id,
        node_id=node_id,
        unit_id=unit_id,
        as_of=as_of or get_settings().today(),
        year=year,
        page=page,
    )


routers = [router]
