"""The public form's fast path (issue 20's load target) keeps every limit: its per-process desk cache never lets a
revoked, rotated or retired desk take an answer, follows a desk moved to a new survey version or new opening
hours at once, and a warm answer costs a fixed handful of statements."""

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from api.models.survey import (
    CollectionPoint,
    QuestionScale,
    Survey,
    SurveyFactor,
    SurveyQuestion,
    SurveyStatus,
    SurveyThrottle,
)
from api.surveys import intake, tokens
from tests.surveys.conftest import HT_DESK, TV_DESK, V1, desk, sheet, token_of
from tests.surveys.test_public_form import _count, _latest


def _post(client: TestClient, token: str, body: dict[str, Any], **headers: str) -> int:
    return client.post(f"{V1}/public/survey/{token}/responses", json=body, headers=headers).status_code


def _cid() -> str:
    return uuid.uuid4().hex


def _throttle_hits(session: Session) -> int:
    session.expire_all()
    n = int(session.exec(select(func.coalesce(func.sum(SurveyThrottle.count), 0))).one())
    session.commit()
    return n


def test_a_desk_closed_in_the_database_refuses_the_next_answer(client: TestClient, session: Session) -> None:
    point = desk(session, HT_DESK)
    token = token_of(point)
    assert _post(client, token, sheet(session, point, client_id=_cid())) == 201
    assert point.id in intake._DESKS  # the cache is warm
    before, hits = _count(session, point.id or 0), _throttle_hits(session)
    # revoked behind the cache's back (another worker, or straight in the database): no time-to-live to wait for
    session.execute(
        sa.update(CollectionPoint).where(col(CollectionPoint.id) == point.id).values(active=False)
    )
    session.commit()
    r = client.post(f"{V1}/public/survey/{token}/responses", json=sheet(session, point, client_id=_cid()))
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    assert _count(session, point.id or 0) == before
    assert _throttle_hits(session) == hits  # the refused answer's throttle bump was rolled back too
    session.execute(sa.update(CollectionPoint).where(col(CollectionPoint.id) == point.id).values(active=True))
    session.commit()
    assert _post(client, token, sheet(session, point, client_id=_cid())) == 201


def test_a_rotated_token_is_refused_at_once_and_the_new_one_works(
    client: TestClient, session: Session
) -> None:
    point = desk(session, TV_DESK)
    old = token_of(point)
    assert _post(client, old, sheet(session, point, client_id=_cid())) == 201
    before = _count(session, point.id or 0)
    point.token_secret = tokens.new_point_secret()
    point.token_rotated_at = datetime.now(UTC)
    session.add(point)
    session.commit()
    new = token_of(point)
    assert _post(client, old, sheet(session, point, client_id=_cid())) == 404
    assert _post(client, new, sheet(session, point, client_id=_cid())) == 201
    assert _post(client, old, sheet(session, point, client_id=_cid())) == 404
    assert _count(session, point.id or 0) == before + 1


def test_a_retired_survey_stops_its_desks_at_once(client: TestClient, session: Session) -> None:
    point = desk(session, HT_DESK)
    token = token_of(point)
    assert _post(client, token, sheet(session, point, client_id=_cid())) == 201
    session.execute(
        sa.update(Survey).where(col(Survey.id) == point.survey_id).values(status=SurveyStatus.retired)
    )
    session.commit()
    assert _post(client, token, sheet(session, point, client_id=_cid())) == 404


