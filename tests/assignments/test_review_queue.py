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
    # Past due: late by the unit's own completion date (quá hạn) or done on time and waiting (chờ duyệt).
    past_due = Assignment.due_date < datetime(2024, 10, 15).date()  # type: ignore[operator]
    on_time = Assignment.completed_date <= Assignment.due_date  # type: ignore[operator]
    late = _queue(client, h, bucket="overdue", limit=500)
    assert late["total"] == _count(session, past_due, ~on_time | Assignment.completed_date.is_(None))  # type: ignore[union-attr]
    assert all(a["bucket"] == "overdue" for a in late["items"])
    waiting = _queue(client, h, bucket="awaiting_review", limit=500)
    assert waiting["total"] == _count(session, past_due, on_time) and waiting["total"] + late[
        "total"
    ] == _count(session, past_due)
    assert all(a["bucket"] == "awaiting_review" and a["days_waiting"] >= 0 for a in waiting["items"])
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


def test_period_and_criterion_filters(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    from api.models import FrameworkNode, ReportingPeriod, TaskNode
    from api.reports.figures import horizon

    h = auth("noivu")
    periods = session.exec(select(ReportingPeriod).where(ReportingPeriod.year == 2024)).all()
    session.commit()
    assert periods
    for p in periods:
        got = _queue(client, h, period_id=p.id, limit=200)
        assert got["total"] == _count(
            session,
            Assignment.due_date >= p.data_from,  # type: ignore[operator]
            Assignment.due_date <= horizon(p),  # type: ignore[operator]
        ), p.name
        assert all(p.data_from.isoformat() <= a["due_date"] <= horizon(p).isoformat() for a in got["items"])
    assert len({_queue(client, h, period_id=p.id)["total"] for p in periods}) > 1  # the filter does filter
    missing = client.get(f"{API}/assignments", headers=h, params={"period_id": 10**9})
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(
        "application/problem+json"
    )

    # Lĩnh vực: a top-level node counts the tasks linked to it or any descendant.
    top = session.exec(
        select(FrameworkNode)
        .join(TaskNode, TaskNode.node_id == FrameworkNode.id)
        .where(FrameworkNode.depth > 0)  # type: ignore[arg-type]
    ).first()
    assert top is not None
    root_id = int(top.path.strip("/").split("/")[0]) if top.path.strip("/") else top.id
    nodes = session.exec(
        select(FrameworkNode.id).where(
            (FrameworkNode.id == root_id) | FrameworkNode.path.contains(f"/{root_id}/")  # type: ignore[attr-defined]
        )
    ).all()
    tasks = select(TaskNode.task_id).where(TaskNode.node_id.in_(nodes))  # type: ignore[attr-defined]
    expected = _count(session, Assignment.task_id.in_(tasks))  # type: ignore[attr-defined]
    area = _queue(client, h, node_id=root_id, limit=200)
    assert area["total"] == expected > 0
