"""HTTP routes of index scoring's workflow: rounds, sheets, self-scores, appraisal, approval, publication.

Transitions read as their specification: the decorator names the permission, a named dependency loads the scoped
object (404 outside the caller's reach) and checks ``If-Match`` against its ETag, and one service call does the
rest. Score and appraisal writes also name the **sheet's** ETag (they bump the sheet's version); every response
carries the sheet's new ETag.
"""

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlmodel import Session, col

from api.auth.deps import CurrentPrincipal, require
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.db import SessionDep
from api.etag import require_if_match, set_etag
from api.idempotency import IdempotencyDep
from api.models import AssessmentRound, AssessmentSheet, RoundStatus, SheetStatus
from api.pagination import Page, PageDep, paginate
from api.scoring import appraisal, rounds, service, workflow
from api.scoring.schemas import (
    AppraisalWrite,
    BulkAccept,
    EvidenceCandidate,
    ReopenSheet,
    ReturnSheet,
    RoundCreate,
    RoundDetail,
    RoundPublish,
    RoundRead,
    RoundUpdate,
    ScoreWrite,
    SheetDetail,
    SheetRead,
    SheetUpdate,
)

P = Permission
rounds_router = APIRouter(prefix="/assessment-rounds", tags=["assessment_rounds"])
sheets_router = APIRouter(prefix="/assessment-sheets", tags=["assessment_sheets"])


@dataclass
class Ctx:
    """What every scoring route needs: the request's session, the caller, the reference date and the response."""

    session: Session
    principal: Principal
    today: date
    response: Response

    def sheet(self, sheet: AssessmentSheet) -> SheetDetail:
        set_etag(self.response, service.sheet_etag(sheet))
        return service.detail(self.session, self.principal, sheet, today=self.today)

    def round(self, rnd: AssessmentRound) -> RoundDetail:
        set_etag(self.response, service.round_etag(rnd))
        return rounds.round_detail(self.session, self.principal, rnd)


def _ctx(request: Request, response: Response, session: SessionDep, principal: CurrentPrincipal) -> Ctx:
    return Ctx(session, principal, request.app.state.settings.today(), response)


CtxDep = Annotated[Ctx, Depends(_ctx)]


def _sheet(permission: Permission, *, if_match: bool = True) -> Any:
    def load(
        sheet_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal
    ) -> AssessmentSheet:
        sheet = scope.get_sheet(session, principal, sheet_id, permission)
        if if_match:
            require_if_match(request, service.sheet_etag(sheet))
        return sheet

    return Depends(load)


def _round(permission: Permission, *, if_match: bool = True) -> Any:
    def load(
        round_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal
    ) -> AssessmentRound:
        rnd = scope.get_round(session, principal, round_id, permission)
        if if_match:
            require_if_match(request, service.round_etag(rnd))
        return rnd

    return Depends(load)


ReadableSheet = Annotated[AssessmentSheet, _sheet(P.assessments_read, if_match=False)]
EditableSheet = Annotated[AssessmentSheet, _sheet(P.assessments_edit)]
SubmittableSheet = Annotated[AssessmentSheet, _sheet(P.assessments_submit)]
AppraisableSheet = Annotated[AssessmentSheet, _sheet(P.assessments_appraise)]
ApprovableSheet = Annotated[AssessmentSheet, _sheet(P.assessments_approve)]
ReopenableSheet = Annotated[
    AssessmentSheet, _sheet(P.assessments_read)
]  # appraise or manage: the service decides
ReadableRound = Annotated[AssessmentRound, _round(P.assessments_read, if_match=False)]
ManagedRound = Annotated[AssessmentRound, _round(P.assessments_manage)]

ROUND_SORT = {"id": AssessmentRound.id, "year": AssessmentRound.year, "name": AssessmentRound.name}
SHEET_SORT = {
    "id": AssessmentSheet.id,
    "status": AssessmentSheet.status,
    "submitted_at": AssessmentSheet.submitted_at,
}


# --- rounds ---------------------------------------------------------------------------------------------------


@rounds_router.post(
    "",
    status_code=201,
    response_model=RoundDetail,
    operation_id="assessment_rounds-create",
    dependencies=[require(P.assessments_manage)],
)
def create_round(body: RoundCreate, ctx: CtxDep, idem: IdempotencyDep) -> Response:
    """Mở đợt đánh giá: bộ chỉ số đã ban hành + năm + đơn vị được đánh giá, thời gian tự chấm và thẩm định."""
    if (replayed := idem.replay(ctx.session, ctx.principal.key)) is not None:
        return replayed
    rnd = rounds.create_round(ctx.session, ctx.principal, data=body)
    detail = rounds.round_detail(ctx.session, ctx.principal, rnd)
    return idem.respond(ctx.session, ctx.principal.key, detail, 201, {"ETag": service.round_etag(rnd)})


