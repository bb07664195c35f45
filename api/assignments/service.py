"""Nhiệm vụ được giao: the unit's share of a task, its workflow (edit → submit → approve / return → reopen),
comments, and the scoped queries every screen uses (with the bucket columns of ``buckets.py``)."""

from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from api import search
from api.assignments import buckets
from api.assignments.schemas import (
    AssignmentRead,
    AssignmentUpdate,
    BulkItemResult,
    CommentCreate,
    CommentRead,
    SubmitRequest,
)
from api.audit.service import diff, record, snapshot
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import Conflict, FieldError, NotFound, Unprocessable
from api.models import (
    Assignment,
    AssignmentComment,
    AssignmentStatus,
    FrameworkNode,
    NotificationKind,
    OrgUnit,
    Plan,
    PlanStatus,
    Task,
    TaskNode,
    TaskUnitRole,
)
from api.models.base import utcnow

P = Permission
S = AssignmentStatus
EDIT_FIELDS = ["status", "progress", "result", "completed_date", "explanation", "return_reason"]
ROW_COLUMNS = (
    "task_label",
    "task_title",
    "product",
    "deadline_text",
    "unit_code",
    "unit_name",
    "bucket",
    "days_overdue",
    "due_soon",
)


# --- queries ------------------------------------------------------------------------------------------------


def row_select(
    principal: Principal, *, today: date, soon_days: int, permission: Permission = P.assignments_read
) -> Any:
    """Scoped assignments joined to task and unit, with the bucket columns: one statement for any page.

    The unit is joined by the scope (``visible_assignments``): with that join both databases read
    ``ix_assignment_due`` in order for the default ``ORDER BY due_date, id LIMIT n`` and stop after n rows (an
    ``IN (units in reach)`` filter makes SQLite sort every row in reach instead). The task is an outer join on a
    NOT NULL foreign key (same rows as an inner join) only for its labels, so PostgreSQL drops it from the
    pagination count.
    """
    return (
        scope.visible_assignments(principal, permission)
        .outerjoin(Task, col(Task.id) == col(Assignment.task_id))
        .add_columns(
            col(Task.label),
            col(Task.title),
            col(Task.product),
            col(Task.deadline_text),
            col(OrgUnit.code),
            col(OrgUnit.name),
            buckets.bucket_expr(today).label("bucket"),
            buckets.days_overdue_expr(today).label("days_overdue"),
            buckets.due_soon_expr(today, soon_days).label("due_soon"),
        )
    )


_ASSIGNMENT_FIELDS = tuple(f for f in AssignmentRead.model_fields if f not in (*ROW_COLUMNS, "days_waiting"))


_TABLE_COLUMNS = tuple(c.key for c in Assignment.__table__.columns)  # type: ignore[attr-defined]
_FLAT_FIELDS = tuple((i, name) for i, name in enumerate(_TABLE_COLUMNS) if name in _ASSIGNMENT_FIELDS)


def to_reads(
    rows: list[Any],
    model: type[AssignmentRead] = AssignmentRead,
    columns: tuple[str, ...] = ROW_COLUMNS,
    *,
    flat: bool = False,
) -> list[Any]:
    """Rows of :func:`row_select` (the assignment, then ``columns``) as ``model``: one validation per row.

    ``flat``: the rows came from the Core connection (the hot lists: no ORM instance per row, ~25 % of a page's
    Python), so the assignment is its table's columns, in order, before ``columns``."""
    from zoneinfo import ZoneInfo

    from api.config import get_settings

    settings = get_settings()
    today, tz = settings.today(), ZoneInfo(settings.timezone)
    width = len(_TABLE_COLUMNS)
    out = []
    for row in rows:
        if flat:
            data = {name: row[i] for i, name in _FLAT_FIELDS}
            extra = row[width:]
        else:
            a, *extra = row
            data = {name: getattr(a, name) for name in _ASSIGNMENT_FIELDS}
        data.update(zip(columns, extra, strict=True))
        data["due_soon"] = bool(data["due_soon"])
        if "ready" in data:
            data["ready"] = bool(data["ready"])
        submitted_at = data["submitted_at"]
        if data["status"] == S.submitted and submitted_at is not None:
            data["days_waiting"] = max((today - submitted_at.astimezone(tz).date()).days, 0)
        out.append(model.model_validate(data))
    return out


# Filters that read the database to build their condition (a criterion's subtree, a report period's window).
LOOKUP_FILTERS = ("node_id", "period_id")


