"""The work list (Việc của tôi): the order of what to do next, approved work behind a toggle, the sắp đến hạn and
cần trình filters, counts per state in one statement, and the head's bulk submission with a result per item."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.models import Assignment, AuditEvent, PlanStatus
from tests.assignments.helpers import API, act, get, pick, plan_85, unit_id
from tests.dashboards.test_summary import count_statements

HT = "LS.BG.X.HOATHAM"
ORDER = ["overdue", "due_soon", "in_progress", "not_started", "submitted", "done"]


def _work(client: TestClient, h: dict[str, str], **params: Any) -> dict[str, Any]:
    r = client.get(f"{API}/assignments/work", headers=h, params={"mine": True, "limit": 500, **params})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _counts(client: TestClient, h: dict[str, str], **params: Any) -> dict[str, int]:
    r = client.get(f"{API}/assignments/work/counts", headers=h, params={"mine": True, **params})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _upload(client: TestClient, h: dict[str, str], aid: int) -> None:
    r = client.post(
        f"{API}/assignments/{aid}/evidence",
        headers=h,
        files={"file": ("bb.pdf", b"%PDF-1.4 bien ban " + str(aid).encode(), "application/pdf")},
        data={"title": "Biên bản"},
    )
    assert r.status_code == 201, r.text


def _finish(
    client: TestClient, h: dict[str, str], aid: int, progress: int = 100, result: str = "Đã xong"
) -> None:
    r = act(client, h, aid, "", {"progress": progress, "result": result}, method="PATCH")
    assert r.status_code == 200, r.text


def _bulk(client: TestClient, h: dict[str, str], items: list[dict[str, Any]], key: str | None = None) -> Any:
    headers = {**h, **({"Idempotency-Key": key} if key else {})}
    return client.post(f"{API}/assignments/bulk-submit", headers=headers, json={"items": items})


def _status(session: Session, aid: int) -> str:
    s = session.exec(select(Assignment.status).where(Assignment.id == aid)).one()
    session.commit()
    return str(s)


def test_default_order_and_done_behind_toggle(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("canbo.hoatham")
    rows = _work(client, h)["items"]
    states = [a["work_state"] for a in rows]
    assert states == sorted(states, key=ORDER.index), "quá hạn → sắp đến hạn → đang thực hiện → chưa bắt đầu"
    assert {"overdue", "in_progress"} <= set(states) and "done" not in states
    assert all(a["status"] != "approved" for a in rows)
    # within a state, the earliest deadline first
    overdue = [a["due_date"] for a in rows if a["work_state"] == "overdue"]
    assert overdue == sorted(overdue)
    everything = _work(client, h, include_done=True)
    approved = [a for a in everything["items"] if a["status"] == "approved"]
    assert approved and all(a["work_state"] == "done" for a in approved)
    assert everything["total"] == _work(client, h)["total"] + len(approved)
    assert [a["work_state"] for a in everything["items"]][-len(approved) :] == ["done"] * len(approved)
    # states come from the deadline and the status as of the configured today (15/10/2024 in the demo)
    for a in rows:
        if a["work_state"] == "overdue":
            assert a["due_date"] < "2024-10-15" and a["status"] != "submitted"
        if a["work_state"] == "due_soon":
            assert "2024-10-15" <= a["due_date"] <= "2024-10-22"


def test_counts_per_state_match_the_list_in_one_statement(
    client: TestClient, session: Session, auth, db
) -> None:  # type: ignore[no-untyped-def]
    h = auth("chutich.hoatham")
    aid = pick(session, HT, status="in_progress").id or 0
    _finish(client, h, aid)
    with count_statements(db) as seen:
        c = _counts(client, h)
    assert len([s for s in seen if "assignment" in s.lower()]) == 1, seen
    everything = _work(client, h, include_done=True)
    assert c["total"] == everything["total"] > 0
    assert sum(c[s] for s in ORDER) == c["total"]
    for s in ORDER:
        assert _work(client, h, state=s)["total"] == c[s], s
        assert c[s] == len([a for a in everything["items"] if a["work_state"] == s]), s
    ready = _work(client, h, ready=True)
    assert c["ready"] == ready["total"] >= 1 and aid in {a["id"] for a in ready["items"]}
    assert all(a["ready"] and a["progress"] == 100 and a["result"].strip() for a in ready["items"])
    assert all(a["status"] in ("not_started", "in_progress", "returned") for a in ready["items"])
    # counts follow the list's filters (search)
    assert _counts(client, h, q="khong co nhiem vu nao nhu the")["total"] == 0


def test_due_soon_filter(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    soon = _work(client, h, mine=False, due_soon=True)
    assert soon["total"] > 0
    assert all(
        "2024-10-15" <= a["due_date"] <= "2024-10-22" and a["status"] != "approved" for a in soon["items"]
    )
    state = _work(client, h, mine=False, state="due_soon")
    assert {a["id"] for a in state["items"]} <= {a["id"] for a in soon["items"]}


def test_ready_is_100_with_a_result_and_not_submitted(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("canbo.hoatham")
    aid = pick(session, HT, status="in_progress").id or 0
    _finish(client, h, aid, result="   ")
    assert aid not in {a["id"] for a in _work(client, h, ready=True)["items"]}, "no result: not finished"
    _finish(client, h, aid, progress=90, result="Gần xong")
    assert aid not in {a["id"] for a in _work(client, h, ready=True)["items"]}
    _finish(client, h, aid)
    row = next(a for a in _work(client, h, ready=True)["items"] if a["id"] == aid)
    assert row["ready"] is True and row["work_state"] in ORDER[:4]


def test_list_statements_do_not_grow_with_the_page(client: TestClient, session: Session, auth, db) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    counts = []
    for limit in (5, 200):
        with count_statements(db) as seen:
            r = client.get(
                f"{API}/assignments/work", headers=h, params={"limit": limit, "include_done": True}
            )
        assert r.status_code == 200 and len(r.json()["items"]) == min(limit, r.json()["total"])
        counts.append(len([s for s in seen if "assignment" in s.lower()]))
    # the default order: the counts per band, then the page's bands (work.WorkOrder), whatever the page size
    assert counts[0] == counts[1] == 2, counts


def test_default_order_pages_match_the_plain_sort_and_a_page_past_the_end_has_its_total(
    client: TestClient, auth, db
) -> None:  # type: ignore[no-untyped-def]
    """The band-by-band path gives exactly the rows and total of the plain ORDER BY (``sort=work,due_date,id``),
    page after page, with or without done work; past the end: no rows, the right total, one statement (the
    counts)."""
    h = auth("noivu")
    for params in ({}, {"include_done": True}, {"state": "overdue"}):
        every: list[int] = []
        while True:
            plain = client.get(
                f"{API}/assignments/work",
                headers=h,
                params={**params, "limit": 500, "offset": len(every), "sort": "work,due_date,id"},
            )
            assert plain.status_code == 200, plain.text
            every += [i["id"] for i in plain.json()["items"]]
            if len(plain.json()["items"]) < 500:
                break
        total = plain.json()["total"]
        assert every and total == len(every) == len(set(every))
        for offset in (0, 7, total - 3):
            r = client.get(
                f"{API}/assignments/work", headers=h, params={**params, "limit": 7, "offset": offset}
            )
            assert r.status_code == 200 and r.json()["total"] == total
            assert [i["id"] for i in r.json()["items"]] == every[offset : offset + 7]
        with count_statements(db) as seen:
            r = client.get(f"{API}/assignments/work", headers=h, params={**params, "offset": total + 5})
        assert r.json()["items"] == [] and r.json()["total"] == total
        assert len([s for s in seen if "assignment" in s.lower()]) == 1


def test_bulk_submit_results_per_item(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    officer, head, admin = auth("canbo.hoatham"), auth("chutich.hoatham"), auth("noivu")
    ht = unit_id(session, HT)
    ids = list(
        session.exec(
            select(Assignment.id)
            .where(Assignment.unit_id == ht, Assignment.status == "in_progress")
            .order_by(col(Assignment.id))
            .limit(4)
        ).all()
    )
    approved = pick(session, HT, status="approved").id or 0
    session.commit()
    ready, half, no_evidence, half_explained = ids
    for aid in (ready, half, half_explained):
        _upload(client, officer, aid)
    _finish(client, officer, ready)
    _finish(client, officer, half, progress=50, result="Một nửa")
    _finish(client, officer, half_explained, progress=50, result="Một nửa")
    _finish(client, officer, no_evidence)
    stale_id = pick(session, HT, status="not_started").id or 0
    stale = get(client, head, stale_id)[0]["version"] - 1
    items = [
        {"id": ready},
        {"id": half},
        {"id": half_explained, "explanation": "Chờ kinh phí quý IV"},
        {"id": no_evidence},
        {"id": approved},
        {"id": stale_id, "version": stale},
    ]
    r = _bulk(
        client,
        head,
        items,
        key="bulk-1",
    )
    assert r.status_code == 200, r.text
    body = r.json()
    out = {o["id"]: o for o in body["results"]}
    assert body["submitted"] == 2 and body["refused"] == 4
    assert out[ready]["ok"] and out[ready]["item"]["status"] == "submitted"
    assert out[half_explained]["ok"] and out[half_explained]["item"]["explanation"] == "Chờ kinh phí quý IV"
    assert out[half]["code"] == "explanation_required" and "50 %" in out[half]["detail"]
    assert (
        out[no_evidence]["code"] == "explanation_required"
        and "tài liệu kiểm chứng" in out[no_evidence]["detail"]
    )
    assert out[approved]["code"] == "invalid_transition"
    assert out[stale_id]["code"] == "stale"
    assert [_status(session, i) for i in (ready, half, half_explained, no_evidence, approved, stale_id)] == [
        "submitted",
        "in_progress",
        "submitted",
        "in_progress",
        "approved",
        "not_started",
    ]
    # a refused item wrote no history, a submitted one wrote its submit event
    events = session.exec(
        select(AuditEvent.entity_id, AuditEvent.action).where(
            AuditEvent.entity_type == "assignment", AuditEvent.action == "submit"
        )
    ).all()
    session.commit()
    assert {int(e) for e, _ in events} >= {ready, half_explained}
    assert not {int(e) for e, _ in events} & {half, no_evidence}
    # the same key and body: the first answer again, nothing submitted twice
    again = _bulk(
        client,
        head,
        items,
        key="bulk-1",
    )
    assert (
        again.status_code == 200
        and again.json() == body
        and again.headers.get("Idempotent-Replayed") == "true"
    )
    reused = _bulk(client, head, [{"id": half}], key="bulk-1")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    # resubmitting a returned item unchanged is refused for that item
    assert act(client, admin, ready, "return", {"reason": "Bổ sung biên bản"}).status_code == 200
    r = _bulk(client, head, [{"id": ready}, {"id": half, "explanation": "Chờ kinh phí"}])
    out = {o["id"]: o for o in r.json()["results"]}
    assert out[ready]["code"] == "unchanged_resubmission" and out[half]["ok"]
    assert _status(session, ready) == "returned"


def test_bulk_submit_refusals_for_the_whole_request(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    officer, head = auth("canbo.hoatham"), auth("chutich.hoatham")
    aid = pick(session, HT, status="in_progress").id or 0
    other = pick(session, "LS.BG.X.TANVAN", status="in_progress").id or 0
    assert _bulk(client, officer, [{"id": aid, "explanation": "x"}]).status_code == 403
    r = _bulk(client, head, [{"id": aid, "explanation": "x"}, {"id": other, "explanation": "x"}])
    assert r.status_code == 404 and str(other) in r.json()["detail"]
    assert _status(session, aid) == "in_progress", "nothing submitted when an id is out of reach"
    assert _bulk(client, head, []).status_code == 422
    assert _bulk(client, head, [{"id": aid, "explanation": "x"}] * 2).json()["submitted"] == 1
    assert _status(session, aid) == "submitted"


def test_closed_plan_work_is_done(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("canbo.hoatham")
    plan = plan_85(session)
    before = _work(client, h, plan_id=plan.id)
    assert before["total"] > 0 and any(a["work_state"] != "done" for a in before["items"])
    plan.status = PlanStatus.closed
    session.add(plan)
    session.commit()
    assert _work(client, h, plan_id=plan.id)["total"] == 0
    closed = _work(client, h, plan_id=plan.id, include_done=True)["items"]
    assert closed and {a["work_state"] for a in closed} == {"done"} and not any(a["ready"] for a in closed)
    assert _counts(client, h, plan_id=plan.id)["done"] == len(closed)
