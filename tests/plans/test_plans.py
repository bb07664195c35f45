from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from api.models import Assignment, Task
from tests.assignments.helpers import API, plan_85, unit_id

HT, TV, VHTT = "LS.BG.X.HOATHAM", "LS.BG.X.TANVAN", "LS.BG.VHTT"


def _new_plan(client: TestClient, h: dict[str, str], session: Session, **kw: object) -> dict:  # type: ignore[type-arg]
    body = {
        "number": "12",
        "title": "Kế hoạch thử",
        "issuing_unit_id": unit_id(session, "LS.BG"),
        "year": 2024,
        **kw,
    }
    r = client.post(f"{API}/plans", headers={**h, "Idempotency-Key": f"k-{body['number']}"}, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_plan_crud_issue_close(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    p = _new_plan(client, h, session)
    again = client.post(
        f"{API}/plans",
        headers={**h, "Idempotency-Key": "k-12"},
        json={
            "number": "12",
            "title": "Kế hoạch thử",
            "issuing_unit_id": unit_id(session, "LS.BG"),
            "year": 2024,
        },
    )
    assert again.status_code == 201 and again.json()["id"] == p["id"]
    assert (
        client.post(
            f"{API}/plans",
            headers=auth("chutich.hoatham"),
            json={"number": "1", "title": "x", "issuing_unit_id": unit_id(session, HT), "year": 2024},
        ).status_code
        == 403
    )
    r = client.get(f"{API}/plans/{p['id']}", headers=h)
    etag = r.headers["ETag"]
    assert client.patch(f"{API}/plans/{p['id']}", headers=h, json={"title": "Mới"}).status_code == 428
    r = client.patch(f"{API}/plans/{p['id']}", headers={**h, "If-Match": etag}, json={"title": "Mới"})
    assert r.status_code == 200 and r.json()["title"] == "Mới"
    assert (
        client.patch(
            f"{API}/plans/{p['id']}", headers={**h, "If-Match": etag}, json={"title": "X"}
        ).status_code
        == 412
    )
    etag = r.headers["ETag"]
    assert client.post(f"{API}/plans/{p['id']}/close", headers={**h, "If-Match": etag}).status_code == 409
    r = client.post(f"{API}/plans/{p['id']}/issue", headers={**h, "If-Match": etag})
    assert r.status_code == 200 and r.json()["status"] == "issued"
    r = client.post(f"{API}/plans/{p['id']}/close", headers={**h, "If-Match": r.headers["ETag"]})
    assert r.json()["status"] == "closed"
    assert (
        client.patch(
            f"{API}/plans/{p['id']}", headers={**h, "If-Match": r.headers["ETag"]}, json={"title": "Y"}
        ).status_code
        == 409
    )
    lst = client.get(f"{API}/plans", headers=h, params={"year": 2024}).json()
    assert {x["id"] for x in lst["items"]} >= {p["id"], plan_85(session).id}


def test_task_creates_assignments_and_unit_changes(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    p = _new_plan(client, h, session, number="13")
    ht, tv, vhtt = unit_id(session, HT), unit_id(session, TV), unit_id(session, VHTT)
    body = {
        "label": "1",
        "title": "Báo cáo tháng",
        "deadline_kind": "recurring",
        "recurrence": "monthly",
        "lead_unit_id": vhtt,
        "coordinating_unit_ids": [ht, tv, vhtt],
    }
    r = client.post(f"{API}/plans/{p['id']}/tasks", headers=h, json=body)
    assert r.status_code == 201, r.text
    task = r.json()
    assert [u["code"] for u in task["coordinating_units"]] == [HT, TV]  # lead dropped from coordinators
    assert len(task["units"]) == 36  # 3 units × 12 monthly instances
    march = next(u for u in task["units"] if u["unit_code"] == HT and u["instance_key"] == "2024-03")
    assert (
        march["due_date"] == "2024-03-31" and march["bucket"] == "overdue" and march["role"] == "coordinating"
    )
    octo = next(u for u in task["units"] if u["unit_code"] == HT and u["instance_key"] == "2024-10")
    assert octo["bucket"] == "in_progress_on_time"
    assert (
        client.post(f"{API}/plans/{p['id']}/tasks", headers=h, json=body).status_code == 422
    )  # duplicate label
    bad = {**body, "label": "2", "coordinating_unit_ids": [999999]}
    assert client.post(f"{API}/plans/{p['id']}/tasks", headers=h, json=bad).status_code == 422

    # work on Hoa Thám's March instance, then try to drop Hoa Thám → 409; dropping untouched Tân Văn is fine
    officer = auth("canbo.hoatham")
    assert (
        client.get(f"{API}/assignments/{march['assignment_id']}", headers=officer).status_code == 404
    )  # draft
    etag = client.get(f"{API}/plans/{p['id']}", headers=h).headers["ETag"]
    assert client.post(f"{API}/plans/{p['id']}/issue", headers={**h, "If-Match": etag}).status_code == 200
    g = client.get(f"{API}/assignments/{march['assignment_id']}", headers=officer)
    assert (
        client.patch(
            f"{API}/assignments/{march['assignment_id']}",
            headers={**officer, "If-Match": g.headers["ETag"]},
            json={"progress": 30},
        ).status_code
        == 200
    )
    etag = client.get(f"{API}/tasks/{task['id']}", headers=h).headers["ETag"]
    why = (
        "Điều chỉnh theo Công văn 5/UBND"  # the plan is issued: every change is an amendment with its reason
    )
    r = client.patch(
        f"{API}/tasks/{task['id']}",
        headers={**h, "If-Match": etag},
        json={"coordinating_unit_ids": [tv], "reason": why},
    )
    assert r.status_code == 409
    r = client.patch(
        f"{API}/tasks/{task['id']}",
        headers={**h, "If-Match": etag},
        json={"coordinating_unit_ids": [ht], "reason": why},
    )
    assert r.status_code == 200, r.text
    assert {u["unit_code"] for u in r.json()["units"]} == {HT, VHTT}
    # switch to a single date deadline: instances with work block it
    etag = r.headers["ETag"]
    r = client.patch(
        f"{API}/tasks/{task['id']}",
        headers={**h, "If-Match": etag},
        json={"deadline_kind": "date", "due_date": "2024-12-31", "reason": why},
    )
    assert r.status_code == 409
    gone = client.delete(f"{API}/tasks/{task['id']}", headers={**h, "If-Match": etag}, params={"reason": why})
    assert gone.status_code == 409
    # a fresh task can be deleted
    t2 = client.post(
        f"{API}/plans/{p['id']}/tasks",
        headers=h,
        json={"label": "2", "title": "Y", "due_date": "2024-12-31", "lead_unit_id": ht, "reason": why},
    ).json()
    e2 = client.get(f"{API}/tasks/{t2['id']}", headers=h).headers["ETag"]
    gone = client.delete(f"{API}/tasks/{t2['id']}", headers={**h, "If-Match": e2}, params={"reason": why})
    assert gone.status_code == 204
    n = session.exec(select(func.count()).select_from(Assignment).where(Assignment.task_id == t2["id"])).one()
    session.commit()
    assert n == 0


def test_appendix_scoped_for_commune(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    plan = plan_85(session)
    full = client.get(f"{API}/plans/{plan.id}/tasks", headers=auth("noivu")).json()
    assert (
        len(full["tasks"])
        == session.exec(select(func.count()).select_from(Task).where(Task.plan_id == plan.id)).one()
    )
    assert len(full["sections"]) >= 10
    t = full["tasks"][0]
    assert t["lead_unit"]["code"] and t["nodes"] and t["units"]
    ht = unit_id(session, HT)
    mine = session.exec(
        select(func.count(func.distinct(Assignment.task_id))).where(Assignment.unit_id == ht)
    ).one()
    session.commit()
    commune = client.get(f"{API}/plans/{plan.id}/tasks", headers=auth("canbo.hoatham")).json()
    assert len(commune["tasks"]) == mine < len(full["tasks"])
    assert {u["unit_code"] for t in commune["tasks"] for u in t["units"]} == {HT}


def test_clone_next_year(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    plan = plan_85(session)
    r = client.post(f"{API}/plans/{plan.id}/clone", headers=h, json={})
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["year"] == 2025 and new["status"] == "draft" and new["cloned_from_id"] == plan.id
    old_tasks = client.get(f"{API}/plans/{plan.id}/tasks", headers=h).json()["tasks"]
    new_tasks = client.get(f"{API}/plans/{new['id']}/tasks", headers=h).json()["tasks"]
    assert len(new_tasks) == len(old_tasks)
    by_label = {t["label"]: t for t in new_tasks}
    for t in old_tasks:
        n = by_label[t["label"]]
        assert [x["id"] for x in n["nodes"]] == [x["id"] for x in t["nodes"]]  # links kept
        if t["due_date"]:
            assert n["due_date"] == str(int(t["due_date"][:4]) + 1) + t["due_date"][4:]
    statuses = {u["status"] for t in new_tasks for u in t["units"]}
    assert statuses == {"not_started"}
    keys = {u["instance_key"] for t in new_tasks for u in t["units"] if u["instance_key"]}
    assert keys and all(k.startswith("2025-") for k in keys)
    assert (
        client.post(f"{API}/plans/{plan.id}/clone", headers=h, json={}).status_code == 422
    )  # same number/year exists
    assert (
        session.exec(
            select(func.count()).select_from(Assignment).where(col(Assignment.plan_id) == new["id"])
        ).one()
        > 0
    )
    session.commit()
