"""Việc của tôi: what a unit should do next. One SQL definition of the work state (quá hạn, sắp đến hạn, đang
thực hiện, chưa bắt đầu, chờ duyệt, đã xong) and of "cần trình" (finished but not yet submitted), the work order,
the counts per state in one aggregate statement, and the head's bulk submission (trình nhiều mục) with a result
per item under the same rules as a single submission.

States, first match wins (deadline states only for work the unit still has to do):

- ``done`` (đã duyệt / kế hoạch đã kết thúc): approved, or its plan is closed;
- ``submitted`` (chờ duyệt): sent, waiting for the reviewer — nothing for the unit to do;
- ``overdue`` (quá hạn): ``due_date < today``;
- ``due_soon`` (sắp đến hạn): ``today <= due_date <= today + N`` days (``settings.due_soon_days``);
- ``not_started`` (chưa bắt đầu): status not started;
- ``in_progress`` (đang thực hiện): everything else (in progress, returned).

``ready`` (cần trình): 100 %, a result entered, not yet submitted, plan not closed — whatever its state.

The state, rank and ready expressions are made once per (day, N) and process (immutable SQL holding no rows; see
:mod:`api.assignments.buckets`).
"""

from datetime import date, timedelta
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlmodel import Session, col

from api.assignments import service
from api.assignments.schemas import AssignmentRead, SubmitRequest
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import AppError, NotFound
from api.models import Assignment, AssignmentStatus
from api.pagination import PageParams

S = AssignmentStatus
OPEN = (S.not_started.value, S.in_progress.value, S.returned.value)


class WorkState(StrEnum):
    overdue = "overdue"
    due_soon = "due_soon"
    in_progress = "in_progress"
    not_started = "not_started"
    submitted = "submitted"
    done = "done"


# The work order: what needs doing first (quá hạn → sắp đến hạn → đang thực hiện → chưa bắt đầu), then what waits.
ORDER = list(WorkState)


@cache
def _closed() -> Any:
    return col(Assignment.plan_id).in_(scope.closed_plan_ids())


@lru_cache(maxsize=32)
def _state_whens(today: date, soon_days: int) -> tuple[tuple[Any, WorkState], ...]:
    """The conditions of the work states, first match wins."""
    due, status = col(Assignment.due_date), col(Assignment.status)
    return (
        (sa.or_(status == S.approved.value, _closed()), WorkState.done),
        (status == S.submitted.value, WorkState.submitted),
        (due < sa.literal(today, sa.Date()), WorkState.overdue),
        (due <= sa.literal(today + timedelta(days=soon_days), sa.Date()), WorkState.due_soon),
        (status == S.not_started.value, WorkState.not_started),
    )


@lru_cache(maxsize=32)
def state_expr(today: date, soon_days: int) -> Any:
    """CASE giving the :class:`WorkState` of an ``Assignment`` row."""
    whens = [(cond, state.value) for cond, state in _state_whens(today, soon_days)]
    return sa.case(*whens, else_=WorkState.in_progress.value)


@lru_cache(maxsize=32)
def rank_expr(today: date, soon_days: int) -> Any:
    """The work order as a number (``sort=work``): the same conditions giving the state's place in
    :data:`ORDER` directly (comparing :func:`state_expr` with each state evaluated the whole CASE six times
    per row, most of the district list's CPU on PostgreSQL)."""
    whens = [(cond, ORDER.index(state)) for cond, state in _state_whens(today, soon_days)]
    return sa.case(*whens, else_=ORDER.index(WorkState.in_progress))


def work_order_statements(stmt: Any, limit: int, offset: int, rank: Any) -> tuple[Any, Any]:
    """The default page (``sort=work``, then due date, then id), like :func:`paginate` but found on narrow rows:
    a district's list has ~120,000 open rows on 3,300 communes, and sorting them whole with every column of the
    row (task texts, unit, buckets) spilled to disk on PostgreSQL (the LIMIT sat above the joins: no top-N sort).
    Here the candidates are only (id, rank, due date, the count of all of them), fenced by ``OFFSET 0`` so the
    scope's join stays inside and the LIMIT sits right on the sort (a top-N sort); the full rows are then read for
    those ids alone, with the same filters. The total comes with the page (one scan instead of two); a page past
    the end asks for it separately (the second statement). A pure function of its arguments."""
    cand = (
        stmt.with_only_columns(
            col(Assignment.id),
            rank.label("rank"),
            col(Assignment.due_date),
            sa.func.count().over().label("total"),
        )
        .order_by(None)
        .offset(0)
        .subquery("work_candidates")
    )
    ids = (
        sa.select(cand.c.id, cand.c.rank, cand.c.due_date, cand.c.total)
        .order_by(cand.c.rank, cand.c.due_date, cand.c.id)
        .limit(limit)
        .offset(offset)
        .subquery("work_page")
    )
    ordered = (
        stmt.add_columns(ids.c.total)
        .join(ids, ids.c.id == col(Assignment.id))
        .order_by(ids.c.rank, ids.c.due_date, ids.c.id)
    )
    count = sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    return ordered, count


def run_work_order(session: Session, statements: tuple[Any, Any], page: PageParams) -> dict[str, Any]:
    """Run :func:`work_order_statements`: one statement, two for a page past the end."""
    ordered, count = statements
    connection = session.connection()  # Core rows: no ORM instance per row (service.to_reads, flat)
    rows = list(connection.execute(ordered).all())
    total = int(rows[0][-1]) if rows else int(connection.execute(count).scalar_one())
    items = to_reads([row[:-1] for row in rows], flat=True)
    return {"items": items, "total": total, "limit": page.limit, "offset": page.offset}


