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
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col

from api import hot_rows
from api.assignments import service
from api.assignments.buckets import const, day_literal
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
        (sa.or_(status == const(S.approved), _closed()), WorkState.done),
        (status == const(S.submitted), WorkState.submitted),
        (due < day_literal(today), WorkState.overdue),
        (due <= day_literal(today + timedelta(days=soon_days)), WorkState.due_soon),
        (status == const(S.not_started), WorkState.not_started),
    )


@lru_cache(maxsize=32)
def state_expr(today: date, soon_days: int) -> Any:
    """CASE giving the :class:`WorkState` of an ``Assignment`` row."""
    whens = [(cond, const(state.value)) for cond, state in _state_whens(today, soon_days)]
    return sa.case(*whens, else_=const(WorkState.in_progress.value))


@lru_cache(maxsize=32)
def rank_expr(today: date, soon_days: int) -> Any:
    """The work order as a number (``sort=work``): the same conditions giving the state's place in
    :data:`ORDER` directly (comparing :func:`state_expr` with each state evaluated the whole CASE six times
    per row, most of the district list's CPU on PostgreSQL)."""
    whens = [(cond, const(ORDER.index(state))) for cond, state in _state_whens(today, soon_days)]
    expr = sa.case(*whens, else_=const(ORDER.index(WorkState.in_progress)))
    # The day it was made for, read back by work_order_statements (whose callers pass the rank, not the day).
    expr._work_day = (today, soon_days)  # type: ignore[attr-defined]
    return expr


@lru_cache(maxsize=32)
def band_conds(today: date, soon_days: int) -> dict[WorkState, Any]:
    """Each work state as a WHERE condition: exactly the rows for which :func:`state_expr` gives it (the CASE's
    first-match order spelled out: a state's condition and none of those before it), but in terms the planner
    can use — ``status`` and ``due_date`` comparisons (e.g. overdue work is a ``due_date < today`` range of
    ``ix_assignment_due``, read in order), where the CASE is opaque to it. ``status`` and ``plan_id`` are NOT
    NULL; a NULL ``due_date`` matches no deadline state (as in the CASE). Together they partition the rows."""
    due, status = col(Assignment.due_date), col(Assignment.status)
    day, soon = day_literal(today), day_literal(today + timedelta(days=soon_days))
    open_plan = ~_closed()
    todo = (status != const(S.approved), status != const(S.submitted), open_plan)
    later = sa.or_(sa.and_(due >= day, due > soon), due.is_(None))  # neither overdue nor due soon
    return {
        WorkState.overdue: sa.and_(*todo, due < day),
        WorkState.due_soon: sa.and_(*todo, due >= day, due <= soon),
        WorkState.in_progress: sa.and_(*todo, status != const(S.not_started), later),
        WorkState.not_started: sa.and_(status == const(S.not_started), open_plan, later),
        WorkState.submitted: sa.and_(status == const(S.submitted), open_plan),
        WorkState.done: sa.or_(status == const(S.approved), _closed()),
    }


class in_ids(FunctionElement[bool]):
    """``column IN (ids)``, the ids a subquery's; on PostgreSQL ``column = ANY(ARRAY(ids))``. PostgreSQL planned
    ``IN (…)`` (and a join) on the page's ids as a hash semi-join over every row in reach — the seq scan of the
    whole district's rows to keep 20 of them, 0.4 ms on the demo — where the array is found first (an InitPlan)
    and its rows read by primary key."""

    type = sa.Boolean()
    inherit_cache = True
    name = "in_ids"


@compiles(in_ids)
def _in_ids_default(element: Any, compiler: Any, **kw: Any) -> str:
    column, ids = list(element.clauses)
    return f"{compiler.process(column, **kw)} IN {compiler.process(ids, **kw)}"


@compiles(in_ids, "postgresql")
def _in_ids_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    column, ids = list(element.clauses)
    return f"{compiler.process(column, **kw)} = ANY(ARRAY{compiler.process(ids, **kw)})"


def work_order_statements(stmt: Any, limit: int, offset: int, rank: Any) -> tuple[Any, Any]:
    """The default page (``sort=work``, then due date, then id): a :class:`WorkOrder` for ``stmt``, run by
    :func:`run_work_order`. ``rank`` is :func:`rank_expr` (which knows its day); for any other expression the
    whole list is ordered as before (:func:`full_order_statements`). A pure function of its arguments."""
    day = getattr(rank, "_work_day", None)
    if day is None or rank is not rank_expr(*day):
        return full_order_statements(stmt, limit, offset, rank)
    return WorkOrder(stmt, *day), None