def filtered_select(
    session: Session, principal: Principal, *, today: date, soon_days: int, **filters: Any
) -> tuple[Any, tuple[Any, ...] | None]:
    """:func:`row_select` with the list's filters, and the key under which a caller may keep statements built on
    it (``None`` when a filter read the database: such statements are built for the request alone).

    A statement is a pure function of the caller's principal (its grants), the date and the filters: it holds
    bound values, never rows. Building the scope's joins, the bucket CASEs and the filters, and then having
    SQLAlchemy walk the new tree for its cache key, was ~40 % of a 20-row list's Python time; kept statements
    (``functools.lru_cache``, a few hundred, per process) skip both: SQLAlchemy remembers a statement's key."""
    if any(filters.get(name) is not None for name in LOOKUP_FILTERS):
        stmt = row_select(principal, today=today, soon_days=soon_days)
        return apply_filters(session, principal, stmt, today=today, soon_days=soon_days, **filters), None
    key = (principal, today, soon_days, tuple(sorted(filters.items())))
    return kept_filtered_select(key), key


@lru_cache(maxsize=256)
def kept_filtered_select(key: tuple[Any, ...]) -> Any:
    """The statement of :func:`filtered_select` for its key (filters that need no lookup)."""
    principal, today, soon_days, filters = key
    stmt = row_select(principal, today=today, soon_days=soon_days)
    return apply_filters(None, principal, stmt, today=today, soon_days=soon_days, **dict(filters))  # type: ignore[arg-type]


def node_subtree_condition(session: Session, principal: Principal, node_id: int) -> Any:
    """Tasks linked to the node or any descendant (FrameworkNode.path holds the ancestors' ids)."""
    node = session.exec(scope.visible_nodes(principal).where(FrameworkNode.id == node_id)).first()
    if node is None:
        raise NotFound("Tiêu chí", "Framework node")
    linked = aliased(FrameworkNode)
    # An uncorrelated IN: the (few) task ids are computed once, not an EXISTS probe per assignment row.
    return col(Assignment.task_id).in_(
        select(TaskNode.task_id)
        .join(linked, col(linked.id) == col(TaskNode.node_id))
        .where(or_(col(linked.id) == node_id, col(linked.path).contains(f"/{node_id}/")))
    )


def period_condition(session: Session, principal: Principal, period_id: int) -> Any:
    """Kỳ báo cáo: assignments due from the start of its data window to the end of the quarter holding its
    cut-off (the recurring instances its report lists, e.g. Quý I/2024: 15/12/2023–31/03/2024)."""
    from api.reports.figures import horizon

    period = scope.get_period(session, principal, period_id, P.assignments_read)
    due = col(Assignment.due_date)
    return sa.and_(due >= period.data_from, due <= horizon(period))


def apply_filters(
    session: Session,
    principal: Principal,
    stmt: Any,
    *,
    today: date,
    unit_id: int | None = None,
    plan_id: int | None = None,
    status: S | None = None,
    bucket: buckets.Bucket | None = None,
    node_id: int | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    role: TaskUnitRole | None = None,
    mine: bool = False,
    q: str | None = None,
    due_soon: bool | None = None,
    soon_days: int = 7,
    submitted_since: date | None = None,
    period_id: int | None = None,
) -> Any:
    if unit_id is not None:
        stmt = stmt.where(col(Assignment.unit_id) == unit_id)
    if plan_id is not None:
        stmt = stmt.where(col(Assignment.plan_id) == plan_id)
    if status is not None:
        stmt = stmt.where(col(Assignment.status) == status)
    if bucket is not None:
        stmt = stmt.where(buckets.bucket_cond(bucket, today))
    if node_id is not None:
        stmt = stmt.where(node_subtree_condition(session, principal, node_id))
    if due_from is not None:
        stmt = stmt.where(col(Assignment.due_date) >= due_from)
    if due_to is not None:
        stmt = stmt.where(col(Assignment.due_date) <= due_to)
    if role is not None:
        stmt = stmt.where(col(Assignment.role) == role)
    if mine:
        stmt = stmt.where(col(Assignment.unit_id).in_({g.unit_id for g in principal.grants}))
    if due_soon:
        stmt = stmt.where(buckets.due_soon_expr(today, soon_days))
    if submitted_since is not None:
        from zoneinfo import ZoneInfo

        from api.config import get_settings

        start = datetime.combine(submitted_since, time.min, tzinfo=ZoneInfo(get_settings().timezone))
        stmt = stmt.where(col(Assignment.submitted_at) >= start)
    if period_id is not None:
        stmt = stmt.where(period_condition(session, principal, period_id))
    if q is None or not q.strip():
        return stmt
    task, unit = (
        aliased(Task),
        aliased(OrgUnit),
    )  # made only when searching: an alias costs its column collection
    if (task_hit := search.matches(q, task.label, task.title)) is not None:
        # The task's label and title or the unit's name: uncorrelated IN sub-selects (aliases, so they never
        # correlate with the list's own task and unit joins) over the small tables: the folding runs once per task
        # and unit, not per assignment row.
        unit_hit = search.matches(q, unit.name, unit.short_name, unit.code)
        stmt = stmt.where(
            or_(
                col(Assignment.task_id).in_(select(task.id).where(task_hit)),
                col(Assignment.unit_id).in_(select(unit.id).where(unit_hit)),
            )
        )
    return stmt


