from datetime import date
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import col

from api.assignments import service
from api.assignments.buckets import Bucket
from api.assignments.schemas import (
    ApproveRequest,
    AssignmentRead,
    AssignmentUpdate,
    BulkResult,
    BulkReview,
    CommentCreate,
    CommentRead,
    HistoryEvent,
    ReasonRequest,
    SubmitRequest,
)
from api.auth.deps import CurrentPrincipal, require
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.config import get_settings
from api.db import SessionDep
from api.etag import make_etag, require_if_match, set_etag
from api.idempotency import IdempotencyDep
from api.models import Assignment, AssignmentStatus, AuditEvent, OrgUnit, Task, TaskUnitRole
from api.one_hop import OneHopRoute, one_hop
from api.pagination import Page, PageDep, PageParams, page_response, page_statements, run_page

router = APIRouter(prefix="/assignments", tags=["assignments"], route_class=OneHopRoute)
P = Permission
SORT = {
    "due_date": col(Assignment.due_date),
    "status": col(Assignment.status),
    "progress": col(Assignment.progress),
    "unit": col(OrgUnit.code),
    "label": col(Task.label),
    "updated_at": col(Assignment.updated_at),
    "submitted_at": col(Assignment.submitted_at),
    "id": col(Assignment.id),
}


def _etag(a: Assignment) -> str:
    return make_etag("assignment", a.id, a.version)


def _read(session: SessionDep, principal: Principal, a: Assignment, response: Response) -> AssignmentRead:
    s = get_settings()
    set_etag(response, _etag(a))
    return service.read_one(session, principal, a.id or 0, today=s.today(), soon_days=s.due_soon_days)


@router.get(
    "",
    response_model=Page[AssignmentRead],
    operation_id="assignments-list",
    dependencies=[require(P.assignments_read)],
)
@one_hop
def list_assignments(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    unit_id: int | None = None,
    plan_id: int | None = None,
    status: AssignmentStatus | None = None,
    bucket: Bucket | None = None,
    node_id: Annotated[int | None, Query(description="Tiêu chí (gồm tiêu chí con)")] = None,
    due_from: date | None = None,
    due_to: date | None = None,
    role: TaskUnitRole | None = None,
    mine: bool = False,
    due_soon: bool | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    submitted_since: Annotated[date | None, Query(description="Gửi duyệt từ ngày (giờ Việt Nam)")] = None,
    period_id: Annotated[
        int | None, Query(description="Kỳ báo cáo: hạn từ đầu kỳ đến hết quý chứa ngày chốt số liệu")
    ] = None,
) -> Response:
    """Work queue and review queue: scoped assignments with task, unit and bucket columns (two statements for any
    page size); ``q`` searches the task's label and title and the unit's name (accent-insensitive)."""
    s = get_settings()
    stmt, key = service.filtered_select(
        session,
        principal,
        today=s.today(),
        soon_days=s.due_soon_days,
        unit_id=unit_id,
        plan_id=plan_id,
        status=status,
        bucket=bucket,
        node_id=node_id,
        due_from=due_from,
        due_to=due_to,
        role=role,
        mine=mine,
        q=q,
        due_soon=due_soon,
        submitted_since=submitted_since,
        period_id=period_id,
    )
    statements = (
        _kept_page(key, page.sort, page.limit, page.offset)
        if key is not None
        else _page(stmt, page.sort, page.limit, page.offset)
    )
    found = run_page(session, statements, page, transform=_flat_reads, core=True)
    return page_response(AssignmentRead, found)


def _flat_reads(rows: list[Any]) -> list[AssignmentRead]:
    return service.to_reads(rows, flat=True)


def _page(stmt: Any, sort: str | None, limit: int, offset: int) -> tuple[Any, Any]:
    params = PageParams(limit=limit, offset=offset, sort=sort)
    default = [col(Assignment.due_date), col(Assignment.id)]
    return page_statements(stmt, params, sort_fields=SORT, default_order=default)


@lru_cache(maxsize=256)
def _kept_page(key: tuple[Any, ...], sort: str | None, limit: int, offset: int) -> tuple[Any, Any]:
    """The count and page statements, kept per :func:`service.filtered_select` key and page."""
    return _page(service.kept_filtered_select(key), sort, limit, offset)


