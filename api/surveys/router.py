"""HTTP of the survey (login): definitions, desks, paper entry, results, official results, tasks from weak results.

Rules and queries live in :mod:`api.surveys.service` and :mod:`api.surveys.results`; the public form is in
:mod:`api.surveys.public_router`.
"""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col

from api.auth.deps import CurrentPrincipal, require
from api.authz import scope, scope_survey
from api.authz.permissions import Permission
from api.config import Settings, get_settings
from api.db import SessionDep
from api.etag import make_etag, require_if_match, set_etag
from api.idempotency import IdempotencyDep
from api.imports.templates import download
from api.models import OrgUnit
from api.models.survey import CollectionPoint, SipasOfficialResult, Survey, SurveyStatus
from api.pagination import Page, PageDep, paginate
from api.surveys import exports, poster, results, service, tokens
from api.surveys.schemas import (
    PaperBatch,
    PaperResult,
    PointCreate,
    PointRead,
    PointUpdate,
    SurveyCreate,
    SurveyRead,
    SurveyUpdate,
)

P = Permission
router = APIRouter(tags=["surveys"])


def _settings(request: Request) -> Settings:
    return getattr(request.app.state, "settings", None) or get_settings()


def _survey_etag(s: Survey) -> str:
    return make_etag("survey", s.id, s.lock_version)


def _point_etag(p: CollectionPoint) -> str:
    return make_etag("collection-point", p.id, p.lock_version)


def _one_survey(session: Any, principal: Any, s: Survey, response: Response) -> SurveyRead:
    set_etag(response, _survey_etag(s))
    return service.survey_reads(session, principal, [s])[0]


# --- surveys ----------------------------------------------------------------------------------------------


@router.get(
    "/surveys",
    response_model=Page[SurveyRead],
    operation_id="surveys-list",
    dependencies=[require(P.surveys_read)],
)
def list_surveys(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    status: Annotated[SurveyStatus | None, Query()] = None,
) -> dict[str, Any]:
    """Phiếu khảo sát: phiếu mặc định và phiếu của các đơn vị liên quan (phiếu nháp: người quản lý)."""
    stmt = scope_survey.visible_surveys(principal)
    if status is not None:
        stmt = stmt.where(Survey.status == status)
    return paginate(
        session,
        stmt,
        page,
        sort_fields={"code": col(Survey.code), "version": col(Survey.version), "name": col(Survey.name)},
        default_order=[col(Survey.code), col(Survey.version).desc(), col(Survey.id)],
        transform=lambda rows: service.survey_reads(session, principal, rows),
    )


