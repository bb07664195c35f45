from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.models import Assignment, OrgUnit, Plan, Task

API = "/api/v1"


def unit_id(session: Session, code: str) -> int:
    uid = session.exec(select(OrgUnit.id).where(OrgUnit.code == code)).one()
    session.commit()  # end the test's transaction: SQLite writers take the lock at BEGIN
    return uid  # type: ignore[return-value]


def pick(
    session: Session, code: str, *, status: str = "not_started", not_lead_of: str | None = None
) -> Assignment:
    """An assignment of the unit in that status (optionally on a task not led by ``not_lead_of``)."""
    stmt = select(Assignment).where(Assignment.unit_id == unit_id(session, code), Assignment.status == status)
    if not_lead_of:
        stmt = stmt.join(Task, col(Task.id) == col(Assignment.task_id)).where(
            Task.lead_unit_id != unit_id(session, not_lead_of)
        )
    a = session.exec(stmt.order_by(col(Assignment.id))).first()
    session.commit()
    return a  # type: ignore[return-value]


def plan_85(session: Session) -> Plan:
    plan = session.exec(select(Plan).where(Plan.number == "85", Plan.year == 2024)).one()
    session.commit()
    return plan


def get(client: TestClient, headers: dict[str, str], aid: int) -> tuple[dict[str, Any], str]:
    r = client.get(f"{API}/assignments/{aid}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json(), r.headers["ETag"]


def act(
    client: TestClient,
    headers: dict[str, str],
    aid: int,
    path: str,
    body: Any = None,
    etag: str | None = None,
    method: str = "POST",
) -> Any:
    if etag is None:
        _, etag = get(client, headers, aid)
    url = f"{API}/assignments/{aid}" + (f"/{path}" if path else "")
    return client.request(method, url, headers={**headers, "If-Match": etag}, json=body)
