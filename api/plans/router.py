from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import col

from api import search
from api.assignments.schemas import HistoryEvent
from api.auth.deps import CurrentPrincipal, require
from api.authz import scope
from api.authz.permissions import Permission
from api.config import get_settings
from api.db import SessionDep, snapshot
from api.etag import make_etag, require_if_match, set_etag
from api.idempotency import IdempotencyDep
from api.models import Assignment, AssignmentStatus, AuditEvent, OrgUnit, Plan, PlanStatus, Task, TaskUnitRole
from api.pagination import Page, PageDep, page_response, paginate
from api.plans import appendix, export_docx, sections, service, tasks
from api.plans.schemas import (
    APPENDIX_UNITS_DEFAULT,
    APPENDIX_UNITS_MAX,
    Appendix,
    PlanAmend,
    PlanClone,
    PlanCreate,
    PlanIssue,
    PlanRead,
    PlanUpdate,
    SectionCreate,
    SectionRead,
    SectionUpdate,
    TaskCreate,
    TaskRead,
    TaskUnitStatus,
    TaskUpdate,
)
from api.reports.templates_router import content_disposition

router = APIRouter(prefix="/plans", tags=["plans"])
tasks_router = APIRouter(prefix="/tasks", tags=["tasks"])
routers = [router, tasks_router]
P = Permission
SORT = {"year": Plan.year, "number": Plan.number, "issue_date": Plan.issue_date, "id": Plan.id}


def _etag(plan: Plan) -> str:
    return make_etag("plan", plan.id, plan.version)


def _task_etag(task: Task) -> str:
    return make_etag("task", task.id, task.version)


def _one(session: SessionDep, plan: Plan) -> PlanRead:
    return service.plan_reads(session, [plan])[0]


@router.get(
    "", response_model=Page[PlanRead], operation_id="plans-list", dependencies=[require(P.plans_read)]
)
def list_plans(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    year: int | None = None,
    status: PlanStatus | None = None,
    issuing_unit_id: int | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, object]:
    stmt = scope.visible_plans(principal)
    if year is not None:
        stmt = stmt.where(Plan.year == year)
    if status is not None:
        stmt = stmt.where(Plan.status == status)
    if issuing_unit_id is not None:
        stmt = stmt.where(Plan.issuing_unit_id == issuing_unit_id)
    if (hit := search.matches(q, col(Plan.title), col(Plan.number))) is not None:
        stmt = stmt.where(hit)
    return paginate(
        session,
        stmt,
        page,
        sort_fields=SORT,
        default_order=[col(Plan.year).desc(), col(Plan.id)],
        transform=lambda rows: service.plan_reads(session, rows),
    )


