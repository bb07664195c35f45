"""The public survey form: the one unauthenticated write of the API (mounted without login in api/main.py).

``GET /public/survey/{token}`` answers the desk's name, its unit's name and the published questions — nothing
else; ``POST /public/survey/{token}/responses`` records an answer. Limits: the token is signed per desk
(:mod:`api.surveys.tokens`), 404 for anything unknown, revoked or retired (one answer, so a token cannot be probed);
per-device and per-address rate limits shared by every worker (:mod:`api.surveys.throttle`, 429 with
``Retry-After``); bodies of at most ``PARSIPAS_AUTH_MAX_BODY_KB`` (api/edge.py); unknown fields refused. Doubtful
answers are flagged, never dropped (:mod:`api.surveys.intake`).

The POST is built for volume (issue 20: 200 answers a second on one process): no ORM session, one worker-thread
hop, at most ``WRITERS`` answers written at once, and on PostgreSQL one SQL statement per answer
(:func:`api.surveys.intake.submit_public`, which also tells how its per-process desk cache stays exact).
"""

import asyncio
import weakref
from typing import Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from api.authz import scope_survey
from api.config import Settings, get_settings
from api.db import SessionDep
from api.errors import NotFound, Problem
from api.idempotency import IdempotencyDep
from api.models.survey import CollectionPoint, Survey
from api.surveys import intake, tokens
from api.surveys.schemas import AnswerIn, PublicForm, PublicQuestion, PublicSurvey, PublicThanks

router = APIRouter(prefix="/public/survey", tags=["public-survey"])


class PublicResponseIn(BaseModel):
    """One answer sheet. ``website`` is the hidden honeypot field: leave it empty."""

    model_config = ConfigDict(extra="forbid")

    answers: list[AnswerIn] = Field(min_length=1, max_length=100)
    comment: str | None = Field(default=None, max_length=2000)
    phone: str | None = Field(default=None, max_length=20, pattern=r"^[0-9+ .()-]{6,20}$")
    kiosk: bool = False
    client_id: str | None = Field(default=None, min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    website: str | None = Field(default=None, max_length=500)


def _settings(request: Request) -> Settings:
    return getattr(request.app.state, "settings", None) or get_settings()


# At most this many answers are written at once per process: the rest wait in the event loop, not in worker
# threads (which the other routes share) nor for a pooled connection (past the pool's size, PostgreSQL
# connections would be opened and closed per answer under a burst). Enough to overlap commits' disk waits.
WRITERS = 8
_LIMITERS: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter]" = (
    weakref.WeakKeyDictionary()
)


def _limiter() -> anyio.CapacityLimiter:
    loop = asyncio.get_running_loop()
    limiter = _LIMITERS.get(loop)
    if limiter is None:
        limiter = _LIMITERS[loop] = anyio.CapacityLimiter(WRITERS)
    return limiter


def _unknown() -> NotFound:
    return NotFound("Mã khảo sát", "Survey link")


def _desk(session: Session, settings: Settings, token: str) -> tuple[CollectionPoint, str, Survey]:
    point_id = tokens.token_point_id(token)
    if point_id is None:
        raise _unknown()
    row = session.exec(scope_survey.public_point(point_id)).first()  # type: ignore[call-overload]
    if row is None:
        raise _unknown()
    point, unit_name, survey = row
    if not tokens.token_matches(settings.effective_secret(), token, point.id or 0, point.token_secret):
        raise _unknown()
    return point, unit_name, survey


_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "Mã không đúng, đã thu hồi hoặc phiếu đã ngừng dùng"},
}


@router.get(
    "/{token}",
    response_model=PublicForm,
    operation_id="public_survey-form",
    responses=_RESPONSES,
    summary="Phiếu khảo sát của một điểm (không cần đăng nhập) / the desk's form",
)
def get_form(token: str, request: Request, session: SessionDep) -> PublicForm:
    point, unit_name, survey = _desk(session, _settings(request), token)
    questions = intake.questions_of(session, survey)
    return PublicForm(
        desk_name=point.name,
        unit_name=unit_name,
        survey=PublicSurvey(
            questions=[
                PublicQuestion(
                    id=q.id or 0,
                    factor=q.factor,
                    text=q.text,
                    labels=q.labels,
                    scale=q.scale,
                    required=q.required,
                )
                for q in questions
            ],
            allow_comment=survey.allow_comment,
        ),
        honeypot_field_name=intake.HONEYPOT_FIELD,
    )


@router.post(
    "/{token}/responses",
    status_code=201,
    response_model=PublicThanks,
    operation_id="public_survey-respond",
    responses={
        **_RESPONSES,
        429: {"model": Problem, "description": "Gửi quá nhiều phiếu (xem Retry-After)"},
    },
    summary="Gửi phiếu trả lời (không cần đăng nhập) / send an answer sheet",
)
async def respond(token: str, body: PublicResponseIn, request: Request, idem: IdempotencyDep) -> Response:
    # The fast path (issue 20's load target): no ORM session, one worker-thread hop, plain SQL — see
    # :func:`api.surveys.intake.submit_public` for the statements and how the desk cache stays correct.
    point_id = tokens.token_point_id(token)
    if point_id is None:
        raise _unknown()
    sub = intake.PublicSubmission(
        point_id=point_id,
        token=token,
        answers=[(a.question_id, a.value) for a in body.answers],
        comment=body.comment,
        phone=body.phone,
        client_id=body.client_id,
        kiosk=body.kiosk,
        honeypot=bool(body.website),
        address=request.client.host if request.client else None,
        idempotency_key=idem.key,
        request_hash=idem.request_hash if idem.key else "",
        path=request.url.path if idem.key else "",
    )
    out = await anyio.to_thread.run_sync(
        intake.submit_public,
        request.app.state.engine,
        _settings(request),
        sub,
        _unknown(),
        limiter=_limiter(),
    )
    headers = {"Idempotent-Replayed": "true"} if out.replayed else None
    return Response(out.body, status_code=out.status, headers=headers, media_type="application/json")


routers = [router]
