"""Recording one response (public form, kiosk, paper entry, import): validation, flags, an immutable row.

Nothing is ever dropped: a doubtful answer is stored with its flags — ``out_of_hours`` (outside the desk's
opening hours, local time), ``burst`` (more than ``survey_burst_count`` answers at the desk within
``survey_burst_seconds``), ``duplicate`` (the same device sent the same answers within
``survey_duplicate_seconds``), ``honeypot`` (the hidden field was filled: a robot) — and results leave the
duplicate and honeypot ones out. A response is never edited afterwards.
"""

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from api.authz import scope_survey
from api.config import Settings
from api.errors import FieldError, Unprocessable
from api.models.survey import (
    CollectionPoint,
    QuestionScale,
    ResponseSource,
    Survey,
    SurveyAnswer,
    SurveyFactor,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from api.surveys import tokens

# The hidden field of the public form: people never see it, form-filling robots do.
HONEYPOT_FIELD = "website"
SCALE_RANGE = {QuestionScale.likert5: (1, 5), QuestionScale.yes_no: (0, 1)}
_HOURS_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass
class Submission:
    answers: list[tuple[int, int]]
    source: ResponseSource
    comment: str | None = None
    phone: str | None = None
    client_id: str | None = None
    address: str | None = None
    answered_on: date | None = None
    honeypot: bool = False
    entered_by_id: int | None = None


# --- opening hours ----------------------------------------------------------------------------------------


def parse_hours(text: str) -> list[tuple[time, time]] | None:
    """``"07:30-11:30,13:30-17:00"`` → intervals; ``None`` when malformed."""
    out = []
    for part in text.split(","):
        m = _HOURS_RE.match(part)
        if not m:
            return None
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59:
            return None
        start, end = time(h1, m1), time(23, 59, 59) if h2 == 24 else time(h2, m2)
        if end <= start:
            return None
        out.append((start, end))
    return out


def parse_days(text: str) -> set[int] | None:
    """``"1-5"`` / ``"1-6"`` / ``"1,3,5"`` (ISO weekdays, 1 = Thứ Hai) → set; ``None`` when malformed."""
    days: set[int] = set()
    for part in text.replace(" ", "").split(","):
        if re.fullmatch(r"[1-7]-[1-7]", part):
            a, b = int(part[0]), int(part[2])
            if a > b:
                return None
            days.update(range(a, b + 1))
        elif re.fullmatch(r"[1-7]", part):
            days.add(int(part))
        else:
            return None
    return days


def hours_errors(opening_hours: str | None, open_days: str | None) -> list[FieldError]:
    errors = []
    if opening_hours is not None and parse_hours(opening_hours) is None:
        errors.append(
            FieldError(
                field="opening_hours",
                code="invalid_hours",
                message="Giờ làm việc không đúng dạng, ví dụ 07:30-11:30,13:30-17:00.",
                message_en="Opening hours must look like 07:30-11:30,13:30-17:00.",
            )
        )
    if open_days is not None and parse_days(open_days) is None:
        errors.append(
            FieldError(
                field="open_days",
                code="invalid_days",
                message="Ngày làm việc không đúng dạng, ví dụ 1-5 (Thứ Hai đến Thứ Sáu).",
                message_en="Open days must look like 1-5 (Monday to Friday).",
            )
        )
    return errors


def is_out_of_hours(point: CollectionPoint, local: datetime) -> bool:
    days, hours = parse_days(point.open_days), parse_hours(point.opening_hours)
    if days is None or hours is None:
        return False
    if local.isoweekday() not in days:
        return True
    now = local.time()
    return not any(start <= now <= end for start, end in hours)


# --- questions of a published survey (immutable: cached per process) --------------------------------------


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    code: str
    factor: SurveyFactor
    text: str
    labels: dict[str, Any]
    scale: QuestionScale
    required: bool


_CACHE: dict[tuple[int, str, int, Any], tuple[QuestionInfo, ...]] = {}


def questions_of(session: Session, survey: Survey) -> tuple[QuestionInfo, ...]:
    """The survey's questions in order. A published survey never changes, so its questions are kept per process
    (keyed by id, code, version and publication instant); a draft's are read each time."""
    key = (survey.id or 0, survey.code, survey.version, survey.published_at)
    if survey.status != SurveyStatus.draft and key in _CACHE:
        return _CACHE[key]
    rows = tuple(
        QuestionInfo(q.id or 0, q.code, q.factor, q.text, dict(q.labels), q.scale, q.required)
        for q in session.exec(scope_survey.survey_questions([survey.id or 0])).all()
    )
    if survey.status != SurveyStatus.draft:
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = rows
    return rows


# --- answers ----------------------------------------------------------------------------------------------


def answer_errors(
    questions: Sequence[SurveyQuestion | QuestionInfo],
    answers: list[tuple[int, int]],
    prefix: str = "answers",
) -> list[FieldError]:
    """Every problem of the answers against the survey's questions (Vietnamese, per field)."""
    by_id = {q.id: q for q in questions}
    errors: list[FieldError] = []
    seen: set[int] = set()
    for i, (qid, value) in enumerate(answers):
        q = by_id.get(qid)
        if q is None:
            errors.append(
                FieldError(
                    field=f"{prefix}.{i}.question_id",
                    code="unknown_question",
                    message="Câu hỏi không thuộc phiếu khảo sát này.",
                    message_en="The question is not part of this survey.",
                )
            )
            continue
        if qid in seen:
            errors.append(
                FieldError(
                    field=f"{prefix}.{i}.question_id",
                    code="duplicate_answer",
                    message="Một câu hỏi được trả lời hai lần.",
                    message_en="A question is answered twice.",
                )
            )
        seen.add(qid)
        lo, hi = SCALE_RANGE[q.scale]
        if not lo <= value <= hi:
            errors.append(
                FieldError(
                    field=f"{prefix}.{i}.value",
                    code="out_of_range",
                    message=f"Câu trả lời phải từ {lo} đến {hi}.",
                    message_en=f"The answer must be between {lo} and {hi}.",
                )
            )
    for q in questions:
        if q.required and q.id not in seen:
            errors.append(
                FieldError(
                    field=prefix,
                    code="missing_answer",
                    message=f"Chưa trả lời câu hỏi bắt buộc: {q.text}",
                    message_en=f"Required question {q.code} is not answered.",
                )
            )
    return errors


def refuse(errors: list[FieldError]) -> Unprocessable:
    return Unprocessable(
        "Phiếu trả lời chưa hợp lệ; xem các lỗi theo từng câu.",
        "The answers are not valid; see the field errors.",
        code="invalid_answers",
        errors=errors,
    )


def answers_digest(settings: Settings, answers: list[tuple[int, int]], comment: str | None) -> str:
    payload = json.dumps([sorted(answers), (comment or "").strip().lower()], separators=(",", ":"))
    return tokens.keyed_hash(settings.effective_secret(), "answers", payload)


# --- recording --------------------------------------------------------------------------------------------


def record(
    session: Session,
    settings: Settings,
    *,
    point: CollectionPoint,
    survey: Survey,
    sub: Submission,
    now: datetime,
) -> SurveyResponse:
    """Write one response with its flags and answers (validated by the caller)."""
    secret = settings.effective_secret()
    local = now.astimezone(ZoneInfo(settings.timezone))
    client_hash = tokens.keyed_hash(secret, "client", sub.client_id) if sub.client_id else None
    digest = answers_digest(settings, sub.answers, sub.comment)
    live = sub.source in (ResponseSource.qr, ResponseSource.kiosk)
    burst = duplicate = False
    if live:  # one statement for both checks
        recent, same = session.execute(
            scope_survey.live_checks(
                point.id or 0,
                now - timedelta(seconds=settings.survey_burst_seconds),
                client_hash,
                digest,
                now - timedelta(seconds=settings.survey_duplicate_seconds),
            )
        ).one()
        burst = int(recent) >= settings.survey_burst_count
        duplicate = bool(same)
    phone = tokens.normalise_phone(sub.phone) if sub.phone else ""
    response = SurveyResponse(
        point_id=point.id or 0,
        unit_id=point.unit_id,
        survey_id=survey.id or 0,
        source=sub.source,
        submitted_at=now,
        answered_on=sub.answered_on or local.date(),
        client_hash=client_hash,
        address_hash=tokens.keyed_hash(secret, "address", sub.address) if sub.address else None,
        phone_hash=tokens.keyed_hash(secret, "phone", phone) if phone else None,
        answers_hash=digest,
        comment=(sub.comment or "").strip() or None,
        out_of_hours=live and is_out_of_hours(point, local),
        burst=burst,
        duplicate=duplicate,
        honeypot=sub.honeypot,
        entered_by_id=sub.entered_by_id,
    )
    session.add(response)
    session.flush()
    session.execute(
        sa.insert(SurveyAnswer.__table__),  # type: ignore[attr-defined]
        [{"response_id": response.id, "question_id": q, "value": v} for q, v in sub.answers],
    )
    return response
