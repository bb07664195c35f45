"""Demo: the Bình Gia 2024 plan (Kế hoạch 85/KH-UBND) with its appendix, assignments and a realistic mix of
progress so every status and every bucket shows on the dashboards (relative to ``settings.today()``)."""

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from api.authz import scope
from api.demo.seed import load_yaml
from api.models import (
    AssignmentStatus,
    Framework,
    FrameworkNode,
    OrgUnit,
    Plan,
    PlanFramework,
    PlanSection,
    PlanStatus,
    Task,
    UnitKind,
    UnitLevel,
)
from api.plans.deadlines import period_end
from api.plans.tasks import sync_task

S = AssignmentStatus
FILE = "plan_binh_gia_2024.yaml"


def _expand(codes: list[str], units: dict[str, OrgUnit], issuer: OrgUnit, year: int) -> list[int]:
    """Aliases relative to the issuing unit, at any level: ALL_DEPARTMENTS = its children that are not people's
    committees (phòng, sở, a commune's offices), ALL_COMMUNES = the communes directly under it, active that year."""
    start = date(year, 1, 1)
    children = [
        u
        for u in units.values()
        if u.parent_id == issuer.id
        and (u.valid_to is None or u.valid_to >= start)
        and (u.valid_from is None or u.valid_from <= date(year, 12, 31))
    ]
    out: list[int] = []
    for code in codes:
        if code == "ALL_DEPARTMENTS":
            out += [u.id or 0 for u in children if u.kind != UnitKind.people_committee]
        elif code == "ALL_COMMUNES":
            out += [
                u.id or 0
                for u in children
                if u.level == UnitLevel.commune and u.kind == UnitKind.people_committee
            ]
        elif code in units:
            out.append(units[code].id or 0)
    return list(dict.fromkeys(out))


def _fill(text: str | None) -> str | None:
    """``{han_bao_cao_don_vi}`` → the units' due-day rule of the reporting periods (one constant for both)."""
    from api.reports.periods import PLAN_TEXT_PLACEHOLDERS

    for key, value in PLAN_TEXT_PLACEHOLDERS.items():
        if text and "{" + key + "}" in text:
            text = text.replace("{" + key + "}", value())
    return text


def _deadline(d: dict[str, Any], year: int) -> dict[str, Any]:
    kind = d["kind"]
    out: dict[str, Any] = {"deadline_kind": kind, "deadline_text": d.get("text")}
    if kind == "date":
        out["due_date"] = d["date"]
    elif kind == "period":
        out["period_code"], out["period_year"] = d["period"], d.get("year", year)
        out["due_date"] = period_end(d["period"], d.get("year", year))
    else:
        out["recurrence"], out["report_rhythm"] = d.get("rhythm"), d.get("report_rhythm")
    return out


def seed_plan(
    session: Session,
    *,
    units: dict[str, OrgUnit],
    settings: Any,
    file: str = FILE,
    today: date | None = None,
) -> Plan | None:
    """Create a demo plan once (idempotent; the 2024 plan by default); node links are skipped when their
    framework is not loaded. ``today`` (default ``settings.today()``) is the day the progress mix is drawn at."""
    data = load_yaml(file)
    p = data["plan"]
    issuer = units.get(p["issuing_unit"])
    if issuer is None:
        return None
    existing = session.exec(
        select(Plan).where(
            Plan.issuing_unit_id == issuer.id, Plan.year == p["year"], Plan.number == str(p["number"])
        )
    ).first()
    if existing is not None:
        return existing
    plan = Plan(
        number=str(p["number"]),
        symbol=p.get("symbol", "KH-UBND"),
        title=p["title"],
        issuing_unit_id=issuer.id or 0,
        issue_date=p.get("issue_date"),
        signer=p.get("signer"),
        signer_title=p.get("signer_title"),
        year=p["year"],
        status=PlanStatus.issued,
        parent_plan_text=p.get("parent_plan_text"),
        note=p.get("note"),
    )
    session.add(plan)
    session.flush()
    fws = {
        f.code: f
        for f in session.exec(select(Framework).where(col(Framework.code).in_(p.get("frameworks", [])))).all()
    }
    for f in fws.values():
        session.add(PlanFramework(plan_id=plan.id or 0, framework_id=f.id or 0))
    nodes = {
        (fw_code, n.code): n.id
        for n, fw_code in session.execute(
            select(FrameworkNode, col(Framework.code))
            .join(Framework, col(Framework.id) == col(FrameworkNode.framework_id))
            .where(col(Framework.code).in_(list(fws)))
        ).all()
    }
    sections: dict[str, PlanSection] = {}
    for i, s in enumerate(data.get("sections", [])):
        parent = sections.get(s.get("parent") or "")
        sec = PlanSection(
            plan_id=plan.id or 0,
            parent_id=parent.id if parent else None,
            label=s["label"],
            title=s["title"],
            order=i,
        )
        session.add(sec)
        session.flush()
        sections[s["label"]] = sec
    for t in data["tasks"]:
        lead = units.get(t["lead"])
        if lead is None:
            continue
        task = Task(
            plan_id=plan.id or 0,
            section_id=sections[t["section"]].id if t.get("section") in sections else None,
            label=t["label"],
            order=t.get("order", 0),
            title=t["title"],
            description=_fill(t.get("description")),
            product=t.get("product"),
            lead_unit_id=lead.id or 0,
            priority=t.get("priority", "normal"),
            target=t.get("target"),
            **_deadline(t["deadline"], plan.year),
        )
        session.add(task)
        session.flush()
        coords = [u for u in _expand(t.get("coordinating", []), units, issuer, plan.year) if u != lead.id]
        links = [
            nodes[(c["framework"], str(c["node"]))]
            for c in t.get("criteria", [])
            if (c["framework"], str(c["node"])) in nodes
        ]
        sync_task(session, None, task=task, plan=plan, coordinating_unit_ids=coords, node_ids=links)
    _progress_mix(session, plan, units, today or settings.today())
    session.flush()
    return plan


