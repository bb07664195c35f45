"""Việc của tôi: the work list in the order of what to do next, its counts per state, and the head's bulk
submission of the items ready to submit (cần trình)."""

from datetime import date
from functools import lru_cache
from typing import Annotated, Any, NamedTuple

from fastapi import APIRouter, Depends, Query, Response
from sqlmodel import col

from api.assignments import service, work
from api.assignments.buckets import Bucket
from api.assignments.router import SORT
from api.auth.deps import CurrentPrincipal, require
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.config import get_settings
from api.db import SessionDep
from api.idempotency import IdempotencyDep
from api.models import Assignment, AssignmentStatus, TaskUnitRole
from api.one_hop import OneHopRoute, one_hop
from api.pagination import Page, PageDep, page_response, paginate

router = APIRouter(prefix="/assignments", tags=["assignments"], route_class=OneHopRoute)
P = Permission


def _filtered(
    session: SessionDep, principal: Principal, filters: "_Filters"
) -> tuple[Any, tuple[Any, ...] | None]:
    """The scoped rows of the list (:func:`service.row_select`) with the list's filters, and the key to keep
    statements built on them (:func:`service.filtered_select`)."""
    s = get_settings()
    return service.filtered_select(
        session, principal, today=s.today(), soon_days=s.due_soon_days, **filters.kw
    )


# The list's own filters, shared by the list and its counts.
class _Filters:
    def __init__(self, kw: dict[str, Any]) -> None:
        self.kw = kw


async def _filters(  # a function, not the class itself: no I/O, so on the event loop rather than a thread
    unit_id: int | None = None,
    plan_id: int | None = None,
    status: AssignmentStatus | None = None,
    bucket: Bucket | None = None,
    node_id: Annotated[int | None, Query(description="Tiêu chí (gồm tiêu chí con)")] = None,
    due_from: date | None = None,
    due_to: date | None = None,
    role: TaskUnitRole | None = None,
    mine: Annotated[bool, Query(description="Chỉ việc của các đơn vị của tôi")] = False,
    due_soon: Annotated[bool | None, Query(description="Sắp đến hạn")] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> _Filters:
    return _Filters(
        dict(
            unit_id=unit_id,
            plan_id=plan_id,
            status=status,
            bucket=bucket,
            node_id=node_id,
            due_from=due_from,
            due_to=due_to,
            role=role,
            mine=mine,
            due_soon=due_soon,
            q=q,
        )
    )


FiltersDep = Annotated[_Filters, Depends(_filters)]


@router.get(
    "/work",
    response_model=Page[work.WorkItemRead],
    operation_id="assignments-work_list",
    dependencies=[require(P.assignments_read)],
)
@one_hop
def work_list(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    filters: FiltersDep,
    state: Annotated[work.WorkState | None, Query(description="Trạng thái công việc")] = None,
    ready: Annotated[bool, Query(description="Cần trình: đã xong (100 %, có kết quả), chưa gửi")] = False,
    include_done: Annotated[bool, Query(description="Gồm cả việc đã duyệt / kế hoạch đã kết thúc")] = False,
) -> Response:
    """Việc của tôi: by default quá hạn → sắp đến hạn → đang thực hiện → chưa bắt đầu → chờ duyệt (``sort=work``,
    then due date), approved work and closed plans only with ``include_done``; two statements for any page size."""
    s = get_settings()
    today, soon = s.today(), s.due_soon_days
    base, key = _filtered(session, principal, filters)
    hide_done = not include_done and state != work.WorkState.done
    if page.sort in (None, "", "work"):
        # A district's or province's list (thousands of open rows) is read band by band (work.WorkOrder: two
        # statements, each stopping after the page); a unit's own list (a few dozen rows) in one statement.
        wide = any(g.subtree for g in principal.grants_for(P.assignments_read))
        shape = _Shape(state, ready, hide_done, page.limit, page.offset, wide)
        statements = _kept_work_page(key, shape) if key is not None else _work_page(base, today, soon, shape)
        return page_response(work.WorkItemRead, work.run_work_order(session, statements, page))
    stmt = _with_state(base, today, soon, state, ready, hide_done)
    rank = work.rank_expr(today, soon)
    found = paginate(
        session,
        stmt,
        page,
        sort_fields={**SORT, "work": rank},
        default_order=[rank, col(Assignment.due_date), col(Assignment.id)],
        transform=work.to_reads,
        scalars=False,
    )
    return page_response(work.WorkItemRead, found)


def _with_state(
    base: Any, today: date, soon: int, state: work.WorkState | None, ready: bool, hide_done: bool
) -> Any:
    return work.apply_filters(
        base.add_columns(work.state_expr(today, soon).label("work_state"), work.ready_expr().label("ready")),
        today=today,
        soon_days=soon,
        state=state,
        ready=ready,
        hide_done=hide_done,
    )


class _Shape(NamedTuple):
    """What the page's statements depend on besides the rows' filters and the day (hashable: a cache key)."""

    state: work.WorkState | None
    ready: bool
    hide_done: bool
    limit: int
    offset: int
    wide: bool


def _work_page(base: Any, today: date, soon: int, shape: _Shape) -> tuple[Any, Any]:
    stmt = _with_state(base, today, soon, shape.state, shape.ready, shape.hide_done)
    rank = work.rank_expr(today, soon)
    if shape.wide:
        return work.work_order_statements(stmt, shape.limit, shape.offset, rank)
    return work.full_order_statements(stmt, shape.limit, shape.offset, rank)


@lru_cache(maxsize=256)
def _kept_work_page(key: tuple[Any, ...], shape: _Shape) -> tuple[Any, Any]:
    """The page in work order, kept per :func:`service.filtered_select` key (it holds the date) and page."""
    _, today, soon, _ = key
    return _work_page(service.kept_filtered_select(key), today, soon, shape)


@router.get(
    "/work/counts",
    response_model=work.WorkCounts,
    operation_id="assignments-work_counts",
    dependencies=[require(P.assignments_read)],
)
def work_counts(session: SessionDep, principal: CurrentPrincipal, filters: FiltersDep) -> work.WorkCounts:
    """Số việc theo trạng thái và số việc cần trình, for the list's filters: one aggregate statement."""
    s = get_settings()
    stmt, _ = _filtered(session, principal, filters)
    return work.counts(session, stmt, today=s.today(), soon_days=s.due_soon_days)


@router.post(
    "/bulk-submit",
    response_model=work.BulkSubmitResult,
    operation_id="assignments-bulk_submit",
    dependencies=[require(P.assignments_submit)],
)
def bulk_submit(
    body: work.BulkSubmit, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    """Thủ trưởng trình nhiều mục: each item under the rules of a single submission (giải trình below 100 %,
    without a result or evidence; no unchanged resubmission), with a result per item; refusals do not stop the
    others. Ids out of reach: 404 for the whole request."""
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    s = get_settings()
    outcomes = work.bulk_submit(session, principal, body=body, today=s.today())
    done = [o.id for o in outcomes if o.ok]
    if done:
        rows = session.execute(
            service.row_select(principal, today=s.today(), soon_days=s.due_soon_days).where(
                col(Assignment.id).in_(done)
            )
        ).all()
        reads = {r.id: r for r in service.to_reads(list(rows))}
        for o in outcomes:
            if o.ok:
                o.item = reads.get(o.id)
    result = work.BulkSubmitResult(submitted=len(done), refused=len(outcomes) - len(done), results=outcomes)
    return idem.respond(session, principal.key, result, 200)