@router.post(
    "/bulk-review",
    response_model=BulkResult,
    operation_id="assignments-bulk_review",
    dependencies=[require(P.assignments_review)],
)
def bulk_review(
    body: BulkReview, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    """Duyệt / trả lại nhiều kết quả cùng lúc với một lý do chung: one result per id (done or refused with the
    reason), ``items`` the assignments as they are now; ``atomic`` makes it all or nothing (409)."""
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    results = service.bulk_review(
        session,
        principal,
        ids=body.ids,
        action=body.action,
        reason=body.reason,
        confirm_complete=body.confirm_complete,
        atomic=body.atomic,
    )
    s = get_settings()
    rows = session.execute(
        service.row_select(principal, today=s.today(), soon_days=s.due_soon_days)
        .where(col(Assignment.id).in_([r.id for r in results]))
        .order_by(col(Assignment.id))
    ).all()
    done = sum(r.ok for r in results)
    out = BulkResult(
        items=service.to_reads(list(rows)), results=results, done=done, refused=len(results) - done
    )
    return idem.respond(session, principal.key, out, 200)


@router.get(
    "/{assignment_id}",
    response_model=AssignmentRead,
    operation_id="assignments-get",
    dependencies=[require(P.assignments_read)],
)
def get_assignment(
    assignment_id: int, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> AssignmentRead:
    a = scope.get_assignment(session, principal, assignment_id)
    return _read(session, principal, a, response)


@router.patch(
    "/{assignment_id}",
    response_model=AssignmentRead,
    operation_id="assignments-update",
    dependencies=[require(P.assignments_edit)],
)
def update_assignment(
    assignment_id: int,
    body: AssignmentUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> AssignmentRead:
    a = scope.get_assignment(session, principal, assignment_id, P.assignments_edit)
    require_if_match(request, _etag(a))
    a = service.update(session, principal, assignment=a, data=body, today=get_settings().today())
    return _read(session, principal, a, response)


@router.post(
    "/{assignment_id}/submit",
    response_model=AssignmentRead,
    operation_id="assignments-submit",
    dependencies=[require(P.assignments_submit)],
)
def submit_assignment(
    assignment_id: int,
    body: SubmitRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> AssignmentRead:
    """Thủ trưởng gửi kết quả (giải trình bắt buộc khi chưa có tài liệu kiểm chứng)."""
    a = scope.get_assignment(session, principal, assignment_id, P.assignments_submit)
    require_if_match(request, _etag(a))
    a = service.submit(session, principal, assignment=a, data=body, today=get_settings().today())
    return _read(session, principal, a, response)


@router.post(
    "/{assignment_id}/approve",
    response_model=AssignmentRead,
    operation_id="assignments-approve",
    dependencies=[require(P.assignments_review)],
)
def approve_assignment(
    assignment_id: int,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    body: ApproveRequest | None = None,
) -> AssignmentRead:
    """Duyệt: below 100 % only with ``confirm_complete`` (409 otherwise); the unit's dates are kept."""
    a = scope.get_assignment(session, principal, assignment_id, P.assignments_review)
    require_if_match(request, _etag(a))
    confirm = body.confirm_complete if body is not None else False
    a = service.approve(session, principal, assignment=a, confirm_complete=confirm)
    return _read(session, principal, a, response)


@router.post(
    "/{assignment_id}/return",
    response_model=AssignmentRead,
    operation_id="assignments-return",
    dependencies=[require(P.assignments_review)],
)
def return_assignment(
    assignment_id: int,
    body: ReasonRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> AssignmentRead:
    a = scope.get_assignment(session, principal, assignment_id, P.assignments_review)
    require_if_match(request, _etag(a))
    a = service.return_(session, principal, assignment=a, reason=body.reason)
    return _read(session, principal, a, response)


@router.post(
    "/{assignment_id}/reopen",
    response_model=AssignmentRead,
    operation_id="assignments-reopen",
    dependencies=[require(P.assignments_review)],
)
def reopen_assignment(
    assignment_id: int,
    body: ReasonRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> AssignmentRead:
    a = scope.get_assignment(session, principal, assignment_id, P.assignments_review)
    require_if_match(request, _etag(a))
    a = service.reopen(session, principal, assignment=a, reason=body.reason)
    return _read(session, principal, a, response)


@router.get(
    "/{assignment_id}/comments",
    response_model=list[CommentRead],
    operation_id="assignments-comments",
    dependencies=[require(P.assignments_read)],
)
def list_comments(assignment_id: int, session: SessionDep, principal: CurrentPrincipal) -> list[CommentRead]:
    a = scope.get_assignment(session, principal, assignment_id)
    return service.comments(session, a)


@router.post(
    "/{assignment_id}/comments",
    status_code=201,
    response_model=CommentRead,
    operation_id="assignments-comment",
    dependencies=[require(P.comments_write)],
)
def add_comment(
    assignment_id: int,
    body: CommentCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    idem: IdempotencyDep,
) -> Response:
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    a = scope.get_assignment(session, principal, assignment_id)
    c = service.add_comment(session, principal, assignment=a, data=body)
    return idem.respond(session, principal.key, c, 201)


@router.get(
    "/{assignment_id}/history",
    response_model=list[HistoryEvent],
    operation_id="assignments-history",
    dependencies=[require(P.assignments_read)],
)
def history(assignment_id: int, session: SessionDep, principal: CurrentPrincipal) -> list[AuditEvent]:
    """Every step of the workflow (audit events of the assignment), oldest first."""
    stmt = scope.assignment_history(session, principal, assignment_id)
    return list(session.exec(stmt.order_by(col(AuditEvent.at), col(AuditEvent.id))).all())