class WorkOrder:
    """The work order of a filtered list as bands: each work state (in :data:`ORDER`), its dated rows and its
    undated ones (``due_date`` NULL: after them on PostgreSQL, before them on SQLite, as each sorts NULL) —
    ordering every row by (rank, due date, id) lists exactly the bands one after the other, each by (due date, id).

    A district's list has ~1,750 open rows (Bình Gia) to ~124,000 (3,300 communes); ordering them all by the rank
    CASE needed every one of them with their rank and a window count (a tuplestore of all of them, spilling to
    disk nationally), and the full rows were then read again. Here two statements: :attr:`counts`, the rows per
    band (one scan, a plain aggregate; their sum is the total), then :meth:`page`, for the bands the page falls in
    only (usually one), each the band's :func:`band_conds` ``ORDER BY due_date, id`` with the exact LIMIT/OFFSET
    the counts give — an ordered range of ``ix_assignment_due`` that stops after the page's rows (3,300 communes:
    ~0.3 ms) — found on the id alone, the full rows then read for those ids. A page past the end needs no second
    statement. Statements only (no rows), kept with the caller's page statements (the page statements of up to 64
    band runs and limits each)."""

    def __init__(self, stmt: Any, today: date, soon_days: int) -> None:
        self.stmt = stmt
        self.bands = band_conds(today, soon_days)
        self.rank = rank_expr(today, soon_days)
        rank = self.rank.label("rank")
        undated = col(Assignment.due_date).is_(None).label("undated")
        per_row = stmt.with_only_columns(rank, undated).order_by(None).subquery("work_rows")
        self.counts = (
            sa.select(per_row.c.rank, per_row.c.undated, sa.func.count())
            .group_by(per_row.c.rank, per_row.c.undated)
            .order_by(None)
        )
        self._pages: dict[tuple[tuple[WorkState, bool, int, int], ...], Any] = {}

    def sequence(self, nulls_first: bool) -> list[tuple[WorkState, bool]]:
        """The bands (state, undated) in the work order."""
        undated_order = (True, False) if nulls_first else (False, True)
        return [(state, undated) for state in ORDER for undated in undated_order]

    def page(self, bands: tuple[tuple[WorkState, bool, int, int], ...]) -> Any:
        """The rows of ``bands`` — (state, undated, limit, offset), consecutive in :meth:`sequence` — ordered by
        (rank, due date, id), which lists the bands one after the other. The bands' rows are found on narrow rows
        (the id alone: no task join, no bucket columns), then the full rows are read for those ids, under the same
        scope and filters. Limits and offsets are written into the SQL: with bound ones PostgreSQL's generic plan
        (psycopg prepares after five runs) took the ids for 10 % of the rows and scanned them all to join them."""
        if (found := self._pages.get(bands)) is not None:
            return found
        due, ident = col(Assignment.due_date), col(Assignment.id)
        ids = []
        for i, (state, undated, limit, offset) in enumerate(bands):
            narrow = (
                self.stmt.with_only_columns(ident)
                .where(self.bands[state], due.is_(None) if undated else due.is_not(None))
                .order_by(*((ident,) if undated else (due, ident)))
                .limit(sa.literal_column(str(int(limit)), sa.Integer()))
                .offset(sa.literal_column(str(int(offset)), sa.Integer()))
                .subquery(f"work_band_{i}")
            )
            ids.append(sa.select(narrow.c.id))
        chosen = (ids[0] if len(ids) == 1 else sa.union_all(*ids)).scalar_subquery()
        statement = self.stmt.where(in_ids(ident, chosen)).order_by(self.rank, due, ident)
        if len(self._pages) < 64:  # the first pages of each band; deeper ones are built for the request
            self._pages[bands] = statement
        return statement


def full_order_statements(stmt: Any, limit: int, offset: int, rank: Any) -> tuple[Any, Any]:
    """The default page found by ordering every row (the fourth round's statement, kept as the fallback and as
    the reference of the tests): narrow candidates (id, rank, due date, the count of all of them), fenced by
    ``OFFSET 0`` so the scope's join stays inside and the LIMIT sits right on the sort (a top-N sort); the full
    rows are then read for those ids alone, with the same filters."""
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
    """Run :func:`work_order_statements`: the counts per band, then the page's bands (none past the end)."""
    order, count = statements
    connection = session.connection()  # Core rows: no ORM instance per row (service.to_reads, flat)
    if not isinstance(order, WorkOrder):  # full_order_statements: one statement, two for a page past the end
        rows = hot_rows.rows(connection, order)
        total = int(rows[0][-1]) if rows else int(hot_rows.rows(connection, count)[0][0])
        items = to_reads([row[:-1] for row in rows], flat=True)
        return {"items": items, "total": total, "limit": page.limit, "offset": page.offset}
    sizes: dict[tuple[int, bool], int] = {}
    for place, undated, n in hot_rows.rows(connection, order.counts):
        sizes[(int(place), bool(undated))] = int(n)
    total = sum(sizes.values())
    bands: list[tuple[WorkState, bool, int, int]] = []
    start, first, stop = 0, page.offset, page.offset + page.limit
    for state, undated in order.sequence(nulls_first=connection.dialect.name == "sqlite"):
        size = sizes.get((ORDER.index(state), undated), 0)
        lo, hi = max(first, start), min(stop, start + size)
        if lo < hi:
            bands.append((state, undated, hi - lo, lo - start))
        start += size
    rows = hot_rows.rows(connection, order.page(tuple(bands))) if bands else []
    items = to_reads(rows, flat=True)
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
    """The work list's own filters, as conditions the planner can use (:func:`band_conds`: the same rows as
    comparing :func:`state_expr`)."""
    if state is not None:
        stmt = stmt.where(band_conds(today, soon_days)[state])
    if ready:
        stmt = stmt.where(ready_cond())
    if hide_done:
        stmt = stmt.where(_not_done())
    return stmt


@cache
def _not_done() -> Any:
    """Not done (:func:`state_expr` ≠ done): not approved and on a plan still open (both columns NOT NULL); the
    status written into the SQL (:func:`const`)."""
    return sa.and_(col(Assignment.status) != const(S.approved), ~_closed())


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