@cache
def ready_cond() -> Any:
    """Cần trình: finished (100 % and a result) but not yet submitted, on a plan still open; a returned item only once
    something came after the return (new evidence), since submitting it unchanged is refused."""
    result = col(Assignment.result)
    status = col(Assignment.status)
    return sa.and_(
        # ORs of equalities rather than IN (…): an IN list is an "expanding" parameter, re-rendered into the SQL
        # text at every execution (SQLAlchemy's post-compile step), ~10 % of the work list's Python time.
        sa.or_(*(status == s for s in OPEN)),
        col(Assignment.progress) == 100,
        result.is_not(None),
        sa.func.trim(result) != "",
        ~_closed(),
        sa.or_(col(Assignment.status) != AssignmentStatus.returned, scope.assignment_evidence_after_review()),
    )


@cache
def ready_expr() -> Any:
    return sa.case((ready_cond(), True), else_=False)


def apply_filters(
    stmt: Any, *, today: date, soon_days: int, state: WorkState | None, ready: bool, hide_done: bool
) -> Any:
    if state is not None:
        stmt = stmt.where(state_expr(today, soon_days) == state.value)
    if ready:
        stmt = stmt.where(ready_cond())
    if hide_done:
        stmt = stmt.where(_not_done(today, soon_days))
    return stmt


@lru_cache(maxsize=32)
def _not_done(today: date, soon_days: int) -> Any:
    return state_expr(today, soon_days) != WorkState.done.value


class WorkItemRead(AssignmentRead):
    """A row of the work list: the assignment with its work state and whether it is ready to submit (cần trình)."""

    work_state: WorkState = WorkState.in_progress
    ready: bool = False


def to_reads(rows: list[Any], *, flat: bool = False) -> list[WorkItemRead]:
    """Rows of :func:`service.row_select` with the state and ready columns appended."""
    return service.to_reads(rows, WorkItemRead, (*service.ROW_COLUMNS, "work_state", "ready"), flat=flat)


class WorkCounts(BaseModel):
    """Số việc theo trạng thái (the filters of the list, without state, ready and hide_done)."""

    total: int = 0
    overdue: int = 0
    due_soon: int = 0
    in_progress: int = 0
    not_started: int = 0
    submitted: int = 0
    done: int = 0
    ready: int = 0


def counts(session: Session, stmt: Any, *, today: date, soon_days: int) -> WorkCounts:
    """Counts per state and the "cần trình" count of the filtered rows: one aggregate statement."""
    sub = (
        stmt.with_only_columns(state_expr(today, soon_days).label("state"), ready_expr().label("ready"))
        .order_by(None)
        .subquery()
    )
    one = sa.literal(1)
    row = session.execute(
        sa.select(
            sa.func.count(),
            *(sa.func.sum(sa.case((sub.c.state == s.value, one), else_=0)) for s in ORDER),
            sa.func.sum(sa.case((sub.c.ready == sa.true(), one), else_=0)),
        ).select_from(sub)
    ).one()
    total, *per_state, ready = (int(v or 0) for v in row)
    return WorkCounts(total=total, ready=ready, **{s.value: n for s, n in zip(ORDER, per_state, strict=True)})


# --- bulk submission (trình nhiều mục) --------------------------------------------------------------------------


class BulkSubmitItem(BaseModel):
    id: int
    explanation: str | None = Field(default=None, max_length=20000)
    version: int | None = Field(
        default=None, description="Phiên bản đã xem: khác phiên bản hiện tại thì từ chối"
    )


class BulkSubmit(BaseModel):
    items: list[BulkSubmitItem] = Field(min_length=1, max_length=200)


class BulkSubmitOutcome(BaseModel):
    id: int
    ok: bool
    code: str | None = None
    detail: str | None = None
    detail_en: str | None = None
    item: AssignmentRead | None = None


class BulkSubmitResult(BaseModel):
    submitted: int
    refused: int
    results: list[BulkSubmitOutcome]


def bulk_submit(
    session: Session, principal: Principal, *, body: BulkSubmit, today: date
) -> list[BulkSubmitOutcome]:
    """Submit each item under the single submission's rules (:func:`service.submit`), each in its own savepoint:
    a refusal (giải trình missing below 100 %, unchanged resubmission, wrong status, closed plan, stale version)
    is reported for that item and the others go on. Ids out of reach answer 404 for the whole request."""
    items = list({i.id: i for i in body.items}.values())
    ids = [i.id for i in items]
    found = {
        a.id: a
        for a in session.exec(
            scope.visible_assignments(principal, Permission.assignments_submit).where(
                col(Assignment.id).in_(ids)
            )
        ).all()
    }
    if missing := [i for i in ids if i not in found]:
        raise NotFound(f"Nhiệm vụ được giao {missing}", f"Assignments {missing}")
    out: list[BulkSubmitOutcome] = []
    for it in items:
        a = found[it.id]
        if it.version is not None and it.version != a.version:
            out.append(
                BulkSubmitOutcome(
                    id=it.id,
                    ok=False,
                    code="stale",
                    detail="Nhiệm vụ đã được người khác cập nhật: hãy tải lại danh sách trước khi trình.",
                    detail_en="The assignment changed since it was listed; reload.",
                )
            )
            continue
        savepoint = session.begin_nested()
        try:
            service.submit(
                session, principal, assignment=a, data=SubmitRequest(explanation=it.explanation), today=today
            )
            savepoint.commit()
            out.append(BulkSubmitOutcome(id=it.id, ok=True))
        except AppError as e:
            savepoint.rollback()
            session.refresh(a)
            detail = e.errors[0].message if e.errors else e.detail
            out.append(
                BulkSubmitOutcome(id=it.id, ok=False, code=e.code, detail=detail, detail_en=e.detail_en)
            )
    return out
