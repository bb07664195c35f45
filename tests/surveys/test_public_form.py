"""The public form: works without login, shows the desk and its questions only, refuses unknown or revoked
tokens (404), rate-limits per device and per address (429 with Retry-After), flags duplicates, honeypots,
out-of-hours answers and bursts — and never drops an answer."""

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from api.models.survey import SurveyAnswer, SurveyResponse
from tests.surveys.conftest import HT_DESK, TV_DESK, V1, desk, sheet, token_of


def _count(session: Session, point_id: int) -> int:
    session.expire_all()
    n = int(
        session.exec(
            select(func.count()).select_from(SurveyResponse).where(SurveyResponse.point_id == point_id)
        ).one()
    )
    session.commit()
    return n


def _latest(session: Session, point_id: int) -> SurveyResponse:
    session.expire_all()
    row = session.exec(
        select(SurveyResponse)
        .where(SurveyResponse.point_id == point_id)
        .order_by(col(SurveyResponse.id).desc())
    ).first()
    session.commit()
    return row  # type: ignore[return-value]


def _client_id() -> str:
    return uuid.uuid4().hex


def test_the_form_needs_no_login_and_shows_only_the_form(client: TestClient, session: Session) -> None:
    point = desk(session, HT_DESK)
    r = client.get(f"{V1}/public/survey/{token_of(point)}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"desk_name", "unit_name", "survey", "honeypot_field_name"}
    assert set(body["survey"]) == {"questions", "allow_comment"}
    assert body["desk_name"] == point.name and "Hoa Thám" in body["unit_name"]
    q = body["survey"]["questions"][0]
    assert set(q) == {"id", "factor", "text", "labels", "scale", "required"}
    assert len(body["survey"]["questions"]) == 11
    # nothing else opens without a login
    for path in (
        "/surveys",
        "/collection-points",
        "/survey-results",
        f"/collection-points/{point.id}",
        "/me",
    ):
        assert client.get(f"{V1}{path}").status_code == 401, path


def test_an_answer_is_recorded_without_login(client: TestClient, session: Session) -> None:
    point = desk(session, HT_DESK)
    before = _count(session, point.id or 0)
    r = client.post(
        f"{V1}/public/survey/{token_of(point)}/responses",
        json=sheet(session, point, 4, client_id=_client_id(), comment="Tốt", phone="+84 912 345 678"),
    )
    assert r.status_code == 201, r.text
    assert r.json() == {"thanks": True}
    assert _count(session, point.id or 0) == before + 1
    row = _latest(session, point.id or 0)
    assert row.source == "qr" and row.phone_hash and "912" not in row.phone_hash
    assert not (row.duplicate or row.honeypot)
    n = session.exec(
        select(func.count()).select_from(SurveyAnswer).where(SurveyAnswer.response_id == row.id)
    ).one()
    assert n == 11
    session.commit()


def test_unknown_forged_and_revoked_tokens_are_404(client: TestClient, session: Session) -> None:
    point = desk(session, HT_DESK)
    good = token_of(point)
    other = desk(session, TV_DESK)
    forged = f"{point.id}.{token_of(other).split('.')[1]}"  # another desk's signature
    for bad in (
        "abc",
        f"{point.id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        forged,
        "999999." + good.split(".")[1],
    ):
        assert client.get(f"{V1}/public/survey/{bad}").status_code == 404, bad
        r = client.post(f"{V1}/public/survey/{bad}/responses", json=sheet(session, point))
        assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    # revoked: the desk closed
    point.active = False
    session.add(point)
    session.commit()
    assert client.get(f"{V1}/public/survey/{good}").status_code == 404


def test_device_limit_answers_429_with_retry_after(
    client: TestClient, session: Session, with_settings: Any
) -> None:
    with_settings(survey_max_per_device=2, survey_window_seconds=600)
    point = desk(session, HT_DESK)
    url = f"{V1}/public/survey/{token_of(point)}/responses"
    cid = _client_id()
    before = _count(session, point.id or 0)
    for value in (5, 4):
        assert client.post(url, json=sheet(session, point, value, client_id=cid)).status_code == 201
    r = client.post(url, json=sheet(session, point, 3, client_id=cid))
    assert r.status_code == 429, r.text
    assert 1 <= int(r.headers["Retry-After"]) <= 600
    assert r.json()["code"] == "survey_rate_limited"
    assert _count(session, point.id or 0) == before + 2  # the refused one left nothing behind
    # another device still answers
    assert client.post(url, json=sheet(session, point, 3, client_id=_client_id())).status_code == 201


def test_address_limit_answers_429(client: TestClient, session: Session, with_settings: Any) -> None:
    with_settings(survey_max_per_address=3)
    point = desk(session, TV_DESK)
    url = f"{V1}/public/survey/{token_of(point)}/responses"
    for _ in range(3):
        assert client.post(url, json=sheet(session, point, client_id=_client_id())).status_code == 201
    r = client.post(url, json=sheet(session, point, client_id=_client_id()))
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    r = client.post(url, json=sheet(session, point))  # no device id: the address still counts
    assert r.status_code == 429


def test_same_device_same_answers_is_flagged_duplicate(client: TestClient, session: Session) -> None:
    point = desk(session, HT_DESK)
    url = f"{V1}/public/survey/{token_of(point)}/responses"
    cid = _client_id()
    assert client.post(url, json=sheet(session, point, 5, client_id=cid)).status_code == 201
    assert not _latest(session, point.id or 0).duplicate
    assert client.post(url, json=sheet(session, point, 5, client_id=cid)).status_code == 201
    assert _latest(session, point.id or 0).duplicate
    assert client.post(url, json=sheet(session, point, 2, client_id=cid)).status_code == 201
    assert not _latest(session, point.id or 0).duplicate  # other answers: not a duplicate
    assert client.post(url, json=sheet(session, point, 5, client_id=_client_id())).status_code == 201
    assert not _latest(session, point.id or 0).duplicate  # another device: not a duplicate


def test_honeypot_is_flagged_not_dropped(client: TestClient, session: Session) -> None:
    point = desk(session, HT_DESK)
    form = client.get(f"{V1}/public/survey/{token_of(point)}").json()
    body = sheet(session, point, client_id=_client_id())
    body[form["honeypot_field_name"]] = "http://spam.example"
    r = client.post(f"{V1}/public/survey/{token_of(point)}/responses", json=body)
    assert r.status_code == 201 and r.json() == {"thanks": True}  # the robot learns nothing
    assert _latest(session, point.id or 0).honeypot


def test_burst_and_out_of_hours_are_flagged(client: TestClient, session: Session, with_settings: Any) -> None:
    with_settings(survey_burst_count=2, survey_burst_seconds=600)
    point = desk(session, TV_DESK)
    point.open_days = "1-7"
    point.opening_hours = "00:00-00:01"  # closed almost all day: this answer is outside the hours
    session.add(point)
    session.commit()
    url = f"{V1}/public/survey/{token_of(point)}/responses"
    flags = []
    for _ in range(3):
        assert client.post(url, json=sheet(session, point, client_id=_client_id())).status_code == 201
        row = _latest(session, point.id or 0)
        flags.append((row.burst, row.out_of_hours))
    assert [b for b, _ in flags] == [False, False, True]
    now = datetime.now(UTC)
    if not (now.hour == 17 and now.minute <= 1):  # 00:00–00:01 in Asia/Ho_Chi_Minh
        assert all(o for _, o in flags)


def test_bad_answers_are_422_and_write_nothing(client: TestClient, session: Session) -> None:
    point = desk(session, HT_DESK)
    url = f"{V1}/public/survey/{token_of(point)}/responses"
    before = _count(session, point.id or 0)
    body = sheet(session, point)
    body["answers"] = body["answers"][1:]  # a required question left out
    r = client.post(url, json=body)
    assert r.status_code == 422 and r.json()["code"] == "invalid_answers"
    assert any(e["code"] == "missing_answer" for e in r.json()["errors"])
    body = sheet(session, point)
    body["answers"][0]["value"] = 0  # a 5-level question answered 0
    assert client.post(url, json=body).status_code == 422
    body = sheet(session, point)
    body["answers"][0]["question_id"] = 10**6
    assert client.post(url, json=body).status_code == 422
    assert client.post(url, json={**sheet(session, point), "is_admin": True}).status_code == 422
    assert _count(session, point.id or 0) == before


def test_a_big_body_is_413(client: TestClient, session: Session) -> None:
    point = desk(session, HT_DESK)
    body = sheet(session, point, comment="x" * 40_000)
    r = client.post(f"{V1}/public/survey/{token_of(point)}/responses", json=body)
    assert r.status_code == 413


def test_a_resent_answer_with_the_same_idempotency_key_is_recorded_once(
    client: TestClient, session: Session
) -> None:
    point = desk(session, HT_DESK)
    url = f"{V1}/public/survey/{token_of(point)}/responses"
    body = sheet(session, point, 4, client_id=_client_id())
    before = _count(session, point.id or 0)
    first = client.post(url, json=body, headers={"Idempotency-Key": "abc-123"})
    again = client.post(url, json=body, headers={"Idempotency-Key": "abc-123"})
    assert first.status_code == again.status_code == 201 and again.json() == {"thanks": True}
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert _count(session, point.id or 0) == before + 1
