"""Báo cáo tổng hợp của huyện: district-wide figures, the accepted unit reports, the units that have not reported,
and a per-task appendix (one row per task of the plan, with the lead unit's result)."""

from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from api.assignments import buckets
from api.authz import scope
from api.models import Assignment, OrgUnit, ReportingPeriod, ReportStatus, TaskUnitRole
from api.reports import figures as F

MAX_NAMED_COORDINATORS = 6


def _unit_rows(
    session: Session, base: Any, district: OrgUnit, period: ReportingPeriod, cutoff: date
) -> dict[str, Any]:
    """Per unit: live counts, its unit report (status, lateness, frozen figures when accepted)."""
    b = F.bucket_at(cutoff).label("bucket")
    live: dict[int, dict[str, int]] = defaultdict(F.empty_counts)
    stmt = base.with_only_columns(col(Assignment.unit_id), b, sa.func.count(col(Assignment.id))).group_by(
        col(Assignment.unit_id), b
    )
    for unit_id, bucket, n in session.execute(stmt).all():
        live[unit_id][bucket] += int(n)
    reports = {r.unit_id: r for r in session.exec(scope.period_unit_reports(period.id or 0, district)).all()}
    ids = (set(live) | set(reports)) - {district.id}
    units = {u.id: u for u in session.exec(scope.units_by_ids(list(ids))).all()} if ids else {}
    rows, not_reported = [], []
    totals: dict[str, Any] = {
        "total": 0,
        "buckets": F.empty_counts(),
        "completed_in_window": 0,
        "evidence_in_window": 0,
    }
    for uid in sorted(ids, key=lambda i: (units[i].path if i in units else "", i)):
        u, r = units.get(uid), reports.get(uid)
        accepted = r is not None and r.status == ReportStatus.accepted
        frozen = (r.figures or {}) if accepted and r is not None else None
        row = {
            "unit_id": uid,
            "code": u.code if u else None,
            "name": u.name if u else None,
            "report_id": r.id if r else None,
            "report_status": r.status if r else None,
            "is_late": bool(r.is_late) if r else None,
            "submitted_at": r.submitted_at.isoformat() if r and r.submitted_at else None,
            "accepted": accepted,
            "live": {"total": sum(live[uid].values()), "buckets": dict(live[uid])},
            "reported": None,
        }
        if frozen is not None:
            reported: dict[str, Any] = {
                k: frozen.get(k, 0) for k in ("total", "completed_in_window", "evidence_in_window")
            }
            reported["buckets"] = {k: int(frozen.get("buckets", {}).get(k, 0)) for k in F.BUCKETS}
            row["reported"] = reported
            for k in ("total", "completed_in_window", "evidence_in_window"):
                totals[k] += int(reported[k] or 0)
            for k in F.BUCKETS:
                totals["buckets"][k] += reported["buckets"][k]
        else:
            not_reported.append(
                {
                    "unit_id": uid,
                    "code": row["code"],
                    "name": row["name"],
                    "report_status": row["report_status"],
                }
            )
        rows.append(row)
    return {
        "units": rows,
        "units_expected": len(rows),
        "accepted_reports": len(rows) - len(not_reported),
        "not_reported": not_reported,
        "reported_totals": totals,
    }


def _task_table(
    session: Session, base: Any, cutoff: date, evidence: dict[int, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """One row per task: counts per bucket over every unit, lead/coordinating units, the lead's result."""
    b = F.bucket_at(cutoff).label("bucket")
    counts: dict[int, dict[str, int]] = defaultdict(F.empty_counts)
    stmt = base.with_only_columns(col(Assignment.task_id), b, sa.func.count(col(Assignment.id))).group_by(
        col(Assignment.task_id), b
    )
    for task_id, bucket, n in session.execute(stmt).all():
        counts[task_id][bucket] += int(n)
    if not counts:
        return []
    task_ids = base.with_only_columns(col(Assignment.task_id)).distinct()
    tasks = session.execute(scope.report_tasks(task_ids)).all()
    names: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"lead": [], "coordinating": []})
    for task_id, role, name in session.execute(scope.report_task_units(task_ids)).all():
        names[task_id][str(role)].append(name)
    # The lead's latest covered instance carries the task's result and evidence.
    lead_rows = session.execute(
        base.where(col(Assignment.role) == TaskUnitRole.lead)
        .add_columns(F.bucket_at(cutoff).label("bucket"), F.status_at(cutoff).label("status_then"))
        .order_by(col(Assignment.task_id), col(Assignment.due_date), col(Assignment.id))
    ).all()
    lead = {a.task_id: (a, bucket, status) for a, bucket, status in lead_rows}
    out = []
    for task, pnum, psym in tasks:
        c = counts.get(task.id or 0)
        if c is None:
            continue
        total = sum(c.values())
        done = c["done_on_time"] + c["done_late"]
        a, bucket, status = lead.get(task.id or 0, (None, None, None))
        coord = names[task.id or 0]["coordinating"]
        coord_text = (
            ", ".join(coord) if len(coord) <= MAX_NAMED_COORDINATORS else f"{len(coord)} cơ quan, đơn vị"
        )
        out.append(
            {
                "task_id": task.id,
                "plan": f"{pnum}/{psym}",
                "label": task.label,
                "task": task.title,
                "product": task.product,
                "deadline_text": task.deadline_text,
                "due_date": task.due_date.isoformat() if task.due_date else None,
                "unit": ", ".join(names[task.id or 0]["lead"]) or None,
                "lead_unit": ", ".join(names[task.id or 0]["lead"]) or None,
                "coordinating_units": coord_text or None,
                "total": total,
                "done": done,
                "counts": dict(c),
                "status": status,
                "status_label": (F.STATUS_LABELS.get(status, status) if status else None),
                "bucket": bucket,
                "bucket_label": buckets.BUCKET_LABELS_VI[buckets.Bucket(bucket)] if bucket else None,
                "summary": f"{done}/{total} lượt hoàn thành",
                "progress": a.progress if a else None,
                "result": a.result if a else None,
                "completed_date": a.completed_date.isoformat() if a and a.completed_date else None,
                "evidence": evidence.get(a.id or 0, []) if a else [],
            }
        )
    return out


def district_figures(
    session: Session, *, district: OrgUnit, period: ReportingPeriod, today: date
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(figures, task table) of the district report: district-wide (all units of the subtree) as of the cut-off,
    plus the accepted unit reports (their frozen figures) and the units that have not reported."""
    cutoff = F.as_of(period, today)
    base = F.covered(district, period, subtree=True)
    figures, evidence = F.common(session, base, period, cutoff)
    figures.update(_unit_rows(session, base, district, period, cutoff))
    return figures, _task_table(session, base, cutoff, evidence)