@rounds_router.get(
    "",
    response_model=Page[RoundRead],
    operation_id="assessment_rounds-list",
    dependencies=[require(P.assessments_read)],
)
def list_rounds(
    ctx: CtxDep, page: PageDep, year: int | None = None, status: RoundStatus | None = None
) -> dict[str, object]:
    stmt = rounds.round_list(ctx.principal, year=year, status=status)
    return paginate(
        ctx.session,
        stmt,
        page,
        sort_fields=ROUND_SORT,
        default_order=[col(AssessmentRound.year).desc(), col(AssessmentRound.id).desc()],
        transform=lambda rows: service.round_reads(ctx.session, rows),
    )


@rounds_router.get(
    "/{round_id}",
    response_model=RoundDetail,
    operation_id="assessment_rounds-get",
    dependencies=[require(P.assessments_read)],
)
def get_round(rnd: ReadableRound, ctx: CtxDep) -> RoundDetail:
    """Đợt đánh giá với số phiếu theo trạng thái."""
    return ctx.round(rnd)


@rounds_router.patch(
    "/{round_id}",
    response_model=RoundDetail,
    operation_id="assessment_rounds-update",
    dependencies=[require(P.assessments_manage)],
)
def update_round(rnd: ManagedRound, body: RoundUpdate, ctx: CtxDep) -> RoundDetail:
    """Sửa tên, thời gian tự chấm và thẩm định (trước khi công bố)."""
    rounds.update_round(ctx.session, ctx.principal, rnd=rnd, data=body)
    return ctx.round(rnd)


@rounds_router.post(
    "/{round_id}/publish",
    response_model=RoundDetail,
    operation_id="assessment_rounds-publish",
    dependencies=[require(P.assessments_manage)],
)
def publish_round(rnd: ManagedRound, ctx: CtxDep, body: RoundPublish | None = None) -> RoundDetail:
    """Công bố kết quả: mọi phiếu đã nộp phải được phê duyệt; sau đó mọi phiếu bị khóa."""
    rounds.publish_round(
        ctx.session, ctx.principal, rnd=rnd, decision_ref=body.decision_ref if body else None
    )
    return ctx.round(rnd)


# --- sheets ---------------------------------------------------------------------------------------------------


@sheets_router.get(
    "",
    response_model=Page[SheetRead],
    operation_id="assessment_sheets-list",
    dependencies=[require(P.assessments_read)],
)
def list_sheets(
    ctx: CtxDep,
    page: PageDep,
    round_id: int | None = None,
    unit_id: int | None = None,
    status: SheetStatus | None = None,
) -> dict[str, object]:
    stmt = service.sheet_list(ctx.principal, round_id=round_id, unit_id=unit_id, status=status)
    return paginate(
        ctx.session,
        stmt,
        page,
        sort_fields=SHEET_SORT,
        default_order=[col(AssessmentSheet.round_id).desc(), col(AssessmentSheet.id)],
        scalars=False,
        transform=lambda rows: service.sheet_rows(ctx.session, rows),
    )


@sheets_router.get(
    "/{sheet_id}",
    response_model=SheetDetail,
    operation_id="assessment_sheets-get",
    dependencies=[require(P.assessments_read)],
)
def get_sheet(sheet: ReadableSheet, ctx: CtxDep) -> SheetDetail:
    """Phiếu chấm điểm: cây tiêu chí theo thứ tự, cách chấm, điểm tự chấm và thẩm định, tổng con, tiến độ và
    các thao tác người gọi được làm (``allowed_actions``)."""
    return ctx.sheet(sheet)


@sheets_router.patch(
    "/{sheet_id}",
    response_model=SheetDetail,
    operation_id="assessment_sheets-update",
    dependencies=[require(P.assessments_edit)],
)
def update_sheet(sheet: EditableSheet, body: SheetUpdate, ctx: CtxDep) -> SheetDetail:
    """Khó khăn, vướng mắc; kiến nghị, đề xuất; người ký."""
    service.update_sheet(ctx.session, ctx.principal, sheet=sheet, data=body, today=ctx.today)
    return ctx.sheet(sheet)


@sheets_router.put(
    "/{sheet_id}/scores/{node_id}",
    response_model=SheetDetail,
    operation_id="assessment_sheets-score",
    dependencies=[require(P.assessments_edit)],
)
def put_score(sheet: EditableSheet, node_id: int, body: ScoreWrite, ctx: CtxDep) -> SheetDetail:
    """Tự chấm một tiêu chí thành phần (If-Match: ETag của phiếu). Điểm do cách chấm tính, không bao giờ bị cắt."""
    workflow.put_score(ctx.session, ctx.principal, sheet=sheet, node_id=node_id, data=body, today=ctx.today)
    return ctx.sheet(sheet)