def test_a_desk_moved_to_a_new_survey_version_validates_against_it(
    client: TestClient, session: Session
) -> None:
    point = desk(session, HT_DESK)
    token = token_of(point)
    old_sheet = sheet(session, point, 4, client_id=_cid())
    assert _post(client, token, old_sheet) == 201  # the old version is cached
    survey = Survey(
        code="KS-MOI",
        name="Phiếu mới",
        version=1,
        status=SurveyStatus.published,
        published_at=datetime.now(UTC),
        allow_comment=False,
    )
    session.add(survey)
    session.flush()
    session.add(
        SurveyQuestion(
            survey_id=survey.id or 0,
            code="Q1",
            factor=SurveyFactor.tiep_can,
            order=1,
            text="Câu hỏi mới",
            labels={},
            scale=QuestionScale.yes_no,
        )
    )
    session.execute(
        sa.update(CollectionPoint).where(col(CollectionPoint.id) == point.id).values(survey_id=survey.id)
    )
    session.commit()
    point = desk(session, HT_DESK)
    r = client.post(f"{V1}/public/survey/{token}/responses", json={**old_sheet, "client_id": _cid()})
    assert r.status_code == 422 and {e["code"] for e in r.json()["errors"]} >= {"unknown_question"}
    new_sheet = sheet(session, point, client_id=_cid())
    assert len(new_sheet["answers"]) == 1
    r = client.post(f"{V1}/public/survey/{token}/responses", json={**new_sheet, "comment": "Tốt"})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "comment_not_allowed"
    assert _post(client, token, new_sheet) == 201
    assert _latest(session, point.id or 0).survey_id == survey.id


def test_new_opening_hours_flag_the_next_answer(client: TestClient, session: Session) -> None:
    point = desk(session, TV_DESK)
    token = token_of(point)

    def hours(opening: str) -> bool:
        session.execute(
            sa.update(CollectionPoint)
            .where(col(CollectionPoint.id) == point.id)
            .values(opening_hours=opening, open_days="1-7")
        )
        session.commit()
        assert _post(client, token, sheet(session, point, client_id=_cid())) == 201
        return _latest(session, point.id or 0).out_of_hours

    assert hours("00:00-24:00") is False  # open all day, every day
    assert point.id in intake._DESKS
    now = datetime.now(UTC)
    if not (now.hour == 17 and now.minute <= 1):  # 00:00–00:01 in Asia/Ho_Chi_Minh
        assert hours("00:00-00:01") is True
    assert hours("00:00-24:00") is False


def test_duplicates_are_still_flagged_and_replays_still_replayed(
    client: TestClient, session: Session
) -> None:
    point = desk(session, HT_DESK)
    token = token_of(point)
    cid = _cid()
    assert _post(client, token, sheet(session, point, 3, client_id=cid), **{"Idempotency-Key": "a-1"}) == 201
    assert not _latest(session, point.id or 0).duplicate
    before = _count(session, point.id or 0)
    r = client.post(
        f"{V1}/public/survey/{token}/responses",
        json=sheet(session, point, 3, client_id=cid),
        headers={"Idempotency-Key": "a-1"},
    )
    assert (
        r.status_code == 201
        and r.headers.get("Idempotent-Replayed") == "true"
        and r.json() == {"thanks": True}
    )
    assert _count(session, point.id or 0) == before  # replayed, not recorded
    r = client.post(
        f"{V1}/public/survey/{token}/responses",
        json=sheet(session, point, 2, client_id=cid),
        headers={"Idempotency-Key": "a-1"},
    )
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"
    assert _post(client, token, sheet(session, point, 3, client_id=cid), **{"Idempotency-Key": "a-2"}) == 201
    assert _latest(session, point.id or 0).duplicate  # same device, same answers, another key


def test_a_warm_answer_costs_a_handful_of_statements(client: TestClient, session: Session, app: Any) -> None:
    point = desk(session, HT_DESK)
    token = token_of(point)
    assert _post(client, token, sheet(session, point, client_id=_cid())) == 201  # warm the desk cache
    engine: sa.Engine = app.state.engine
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.split()[0].upper())

    body = sheet(session, point, client_id=_cid())
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert _post(client, token, body, **{"Idempotency-Key": "warm-1"}) == 201
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    # no read of the desk or its questions (cached); PostgreSQL: one statement (the desk re-check, the replay
    # lookup, the throttle bump, the response with its answers, the idempotency record); SQLite: one each
    if engine.dialect.name == "postgresql":
        assert seen == ["WITH"], seen
    else:
        assert seen == ["BEGIN", "SELECT", "INSERT", "INSERT", "INSERT", "INSERT"], seen
