"""Helpers of the survey tests: the demo's desks, their public tokens, answer sheets."""

from typing import Any

import pytest
from sqlmodel import Session, select

from api.config import get_settings
from api.models.survey import CollectionPoint, SurveyQuestion
from api.surveys import tokens

V1 = "/api/v1"
HT_DESK = "BG.HOATHAM.MOTCUA"
TV_DESK = "BG.TANVAN.MOTCUA"
BG_DESK = "BG.MOTCUA"


def desk(session: Session, code: str) -> CollectionPoint:
    point = session.exec(select(CollectionPoint).where(CollectionPoint.code == code)).one()
    session.commit()  # SQLite: a test's open transaction would hold the write lock the app needs
    return point


def token_of(point: CollectionPoint) -> str:
    return tokens.point_token(get_settings().effective_secret(), point.id or 0, point.token_secret)


def sheet(session: Session, point: CollectionPoint, value: int = 5, **extra: Any) -> dict[str, Any]:
    """A complete answer sheet: every question answered ``value`` (yes/no questions: yes)."""
    qs = session.exec(select(SurveyQuestion).where(SurveyQuestion.survey_id == point.survey_id)).all()
    answers = [{"question_id": q.id, "value": value if q.scale == "likert5" else 1} for q in qs]
    session.commit()
    return {"answers": answers, **extra}


@pytest.fixture
def with_settings(app):  # type: ignore[no-untyped-def]
    """``with_settings(survey_max_per_device=2)`` swaps the app's settings for this test."""

    def swap(**update: Any) -> None:
        app.state.settings = app.state.settings.model_copy(update=update)

    return swap