@router.post(
    "/surveys",
    response_model=SurveyRead,
    status_code=201,
    operation_id="surveys-create",
    dependencies=[require(P.surveys_manage)],
)
def create_survey(
    data: SurveyCreate, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    """Phiếu nháp mới (trống, hoặc sao chép một phiếu có sẵn thành phiên bản mới)."""
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    s = service.create_survey(session, principal, data=data)
    body = service.survey_reads(session, principal, [s])[0]
    return idem.respond(session, principal.key, body, 201, headers={"ETag": _survey_etag(s)})


@router.get(
    "/surveys/{survey_id}",
    response_model=SurveyRead,
    operation_id="surveys-get",
    dependencies=[require(P.surveys_read)],
)
def get_survey(
    survey_id: int, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> SurveyRead:
    return _one_survey(session, principal, scope_survey.get_survey(session, principal, survey_id), response)


def _editable_survey(session: Any, principal: Any, request: Request, survey_id: int) -> Survey:
    s = scope_survey.get_survey(session, principal, survey_id, P.surveys_manage)
    require_if_match(request, _survey_etag(s))
    return s


@router.patch(
    "/surveys/{survey_id}",
    response_model=SurveyRead,
    operation_id="surveys-update",
    dependencies=[require(P.surveys_manage)],
)
def update_survey(
    survey_id: int,
    data: SurveyUpdate,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> SurveyRead:
    """Sửa phiếu nháp (If-Match). Phiếu đã phát hành không sửa được (409)."""
    s = service.update_survey(
        session, principal, survey=_editable_survey(session, principal, request, survey_id), data=data
    )
    return _one_survey(session, principal, s, response)


@router.post(
    "/surveys/{survey_id}/publish",
    response_model=SurveyRead,
    operation_id="surveys-publish",
    dependencies=[require(P.surveys_manage)],
)
def publish_survey(
    survey_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> SurveyRead:
    """Phát hành: từ đây phiếu không đổi nữa (If-Match)."""
    s = service.publish(session, principal, survey=_editable_survey(session, principal, request, survey_id))
    return _one_survey(session, principal, s, response)


@router.post(
    "/surveys/{survey_id}/retire",
    response_model=SurveyRead,
    operation_id="surveys-retire",
    dependencies=[require(P.surveys_manage)],
)
def retire_survey(
    survey_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> SurveyRead:
    """Ngừng dùng: các điểm dùng phiếu này không nhận thêm phiếu trả lời (If-Match)."""
    s = service.retire(session, principal, survey=_editable_survey(session, principal, request, survey_id))
    return _one_survey(session, principal, s, response)


# --- collection points ------------------------------------------------------------------------------------


def _base_url(request: Request) -> str:
    """Where people reach this server (the QR codes' links): the configured public base, else this request's."""
    settings = _settings(request)
    return settings.notify_links_base_url or settings.portal_links_base_url or str(request.base_url)


def _point_reads(
    session: Any, principal: Any, request: Request, points: list[CollectionPoint]
) -> list[PointRead]:
    return service.point_reads(session, principal, points, _settings(request), _base_url(request))


@router.get(
    "/collection-points",
    response_model=Page[PointRead],
    operation_id="surveys-list_points",
    dependencies=[require(P.surveys_read)],
)
def list_points(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    unit_id: Annotated[int | None, Query(description="Đơn vị (cả các đơn vị trực thuộc)")] = None,
    active: Annotated[bool | None, Query()] = None,
) -> dict[str, Any]:
    """Điểm khảo sát (bộ phận một cửa) trong phạm vi: xã thấy điểm của xã, huyện thấy mọi điểm."""
    stmt = scope_survey.visible_points(principal)
    if unit_id is not None:
        unit = scope.get_unit(session, principal, unit_id, P.surveys_read)
        stmt = stmt.where(col(OrgUnit.path).startswith(unit.path))
    if active is not None:
        stmt = stmt.where(CollectionPoint.active == active)
    return paginate(
        session,
        stmt,
        page,
        sort_fields={"name": col(CollectionPoint.name), "code": col(CollectionPoint.code)},
        default_order=[col(OrgUnit.path), col(CollectionPoint.name), col(CollectionPoint.id)],
        transform=lambda rows: _point_reads(session, principal, request, rows),
    )


@router.post(
    "/collection-points",
    response_model=PointRead,
    status_code=201,
    operation_id="surveys-create_point",
    dependencies=[require(P.surveys_manage)],
)
def create_point(
    data: PointCreate,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    idem: IdempotencyDep,
) -> Response:
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    p = service.create_point(session, principal, data=data)
    body = _point_reads(session, principal, request, [p])[0]
    return idem.respond(session, principal.key, body, 201, headers={"ETag": _point_etag(p)})


@router.get(
    "/collection-points/{point_id}",
    response_model=PointRead,
    operation_id="surveys-get_point",
    dependencies=[require(P.surveys_read)],
)
def get_point(
    point_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> PointRead:
    p = scope_survey.get_point(session, principal, point_id)
    set_etag(response, _point_etag(p))
    return _point_reads(session, principal, request, [p])[0]


def _editable_point(session: Any, principal: Any, request: Request, point_id: int) -> CollectionPoint:
    p = scope_survey.get_point(session, principal, point_id, P.surveys_manage)
    require_if_match(request, _point_etag(p))
    return p


@router.patch(
    "/collection-points/{point_id}",
    response_model=PointRead,
    operation_id="surveys-update_point",
    dependencies=[require(P.surveys_manage)],
)
def update_point(
    point_id: int,
    data: PointUpdate,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> PointRead:
    """Sửa điểm khảo sát (If-Match); ``active: false`` thu hồi mã QR của điểm."""
    p = service.update_point(
        session, principal, point=_editable_point(session, principal, request, point_id), data=data
    )
    set_etag(response, _point_etag(p))
    return _point_reads(session, principal, request, [p])[0]


@router.post(
    "/collection-points/{point_id}/rotate-token",
    response_model=PointRead,
    operation_id="surveys-rotate_token",
    dependencies=[require(P.surveys_manage)],
)
def rotate_token(
    point_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> PointRead:
    """Đổi mã QR (If-Match): mọi tờ mã QR đã in của điểm này hết hiệu lực."""
    p = service.rotate_token(session, principal, point=_editable_point(session, principal, request, point_id))
    set_etag(response, _point_etag(p))
    return _point_reads(session, principal, request, [p])[0]


@router.post(
    "/collection-points/{point_id}/paper-responses",
    response_model=PaperResult,
    status_code=201,
    operation_id="surveys-enter_paper",
    dependencies=[require(P.surveys_enter)],
)
def enter_paper(
    point_id: int,
    data: PaperBatch,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    idem: IdempotencyDep,
) -> Response:
    """Nhập phiếu giấy của một điểm (tối đa 500 phiếu mỗi lần; có lỗi thì không ghi phiếu nào)."""
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    p = scope_survey.get_point(session, principal, point_id, P.surveys_enter)
    out = service.enter_paper(session, principal, _settings(request), point=p, data=data)
    return idem.respond(session, principal.key, out, 201)


# --- results ----------------------------------------------------------------------------------------------

Year = Annotated[int | None, Query(ge=2000, le=2100, description="Năm (mặc định: cả khoảng from–to)")]
From = Annotated[date | None, Query(alias="from", description="Từ ngày")]
To = Annotated[date | None, Query(alias="to", description="Đến ngày")]


def period(year: int | None, start: date | None, end: date | None) -> tuple[date | None, date | None]:
    if year is not None:
        return start or date(year, 1, 1), end or date(year, 12, 31)
    return start, end


@router.get(
    "/survey-results",
    response_model=results.SurveyResults,
    operation_id="surveys-results",
    dependencies=[require(P.surveys_read)],
)
def survey_results(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    year: Year = None,
    start: From = None,
    end: To = None,
    unit_id: Annotated[int | None, Query()] = None,
    point_id: Annotated[int | None, Query()] = None,
    include_flagged: Annotated[bool, Query(description="Tính cả phiếu trùng / phiếu máy tự điền")] = False,
) -> results.SurveyResults:
    """Tỷ lệ hài lòng theo câu hỏi, yếu tố, điểm, đơn vị, tháng; chỉ số theo trọng số của bộ chỉ số SIPAS; mẫu
    nhỏ được đánh dấu (khoảng tin cậy Wilson 95 %); kết quả chính thức bên cạnh; nhiệm vụ gắn với từng yếu tố."""
    s, e = period(year, start, end)
    return results.compute(
        session,
        principal,
        today=_settings(request).today(),
        start=s,
        end=e,
        unit_id=unit_id,
        point_id=point_id,
        include_flagged=include_flagged,
        official_year=year,
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _export(
    request: Request,
    session: Any,
    principal: Any,
    year: int | None,
    start: date | None,
    end: date | None,
    unit_id: int | None,
    point_id: int | None,
) -> tuple[results.SurveyResults, str]:
    res = survey_results(request, session, principal, year, start, end, unit_id, point_id, False)
    grants = principal.grants_for(P.surveys_read)
    name_unit = unit_id if unit_id is not None else (grants[0].unit_id if grants else None)
    name = scope.get_unit(session, principal, name_unit, P.surveys_read).name if name_unit else ""
    if point_id is not None:
        name = f"{scope_survey.get_point(session, principal, point_id).name} ({name})"
    return res, name


def _filename(stem: str, year: int | None, ext: str) -> str:
    return f"{stem}{'-' + str(year) if year else ''}.{ext}"


@router.get(
    "/survey-results.xlsx",
    operation_id="surveys-results_xlsx",
    dependencies=[require(P.surveys_read)],
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "Bảng kết quả khảo sát (XLSX)"}},
)
def results_xlsx(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    year: Year = None,
    start: From = None,
    end: To = None,
    unit_id: Annotated[int | None, Query()] = None,
    point_id: Annotated[int | None, Query()] = None,
) -> Response:
    """Bảng kết quả khảo sát: theo yếu tố, câu hỏi, điểm khảo sát, đơn vị, tháng."""
    res, name = _export(request, session, principal, year, start, end, unit_id, point_id)
    data = exports.results_xlsx(res, scope_name=name)
    return download(data, _filename("ket-qua-khao-sat", year, "xlsx"), XLSX)


@router.get(
    "/survey-results.docx",
    operation_id="surveys-results_docx",
    dependencies=[require(P.surveys_read)],
    response_class=Response,
    responses={200: {"content": {DOCX: {}}, "description": "Tóm tắt kết quả khảo sát (DOCX)"}},
)
def results_docx(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    year: Year = None,
    start: From = None,
    end: To = None,
    unit_id: Annotated[int | None, Query()] = None,
    point_id: Annotated[int | None, Query()] = None,
) -> Response:
    """Tóm tắt kết quả khảo sát cho phần khảo sát của báo cáo định kỳ."""
    res, name = _export(request, session, principal, year, start, end, unit_id, point_id)
    data = exports.summary_docx(res, scope_name=name)
    return download(data, _filename("tom-tat-khao-sat", year, "docx"), DOCX)


# --- posters ----------------------------------------------------------------------------------------------


def _poster_args(request: Request, session: Any, principal: Any, point_id: int) -> dict[str, str]:
    p = scope_survey.get_point(session, principal, point_id, P.surveys_enter)
    read = _point_reads(session, principal, request, [p])[0]
    token = tokens.point_token(_settings(request).effective_secret(), p.id or 0, p.token_secret)
    return {
        "unit_name": read.unit_name,
        "desk_name": p.name,
        "url": service.public_url(_base_url(request), token),
    }


@router.get(
    "/collection-points/{point_id}/poster.pdf",
    operation_id="surveys-poster_pdf",
    dependencies=[require(P.surveys_enter)],
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "Tờ mã QR (A4, PDF)"}},
)
def poster_pdf(point_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal) -> Response:
    """Tờ mã QR để dán tại bộ phận một cửa (A4). Người nhập phiếu của đơn vị và người quản lý in được."""
    args = _poster_args(request, session, principal, point_id)
    return download(poster.poster_pdf(**args), f"ma-qr-khao-sat-{point_id}.pdf", "application/pdf")


@router.get(
    "/collection-points/{point_id}/poster.png",
    operation_id="surveys-poster_png",
    dependencies=[require(P.surveys_enter)],
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "Tờ mã QR (A4, PNG 150 dpi)"}},
)
def poster_png(point_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal) -> Response:
    """Tờ mã QR dạng ảnh PNG (A4, 150 dpi)."""
    args = _poster_args(request, session, principal, point_id)
    return download(poster.poster_png(**args), f"ma-qr-khao-sat-{point_id}.png", "image/png")


# --- official results -------------------------------------------------------------------------------------


class OfficialRead(BaseModel):
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    year: int
    factor: str
    percent: float
    source: str | None
    illustrative: bool


@router.get(
    "/sipas-official-results",
    response_model=Page[OfficialRead],
    operation_id="surveys-list_official",
    dependencies=[require(P.surveys_read)],
)
def list_official(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    unit_id: Annotated[int | None, Query()] = None,
) -> dict[str, Any]:
    """Kết quả SIPAS chính thức đã nhập (nhập bằng ``POST /imports/sipas-results``, CSV/XLSX/JSON)."""
    stmt = scope_survey.official_rows(principal)
    if year is not None:
        stmt = stmt.where(SipasOfficialResult.year == year)
    if unit_id is not None:
        stmt = stmt.where(SipasOfficialResult.unit_id == unit_id)

    def rows(items: list[Any]) -> list[OfficialRead]:
        return [
            OfficialRead(
                id=o.id or 0,
                unit_id=o.unit_id,
                unit_code=code,
                unit_name=name,
                year=o.year,
                factor=o.factor,
                percent=o.percent_milli / 1000,
                source=o.source,
                illustrative=o.illustrative,
            )
            for o, code, name in items
        ]

    return paginate(
        session,
        stmt,
        page,
        sort_fields={"year": col(SipasOfficialResult.year)},
        default_order=[
            col(SipasOfficialResult.year).desc(),
            col(OrgUnit.path),
            col(SipasOfficialResult.factor),
        ],
        transform=rows,
        scalars=False,
    )


# --- a task from a weak result ----------------------------------------------------------------------------


class WeakResultTask(BaseModel):
    """Giao việc từ kết quả yếu: một nhiệm vụ mới trong kế hoạch, gắn với tiêu chí SIPAS của yếu tố / câu hỏi."""

    model_config = ConfigDict(extra="forbid")

    plan_id: int
    node_id: int = Field(description="Tiêu chí SIPAS (yếu tố hoặc câu hỏi) có kết quả yếu")
    title: str = Field(min_length=1, max_length=4000)
    lead_unit_id: int
    due_date: date
    product: str | None = Field(default=None, max_length=4000)
    section_id: int | None = None
    reason: str | None = Field(default=None, max_length=5000)


class WeakResultTaskRead(BaseModel):
    task_id: int
    plan_id: int
    label: str
    title: str


@router.post(
    "/survey-results/tasks",
    response_model=WeakResultTaskRead,
    status_code=201,
    operation_id="surveys-create_task",
    dependencies=[require(P.plans_manage)],
)
def create_task(
    data: WeakResultTask, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    """Phòng Nội vụ giao việc từ một yếu tố hoặc câu hỏi có kết quả yếu: nhiệm vụ mới của kế hoạch (nếu kế hoạch đã
    ban hành: ghi lý do bổ sung, mặc định "Bổ sung nhiệm vụ từ kết quả khảo sát sự hài lòng"), gắn với tiêu chí."""
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    task = service.task_from_result(session, principal, data=data)
    out = WeakResultTaskRead(task_id=task.id or 0, plan_id=task.plan_id, label=task.label, title=task.title)
    return idem.respond(session, principal.key, out, 201)


routers = [router]
