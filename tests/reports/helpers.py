"""Factories for the reports tests: plans, tasks, assignments and evidence written straight to the database, and
small HTTP helpers for the report workflow."""

import uuid
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.models import (
    Assignment,
    AssignmentStatus,
    Evidence,
    EvidenceOwner,
    FrameworkNode,
    OrgUnit,
    Plan,
    PlanStatus,
    Task,
    TaskNode,
    TaskUnit,
    TaskUnitRole,
)

V1 = "/api/v1"
YEAR = 2023  # the demo plan is for 2024: tests with exact counts use their own year


def unit(session: Session, code: str) -> OrgUnit:
    return session.exec(select(OrgUnit).where(OrgUnit.code == code)).one()


def make_plan(session: Session, *, issuer: OrgUnit, year: int = YEAR, number: str = "7") -> Plan:
    plan = Plan(
        number=number,
        symbol="KH-UBND",
        title="Kế hoạch thử báo cáo",
        issuing_unit_id=issuer.id or 0,
        year=year,
        status=PlanStatus.issued,
        issue_date=date(year, 1, 10),
    )
    session.add(plan)
    session.flush()
    return plan


def make_task(
    session: Session,
    *,
    plan: Plan,
    label: str,
    lead: OrgUnit,
    title: str | None = None,
    due: date | None = None,
    product: str = "Báo cáo",
    nodes: list[FrameworkNode] | None = None,
    coordinating: list[OrgUnit] = (),  # type: ignore[assignment]
) -> Task:
    task = Task(
        plan_id=plan.id or 0,
        label=label,
        order=int("".join(ch for ch in label if ch.isdigit()) or 0),
        title=title or f"Nhiệm vụ {label}",
        product=product,
        due_date=due,
        deadline_text=f"Trước ngày {due:%d/%m/%Y}" if due else "Thường xuyên",
        lead_unit_id=lead.id or 0,
    )
    session.add(task)
    session.flush()
    session.add(TaskUnit(task_id=task.id or 0, unit_id=lead.id or 0, role=TaskUnitRole.lead))
    for u in coordinating:
        session.add(TaskUnit(task_id=task.id or 0, unit_id=u.id or 0, role=TaskUnitRole.coordinating))
    for n in nodes or []:
        session.add(TaskNode(task_id=task.id or 0, node_id=n.id or 0))
    session.flush()
    return task


def make_assignment(
    session: Session,
    *,
    task: Task,
    unit: OrgUnit,
    role: TaskUnitRole = TaskUnitRole.lead,
    status: AssignmentStatus = AssignmentStatus.in_progress,
    completed: date | None = None,
    due: date | None = None,
    progress: int = 50,
    result: str | None = None,
    instance_key: str = "",
) -> Assignment:
    a = Assignment(
        task_id=task.id or 0,
        plan_id=task.plan_id,
        unit_id=unit.id or 0,
        role=role,
        instance_key=instance_key,
        due_date=due or task.due_date,
        status=status,
        progress=100 if status == AssignmentStatus.approved else progress,
        result=result,
        completed_date=completed,
    )
    session.add(a)
    session.flush()
    return a


def make_evidence(
    session: Session,
    *,
    assignment: Assignment,
    title: str,
    doc_number: str | None = None,
    issue_date: date | None = None,
    effective_from: date | None = None,
    effective_to: date | None = None,
) -> Evidence:
    ev = Evidence(
        series_id=str(uuid.uuid4()),
        owner_type=EvidenceOwner.assignment,
        owner_id=assignment.id or 0,
        unit_id=assignment.unit_id,
        title=title,
        doc_number=doc_number,
        issue_date=issue_date,
        issuing_body="UBND xã",
        effective_from=effective_from,
        effective_to=effective_to,
        filename="a.pdf",
        mime="application/pdf",
        size=10,
        sha256=uuid.uuid4().hex * 2,
    )
    session.add(ev)
    session.flush()
    return ev


def top_nodes(session: Session, framework_code: str = "PAR_INDEX_TINH_876") -> dict[str, FrameworkNode]:
    """code → node of the shipped PAR INDEX framework (seeded with the demo data)."""
    from api.models import Framework

    fw = session.exec(select(Framework).where(Framework.code == framework_code)).one()
    return {
        n.code: n
        for n in session.exec(select(FrameworkNode).where(FrameworkNode.framework_id == fw.id)).all()
    }


# --- HTTP ----------------------------------------------------------------------------------------------------


def generate_periods(
    client: TestClient, headers: dict[str, str], year: int = YEAR
) -> dict[str, dict[str, Any]]:
    r = client.post(f"{V1}/report-periods/generate", json={"year": year}, headers=headers)
    assert r.status_code == 201, r.text
    return {p["kind"]: p for p in r.json()}


def open_report(client: TestClient, headers: dict[str, str], period_id: int, unit_id: int) -> dict[str, Any]:
    r = client.post(f"{V1}/reports", json={"period_id": period_id, "unit_id": unit_id}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def act(
    client: TestClient,
    headers: dict[str, str],
    report_id: int,
    action: str,
    json: Any = None,
    expect: int = 200,
) -> Any:
    """POST a workflow action with the current ETag (read as the same caller)."""
    etag = client.get(f"{V1}/reports/{report_id}", headers=headers).headers.get("etag", '"x"')
    r = client.post(f"{V1}/reports/{report_id}/{action}", json=json, headers={**headers, "If-Match": etag})
    assert r.status_code == expect, r.text
    return r.json()


def patch_report(
    client: TestClient, headers: dict[str, str], report_id: int, body: Any, expect: int = 200
) -> Any:
    etag = client.get(f"{V1}/reports/{report_id}", headers=headers).headers.get("etag", '"x"')
    r = client.patch(f"{V1}/reports/{report_id}", json=body, headers={**headers, "If-Match": etag})
    assert r.status_code == expect, r.text
    return r.json()


def patch_period(client: TestClient, headers: dict[str, str], period_id: int, body: Any) -> Any:
    etag = client.get(f"{V1}/report-periods/{period_id}", headers=headers).headers["etag"]
    r = client.patch(f"{V1}/report-periods/{period_id}", json=body, headers={**headers, "If-Match": etag})
    assert r.status_code == 200, r.text
    return r.json()
