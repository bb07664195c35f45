"""The review queue at district scale: total count, filters (unit, plan, overdue, submitted since) and search."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from api.models import Assignment
from tests.assignments.helpers import API, act, pick, plan_85, unit_id

HT = "LS.BG.X.HOATHAM"


def _queue(client: TestClient, h: dict[str, str], **params: object) -> dict:  # type: ignore[type-arg]
    r = client.get(f"{API}/assignments", headers=h, params={"status": "submitted", "limit": 10, **params})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _count(session: Session, *where: object) -> int:
    n = session.exec(
        select(func.count()).select_from(Assignment).where(Assignment.status == "submitted", *where)  # type: ignore[arg-type]
    ).one()
    session.commit()
    return n


def test_total_and_filters(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    everything = _queue(client, h)
    assert everything["total"] == _count(session) > 10 and len(everything["items"]) == 10
    ht = unit_id(session, HT)
    one = _queue(client, h, unit_id=ht)
    assert one["total"] == _count(session, Assignment.unit_id == ht) and {
        a["unit_code"] for a in one["items"]
    } <= {HT}
    plan = plan_85(session)
    assert _queue(client, h, plan_id=plan.id)["total"] == _count(session, Assignment.plan_id == plan.id)
    late = _queue(client, h, bucket="overdue", limit=500)
    assert late["total"] == _count(session, Assignment.due_date < datetime(2024, 10, 15).date())  # type: ignore[operator]
    assert all(a["bucket"] == "overdue" for a in late["items"])
    searched = _queue(client, h, q="hoa tham", limit=500)
    assert searched["total"] == one["total"] and {a["unit_code"] for a in searched["items"]} == {HT}


def test_submitted_since(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h, head = auth("noivu"), auth("chutich.hoatham")
    aid = pick(session, HT).id
    assert act(client, head, aid, "submit", {"explanation": "Chưa có số liệu"}).status_code == 200
    since = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    recent = _queue(client, h, submitted_since=since, sort="-submitted_at")
    assert aid in {a["id"] for a in recent["items"]}
    assert recent["total"] == _count(
        session, Assignment.submitted_at >= datetime.now(UTC) - timedelta(days=2)
    )  # type: ignore[operator]
    bad = client.get(f"{API}/assignments", headers=h, params={"submitted_since": "15/10/2024"})
    assert bad.status_code == 422
