"""A refused state change names the state in Vietnamese words, never its stored code (#19 fresh-eyes finding)."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.models import Assignment, AssignmentStatus, Plan, PlanStatus

CODES = ("in_progress", "not_started", "submitted", "approved", "returned", "draft", "issued", "closed")


def test_returning_an_item_not_submitted_names_its_state(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    a = session.exec(select(Assignment).where(Assignment.status == AssignmentStatus.in_progress)).first()
    assert a is not None
    session.commit()  # end the fixture's read before the API writes (SQLite)
    h = auth("noivu")
    etag = client.get(f"/api/v1/assignments/{a.id}", headers=h).headers["ETag"]
    r = client.post(
        f"/api/v1/assignments/{a.id}/return",
        headers={**h, "If-Match": etag},
        json={"reason": "Bổ sung tài liệu"},
    )
    assert r.status_code == 409, r.text
    detail = r.json()["detail"]
    assert "“Đang thực hiện”" in detail, detail
    assert not [c for c in CODES if c in detail], detail


def test_closing_a_plan_not_issued_names_both_states(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    from api.plans.service import PLAN_STATUS_VI

    assert set(PLAN_STATUS_VI) == set(PlanStatus)
    plan = session.exec(select(Plan)).first()
    assert plan is not None
    session.commit()
    h = auth("noivu")
    created = client.post(
        f"/api/v1/plans/{plan.id}/clone", headers={**h, "Idempotency-Key": "refusal-words-clone"}, json={}
    )
    assert created.status_code in (200, 201), created.text
    draft = created.json()
    r = client.post(
        f"/api/v1/plans/{draft['id']}/close", headers={**h, "If-Match": created.headers.get("ETag", "*")}
    )
    assert r.status_code == 409, r.text
    detail = r.json()["detail"]
    assert "“Dự thảo”" in detail and "“Đã kết thúc”" in detail, detail
    assert not [c for c in CODES if c in detail], detail
