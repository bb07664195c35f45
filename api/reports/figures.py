"""Số liệu báo cáo: the figures of a report, computed in SQL as of the period's cut-off.

What a report covers (``covered``): the assignments of the unit (or, for the district, of its subtree) in the
non-draft plans of the period's year, except those already completed before the window opened (so Quý III,
whose window starts on 15/6, is not cumulative) and the recurring instances due after the quarter of the
cut-off (a Quý I report does not list the Quý II–IV instances of a "hằng quý" task).

Buckets are the ones of ``api.assignments.buckets`` (defined once, reused here), evaluated with "today" = the
cut-off and with the status the assignment had then: an assignment approved but completed after the cut-off
was not done at the cut-off. Every figure here is a bounded number of statements, whatever the unit count.
"""

import calendar
from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql.visitors import replacement_traverse
from sqlmodel import Session, col

from api.assignments import buckets
from api.authz import scope
from api.models import (
    Assignment,
    AssignmentStatus,
    Evidence,
    Framework,
    FrameworkNode,
    OrgUnit,
    Plan,
    ReportingPeriod,
    Task,
    TaskNode,
)
from api.reports import vn

BUCKETS = [b.value for b in buckets.Bucket]
STATUS_LABELS = {
    "not_started": "Chưa thực hiện",
    "in_progress": "Đang thực hiện",
    "submitted": "Đã gửi, chờ duyệt",
    "approved": "Hoàn thành (đã duyệt)",
    "returned": "Bị trả lại",
}
ROLE_LABELS = {"lead": "Chủ trì", "coordinating": "Phối hợp"}
# A report's own status (ReportStatus), as the exports and the SPA name it.
REPORT_STATUS_LABELS = {
    "draft": "Dự thảo",
    "submitted": "Đã gửi, chờ tiếp nhận",
    "returned": "Bị trả lại",
    "accepted": "Đã tiếp nhận",
    "approved": "Đã phê duyệt",
}


def as_of(period: ReportingPeriod, today: date) -> date:
    """The date figures are computed at: the cut-off, or today while the window is still open."""
    return min(period.data_to, today)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def status_at(cutoff: date) -> Any:
    """The assignment's status at the cut-off: approved work completed after it was still in progress."""
    status = col(Assignment.status)
    late = sa.and_(status == AssignmentStatus.approved.value, col(Assignment.completed_date) > cutoff)
    return sa.case((late, sa.literal(AssignmentStatus.in_progress.value)), else_=status)


def bucket_at(cutoff: date) -> Any:
    """``buckets.bucket_expr(cutoff)`` with the status replaced by :func:`status_at` (same definition)."""
    table: Any = Assignment.__table__  # type: ignore[attr-defined]
    then = status_at(cutoff)

    def swap(el: Any) -> Any:
        return then if getattr(el, "table", None) is table and getattr(el, "key", None) == "status" else None

    expr: Any = buckets.bucket_expr(cutoff)
    return replacement_traverse(expr, {}, swap)  # type: ignore[call-overload]


