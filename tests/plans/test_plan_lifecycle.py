"""A plan's life: a draft's tasks and assignments stay with the issuing side until ban hành (counted against the
database), issue with number, date and signed document, amend with a recorded reason, close."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from api.authz import scope
from api.models import Assignment, AuditEvent, OrgUnit, Plan, PlanStatus
from tests.assignments.helpers import API, unit_id

HT = "LS.BG.X.HOATHAM"


def _draft_with_task(
    client: TestClient, h: dict[str, str], session: Session, number: str = "77"
) -> tuple[dict[str, Any], int]:
    body = {
        "number": number,
        "title": "Kế hoạch dự thảo",
        "issuing_unit_id": unit_id(session, "LS.BG"),
        "year": 2024,
    }
    r = client.post(f"{API}/plans", headers=h, json=body)
    assert r.status_code == 201, r.text
    plan = r.json()
    task = {
        "label": "1",
        "title": "Rà soát thủ tục",
        "due_date": "2024-11-30",
        "lead_unit_id": unit_id(session, HT),
    }
    r = client.post(f"{API}/plans/{plan['id']}/tasks", headers=h, json=task)
    assert r.status_code == 201, r.text
    return plan, r.json()["id"]


def _db_count(session: Session, unit: int, *, drafts: bool) -> int:
    stmt = (
        select(func.count())
        .select_from(Assignment)
        .join(Plan, col(Plan.id) == col(Assignment.plan_id))
        .where(col(Assignment.unit_id) == unit)
    )
    if not drafts:
        stmt = stmt.where(col(Plan.status) != PlanStatus.draft)
    n = session.exec(stmt).one()
    session.commit()
    return n


def _unit_views(client: TestClient, o: dict[str, str]) -> tuple[int, int]:
    listed = client.get(f"{API}/assignments", headers=o, params={"limit": 1}).json()["total"]
    dash = client.get(f"{API}/dashboards/summary", headers=o).json()["total"]
    return listed, dash


def test_draft_plan_invisible_to_units_until_issued(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h, officer = auth("noivu"), auth("canbo.hoatham")
    ht = unit_id(session, HT)
    plan, task_id = _draft_with_task(client, h, session)
    aid = client.get(f"{API}/tasks/{task_id}", headers=h).json()["units"][0]["assignment_id"]

    # the database holds the draft's assignment; the unit sees exactly the non-draft ones
    assert _db_count(session, ht, drafts=True) == _db_count(session, ht, drafts=False) + 1
    assert _unit_views(client, officer) == (_db_count(session, ht, drafts=False),) * 2
    for path in (
        f"/assignments/{aid}",
        f"/tasks/{task_id}",
        f"/plans/{plan['id']}",
        f"/plans/{plan['id']}/tasks",
    ):
        assert client.get(API + path, headers=officer).status_code == 404, path
    plans = client.get(f"{API}/plans", headers=officer, params={"limit": 500}).json()["items"]
    assert plan["id"] not in {p["id"] for p in plans}
    trend = client.get(f"{API}/dashboards/trend", headers=officer, params={"year": 2024})
    assert trend.status_code == 200
    # the issuing side (Phòng Nội vụ) works on its draft; report figures never count a draft
    assert client.get(f"{API}/assignments/{aid}", headers=h).status_code == 200
    unit = session.get(OrgUnit, ht)
    assert unit is not None
    covered = {a.id for a in session.exec(scope.report_assignments(unit, 2024, subtree=False)).all()}
    session.commit()
    assert aid not in covered and len(covered) == _db_count(session, ht, drafts=False)

    # ban hành: number, date, signer; then the unit sees the work everywhere
    etag = client.get(f"{API}/plans/{plan['id']}", headers=h).headers["ETag"]
    body = {"number": "78", "issue_date": "2024-10-10", "signer": "Nguyễn Văn A"}
    r = client.post(f"{API}/plans/{plan['id']}/issue", headers={**h, "If-Match": etag}, json=body)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["number"], r.json()["issue_date"]) == ("issued", "78", "2024-10-10")
    assert _unit_views(client, officer) == (_db_count(session, ht, drafts=True),) * 2
    assert client.get(f"{API}/assignments/{aid}", headers=officer).status_code == 200
    assert client.get(f"{API}/tasks/{task_id}", headers=officer).status_code == 200
    assert client.get(f"{API}/plans/{plan['id']}", headers=officer).status_code == 200
    again = client.post(f"{API}/plans/{plan['id']}/issue", headers={**h, "If-Match": r.headers["ETag"]})
    assert again.status_code == 409


def test_issue_defaults_and_document(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    plan, _ = _draft_with_task(client, h, session)
    etag = client.get(f"{API}/plans/{plan['id']}", headers=h).headers["ETag"]
    bad = client.post(
        f"{API}/plans/{plan['id']}/issue", headers={**h, "If-Match": etag}, json={"document_id": 999999}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "document_id"
    up = client.post(
        f"{API}/plans/{plan['id']}/evidence",
        headers=h,
        files={"file": ("kh.pdf", b"%PDF-1.4 signed", "application/pdf")},
        data={"title": "Kế hoạch ký số"},
    )
    assert up.status_code == 201, up.text
    r = client.post(
        f"{API}/plans/{plan['id']}/issue",
        headers={**h, "If-Match": etag},
        json={"document_id": up.json()["id"]},
    )
    assert r.status_code == 200, r.text
    assert r.json()["issue_date"] == "2024-10-15"  # the demo's today, not the wall clock
    ev = session.exec(
        select(AuditEvent).where(AuditEvent.entity_type == "plan", AuditEvent.entity_id == str(plan["id"]))
    ).all()
    session.commit()
    issued = [e for e in ev if e.action == "issue"]
    assert issued and issued[0].changes["document_id"] == {"to": up.json()["id"]}


def test_amend_issued_plan_with_reason_then_close(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    plan, _ = _draft_with_task(client, h, session)
    url = f"{API}/plans/{plan['id']}"
    etag = client.get(url, headers=h).headers["ETag"]
    r = client.post(f"{url}/amend", headers={**h, "If-Match": etag}, json={"reason": "x", "title": "y"})
    assert r.status_code == 409  # a draft is edited directly
    etag = client.post(f"{url}/issue", headers={**h, "If-Match": etag}).headers["ETag"]
    r = client.patch(url, headers={**h, "If-Match": etag}, json={"title": "Sửa thẳng"})
    assert r.status_code == 409 and r.json()["code"] == "plan_issued"  # no edit around the amendment's reason
    r = client.post(f"{url}/amend", headers={**h, "If-Match": etag}, json={"title": "Kế hoạch (sửa đổi)"})
    assert r.status_code == 422  # the reason is required
    r = client.post(
        f"{url}/amend",
        headers={**h, "If-Match": etag},
        json={"title": "Kế hoạch (sửa đổi)", "reason": "Bổ sung theo Công văn 12/UBND"},
    )
    assert r.status_code == 200 and r.json()["title"] == "Kế hoạch (sửa đổi)"
    ev = session.exec(
        select(AuditEvent).where(
            AuditEvent.entity_type == "plan",
            AuditEvent.entity_id == str(plan["id"]),
            AuditEvent.action == "amend",
        )
    ).one()
    session.commit()
    assert ev.note == "Bổ sung theo Công văn 12/UBND" and ev.changes["title"]["to"] == "Kế hoạch (sửa đổi)"
    r = client.post(f"{url}/close", headers={**h, "If-Match": r.headers["ETag"]})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    amend = client.post(f"{url}/amend", headers={**h, "If-Match": r.headers["ETag"]}, json={"reason": "z"})
    assert amend.status_code == 409
    # a unit can never issue or amend
    officer = auth("canbo.hoatham")
    assert client.post(
        f"{url}/amend", headers={**officer, "If-Match": etag}, json={"reason": "z"}
    ).status_code in (
        403,
        404,
    )


def _issued_with_task(client: TestClient, h: dict[str, str], session: Session) -> tuple[dict[str, Any], int]:
    plan, task_id = _draft_with_task(client, h, session)
    etag = client.get(f"{API}/plans/{plan['id']}", headers=h).headers["ETag"]
    assert client.post(f"{API}/plans/{plan['id']}/issue", headers={**h, "If-Match": etag}).status_code == 200
    return plan, task_id


def test_draft_appendix_edited_freely_without_reason(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    plan, task_id = _draft_with_task(client, h, session)
    etag = client.get(f"{API}/tasks/{task_id}", headers=h).headers["ETag"]
    r = client.patch(f"{API}/tasks/{task_id}", headers={**h, "If-Match": etag}, json={"title": "Mới"})
    assert r.status_code == 200, r.text
    history = client.get(f"{API}/plans/{plan['id']}/history", headers=h).json()
    assert [e["action"] for e in history] == ["create"]  # a draft's edits are no amendment


def test_issued_appendix_changes_need_a_reason(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    plan, task_id = _issued_with_task(client, h, session)
    etag = client.get(f"{API}/tasks/{task_id}", headers=h).headers["ETag"]
    for r in (
        client.patch(f"{API}/tasks/{task_id}", headers={**h, "If-Match": etag}, json={"title": "X"}),
        client.patch(
            f"{API}/tasks/{task_id}", headers={**h, "If-Match": etag}, json={"title": "X", "reason": "  "}
        ),
        client.delete(f"{API}/tasks/{task_id}", headers={**h, "If-Match": etag}),
        client.post(
            f"{API}/plans/{plan['id']}/tasks",
            headers=h,
            json={"label": "2", "title": "Y", "due_date": "2024-12-31", "lead_unit_id": unit_id(session, HT)},
        ),
    ):
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == "reason"
    # nothing was written
    task = client.get(f"{API}/tasks/{task_id}", headers=h)
    assert task.json()["title"] == "Rà soát thủ tục" and task.headers["ETag"] == etag


def test_amendment_reaches_the_units_history(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h, officer = auth("noivu"), auth("canbo.hoatham")
    plan, task_id = _issued_with_task(client, h, session)
    aid = client.get(f"{API}/tasks/{task_id}", headers=h).json()["units"][0]["assignment_id"]
    etag = client.get(f"{API}/tasks/{task_id}", headers=h).headers["ETag"]
    why = "Lùi thời hạn theo Công văn 20/UBND"
    r = client.patch(
        f"{API}/tasks/{task_id}",
        headers={**h, "If-Match": etag},
        json={"due_date": "2024-12-15", "reason": why},
    )
    assert r.status_code == 200, r.text
    events = client.get(f"{API}/assignments/{aid}/history", headers=officer).json()
    told = [e for e in events if e["action"] == "plan_amended"]
    assert len(told) == 1 and told[0]["note"] == why
    assert told[0]["changes"]["due_date"] == {"from": "2024-11-30", "to": "2024-12-15"}
    a = client.get(f"{API}/assignments/{aid}", headers=officer).json()
    assert a["due_date"] == "2024-12-15"

    # a task added by amendment: its unit is told it was assigned, with the reason
    tv = unit_id(session, "LS.BG.X.TANVAN")
    added = client.post(
        f"{API}/plans/{plan['id']}/tasks",
        headers={**h, "Idempotency-Key": "amend-add-2"},
        json={"label": "2", "title": "Bổ sung", "due_date": "2024-12-31", "lead_unit_id": tv, "reason": why},
    )
    assert added.status_code == 201, added.text
    new_aid = added.json()["units"][0]["assignment_id"]
    ev = client.get(f"{API}/assignments/{new_aid}/history", headers=auth("canbo.tanvan")).json()
    assert [(e["action"], e["note"]) for e in ev] == [("plan_amended", why)]
    assert ev[0]["changes"]["assigned"] == {"from": None, "to": "lead"}

    # removing an untouched task, with its reason
    e2 = client.get(f"{API}/tasks/{added.json()['id']}", headers=h).headers["ETag"]
    gone = client.delete(
        f"{API}/tasks/{added.json()['id']}",
        headers={**h, "If-Match": e2},
        params={"reason": "Trùng nội dung"},
    )
    assert gone.status_code == 204

    # the plan's history lists each amendment with its reason, oldest first; the unit cannot read it
    history = client.get(f"{API}/plans/{plan['id']}/history", headers=h).json()
    amendments = [
        (e["action"], e["note"], e["changes"]["task"]) for e in history if e["action"].startswith("task_")
    ]
    assert amendments == [
        ("task_amended", why, {"to": "1"}),
        ("task_added", why, {"to": "2"}),
        ("task_removed", "Trùng nội dung", {"from": "2", "to": None}),
    ]
    assert [e["action"] for e in history][:2] == ["create", "issue"]
    assert client.get(f"{API}/plans/{plan['id']}/history", headers=officer).status_code == 404
    assert client.get(f"{API}/plans/{plan['id']}/history", headers=auth("chutich")).status_code == 200


def test_unchanged_amendment_tells_nobody(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h, officer = auth("noivu"), auth("canbo.hoatham")
    plan, task_id = _issued_with_task(client, h, session)
    aid = client.get(f"{API}/tasks/{task_id}", headers=h).json()["units"][0]["assignment_id"]
    etag = client.get(f"{API}/tasks/{task_id}", headers=h).headers["ETag"]
    r = client.patch(  # what a form sends: every field, the same values
        f"{API}/tasks/{task_id}",
        headers={**h, "If-Match": etag},
        json={"title": "Rà soát thủ tục", "coordinating_unit_ids": [], "node_ids": [], "reason": "Không đổi"},
    )
    assert r.status_code == 200
    events = client.get(f"{API}/assignments/{aid}/history", headers=officer).json()
    assert not [e for e in events if e["action"] == "plan_amended"]
    history = client.get(f"{API}/plans/{plan['id']}/history", headers=h).json()
    assert not [e for e in history if e["action"] == "task_amended"]


def test_sections_of_the_appendix(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    plan, task_id = _draft_with_task(client, h, session)
    url = f"{API}/plans/{plan['id']}/sections"
    one = client.post(url, headers={**h, "Idempotency-Key": "sec-1"}, json={"label": "I", "title": "Thể chế"})
    assert one.status_code == 201, one.text
    again = client.post(
        url, headers={**h, "Idempotency-Key": "sec-1"}, json={"label": "I", "title": "Thể chế"}
    )
    assert again.json()["id"] == one.json()["id"]
    dup = client.post(url, headers=h, json={"label": "I", "title": "Khác"})
    assert dup.status_code == 422 and dup.json()["errors"][0]["field"] == "label"
    two = client.post(url, headers=h, json={"label": "II", "title": "Thủ tục hành chính"}).json()
    assert two["order"] == one.json()["order"] + 1  # appended after the last heading
    # the task moves into a section; the appendix groups it there
    etag = client.get(f"{API}/tasks/{task_id}", headers=h).headers["ETag"]
    r = client.patch(
        f"{API}/tasks/{task_id}", headers={**h, "If-Match": etag}, json={"section_id": two["id"]}
    )
    assert r.status_code == 200 and r.json()["section_id"] == two["id"]
    appendix = client.get(f"{API}/plans/{plan['id']}/tasks", headers=h).json()
    assert [s["label"] for s in appendix["sections"]] == ["I", "II"]

    # renaming is guarded by the plan's ETag and gives the plan a new one
    g = client.get(f"{API}/plans/{plan['id']}", headers=h)
    sec_url = f"{url}/{two['id']}"
    assert client.patch(sec_url, headers=h, json={"title": "TTHC"}).status_code == 428
    r = client.patch(sec_url, headers={**h, "If-Match": g.headers["ETag"]}, json={"title": "TTHC"})
    assert r.status_code == 200 and r.json()["title"] == "TTHC"
    assert r.headers["ETag"] != g.headers["ETag"]
    stale = client.patch(sec_url, headers={**h, "If-Match": g.headers["ETag"]}, json={"title": "X"})
    assert stale.status_code == 412
    loop = client.patch(sec_url, headers={**h, "If-Match": r.headers["ETag"]}, json={"parent_id": two["id"]})
    assert loop.status_code == 422 and loop.json()["errors"][0]["field"] == "parent_id"
    other = _draft_with_task(client, h, session, number="79")[0]
    assert (
        client.patch(
            f"{API}/plans/{other['id']}/sections/{two['id']}",
            headers={**h, "If-Match": client.get(f"{API}/plans/{other['id']}", headers=h).headers["ETag"]},
            json={"title": "Z"},
        ).status_code
        == 404
    )  # a section of another plan

    # once issued, a new heading is an amendment: reason required, in the plan's history
    etag = client.get(f"{API}/plans/{plan['id']}", headers=h).headers["ETag"]
    assert client.post(f"{API}/plans/{plan['id']}/issue", headers={**h, "If-Match": etag}).status_code == 200
    r = client.post(url, headers=h, json={"label": "III", "title": "Tổ chức bộ máy"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = client.post(
        url, headers=h, json={"label": "III", "title": "Tổ chức bộ máy", "reason": "Bổ sung lĩnh vực"}
    )
    assert r.status_code == 201
    history = client.get(f"{API}/plans/{plan['id']}/history", headers=h).json()
    added = [e for e in history if e["action"] == "section_added"]
    assert len(added) == 1 and added[0]["note"] == "Bổ sung lĩnh vực"
    assert added[0]["changes"]["title"] == {"from": None, "to": "Tổ chức bộ máy"}
    # a unit never adds headings
    assert (
        client.post(url, headers=auth("canbo.hoatham"), json={"label": "IV", "title": "x"}).status_code == 403
    )