def read_one(
    session: Session, principal: Principal, assignment_id: int, *, today: date, soon_days: int
) -> AssignmentRead:
    rows = session.execute(
        row_select(principal, today=today, soon_days=soon_days).where(col(Assignment.id) == assignment_id)
    ).all()
    if not rows:
        raise NotFound("Nhiệm vụ được giao", "Assignment")
    return to_reads(list(rows))[0]


# --- workflow -----------------------------------------------------------------------------------------------


def _now() -> datetime:
    return utcnow()  # the app's clock: the demo date in demo mode, like every other timestamp


def _ensure_open(session: Session, a: Assignment) -> None:
    plan = session.get(Plan, a.plan_id)
    if plan is not None and plan.status == PlanStatus.closed:
        raise Conflict("Kế hoạch đã kết thúc.", "The plan is closed.", code="plan_closed")


def _refuse(a: Assignment, action_vi: str, action_en: str) -> Conflict:
    from api.reports.figures import STATUS_LABELS

    return Conflict(
        f"Không thể {action_vi} khi nhiệm vụ đang ở trạng thái “{STATUS_LABELS.get(a.status, a.status)}”.",
        f"Cannot {action_en} an assignment in status {a.status}.",
        code="invalid_transition",
    )


def _audit(
    session: Session,
    principal: Principal,
    action: str,
    a: Assignment,
    before: dict[str, Any],
    note: str | None = None,
) -> None:
    record(
        session,
        principal,
        action,
        "assignment",
        a.id,
        a.unit_id,
        diff(before, snapshot(a, EDIT_FIELDS)),
        note,
    )


def _notify(
    session: Session, principal: Principal, a: Assignment, kind: NotificationKind, **details: Any
) -> None:
    """Đôn đốc: the inbox entry (and e-mail/webhook rows) commit with the workflow step itself."""
    from api.notifications.events import on_assignment_event

    on_assignment_event(session, assignment=a, kind=kind, actor_user_id=principal.user_id, **details)


def update(
    session: Session,
    principal: Principal,
    *,
    assignment: Assignment,
    data: AssignmentUpdate,
    today: date | None = None,
) -> Assignment:
    """Cán bộ cập nhật tiến độ: not started / returned move to in progress; submitted and approved are locked.

    An edit that changes nothing writes nothing (no history, no status move, same ETag). The completion date is
    the unit's: when progress reaches 100 % without one, it is the day of that edit (``today``).
    """
    a = assignment
    if a.status in (S.approved, S.submitted):
        raise _refuse(a, "sửa", "edit")
    _ensure_open(session, a)
    values = data.model_dump(exclude_unset=True)
    if not {k: v for k, v in values.items() if getattr(a, k) != v}:
        return a
    before = snapshot(a, EDIT_FIELDS)
    for k, v in values.items():
        setattr(a, k, v)
    if a.progress == 100 and a.completed_date is None and before["progress"] != 100:
        from api.config import get_settings

        a.completed_date = today or get_settings().today()
    if a.status in (S.not_started, S.returned):
        a.status = S.in_progress
    session.add(a)
    session.flush()
    _audit(session, principal, "update", a, before)
    return a


def _explanation_needed(a: Assignment, evidence: int) -> tuple[str, str] | None:
    """Why a submission needs a giải trình (Vietnamese, English), or None."""
    if a.progress < 100:
        return (
            f"Tiến độ mới đạt {a.progress} %: cần giải trình lý do gửi khi chưa hoàn thành.",
            f"Progress is {a.progress} %: an explanation is required to submit before completion.",
        )
    if not (a.result or "").strip():
        return (
            "Chưa nhập kết quả thực hiện: cần giải trình trước khi gửi.",
            "No result entered: an explanation is required.",
        )
    if evidence == 0:
        return (
            "Chưa có tài liệu kiểm chứng: cần nhập giải trình trước khi gửi.",
            "An explanation is required when no evidence is attached.",
        )
    return None


