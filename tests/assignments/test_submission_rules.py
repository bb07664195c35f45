"""Submission and approval rules: giải trình below 100 % or without a result, no unchanged resubmission, approval
never moves the unit's progress or dates silently, the completion date is the day 100 % was reached, and an edit
that changes nothing writes nothing."""

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from api.config import get_settings
from api.models import AuditEvent
from tests.assignments.helpers import API, act, get, pick

HT = "LS.BG.X.HOATHAM"


def _history(session: Session, aid: int) -> int:
    n = session.exec(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.entity_type == "assignment", AuditEvent.entity_id == str(aid))
    ).one()
    session.commit()
    return n


def _upload(client: TestClient, h: dict[str, str], aid: int, content: bytes = b"%PDF-1.4 bien ban") -> Any:
    r = client.post(
        f"{API}/assignments/{aid}/evidence",
        headers=h,
        files={"file": ("bb.pdf", content, "application/pdf")},
        data={"title": "Biên bản"},
    )
    assert r.status_code == 201, r.text
    return r.json()


def _on(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    monkeypatch.setattr(get_settings(), "as_of_date", day)


def test_explanation_required_below_100_or_without_result(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    officer, head = auth("canbo.hoatham"), auth("chutich.hoatham")
    aid = pick(session, HT).id or 0
    _upload(client, officer, aid)
    assert (
        act(
            client, officer, aid, "", {"progress": 50, "result": "Đã rà soát 5/10"}, method="PATCH"
        ).status_code
        == 200
    )
    r = act(client, head, aid, "submit", {})
    assert r.status_code == 422 and r.json()["code"] == "explanation_required"
    assert r.json()["errors"][0]["field"] == "explanation" and "50 %" in r.json()["errors"][0]["message"]
    assert act(client, officer, aid, "", {"progress": 100, "result": ""}, method="PATCH").status_code == 200
    r = act(client, head, aid, "submit", {"explanation": "  "})
    assert r.status_code == 422 and "kết quả" in r.json()["errors"][0]["message"]
    assert act(client, officer, aid, "", {"result": "Hoàn thành"}, method="PATCH").status_code == 200
    r = act(client, head, aid, "submit", {})  # 100 %, a result and evidence: no giải trình needed
    assert r.status_code == 200 and r.json()["status"] == "submitted"


def test_below_100_submits_with_explanation(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    officer, head = auth("canbo.hoatham"), auth("chutich.hoatham")
    aid = pick(session, HT).id or 0
    _upload(client, officer, aid)
    act(client, officer, aid, "", {"progress": 50, "result": "Một nửa"}, method="PATCH")
    r = act(client, head, aid, "submit", {"explanation": "Chờ kinh phí quý IV"})
    assert r.status_code == 200 and r.json()["progress"] == 50 and r.json()["completed_date"] is None


def test_completion_date_is_the_day_100_was_reached(  # type: ignore[no-untyped-def]
    client: TestClient, session: Session, auth, monkeypatch: pytest.MonkeyPatch
) -> None:
    officer, head, admin = auth("canbo.hoatham"), auth("chutich.hoatham"), auth("noivu")
    aid = pick(session, HT).id or 0
    _upload(client, officer, aid)
    _on(monkeypatch, date(2024, 10, 3))
    r = act(client, officer, aid, "", {"progress": 100, "result": "Xong"}, method="PATCH")
    assert r.json()["completed_date"] == "2024-10-03"
    _on(monkeypatch, date(2024, 10, 12))
    r = act(client, head, aid, "submit", {})
    assert r.status_code == 200 and r.json()["completed_date"] == "2024-10-03"  # not the submit click
    _on(monkeypatch, date(2024, 10, 20))
    before, _ = get(client, admin, aid)
    r = act(client, admin, aid, "approve", {})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert (r.json()["progress"], r.json()["completed_date"]) == (before["progress"], "2024-10-03")


def test_approval_below_100_needs_confirmation(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    officer, head, admin = auth("canbo.hoatham"), auth("chutich.hoatham"), auth("noivu")
    aid = pick(session, HT).id or 0
    act(client, officer, aid, "", {"progress": 50}, method="PATCH")
    assert act(client, head, aid, "submit", {"explanation": "Đang chờ số liệu"}).status_code == 200
    r = act(client, admin, aid, "approve")
    assert (
        r.status_code == 409
        and r.json()["code"] == "confirm_complete_required"
        and "50 %" in r.json()["detail"]
    )
    assert get(client, admin, aid)[0]["progress"] == 50  # nothing moved
    r = client.post(f"{API}/assignments/bulk-review", headers=admin, json={"ids": [aid], "action": "approve"})
    assert r.status_code == 200 and r.json()["refused"] == 1
    assert (
        r.json()["results"][0]["code"] == "confirm_complete_required"
        and r.json()["items"][0]["progress"] == 50
    )
    r = client.post(
        f"{API}/assignments/bulk-review",
        headers=admin,
        json={"ids": [aid], "action": "approve", "confirm_complete": True},
    )
    assert r.status_code == 200 and r.json()["items"][0]["progress"] == 100


def test_unchanged_resubmission_refused(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    officer, head, admin = auth("canbo.hoatham"), auth("chutich.hoatham"), auth("noivu")
    aid = pick(session, HT).id or 0
    act(client, officer, aid, "", {"progress": 100, "result": "Xong"}, method="PATCH")
    assert act(client, head, aid, "submit", {"explanation": "Bản giấy"}).status_code == 200
    assert act(client, admin, aid, "return", {"reason": "Thiếu biên bản"}).status_code == 200
    r = act(client, head, aid, "submit", {})
    assert r.status_code == 409 and r.json()["code"] == "unchanged_resubmission"
    assert "chưa có gì thay đổi" in r.json()["detail"]
    r = act(client, head, aid, "submit", {"explanation": "Bản giấy"})  # the same words are no change either
    assert r.status_code == 409
    _upload(client, officer, aid)
    assert act(client, head, aid, "submit", {}).status_code == 200  # a new document is a change


def test_edit_that_changes_nothing_writes_nothing(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    officer = auth("canbo.hoatham")
    aid = pick(session, HT).id or 0
    body, etag = get(client, officer, aid)
    n = _history(session, aid)
    r = act(
        client, officer, aid, "", {"progress": body["progress"], "result": body["result"]}, method="PATCH"
    )
    assert r.status_code == 200 and r.headers["ETag"] == etag and r.json()["status"] == "not_started"
    assert _history(session, aid) == n
    r = act(client, officer, aid, "", {"progress": 10}, method="PATCH")
    assert r.json()["status"] == "in_progress" and _history(session, aid) == n + 1
