from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from api.models import Assignment, AuditEvent
from tests.assignments.helpers import API, act, get, pick, unit_id

HT = "LS.BG.X.HOATHAM"


def test_whole_workflow_per_role(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    officer, head, admin = auth("canbo.hoatham"), auth("chutich.hoatham"), auth("noivu")
    aid = pick(session, HT).id
    assert aid is not None

    # officer edits: not_started → in_progress, If-Match enforced
    body, etag = get(client, officer, aid)
    assert body["status"] == "not_started"
    r = client.patch(f"{API}/assignments/{aid}", headers=officer, json={"progress": 50})
    assert r.status_code == 428
    r = client.patch(
        f"{API}/assignments/{aid}",
        headers={**officer, "If-Match": etag},
        json={"progress": 50, "result": "Đã làm"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "in_progress" and r.json()["progress"] == 50
    stale = client.patch(
        f"{API}/assignments/{aid}", headers={**officer, "If-Match": etag}, json={"progress": 60}
    )
    assert stale.status_code == 412
    assert (
        client.patch(
            f"{API}/assignments/{aid}",
            headers={**officer, "If-Match": r.headers["ETag"]},
            json={"progress": 101},
        ).status_code
        == 422
    )

    # officer cannot submit; head without evidence needs giải trình
    assert act(client, officer, aid, "submit", {}).status_code == 403
    r = act(client, head, aid, "submit", {})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "explanation"
    r = act(client, head, aid, "submit", {"explanation": "Tài liệu lưu bản giấy tại UBND xã"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "submitted" and r.json()["completed_date"] is None  # 50 %: not completed
    assert act(client, officer, aid, "", {"progress": 70}, method="PATCH").status_code == 409

    # commune head cannot approve; district admin returns with a reason
    assert act(client, head, aid, "approve").status_code == 403
    assert act(client, admin, aid, "return", {"reason": ""}).status_code == 422
    r = act(client, admin, aid, "return", {"reason": "Bổ sung tài liệu kiểm chứng"})
    assert r.status_code == 200 and r.json()["status"] == "returned"
    r = act(client, officer, aid, "", {"progress": 90}, method="PATCH")
    assert r.json()["status"] == "in_progress"

    # resubmit, approve; approved is read-only until reopened
    assert act(client, head, aid, "submit", {}).status_code == 200  # stored explanation is reused
    r = act(client, admin, aid, "approve")  # 90 %: approving means 100 %, the reviewer must confirm it
    assert r.status_code == 409 and r.json()["code"] == "confirm_complete_required"
    r = act(client, admin, aid, "approve", {"confirm_complete": True})
    assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["progress"] == 100
    assert r.json()["completed_date"] == "2024-10-15"  # the submission day (demo clock)
    assert r.json()["bucket"] in ("done_on_time", "done_late")
    assert act(client, officer, aid, "", {"progress": 10}, method="PATCH").status_code == 409
    assert act(client, head, aid, "submit", {}).status_code == 409
    assert act(client, head, aid, "reopen", {"reason": "x"}).status_code == 403
    r = act(client, admin, aid, "reopen", {"reason": "Sở Nội vụ yêu cầu bổ sung"})
    assert r.status_code == 200 and r.json()["status"] == "in_progress"

    hist = client.get(f"{API}/assignments/{aid}/history", headers=officer)
    assert hist.status_code == 200
    assert [e["action"] for e in hist.json()] == [
        "update",
        "submit",
        "return",
        "update",
        "submit",
        "approve",
        "reopen",
    ]
    n = session.exec(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.entity_type == "assignment", AuditEvent.entity_id == str(aid))
    ).one()
    assert n == 7
    session.commit()


def test_other_unit_cannot_touch_assignment(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    aid = pick(session, HT).id
    other = auth("canbo.tanvan")
    assert client.get(f"{API}/assignments/{aid}", headers=other).status_code == 404
    r = client.patch(f"{API}/assignments/{aid}", headers={**other, "If-Match": "*"}, json={"progress": 5})
    assert r.status_code == 404
    assert client.get(f"{API}/assignments/{aid}/history", headers=other).status_code == 404
    assert (
        client.post(f"{API}/assignments/{aid}/comments", headers=other, json={"body": "x"}).status_code == 404
    )
    head = auth("chutich.tanvan")
    assert (
        client.post(
            f"{API}/assignments/{aid}/submit", headers={**head, "If-Match": "*"}, json={"explanation": "x"}
        ).status_code
        == 404
    )


def test_commune_officer_lists_exactly_its_assignments(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"{API}/assignments", headers=auth("canbo.hoatham"), params={"limit": 500})
    assert r.status_code == 200
    expected = session.exec(
        select(func.count()).select_from(Assignment).where(Assignment.unit_id == unit_id(session, HT))
    ).one()
    assert expected > 20
    session.commit()
    assert r.json()["total"] == expected
    assert {row["unit_code"] for row in r.json()["items"]} == {HT}
    mine = client.get(
        f"{API}/assignments", headers=auth("canbo.hoatham"), params={"mine": "true", "limit": 1}
    )
    assert mine.json()["total"] == expected


def test_filters(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    total = client.get(f"{API}/assignments", headers=h, params={"limit": 1}).json()["total"]
    parts = [
        client.get(f"{API}/assignments", headers=h, params={"bucket": b, "limit": 1}).json()["total"]
        for b in ("done_on_time", "done_late", "overdue", "in_progress_on_time", "awaiting_review")
    ]
    assert all(parts) and sum(parts) == total
    overdue = client.get(f"{API}/assignments", headers=h, params={"bucket": "overdue", "limit": 5}).json()[
        "items"
    ]
    assert all(row["days_overdue"] >= 1 and row["status"] != "approved" for row in overdue)
    lead = client.get(f"{API}/assignments", headers=h, params={"role": "lead", "limit": 1}).json()["total"]
    coord = client.get(f"{API}/assignments", headers=h, params={"role": "coordinating", "limit": 1}).json()[
        "total"
    ]
    assert lead + coord == total and lead > 0
    r = client.get(
        f"{API}/assignments",
        headers=h,
        params={"due_from": "2024-12-01", "due_to": "2024-12-31", "limit": 500},
    )
    assert r.json()["total"] > 0 and all(
        "2024-12-01" <= x["due_date"] <= "2024-12-31" for x in r.json()["items"]
    )
    st = client.get(f"{API}/assignments", headers=h, params={"status": "returned", "limit": 500}).json()
    assert st["total"] > 0 and {x["status"] for x in st["items"]} == {"returned"}


def test_node_filter_includes_descendants(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    from api.models import Framework, FrameworkNode, TaskNode

    h = auth("noivu")
    fw = session.exec(select(Framework).where(Framework.code == "PAR_INDEX_TINH_876")).one()
    top = session.exec(
        select(FrameworkNode).where(FrameworkNode.framework_id == fw.id, FrameworkNode.code == "3")
    ).one()
    child = session.exec(
        select(FrameworkNode).where(FrameworkNode.parent_id == top.id).order_by(col(FrameworkNode.order))
    ).first()
    assert child is not None
    session.commit()
    # link one more task to the child only: it must show under the parent's filter
    a = pick(session, HT, status="not_started")
    before = client.get(f"{API}/assignments", headers=h, params={"node_id": top.id, "limit": 1}).json()[
        "total"
    ]
    session.add(TaskNode(task_id=a.task_id, node_id=child.id or 0))
    session.commit()
    by_child = client.get(f"{API}/assignments", headers=h, params={"node_id": child.id, "limit": 500}).json()
    assert a.id in {x["id"] for x in by_child["items"]}
    after = client.get(f"{API}/assignments", headers=h, params={"node_id": top.id, "limit": 1}).json()[
        "total"
    ]
    assert after >= before and after >= by_child["total"]
    assert client.get(f"{API}/assignments", headers=h, params={"node_id": 999999}).status_code == 404


def test_comments_and_mentions(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    a = pick(session, HT, not_lead_of="LS.BG.X.TANVAN")
    officer = auth("canbo.hoatham")
    r = client.post(
        f"{API}/assignments/{a.id}/comments",
        headers=officer,
        json={"body": "Nhờ Phòng Nội vụ hướng dẫn", "mentions": ["noivu", "chutich.hoatham"]},
    )
    assert r.status_code == 201, r.text
    bad = client.post(
        f"{API}/assignments/{a.id}/comments",
        headers=officer,
        json={"body": "x", "mentions": ["canbo.tanvan"]},
    )
    assert bad.status_code == 422 and bad.json()["code"] == "unknown_mention"
    got = client.get(f"{API}/assignments/{a.id}/comments", headers=auth("noivu")).json()
    assert len(got) == 1 and got[0]["mentions"] == ["noivu", "chutich.hoatham"]
    assert (
        client.post(
            f"{API}/assignments/{a.id}/comments", headers=auth("huyenuy"), json={"body": "x"}
        ).status_code
        == 403
    )


def test_bulk_review_atomic_or_per_item(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    admin = auth("noivu")
    submitted = session.exec(
        select(Assignment.id).where(Assignment.status == "submitted").order_by(col(Assignment.id)).limit(3)
    ).all()
    session.commit()
    not_submitted = pick(session, HT, status="in_progress").id
    # atomic: one refusal and nothing changes
    r = client.post(
        f"{API}/assignments/bulk-review",
        headers=admin,
        json={"ids": [*submitted, not_submitted], "action": "approve", "atomic": True},
    )
    assert r.status_code == 409
    session.expire_all()
    assert {session.get(Assignment, i).status for i in submitted} == {"submitted"}  # type: ignore[union-attr]
    session.commit()
    # an id out of reach (or unknown) answers 404 for the whole request, nothing changes
    r = client.post(
        f"{API}/assignments/bulk-review",
        headers=admin,
        json={"ids": [*submitted, 10**9], "action": "return", "reason": "Thiếu số liệu"},
    )
    assert r.status_code == 404
    session.expire_all()
    assert {session.get(Assignment, i).status for i in submitted} == {"submitted"}  # type: ignore[union-attr]
    session.commit()
    assert (
        client.post(
            f"{API}/assignments/bulk-review", headers=admin, json={"ids": submitted, "action": "return"}
        ).status_code
        == 422
    )
    # per item (the default): the submitted ones are returned with the one reason, the other is refused
    r = client.post(
        f"{API}/assignments/bulk-review",
        headers=admin,
        json={"ids": [not_submitted, *submitted], "action": "return", "reason": "  Thiếu số liệu "},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["done"], body["refused"]) == (3, 1)
    assert [x["id"] for x in body["results"]] == [not_submitted, *submitted]
    refusal = body["results"][0]
    assert not refusal["ok"] and refusal["code"] == "invalid_transition" and "trả lại" in refusal["detail"]
    assert all(x["ok"] and x["code"] is None for x in body["results"][1:])
    items = {x["id"]: x for x in body["items"]}
    assert {items[i]["status"] for i in submitted} == {"returned"}
    assert {items[i]["return_reason"] for i in submitted} == {"Thiếu số liệu"}
    assert items[not_submitted]["status"] == "in_progress"
    assert (
        client.post(
            f"{API}/assignments/bulk-review",
            headers=auth("chutich.hoatham"),
            json={"ids": submitted, "action": "approve"},
        ).status_code
        == 403
    )