@sheets_router.get(
    "/{sheet_id}/evidence-candidates",
    response_model=Page[EvidenceCandidate],
    operation_id="assessment_sheets-evidence_candidates",
    dependencies=[require(P.assessments_read), require(P.evidence_read)],
)
def evidence_candidates(
    sheet: ReadableSheet,
    ctx: CtxDep,
    page: PageDep,
    node_id: Annotated[
        int | None, Query(description="Tiêu chí; bỏ trống = mọi tiêu chí của bộ chỉ số")
    ] = None,
) -> dict[str, object]:
    """Tài liệu kiểm chứng gợi ý: trước hết tài liệu của các nhiệm vụ của đơn vị gắn với tiêu chí, sau đó tài liệu
    đã tải lên phiếu."""
    stmt = service.candidates(ctx.session, ctx.principal, sheet, node_id)
    return paginate(
        ctx.session, stmt, page, sort_fields={}, default_order=[], transform=service.candidate_rows
    )


@sheets_router.post(
    "/{sheet_id}/submit",
    response_model=SheetDetail,
    operation_id="assessment_sheets-submit",
    dependencies=[require(P.assessments_submit)],
)
def submit_sheet(sheet: SubmittableSheet, ctx: CtxDep) -> SheetDetail:
    """Nộp phiếu (thủ trưởng đơn vị): mọi tiêu chí đã chấm; tiêu chí không có tài liệu phải có giải trình."""
    workflow.submit(ctx.session, ctx.principal, sheet=sheet, today=ctx.today)
    return ctx.sheet(sheet)


@sheets_router.put(
    "/{sheet_id}/appraisals/{node_id}",
    response_model=SheetDetail,
    operation_id="assessment_sheets-appraise_node",
    dependencies=[require(P.assessments_appraise)],
)
def appraise_node(sheet: AppraisableSheet, node_id: int, body: AppraisalWrite, ctx: CtxDep) -> SheetDetail:
    """Thẩm định một tiêu chí: công nhận, điều chỉnh (kèm lý do) hoặc trả lại (kèm lý do)."""
    appraisal.appraise_node(
        ctx.session, ctx.principal, sheet=sheet, node_id=node_id, data=body, today=ctx.today
    )
    return ctx.sheet(sheet)


@sheets_router.post(
    "/{sheet_id}/appraisals/accept",
    response_model=SheetDetail,
    operation_id="assessment_sheets-accept_many",
    dependencies=[require(P.assessments_appraise)],
)
def accept_many(sheet: AppraisableSheet, ctx: CtxDep, body: BulkAccept | None = None) -> SheetDetail:
    """Công nhận hàng loạt: các tiêu chí được chọn, hoặc mọi tiêu chí chưa thẩm định."""
    node_ids = body.node_ids if body else None
    appraisal.accept_many(ctx.session, ctx.principal, sheet=sheet, node_ids=node_ids, today=ctx.today)
    return ctx.sheet(sheet)


@sheets_router.post(
    "/{sheet_id}/return",
    response_model=SheetDetail,
    operation_id="assessment_sheets-return",
    dependencies=[require(P.assessments_appraise)],
)
def return_sheet(sheet: AppraisableSheet, ctx: CtxDep, body: ReturnSheet | None = None) -> SheetDetail:
    """Trả lại phiếu cho đơn vị chấm lại (cần lý do, hoặc tiêu chí đã được trả lại)."""
    reason = body.reason if body else None
    appraisal.return_sheet(ctx.session, ctx.principal, sheet=sheet, reason=reason, today=ctx.today)
    return ctx.sheet(sheet)


@sheets_router.post(
    "/{sheet_id}/appraise",
    response_model=SheetDetail,
    operation_id="assessment_sheets-finish_appraisal",
    dependencies=[require(P.assessments_appraise)],
)
def finish_appraisal(sheet: AppraisableSheet, ctx: CtxDep) -> SheetDetail:
    """Kết thúc thẩm định: mọi tiêu chí đã được công nhận hoặc điều chỉnh."""
    appraisal.finish(ctx.session, ctx.principal, sheet=sheet, today=ctx.today)
    return ctx.sheet(sheet)


@sheets_router.post(
    "/{sheet_id}/approve",
    response_model=SheetDetail,
    operation_id="assessment_sheets-approve",
    dependencies=[require(P.assessments_approve)],
)
def approve_sheet(sheet: ApprovableSheet, ctx: CtxDep) -> SheetDetail:
    """Phê duyệt kết quả thẩm định (lãnh đạo cấp trên); phiếu bị khóa."""
    workflow.approve(ctx.session, ctx.principal, sheet=sheet)
    return ctx.sheet(sheet)


@sheets_router.post(
    "/{sheet_id}/reopen",
    response_model=SheetDetail,
    operation_id="assessment_sheets-reopen",
    dependencies=[require(P.assessments_read)],
)
def reopen_sheet(sheet: ReopenableSheet, body: ReopenSheet, ctx: CtxDep) -> SheetDetail:
    """Mở lại phiếu đã thẩm định/phê duyệt (tổ thẩm định hoặc đơn vị tổ chức), kèm lý do; không được sau công bố."""
    workflow.reopen(ctx.session, ctx.principal, sheet=sheet, reason=body.reason, to=body.to)
    return ctx.sheet(sheet)


router = sheets_router  # api.main reads ``routers`` (``router`` is its fallback)
routers = [rounds_router, sheets_router]
