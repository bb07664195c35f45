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
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from api.authz import scope_survey
from api.config import Settings
from api.errors import FieldError, Unprocessable
from api.models.base import utcnow
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
    return _answer_errors(
        {q.id or 0: (*SCALE_RANGE[q.scale], q.required, q.code, q.text) for q in questions}, answers, prefix
    )


def _answer_errors(
    questions: dict[int, tuple[int, int, bool, str, str]], answers: list[tuple[int, int]], prefix: str
) -> list[FieldError]:
    """:func:`answer_errors` over question id → (lowest, highest value, required, code, text)."""
    errors: list[FieldError] = []
    seen: set[int] = set()
    for i, (qid, value) in enumerate(answers):
        q = questions.get(qid)
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
        lo, hi = q[0], q[1]
        if not lo <= value <= hi:
            errors.append(
                FieldError(
                    field=f"{prefix}.{i}.value",
                    code="out_of_range",
                    message=f"Câu trả lời phải từ {lo} đến {hi}.",
                    message_en=f"The answer must be between {lo} and {hi}.",
                )
            )
    for qid, (_lo, _hi, required, code, text) in questions.items():
        if required and qid not in seen:
            errors.append(
                FieldError(
                    field=prefix,
                    code="missing_answer",
                    message=f"Chưa trả lời câu hỏi bắt buộc: {text}",
                    message_en=f"Required question {code} is not answered.",
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


# --- the public form's fast path --------------------------------------------------------------------------
#
# ``POST /public/survey/{token}/responses`` must take hundreds of answers a second on one process (issue 20's load
# target: 200/s for 30 s). It runs in one worker-thread hop with plain SQL on one pooled connection — no ORM
# objects — and at most four statements in one transaction: the idempotency replay (only with an
# ``Idempotency-Key``), the throttle bump (:func:`api.surveys.throttle.bump`), one statement that writes the
# response with its flags and its answers (PostgreSQL: one ``INSERT … SELECT`` with the answers in a data-modifying
# CTE; SQLite: two), and the idempotency record. The desk's token secret, opening hours and survey questions come
# from a per-process cache (:data:`_DESKS`), but the insert only succeeds ``WHERE`` the desk row still holds what the
# cache holds (still active, same token secret, survey, hours, and its survey still published): a revoked,
# rotated, retired or edited desk inserts nothing, the entry is dropped and re-read at once, so a revocation made
# by any process (or straight in the database) takes effect on the next answer — no time-to-live.


@dataclass(frozen=True)
class Desk:
    """What the public form needs of one desk, read once per process and re-checked by every insert."""

    point_id: int
    token_secret: str
    survey_id: int
    opening_hours: str
    open_days: str
    allow_comment: bool
    days: frozenset[int] | None
    hours: tuple[tuple[time, time], ...] | None
    # question id → (lowest, highest value, required, code, text)
    questions: dict[int, tuple[int, int, bool, str, str]]


_DESKS: dict[int, Desk] = {}
_DESK_CACHE_MAX = 10_000

_LOAD_DESK = sa.text(
    "SELECT cp.id, cp.token_secret, cp.survey_id, cp.opening_hours, cp.open_days, s.allow_comment,"
    " q.id, q.code, q.text, q.scale, q.required"
    " FROM collection_point cp JOIN survey s ON s.id = cp.survey_id"
    " JOIN survey_question q ON q.survey_id = s.id"
    " WHERE cp.id = :point_id AND cp.active AND s.status = 'published'"
    ' ORDER BY q."order", q.id'
)


def forget_desk(point_id: int) -> None:
    """Drop a desk from this process's cache (the insert's check makes this an optimisation, not a guarantee)."""
    _DESKS.pop(point_id, None)


def load_desk(conn: sa.Connection, point_id: int) -> Desk | None:
    """Read an active desk with a published survey (and cache it), else ``None``."""
    rows = conn.execute(_LOAD_DESK, {"point_id": point_id}).all()
    if not rows:
        _DESKS.pop(point_id, None)
        return None
    first = rows[0]
    days, hours = parse_days(first[4]), parse_hours(first[3])
    desk = Desk(
        point_id=first[0],
        token_secret=first[1],
        survey_id=first[2],
        opening_hours=first[3],
        open_days=first[4],
        allow_comment=bool(first[5]),
        days=frozenset(days) if days is not None else None,
        hours=tuple(hours) if hours is not None else None,
        questions={r[6]: (*SCALE_RANGE[QuestionScale(r[9])], bool(r[10]), r[7], r[8]) for r in rows},
    )
    if len(_DESKS) >= _DESK_CACHE_MAX:
        _DESKS.clear()
    _DESKS[point_id] = desk
    return desk


def desk_out_of_hours(desk: Desk, local: datetime) -> bool:
    if desk.days is None or desk.hours is None:
        return False
    if local.isoweekday() not in desk.days:
        return True
    now = local.time()
    return not any(start <= now <= end for start, end in desk.hours)


def public_answer_errors(desk: Desk, answers: list[tuple[int, int]], comment: str | None) -> list[FieldError]:
    """:func:`answer_errors` against the cached questions, and the comment when the survey takes none."""
    errors = _answer_errors(desk.questions, answers, "answers")
    if comment and not desk.allow_comment:
        errors.append(
            FieldError(
                field="comment",
                code="comment_not_allowed",
                message="Phiếu này không nhận ý kiến khác.",
                message_en="This survey takes no comment.",
            )
        )
    return errors


_TS = UTCDateTime()
_RESPONSE_SELECT = (
    # strings are cast: PostgreSQL must deduce one type per parameter (a select list says text, a column varchar)
    "SELECT cp.id, cp.unit_id, cp.survey_id, CAST(:source AS VARCHAR), :now, :answered_on,"
    " CAST(:client_hash AS VARCHAR), CAST(:address_hash AS VARCHAR), CAST(:phone_hash AS VARCHAR),"
    " CAST(:answers_hash AS VARCHAR), CAST(:comment AS TEXT), :out_of_hours,"
    # burst: at least N answers at the desk in the window (reads at most N index entries)
    " (SELECT count(*) FROM (SELECT 1 FROM survey_response b WHERE b.point_id = cp.id"
    " AND b.submitted_at >= :burst_since LIMIT :burst_count) bb) >= :burst_count,"
    # duplicate: the same device sent the same answers in the window (never without a device id)
    " EXISTS (SELECT 1 FROM survey_response d WHERE d.client_hash = CAST(:client_hash AS VARCHAR)"
    " AND d.submitted_at >= :duplicate_since AND d.answers_hash = CAST(:answers_hash AS VARCHAR)),"
    " :honeypot"
    " FROM collection_point cp JOIN survey s ON s.id = cp.survey_id"
    # what the cached desk holds must still hold: else nothing is written (revoked, rotated, retired, edited)
    " WHERE cp.id = :point_id AND cp.active AND cp.token_secret = :token_secret AND cp.survey_id = :survey_id"
    " AND cp.opening_hours = :opening_hours AND cp.open_days = :open_days AND s.status = 'published'"
    " AND (s.allow_comment OR CAST(:comment AS TEXT) IS NULL)"
)
_RESPONSE_COLUMNS = (
    "INSERT INTO survey_response (point_id, unit_id, survey_id, source, submitted_at, answered_on, client_hash,"
    " address_hash, phone_hash, answers_hash, comment, out_of_hours, burst, duplicate, honeypot) "
)
_TYPES = (
    sa.bindparam("now", type_=_TS),
    sa.bindparam("burst_since", type_=_TS),
    sa.bindparam("duplicate_since", type_=_TS),
    sa.bindparam("answered_on", type_=sa.Date()),
)
# PostgreSQL: everything in one statement — the desk re-check, the idempotency replay lookup, the throttle bump
# (skipped for a replay or a changed desk), the response with its answers (only when no limit is passed) and the
# idempotency record. The caller reads one row per part and rolls back unless the answer is recorded, so a
# refused answer counts against no limit (as :func:`api.surveys.throttle.check`).
_DESK_PG = (
    "SELECT cp.id, cp.unit_id, cp.survey_id FROM collection_point cp JOIN survey s ON s.id = cp.survey_id"
    " WHERE cp.id = :point_id AND cp.active AND cp.token_secret = :token_secret AND cp.survey_id = :survey_id"
    " AND cp.opening_hours = :opening_hours AND cp.open_days = :open_days AND s.status = 'published'"
    " AND (s.allow_comment OR CAST(:comment AS TEXT) IS NULL)"
)
_SUBMIT_PG = (
    sa.text(
        "WITH desk AS (" + _DESK_PG + "),"  # noqa: S608 (constants only)
        " idem AS (SELECT request_hash, status_code, response_body FROM idempotency_record"
        " WHERE principal = CAST(:sender AS VARCHAR) AND key = CAST(:idem_key AS VARCHAR)),"
        " bump AS (INSERT INTO survey_throttle (key, window_start, count)"
        " SELECT t.k, :tnow, 1 FROM unnest(CAST(:keys AS VARCHAR[])) WITH ORDINALITY AS t(k, n)"
        " WHERE EXISTS (SELECT 1 FROM desk) AND NOT EXISTS (SELECT 1 FROM idem) ORDER BY t.n"
        " ON CONFLICT (key) DO UPDATE SET"
        " count = CASE WHEN survey_throttle.window_start <= :expired THEN 1 ELSE survey_throttle.count + 1 END,"
        " window_start = CASE WHEN survey_throttle.window_start <= :expired THEN :tnow"
        " ELSE survey_throttle.window_start END"
        " RETURNING key, count, window_start),"
        " r AS ("
        + _RESPONSE_COLUMNS
        + "SELECT desk.id, desk.unit_id, desk.survey_id, CAST(:source AS VARCHAR),"
        " :now, :answered_on, CAST(:client_hash AS VARCHAR), CAST(:address_hash AS VARCHAR),"
        " CAST(:phone_hash AS VARCHAR), CAST(:answers_hash AS VARCHAR), CAST(:comment AS TEXT), :out_of_hours,"
        " (SELECT count(*) FROM (SELECT 1 FROM survey_response b WHERE b.point_id = desk.id"
        " AND b.submitted_at >= :burst_since LIMIT :burst_count) bb) >= :burst_count,"
        " EXISTS (SELECT 1 FROM survey_response d WHERE d.client_hash = CAST(:client_hash AS VARCHAR)"
        " AND d.submitted_at >= :duplicate_since AND d.answers_hash = CAST(:answers_hash AS VARCHAR)),"
        " :honeypot FROM desk WHERE NOT EXISTS (SELECT 1 FROM idem) AND NOT EXISTS (SELECT 1 FROM bump"
        " JOIN unnest(CAST(:keys AS VARCHAR[]), CAST(:limits AS INTEGER[])) AS l(k, lim) ON l.k = bump.key"
        " WHERE bump.count > l.lim) RETURNING id),"
        " a AS (INSERT INTO survey_answer (response_id, question_id, value)"
        " SELECT r.id, v.q, v.v FROM r, unnest(CAST(:qids AS integer[]), CAST(:vals AS integer[])) AS v(q, v)),"
        " i AS (INSERT INTO idempotency_record (principal, key, method, path, request_hash, status_code,"
        " response_body, response_headers, created_at) SELECT CAST(:sender AS VARCHAR),"
        " CAST(:idem_key AS VARCHAR), 'POST', CAST(:path AS VARCHAR), CAST(:request_hash AS VARCHAR), 201,"
        " CAST(:body AS TEXT), '{}', :now FROM r WHERE CAST(:idem_key AS VARCHAR) IS NOT NULL)"
        " SELECT 'd' AS kind, NULL AS txt, CAST(NULL AS INTEGER) AS num,"
        " CAST(NULL AS TIMESTAMP WITH TIME ZONE) AS at, CAST(NULL AS TEXT) AS body FROM desk"
        " UNION ALL SELECT 'r', CAST(id AS VARCHAR), NULL, NULL, NULL FROM r"
        " UNION ALL SELECT 'i', request_hash, status_code, NULL, response_body FROM idem"
        " UNION ALL SELECT 'b', key, count, window_start, NULL FROM bump"
    )
    .bindparams(*_TYPES, sa.bindparam("tnow", type_=_TS), sa.bindparam("expired", type_=_TS))
    .columns(
        sa.column("kind", sa.String),
        sa.column("txt", sa.String),
        sa.column("num", sa.Integer),
        sa.column("at", _TS),
        sa.column("body", sa.Text),
    )
)
_INSERT_SQLITE = sa.text(_RESPONSE_COLUMNS + _RESPONSE_SELECT + " RETURNING id").bindparams(*_TYPES)
_INSERT_ANSWERS = sa.text("INSERT INTO survey_answer (response_id, question_id, value) VALUES (:r, :q, :v)")
_IDEM_READ = sa.text(
    "SELECT request_hash, status_code, response_body FROM idempotency_record WHERE principal = :p AND key = :k"
)
_IDEM_WRITE = sa.text(
    "INSERT INTO idempotency_record (principal, key, method, path, request_hash, status_code, response_body,"
    " response_headers, created_at) VALUES (:p, :k, 'POST', :path, :h, 201, :body, '{}', :now)"
).bindparams(sa.bindparam("now", type_=_TS))
THANKS = b'{"thanks":true}'


@dataclass
class PublicSubmission:
    """A parsed public answer sheet and what the request tells of its sender."""

    point_id: int
    token: str
    answers: list[tuple[int, int]]
    comment: str | None
    phone: str | None
    client_id: str | None
    kiosk: bool
    honeypot: bool
    address: str | None
    idempotency_key: str | None = None
    request_hash: str = ""
    path: str = ""


@dataclass
class Outcome:
    status: int
    body: bytes
    replayed: bool = False


def _replay(conn: sa.Connection, sender: str, sub: PublicSubmission) -> Outcome | None:
    row = conn.execute(_IDEM_READ, {"p": sender, "k": sub.idempotency_key}).first()
    if row is None:
        return None
    if row[0] != sub.request_hash:
        raise _key_reused()
    return Outcome(int(row[1]), str(row[2]).encode(), replayed=True)


def _key_reused() -> Unprocessable:
    from api.idempotency import HEADER

    return Unprocessable(
        "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác. Hãy dùng khóa mới.",
        "This Idempotency-Key was already used with a different request.",
        code="idempotency_key_reused",
        errors=[
            FieldError(field=HEADER, code="idempotency_key_reused", message="Khóa đã dùng cho yêu cầu khác")
        ],
    )


def submit_public(
    engine: sa.Engine, settings: Settings, sub: PublicSubmission, unknown: Exception
) -> Outcome:
    """Check, throttle and record one public answer (runs in a worker thread; one transaction)."""
    from api.surveys import throttle

    secret = settings.effective_secret()
    client_hash = tokens.keyed_hash(secret, "client", sub.client_id) if sub.client_id else None
    address_hash = tokens.keyed_hash(secret, "address", sub.address) if sub.address else None
    # Idempotency keys are kept per device, or per address without a device id.
    sender = (
        "survey:" + client_hash
        if client_hash
        else "survey-addr:" + (address_hash or tokens.keyed_hash(secret, "address", ""))
    )[:80]
    limits: dict[str, int] = {}
    if client_hash:
        if sub.kiosk:
            limits["k:" + client_hash] = settings.survey_max_per_kiosk
        else:
            limits["c:" + client_hash] = settings.survey_max_per_device
    if address_hash:
        limits["a:" + address_hash] = settings.survey_max_per_address
    digest = answers_digest(settings, sub.answers, sub.comment)
    phone = tokens.normalise_phone(sub.phone) if sub.phone else ""
    comment = (sub.comment or "").strip() or None
    params_base: dict[str, Any] = {
        "sender": sender,
        "client_hash": client_hash,
        "address_hash": address_hash,
        "phone_hash": tokens.keyed_hash(secret, "phone", phone) if phone else None,
        "answers_hash": digest,
        "comment": comment,
    }
    for attempt in (0, 1):
        desk = _DESKS.get(sub.point_id) if attempt == 0 else None
        try:
            with engine.connect() as conn, conn.begin():
                stale = desk is None or not tokens.token_matches(
                    secret, sub.token, sub.point_id, desk.token_secret
                )
                errors = [] if desk is None or stale else public_answer_errors(desk, sub.answers, sub.comment)
                if stale or errors:
                    # not cached, cached before a rotation, or the answers do not fit the cached survey (the
                    # desk may have moved to another version): read the desk afresh before refusing anything
                    desk = load_desk(conn, sub.point_id)
                    if desk is None or not tokens.token_matches(
                        secret, sub.token, sub.point_id, desk.token_secret
                    ):
                        raise unknown
                    errors = public_answer_errors(desk, sub.answers, sub.comment)
                if errors:
                    raise refuse(errors)
                assert desk is not None
                real_now = datetime.now(UTC)  # a security clock (not the demo's pinned date)
                if conn.dialect.name == "postgresql":
                    return _submit_pg(conn, settings, desk, sub, dict(params_base), limits, real_now)
                if sub.idempotency_key and (replayed := _replay(conn, sender, sub)) is not None:
                    return replayed
                throttle.check(conn, limits, now=real_now, window_seconds=settings.survey_window_seconds)
                _record_public(conn, settings, desk, sub, dict(params_base))
        except _StaleDesk:
            # the desk changed since it was cached: nothing was written (the throttle bump rolled back too)
            forget_desk(sub.point_id)
            continue
        return Outcome(201, THANKS)
    raise unknown


class _StaleDesk(Exception):
    pass


def _params(settings: Settings, desk: Desk, sub: PublicSubmission, base: dict[str, Any]) -> dict[str, Any]:
    now = utcnow()
    local = now.astimezone(_zone(settings.timezone))
    return {
        **base,
        "source": (ResponseSource.kiosk if sub.kiosk else ResponseSource.qr).value,
        "now": now,
        "answered_on": local.date(),
        "out_of_hours": desk_out_of_hours(desk, local),
        "burst_since": now - timedelta(seconds=settings.survey_burst_seconds),
        "burst_count": settings.survey_burst_count,
        "duplicate_since": now - timedelta(seconds=settings.survey_duplicate_seconds),
        "honeypot": sub.honeypot,
        "point_id": desk.point_id,
        "token_secret": desk.token_secret,
        "survey_id": desk.survey_id,
        "opening_hours": desk.opening_hours,
        "open_days": desk.open_days,
    }


def _submit_pg(
    conn: sa.Connection,
    settings: Settings,
    desk: Desk,
    sub: PublicSubmission,
    base: dict[str, Any],
    limits: dict[str, int],
    real_now: datetime,
) -> Outcome:
    from api.surveys import throttle

    params = _params(settings, desk, sub, base)
    params.update(
        qids=[q for q, _ in sub.answers],
        vals=[v for _, v in sub.answers],
        keys=list(limits),
        limits=list(limits.values()),
        tnow=real_now,
        expired=real_now - timedelta(seconds=settings.survey_window_seconds),
        idem_key=sub.idempotency_key,
        path=sub.path[:500],
        request_hash=sub.request_hash,
        body=THANKS.decode(),
    )
    desk_ok, response_id, stored = False, None, None
    counts: dict[str, tuple[int, datetime]] = {}
    for kind, txt, num, at, body in conn.execute(_SUBMIT_PG, params):
        if kind == "d":
            desk_ok = True
        elif kind == "r":
            response_id = txt
        elif kind == "i":
            stored = (txt, num, body)
        else:
            counts[txt] = (num, at)
    if not desk_ok:
        raise _StaleDesk  # the desk changed since it was cached: roll back (the throttle bump too), re-read
    if stored is not None:
        if stored[0] != sub.request_hash:
            raise _key_reused()
        # a replay: the statement wrote nothing (no bump, no response), so it counts against no limit
        return Outcome(int(stored[1]), str(stored[2]).encode(), replayed=True)
    throttle.refuse_over(counts, limits, now=real_now, window_seconds=settings.survey_window_seconds)
    if response_id is None:
        raise _StaleDesk
    return Outcome(201, THANKS)


def _record_public(
    conn: sa.Connection, settings: Settings, desk: Desk, sub: PublicSubmission, base: dict[str, Any]
) -> None:
    sender = base.pop("sender")
    params = _params(settings, desk, sub, base)
    now = params["now"]
    response_id = conn.execute(_INSERT_SQLITE, params).scalar()
    if response_id is None:
        raise _StaleDesk
    conn.execute(_INSERT_ANSWERS, [{"r": response_id, "q": q, "v": v} for q, v in sub.answers])
    if sub.idempotency_key:
        conn.execute(
            _IDEM_WRITE,
            {"p": sender, "k": sub.idempotency_key, "path": sub.path[:500],
             "h": sub.request_hash, "body": THANKS.decode(), "now": now},
        )  # fmt: skip


_ZONES: dict[str, ZoneInfo] = {}


def _zone(name: str) -> ZoneInfo:
    zone = _ZONES.get(name)
    if zone is None:
        zone = _ZONES[name] = ZoneInfo(name)
    return zone