@router.post(
    "",
    status_code=201,
    response_model=PlanRead,
    operation_id="plans-create",
    dependencies=[require(P.plans_manage)],
)
def create_plan(
    body: PlanCreate, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    plan = service.create_plan(session, principal, data=body)
    return idem.respond(session, principal.key, _one(session, plan), 201, {"ETag": _etag(plan)})


@router.get(
    "/{plan_id}", response_model=PlanRead, operation_id="plans-get", dependencies=[require(P.plans_read)]
)
def get_plan(plan_id: int, session: SessionDep, principal: CurrentPrincipal, response: Response) -> PlanRead:
    plan = scope.get_plan(session, principal, plan_id)
    set_etag(response, _etag(plan))
    return _one(session, plan)


@router.patch(
    "/{plan_id}", response_model=PlanRead, operation_id="plans-update", dependencies=[require(P.plans_manage)]
)
def update_plan(
    plan_id: int,
    body: PlanUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> PlanRead:
    """Sửa dự thảo. An issued plan answers 409 ``plan_issued``: POST /plans/{id}/amend with the reason."""
    plan = scope.get_plan(session, principal, plan_id, P.plans_manage)
    require_if_match(request, _etag(plan))
    tasks.ensure_draft(plan)
    plan = service.update_plan(session, principal, plan=plan, data=body)
    set_etag(response, _etag(plan))
    return _one(session, plan)


def _transition(
    action: str,
    plan_id: int,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> PlanRead:
    plan = scope.get_plan(session, principal, plan_id, P.plans_manage)
    require_if_match(request, _etag(plan))
    plan = service.transition(session, principal, plan=plan, action=action)
    set_etag(response, _etag(plan))
    return _one(session, plan)


@router.post(
    "/{plan_id}/issue",
    response_model=PlanRead,
    operation_id="plans-issue",
    dependencies=[require(P.plans_manage)],
)
def issue_plan(
    plan_id: int,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    body: PlanIssue | None = None,
) -> PlanRead:
    """Ban hành: draft → issued, with the plan's number, issue date and signed document; only then do its tasks
    reach the units."""
    plan = scope.get_plan(session, principal, plan_id, P.plans_manage)
    require_if_match(request, _etag(plan))
    plan = service.issue(session, principal, plan=plan, data=body, today=get_settings().today())
    set_etag(response, _etag(plan))
    return _one(session, plan)


@router.post(
    "/{plan_id}/amend",
    response_model=PlanRead,
    operation_id="plans-amend",
    dependencies=[require(P.plans_manage)],
)
def amend_plan(
    plan_id: int,
    body: PlanAmend,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> PlanRead:
    """Sửa đổi, bổ sung an issued plan with a recorded reason (audited)."""
    plan = scope.get_plan(session, principal, plan_id, P.plans_manage)
    require_if_match(request, _etag(plan))
    plan = service.amend(session, principal, plan=plan, data=body)
    set_etag(response, _etag(plan))
    return _one(session, plan)


@router.post(
    "/{plan_id}/close",
    response_model=PlanRead,
    operation_id="plans-close",
    dependencies=[require(P.plans_manage)],
)
def close_plan(
    plan_id: int, request: Request, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> PlanRead:
    """Kết thúc: issued → closed (the appendix becomes read-only)."""
    return _transition("close", plan_id, request, response, session, principal)


@router.post(
    "/{plan_id}/clone",
    status_code=201,
    response_model=PlanRead,
    operation_id="plans-clone",
    dependencies=[require(P.plans_manage)],
)
def clone_plan(
    plan_id: int, body: PlanClone, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    """Next year's plan from this one: deadlines shifted, statuses reset, criteria links kept or mapped."""
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    plan = scope.get_plan(session, principal, plan_id, P.plans_manage)
    new = service.clone_plan(session, principal, plan=plan, data=body)
    return idem.respond(session, principal.key, _one(session, new), 201, {"ETag": _etag(new)})


@router.get(
    "/{plan_id}/history",
    response_model=list[HistoryEvent],
    operation_id="plans-history",
    dependencies=[require(P.plans_read)],
)
def plan_history(plan_id: int, session: SessionDep, principal: CurrentPrincipal) -> list[AuditEvent]:
    """Lịch sử: creation, edits, ban hành, each sửa đổi, bổ sung (of the header or of a task, with its reason) and
    kết thúc, oldest first. For the issuing side; units read what changed for them in their assignments."""
    stmt = scope.plan_history(session, principal, plan_id)
    return list(session.exec(stmt.order_by(col(AuditEvent.at), col(AuditEvent.id))).all())


@router.get(
    "/{plan_id}/tasks",
    response_model=Appendix,
    operation_id="plans-appendix",
    dependencies=[require(P.plans_read)],
)
def plan_appendix(
    plan_id: int,
    session: SessionDep,
    principal: CurrentPrincipal,
    units_limit: Annotated[
        int,
        Query(
            ge=1,
            le=APPENDIX_UNITS_MAX,
            description="Số đơn vị liệt kê tối đa cho mỗi nhiệm vụ (trạng thái và đơn vị phối hợp); phần còn lại: "
            "GET /tasks/{task_id}/units / units listed per task",
        ),
    ] = APPENDIX_UNITS_DEFAULT,
) -> Response:
    """Phụ lục: sections and tasks with lead, criteria, and for each task the number of its assignments by status
    and of its units (all), its first ``units_limit`` coordinators and units with their statuses (unit-code order;
    ``units_truncated`` / ``coordinating_truncated`` when there are more: ``GET /tasks/{task_id}/units``). A
    constant number of statements whatever the number of units; a content ETag answers ``If-None-Match`` with 304.
    """
    # the counts, the cut and the whole lists come from several statements: one snapshot, so they agree
    snapshot(session)
    plan = scope.get_plan(session, principal, plan_id)
    # The document (``Appendix``, as the OpenAPI says) serialised in one pass: no model per unit status and no
    # second validation of the whole here (api/plans/appendix.py).
    content = service.appendix_json(
        session, principal, plan=plan, today=get_settings().today(), limit=units_limit
    )
    return Response(content, media_type="application/json")


@router.get(
    "/{plan_id}/appendix.docx",
    response_class=Response,
    operation_id="plans-appendix-docx",
    dependencies=[require(P.plans_read)],
    responses={200: {"content": {export_docx.DOCX: {}}, "description": "Phụ lục (DOCX) / Appendix (DOCX)"}},
)
def plan_appendix_docx(plan_id: int, session: SessionDep, principal: CurrentPrincipal) -> Response:
    """Phụ lục dạng DOCX như ban hành kèm kế hoạch (khổ ngang, lề theo Nghị định 30): STT, nhiệm vụ, sản phẩm,
    thời gian hoàn thành, đơn vị chủ trì, đơn vị phối hợp; chỉ các nhiệm vụ người dùng được xem."""
    plan = scope.get_plan(session, principal, plan_id)
    content, name = export_docx.plan_appendix(session, principal, plan=plan, today=get_settings().today())
    return Response(
        content,
        media_type=export_docx.DOCX,
        headers={
            "Content-Disposition": content_disposition(name),
            "Cache-Control": "private, no-cache",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post(
    "/{plan_id}/sections",
    status_code=201,
    response_model=SectionRead,
    operation_id="plans-add_section",
    dependencies=[require(P.plans_manage)],
)
def add_section(
    plan_id: int, body: SectionCreate, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    """Thêm mục: a heading of the appendix; on an issued plan an amendment with its reason."""
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    plan = scope.get_plan(session, principal, plan_id, P.plans_manage)
    sec = sections.create_section(session, principal, plan=plan, data=body)
    return idem.respond(session, principal.key, SectionRead.model_validate(sec), 201)


@router.patch(
    "/{plan_id}/sections/{section_id}",
    response_model=SectionRead,
    operation_id="plans-update_section",
    dependencies=[require(P.plans_manage)],
)
def update_section(
    plan_id: int,
    section_id: int,
    body: SectionUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> SectionRead:
    """Sửa mục (If-Match: the plan's ETag; the answer carries the plan's new one)."""
    plan = scope.get_plan(session, principal, plan_id, P.plans_manage)
    require_if_match(request, _etag(plan))
    sec = sections.get_section(session, plan, section_id)
    plan = sections.update_section(session, principal, plan=plan, sec=sec, data=body)
    set_etag(response, _etag(plan))
    return SectionRead.model_validate(sec)


@router.post(
    "/{plan_id}/tasks",
    status_code=201,
    response_model=TaskRead,
    operation_id="tasks-create",
    dependencies=[require(P.plans_manage)],
)
def create_task(
    plan_id: int, body: TaskCreate, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    plan = scope.get_plan(session, principal, plan_id, P.plans_manage)
    task = tasks.create_task(session, principal, plan=plan, data=body)
    read = service.task_reads(session, principal, [task], today=get_settings().today(), with_units=True)[0]
    return idem.respond(session, principal.key, read, 201, {"ETag": _task_etag(task)})


@tasks_router.get(
    "/{task_id}", response_model=TaskRead, operation_id="tasks-get", dependencies=[require(P.plans_read)]
)
def get_task(task_id: int, session: SessionDep, principal: CurrentPrincipal) -> Response:
    task = scope.get_task(session, principal, task_id)
    # ``TaskRead`` (as the OpenAPI says) serialised in one pass: every unit status of a national task is 3,300
    # rows, no model per row and no second validation of the whole here (service.task_json)
    content = service.task_json(session, principal, task, today=get_settings().today())
    return Response(content, media_type="application/json", headers={"ETag": _task_etag(task)})


@tasks_router.get(
    "/{task_id}/units",
    response_model=Page[TaskUnitStatus],
    operation_id="tasks-units",
    dependencies=[require(P.plans_read)],
)
def task_units(
    task_id: int,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    status: AssignmentStatus | None = None,
    role: TaskUnitRole | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Tìm theo tên hoặc mã đơn vị")] = None,
) -> Response:
    """Đơn vị của một nhiệm vụ: each unit's status (every due instance), the units the caller sees, in unit-code
    order (``sort``: unit_code, instance_key, due_date, status, progress). The appendix lists only the first
    ``units_limit`` units of a task; this pages all of them. A task out of reach: 404."""
    snapshot(session)  # the total and the page agree
    task = scope.get_task(session, principal, task_id)
    stmt = appendix.task_units_stmt(
        principal,
        task,
        get_settings().today(),
        status=status,
        role=role,
        q=search.matches(q, col(OrgUnit.name), col(OrgUnit.code)),
    )
    result = paginate(
        session,
        stmt,
        page,
        sort_fields=appendix.UNIT_SORT,
        default_order=[col(OrgUnit.code), col(Assignment.instance_key), col(Assignment.id)],
        transform=appendix.unit_status_rows,
        scalars=False,
    )
    return page_response(TaskUnitStatus, result)


@tasks_router.patch(
    "/{task_id}", response_model=TaskRead, operation_id="tasks-update", dependencies=[require(P.plans_manage)]
)
def update_task(
    task_id: int,
    body: TaskUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> TaskRead:
    """Edit a row; lead/coordinating units and the deadline update the assignments (409 if work would be lost)."""
    task = scope.get_task(session, principal, task_id, P.plans_manage)
    require_if_match(request, _task_etag(task))
    plan = scope.get_plan(session, principal, task.plan_id, P.plans_manage)
    task = tasks.update_task(session, principal, task=task, plan=plan, data=body)
    set_etag(response, _task_etag(task))
    return service.task_reads(session, principal, [task], today=get_settings().today(), with_units=True)[0]


@tasks_router.delete(
    "/{task_id}",
    status_code=204,
    response_model=None,
    operation_id="tasks-delete",
    dependencies=[require(P.plans_manage)],
)
def delete_task(
    task_id: int,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    reason: Annotated[str | None, Query(max_length=5000)] = None,
) -> Response:
    """Remove a row nobody has worked on; once the plan is issued, ``reason`` (lý do sửa đổi) is required."""
    task = scope.get_task(session, principal, task_id, P.plans_manage)
    require_if_match(request, _task_etag(task))
    plan = scope.get_plan(session, principal, task.plan_id, P.plans_manage)
    tasks.delete_task(session, principal, task=task, plan=plan, reason=reason)
    return Response(status_code=204)