def _pick(*parts: str) -> int:
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:8], 16) % 10


def _at(d: date) -> datetime:
    return datetime.combine(d, time(9, 0), tzinfo=UTC)


def _progress_mix(session: Session, plan: Plan, units: dict[str, OrgUnit], today: date) -> None:
    """Deterministic, realistic statuses: past deadlines mostly done (some late, some overdue), future ones
    in progress, a few submitted or returned awaiting action."""
    reviewer = None  # seeded data has no reviewer account id to rely on
    tasks = {t.id: t for t in session.exec(select(Task).where(Task.plan_id == plan.id)).all()}
    code_of = {u.id: u.code for u in units.values()}
    for a in session.exec(scope.task_assignments(list(tasks))).all():
        t = tasks[a.task_id]
        k = _pick(t.label, code_of.get(a.unit_id, ""), a.instance_key)
        due = a.due_date
        done_result = "Đã hoàn thành; kết quả thể hiện trong báo cáo CCHC của đơn vị (dữ liệu mẫu)."
        if due is None:
            a.status, a.progress = S.in_progress, 40
        elif due < today:
            if k <= 3:  # approved on time
                a.status, a.progress, a.completed_date = S.approved, 100, due - timedelta(days=k + 1)
            elif k <= 5:  # approved late
                a.status, a.progress = S.approved, 100
                a.completed_date = min(due + timedelta(days=3 + 7 * (k - 4)), today - timedelta(days=1))
            elif k == 6:  # submitted, awaiting review: done before the deadline → chờ duyệt; done after → quá hạn
                on_time = _pick(t.label, code_of.get(a.unit_id, ""), a.instance_key, "review") % 2 == 0
                a.status, a.progress = S.submitted, 100
                a.completed_date = due - timedelta(days=1) if on_time else due + timedelta(days=2)
            elif k == 7:
                a.status, a.progress = S.in_progress, 60
            elif k == 8:
                a.status, a.progress, a.return_reason = (
                    S.returned,
                    80,
                    "Chưa đủ tài liệu kiểm chứng, đề nghị bổ sung.",
                )
            else:
                a.status = S.not_started
        else:
            if k <= 1:
                a.status = S.not_started
            elif k <= 5 or k == 9:
                a.status, a.progress = S.in_progress, min(15 * k, 90)
            elif k == 6:
                a.status, a.progress, a.completed_date = S.submitted, 100, min(today, due) - timedelta(days=3)
            elif k == 7:
                a.status, a.progress, a.completed_date = S.approved, 100, min(today, due) - timedelta(days=5)
            else:
                a.status, a.progress, a.return_reason = (
                    S.returned,
                    70,
                    "Kết quả chưa rõ sản phẩm, đề nghị bổ sung số liệu.",
                )
        if a.status in (S.submitted, S.approved, S.returned):
            a.result = done_result
            a.explanation = "Tài liệu kiểm chứng lưu tại đơn vị (dữ liệu mẫu)."
            a.submitted_at = _at(a.completed_date or today - timedelta(days=2))
        if a.status in (S.approved, S.returned):
            a.reviewed_at, a.reviewed_by_id = (
                _at(min(today, (a.completed_date or today) + timedelta(days=2))),
                reviewer,
            )
        if a.status == S.in_progress:
            a.result = "Đang triển khai (dữ liệu mẫu)."
        session.add(a)