def submit(
    session: Session, principal: Principal, *, assignment: Assignment, data: SubmitRequest, today: date
) -> Assignment:
    """Thủ trưởng gửi kết quả. Below 100 %, without a result or without evidence a written explanation (giải
    trình) is required (422 naming ``explanation``). A returned item must have changed since it was returned.

    ``completed_date`` is the unit's: the one given, else the day progress reached 100 % (kept by :func:`update`);
    only a 100 % item that never recorded one falls back to the submission day. Below 100 % it stays empty.
    """
    a = assignment
    if a.status not in (S.not_started, S.in_progress, S.returned):
        raise _refuse(a, "gửi duyệt", "submit")
    _ensure_open(session, a)
    explanation = data.explanation if data.explanation is not None else a.explanation
    if (
        a.status == S.returned
        and (explanation or "") == (a.explanation or "")
        and data.completed_date
        in (
            None,
            a.completed_date,
        )
    ):
        newer = session.exec(scope.assignment_evidence_since(a.id or 0, a.reviewed_at)).first()
        if newer is None:
            raise Conflict(
                "Nhiệm vụ đã bị trả lại và chưa có gì thay đổi: hãy cập nhật tiến độ, kết quả, giải trình hoặc tài "
                "liệu kiểm chứng theo ý kiến trả lại trước khi gửi lại.",
                "The returned assignment has not changed since it was returned.",
                code="unchanged_resubmission",
            )
    evidence = dict(session.exec(scope.assignment_evidence_counts([a.id])).all()).get(a.id, 0)
    if (why := _explanation_needed(a, evidence)) and not (explanation or "").strip():
        raise Unprocessable(
            why[0],
            why[1],
            code="explanation_required",
            errors=[FieldError(field="explanation", code="required", message=why[0])],
        )
    before = snapshot(a, EDIT_FIELDS)
    a.explanation = explanation
    if data.completed_date is not None:
        a.completed_date = data.completed_date
    elif a.progress == 100 and a.completed_date is None:
        a.completed_date = today
    a.status = S.submitted
    a.submitted_at, a.submitted_by_id = _now(), principal.user_id
    session.add(a)
    session.flush()
    _audit(session, principal, "submit", a, before)
    return a


def _submission_day(a: Assignment) -> date:
    """The local day the unit submitted (never after the configured today: the demo runs on a fixed date)."""
    from zoneinfo import ZoneInfo

    from api.config import get_settings

    settings = get_settings()
    today = settings.today()
    if a.submitted_at is None:
        return today
    return min(a.submitted_at.astimezone(ZoneInfo(settings.timezone)).date(), today)


def approve(
    session: Session, principal: Principal, *, assignment: Assignment, confirm_complete: bool = False
) -> Assignment:
    """Phòng Nội vụ chấp nhận kết quả: the unit's progress and dates stay as the unit entered them.

    Approving an item below 100 % counts it as completed at 100 %: the reviewer must say so
    (``confirm_complete``), else 409 with the reason; the completion date then defaults to the submission day.
    """
    a = assignment
    if a.status != S.submitted:
        raise _refuse(a, "duyệt", "approve")
    if a.progress < 100 and not confirm_complete:
        raise Conflict(
            f"Đơn vị báo cáo tiến độ {a.progress} %: duyệt sẽ ghi nhận hoàn thành 100 %. Hãy xác nhận "
            "(confirm_complete) hoặc trả lại để đơn vị cập nhật.",
            f"Progress is {a.progress} %: approving records it as 100 %; confirm with confirm_complete.",
            code="confirm_complete_required",
        )
    before = snapshot(a, EDIT_FIELDS)
    if a.progress < 100:
        a.progress = 100
        if a.completed_date is None:
            a.completed_date = _submission_day(a)
    a.status, a.return_reason = S.approved, None
    a.reviewed_at, a.reviewed_by_id = _now(), principal.user_id
    session.add(a)
    session.flush()
    _audit(session, principal, "approve", a, before)
    _notify(session, principal, a, NotificationKind.approved)
    return a


def return_(session: Session, principal: Principal, *, assignment: Assignment, reason: str) -> Assignment:
    """Trả lại with a reason; the next edit moves it back to in progress."""
    a = assignment
    if a.status != S.submitted:
        raise _refuse(a, "trả lại", "return")
    before = snapshot(a, EDIT_FIELDS)
    a.status, a.return_reason = S.returned, reason
    a.reviewed_at, a.reviewed_by_id = _now(), principal.user_id
    session.add(a)
    session.flush()
    _audit(session, principal, "return", a, before, note=reason)
    _notify(session, principal, a, NotificationKind.returned, reason=reason)
    return a