def horizon(period: ReportingPeriod) -> date:
    """Last day of the quarter holding the cut-off: recurring instances due later are not yet reported."""
    end_month = ((period.data_to.month - 1) // 3 + 1) * 3
    return date(period.data_to.year, end_month, calendar.monthrange(period.data_to.year, end_month)[1])


def covered(unit: OrgUnit, period: ReportingPeriod, *, subtree: bool) -> Any:
    """Scoped select of the assignments a report covers (see the module docstring)."""
    done_before = sa.and_(
        col(Assignment.status) == AssignmentStatus.approved.value,
        col(Assignment.completed_date) < period.data_from,
    )
    instance_ok = sa.or_(
        col(Assignment.instance_key) == "",
        col(Assignment.due_date).is_(None),
        col(Assignment.due_date) <= horizon(period),
    )
    return scope.report_assignments(unit, period.year, subtree=subtree).where(~done_before, instance_ok)


def completed_in_window_cond(period: ReportingPeriod, cutoff: date) -> Any:
    d = col(Assignment.completed_date)
    return sa.and_(
        col(Assignment.status) == AssignmentStatus.approved.value, d >= period.data_from, d <= cutoff
    )


def evidence_in_window_cond(period: ReportingPeriod) -> Any:
    """Evidence proves the window when its effective dates overlap it, or it was issued inside it."""
    start = sa.func.coalesce(col(Evidence.effective_from), col(Evidence.effective_to))
    end = sa.func.coalesce(col(Evidence.effective_to), col(Evidence.effective_from))
    overlap = sa.and_(start.is_not(None), start <= period.data_to, end >= period.data_from)
    issued = sa.and_(col(Evidence.issue_date) >= period.data_from, col(Evidence.issue_date) <= period.data_to)
    return sa.or_(overlap, issued)


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(BUCKETS, 0)


def bucket_counts(session: Session, base: Any, cutoff: date) -> dict[str, int]:
    b = bucket_at(cutoff).label("bucket")
    out = empty_counts()
    for name, n in session.execute(
        base.with_only_columns(b, sa.func.count(col(Assignment.id))).group_by(b)
    ).all():
        out[name] = int(n)
    return out


def by_field(session: Session, base: Any, cutoff: date) -> list[dict[str, Any]]:
    """Per lĩnh vực: the top-level framework node above each criterion the unit's tasks are linked to."""
    node, top = aliased(FrameworkNode), aliased(FrameworkNode)
    b = bucket_at(cutoff).label("bucket")
    stmt = (
        base.join(TaskNode, col(TaskNode.task_id) == col(Assignment.task_id))
        .join(node, col(node.id) == col(TaskNode.node_id))
        .join(
            top,
            sa.and_(
                col(top.framework_id) == col(node.framework_id),
                col(top.depth) == 0,
                col(node.path).startswith(col(top.path)),
            ),
        )
        .join(Framework, col(Framework.id) == col(top.framework_id))
        .with_only_columns(
            col(Framework.code),
            col(top.code),
            col(top.title),
            col(top.order),
            col(top.id),
            b,
            sa.func.count(sa.distinct(col(Assignment.id))),
        )
        .group_by(col(Framework.code), col(top.code), col(top.title), col(top.order), col(top.id), b)
    )
    rows: dict[int, dict[str, Any]] = {}
    for fw, code, title, order, top_id, bucket, n in session.execute(stmt).all():
        row = rows.setdefault(
            top_id,
            {
                "framework": fw,
                "code": code,
                "name": title,
                "order": order,
                "total": 0,
                "buckets": empty_counts(),
            },
        )
        row["buckets"][bucket] += int(n)
        row["total"] += int(n)
    unlinked_stmt = base.where(
        ~sa.exists(sa.select(col(TaskNode.task_id)).where(col(TaskNode.task_id) == col(Assignment.task_id)))
    )
    unlinked = bucket_counts(session, unlinked_stmt, cutoff)
    out = sorted(rows.values(), key=lambda r: (r["framework"], r["order"], r["code"]))
    for r in out:
        r.pop("order")
    if sum(unlinked.values()):
        out.append(
            {
                "framework": None,
                "code": None,
                "name": "Chưa gắn lĩnh vực",
                "total": sum(unlinked.values()),
                "buckets": unlinked,
            }
        )
    return out


def count(session: Session, stmt: Any) -> int:
    return int(session.execute(stmt.with_only_columns(sa.func.count(col(Assignment.id)))).scalar_one())


def distinct_tasks(session: Session, base: Any) -> int:
    """How many distinct tasks the covered assignments belong to (a task counts once however many units)."""
    stmt = base.with_only_columns(sa.func.count(sa.distinct(col(Assignment.task_id))))
    return int(session.execute(stmt).scalar_one())


def completed_tasks(
    session: Session, base: Any, period: ReportingPeriod, cutoff: date
) -> list[dict[str, Any]]:
    stmt = (
        base.where(completed_in_window_cond(period, cutoff))
        .join(Task, col(Task.id) == col(Assignment.task_id))
        .with_only_columns(
            col(Assignment.id),
            col(Task.label),
            col(Task.title),
            col(OrgUnit.name),
            col(Assignment.completed_date),
            col(Assignment.instance_key),
        )
        .order_by(col(Assignment.completed_date), col(Task.label), col(Assignment.id))
    )
    return [
        {
            "assignment_id": aid,
            "label": label,
            "task": title,
            "unit": unit,
            "completed_date": _iso(done),
            "instance": inst or None,
        }
        for aid, label, title, unit, done, inst in session.execute(stmt).all()
    ]


def evidence_rows(
    session: Session, base: Any, period: ReportingPeriod
) -> tuple[dict[int, list[dict[str, Any]]], list[dict[str, Any]], int]:
    """(evidence per assignment, evidence in the window, how many series in the window)."""
    ids = base.with_only_columns(col(Assignment.id))
    in_window = evidence_in_window_cond(period)
    stmt = (
        scope.report_evidence(ids)
        .join(Assignment, col(Assignment.id) == col(Evidence.owner_id))
        .join(Task, col(Task.id) == col(Assignment.task_id))
        .join(OrgUnit, col(OrgUnit.id) == col(Assignment.unit_id))
        .add_columns(col(Task.label), col(OrgUnit.name), in_window.label("in_window"))
        .order_by(col(Evidence.issue_date), col(Evidence.id))
    )
    per: dict[int, list[dict[str, Any]]] = defaultdict(list)
    window: list[dict[str, Any]] = []
    for ev, label, unit_name, inside in session.execute(stmt).all():
        item = {
            "id": ev.id,
            "title": ev.title,
            "doc_number": ev.doc_number,
            "issue_date": _iso(ev.issue_date),
            "issuing_body": ev.issuing_body,
            "effective_from": _iso(ev.effective_from),
            "effective_to": _iso(ev.effective_to),
        }
        per[ev.owner_id].append(item)
        if inside:
            window.append({**item, "task_label": label, "unit": unit_name})
    n = session.execute(
        scope.report_evidence(ids)
        .where(in_window)
        .with_only_columns(sa.func.count(sa.distinct(col(Evidence.series_id))))
    ).scalar_one()
    return per, window, int(n)


def plans(session: Session, base: Any) -> list[dict[str, Any]]:
    """The plans the report covers, for the citation "Kế hoạch số 85/KH-UBND ngày 14/6/2024 của …"."""
    issuer = aliased(OrgUnit)
    stmt = (
        base.join(issuer, col(issuer.id) == col(Plan.issuing_unit_id))
        .with_only_columns(
            col(Plan.id),
            col(Plan.number),
            col(Plan.symbol),
            col(Plan.issue_date),
            col(Plan.title),
            col(issuer.name),
            col(issuer.short_name),
        )
        .distinct()
        .order_by(col(Plan.id))
    )
    return [
        {
            "id": pid,
            "number": num,
            "symbol": sym,
            "issue_date": _iso(issued),
            "title": title,
            "issuing_unit": short or name,
        }
        for pid, num, sym, issued, title, name, short in session.execute(stmt).all()
    ]


def common(
    session: Session, base: Any, period: ReportingPeriod, cutoff: date
) -> tuple[dict[str, Any], dict[int, list[dict[str, Any]]]]:
    """Figures shared by unit and district reports, plus the evidence per assignment for the task table."""
    counts = bucket_counts(session, base, cutoff)
    per_assignment, window_evidence, n_evidence = evidence_rows(session, base, period)
    figures = {
        "as_of": cutoff.isoformat(),
        "data_from": period.data_from.isoformat(),
        "data_to": period.data_to.isoformat(),
        "total": sum(counts.values()),  # assignments (lượt giao)
        "tasks": distinct_tasks(session, base),  # nhiệm vụ: distinct tasks behind those assignments
        "buckets": counts,
        "by_field": by_field(session, base, cutoff),
        "completed_in_window": count(session, base.where(completed_in_window_cond(period, cutoff))),
        "evidence_in_window": n_evidence,
        "completed_tasks": completed_tasks(session, base, period, cutoff),
        "evidence": window_evidence,
        "plans": plans(session, base),
    }
    return figures, per_assignment


def _status_label(a: Assignment, status_then: str) -> str:
    """The status at the cut-off; work approved but completed after it says so (its result is today's)."""
    if status_then != a.status and a.completed_date is not None:
        return f"Chưa hoàn thành tại ngày chốt số liệu (hoàn thành ngày {vn.date_text(a.completed_date)})"
    return STATUS_LABELS.get(status_then, status_then)


def unit_task_table(
    session: Session, base: Any, cutoff: date, evidence: dict[int, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Kết quả thực hiện từng nhiệm vụ: one row per assignment of the unit."""
    lead = aliased(OrgUnit)
    stmt = (
        base.join(Task, col(Task.id) == col(Assignment.task_id))
        .join(lead, col(lead.id) == col(Task.lead_unit_id))
        .add_columns(
            col(Task.label),
            col(Task.title),
            col(Task.product),
            col(Task.deadline_text),
            col(Plan.number),
            col(Plan.symbol),
            col(OrgUnit.name),
            col(lead.name),
            bucket_at(cutoff).label("bucket"),
            status_at(cutoff).label("status_then"),
        )
        .order_by(
            col(Plan.id), col(Task.order), col(Task.label), col(Assignment.instance_key), col(Assignment.id)
        )
    )
    rows = []
    for a, label, title, product, deadline, pnum, psym, unit, lead_name, bucket, status in session.execute(
        stmt
    ).all():
        rows.append(
            {
                "assignment_id": a.id,
                "plan": f"{pnum}/{psym}",
                "label": label,
                "task": title,
                "product": product,
                "deadline_text": deadline,
                "due_date": _iso(a.due_date),
                "instance": a.instance_key or None,
                "role": a.role,
                "role_label": ROLE_LABELS.get(a.role, a.role),
                "unit": unit,
                "lead_unit": lead_name,
                "status": status,
                "status_label": _status_label(a, status),
                "bucket": bucket,
                "bucket_label": buckets.BUCKET_LABELS_VI[buckets.Bucket(bucket)],
                "progress": a.progress,
                "result": a.result,
                "explanation": a.explanation,
                "completed_date": _iso(a.completed_date),
                "evidence": evidence.get(a.id or 0, []),
            }
        )
    return rows


def unit_figures(
    session: Session, *, unit: OrgUnit, period: ReportingPeriod, today: date
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(figures, task table) of a unit report, as of the cut-off."""
    cutoff = as_of(period, today)
    base = covered(unit, period, subtree=False)
    figures, evidence = common(session, base, period, cutoff)
    return figures, unit_task_table(session, base, cutoff, evidence)