def reopen(session: Session, principal: Principal, *, assignment: Assignment, reason: str) -> Assignment:
    """Mở lại an approved assignment (district admin, with a reason): back to in progress."""
    a = assignment
    if a.status != S.approved:
        raise _refuse(a, "mở lại", "reopen")
    _ensure_open(session, a)
    before = snapshot(a, EDIT_FIELDS)
    a.status, a.return_reason = S.in_progress, reason
    a.reviewed_at, a.reviewed_by_id = _now(), principal.user_id
    session.add(a)
    session.flush()
    _audit(session, principal, "reopen", a, before, note=reason)
    return a


def bulk_review(
    session: Session,
    principal: Principal,
    *,
    ids: list[int],
    action: str,
    reason: str | None,
    confirm_complete: bool = False,
    atomic: bool = False,
) -> list[BulkItemResult]:
    """Approve or return many submitted assignments with one reason; one result per id, in the given order.

    An id out of reach answers 404 for the whole request (the queue only offers ids it listed). A business
    refusal (not submitted, below 100 % without ``confirm_complete``, plan closed) is reported for that id and
    the others proceed; with ``atomic`` the first refusal answers 409 and nothing changes. Refusals happen
    before anything is written, so a refused item is left exactly as it was.
    """
    if action == "return" and not (reason or "").strip():
        msg = "Cần nêu lý do trả lại."
        raise Unprocessable(
            msg,
            "A reason is required to return.",
            errors=[FieldError(field="reason", code="required", message=msg)],
        )
    ids = list(dict.fromkeys(ids))
    found = {
        a.id: a
        for a in session.exec(
            scope.visible_assignments(principal, P.assignments_review).where(col(Assignment.id).in_(ids))
        ).all()
    }
    if missing := [i for i in ids if i not in found]:
        raise NotFound(f"Nhiệm vụ được giao {missing}", f"Assignments {missing}")
    results = []
    for i in ids:
        try:
            if action == "approve":
                approve(session, principal, assignment=found[i], confirm_complete=confirm_complete)
            else:
                return_(session, principal, assignment=found[i], reason=(reason or "").strip())
        except Conflict as refused:
            if atomic:
                raise
            results.append(
                BulkItemResult(
                    id=i, ok=False, code=refused.code, detail=refused.detail, detail_en=refused.detail_en
                )
            )
        else:
            results.append(BulkItemResult(id=i, ok=True))
    return results


# --- comments -----------------------------------------------------------------------------------------------


def comments(session: Session, assignment: Assignment) -> list[CommentRead]:
    rows = session.execute(scope.assignment_comment_rows(assignment.id or 0)).all()
    out = []
    for c, name in rows:
        r = CommentRead.model_validate(c)
        r.author_name = name
        out.append(r)
    return out


def add_comment(
    session: Session, principal: Principal, *, assignment: Assignment, data: CommentCreate
) -> CommentRead:
    """Mentions name users with a membership in a unit involved: the assignment's, the lead's, the issuer's."""
    a = assignment
    mentions = list(dict.fromkeys(m.strip().lstrip("@") for m in data.mentions if m.strip()))
    mentioned: list[int] = []
    if mentions:
        task = session.get(Task, a.task_id)
        plan = session.get(Plan, a.plan_id)
        units = {
            a.unit_id,
            task.lead_unit_id if task else a.unit_id,
            plan.issuing_unit_id if plan else a.unit_id,
        }
        known = {u: uid for uid, u in session.execute(scope.mentionable_users(units)).all()}
        if unknown := [m for m in mentions if m not in known]:
            msg = f"Không thể nhắc tên người dùng ngoài các đơn vị liên quan: {', '.join(unknown)}"
            raise Unprocessable(
                msg,
                f"Unknown mentions: {unknown}",
                code="unknown_mention",
                errors=[FieldError(field="mentions", code="unknown_mention", message=msg)],
            )
        mentioned = [known[m] for m in mentions]
    c = AssignmentComment(
        assignment_id=a.id or 0, author_id=principal.user_id, body=data.body, mentions=mentions
    )
    session.add(c)
    session.flush()
    record(
        session,
        principal,
        "comment",
        "assignment",
        a.id,
        a.unit_id,
        {"comment_id": {"to": c.id}, "mentions": {"to": mentions}},
    )
    notify = {"comment_id": c.id, "excerpt": data.body}
    _notify(session, principal, a, NotificationKind.commented, exclude=mentioned, **notify)
    if mentioned:
        _notify(session, principal, a, NotificationKind.mentioned, mentions=mentioned, **notify)
    r = CommentRead.model_validate(c)
    r.author_name = principal.name
    return r
