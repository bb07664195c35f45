"""Rules of the survey definitions, desks and paper entry. Services flush, never commit.

- A survey is edited only as a **draft**; publishing freezes it (a published survey never changes: a new version is
  a copy, ``POST /surveys`` with ``copy_from_id``); retiring stops its desks from taking new answers.
- A desk belongs to a unit; ``surveys:manage`` over that unit creates and edits it; its token can be rotated
  (every printed QR code of the desk stops working).
- Paper answers (``surveys:enter`` on the desk's unit) go through the same validation as the public form.
"""

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col

from api.audit.service import diff, record, record_create, snapshot
from api.authz import scope, scope_survey
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.config import Settings
from api.errors import Conflict, FieldError, Unprocessable
from api.models import Framework, FrameworkKind, FrameworkNode, PlanStatus, Task
from api.models.base import utcnow
from api.models.survey import (
    CollectionPoint,
    ResponseSource,
    Survey,
    SurveyQuestion,
    SurveyStatus,
)
from api.surveys import intake, languages, tokens
from api.surveys.schemas import (
    FACTOR_NAMES,
    PaperBatch,
    PaperResult,
    PointCreate,
    PointRead,
    PointUpdate,
    QuestionIn,
    QuestionRead,
    SurveyCreate,
    SurveyRead,
    SurveyUpdate,
)

P = Permission
SURVEY_FIELDS = ["code", "name", "version", "status", "framework_id", "allow_comment", "owner_unit_id"]
POINT_FIELDS = ["unit_id", "code", "name", "address", "opening_hours", "open_days", "active", "survey_id"]


def _bad(field: str, message: str, message_en: str, code: str = "invalid") -> Unprocessable:
    return Unprocessable(message, message_en, errors=[FieldError(field=field, code=code, message=message)])


# --- reads ------------------------------------------------------------------------------------------------


def survey_actions(principal: Principal, survey: Survey, manageable: bool) -> list[str]:
    actions = []
    if principal.has(P.surveys_manage):
        actions.append("copy")
    if manageable and survey.status == SurveyStatus.draft:
        actions += ["edit", "publish"]
    if manageable and survey.status == SurveyStatus.published:
        actions.append("retire")
    return actions


def survey_reads(session: Session, principal: Principal, surveys: list[Survey]) -> list[SurveyRead]:
    ids = [s.id or 0 for s in surveys]
    questions: dict[int, list[SurveyQuestion]] = {}
    for q in session.exec(scope_survey.survey_questions(ids)).all():
        questions.setdefault(q.survey_id, []).append(q)
    manageable = set(
        session.exec(
            scope_survey.visible_surveys(principal, P.surveys_manage)
            .where(col(Survey.id).in_(ids))
            .with_only_columns(col(Survey.id))  # type: ignore[call-overload]
        ).all()
    )
    return [
        SurveyRead(
            id=s.id or 0,
            owner_unit_id=s.owner_unit_id,
            code=s.code,
            name=s.name,
            version=s.version,
            status=s.status,
            verified=s.verified,
            source_note=s.source_note,
            framework_id=s.framework_id,
            allow_comment=s.allow_comment,
            published_at=s.published_at,
            questions=[_question_read(q) for q in questions.get(s.id or 0, [])],
            languages=languages.status(s, [q.labels or {} for q in questions.get(s.id or 0, [])]),
            allowed_actions=survey_actions(principal, s, s.id in manageable),
        )
        for s in surveys
    ]


def _question_read(q: SurveyQuestion) -> QuestionRead:
    return QuestionRead(
        id=q.id or 0,
        code=q.code,
        factor=q.factor,
        factor_name=FACTOR_NAMES[q.factor],
        order=q.order,
        text=q.text,
        labels=q.labels,  # type: ignore[arg-type]
        scale=q.scale,
        required=q.required,
        node_id=q.node_id,
    )


# --- writes: surveys --------------------------------------------------------------------------------------


def _check_framework(session: Session, principal: Principal, framework_id: int | None) -> None:
    if framework_id is None:
        return
    fw = scope.get_framework(session, principal, framework_id)
    if fw.kind != FrameworkKind.sipas:
        raise _bad(
            "framework_id", "Bộ chỉ số phải là bộ chỉ số SIPAS.", "The framework must be a SIPAS framework."
        )


def _check_questions(
    session: Session, principal: Principal, framework_id: int | None, questions: list[QuestionIn]
) -> None:
    errors: list[FieldError] = []
    codes: set[str] = set()
    for i, q in enumerate(questions):
        if q.code in codes:
            errors.append(
                FieldError(
                    field=f"questions.{i}.code", code="duplicate", message=f"Mã câu hỏi {q.code} bị lặp."
                )
            )
        codes.add(q.code)
    node_ids = sorted({q.node_id for q in questions if q.node_id is not None})
    if node_ids:
        found = {
            n.id: n
            for n in session.exec(
                scope.visible_nodes(principal).where(col(FrameworkNode.id).in_(node_ids))
            ).all()
        }
        for i, q in enumerate(questions):
            node = found.get(q.node_id) if q.node_id is not None else None
            if q.node_id is not None and (
                node is None or (framework_id and node.framework_id != framework_id)
            ):
                errors.append(
                    FieldError(
                        field=f"questions.{i}.node_id",
                        code="unknown_node",
                        message="Tiêu chí không thuộc bộ chỉ số SIPAS của phiếu.",
                        message_en="The node is not part of the survey's SIPAS framework.",
                    )
                )
    if errors:
        raise Unprocessable(
            "Câu hỏi chưa hợp lệ; xem lỗi theo từng câu.", "Invalid questions.", errors=errors
        )


def _replace_questions(session: Session, survey: Survey, questions: list[QuestionIn]) -> None:
    for old in session.exec(scope_survey.survey_questions([survey.id or 0])).all():
        session.delete(old)
    session.flush()
    for order, q in enumerate(questions, start=1):
        session.add(
            SurveyQuestion(
                survey_id=survey.id or 0,
                code=q.code,
                factor=q.factor,
                order=q.order or order,
                text=q.text,
                labels=q.labels.model_dump(exclude_none=True),
                scale=q.scale,
                required=q.required,
                node_id=q.node_id,
            )
        )


def create_survey(session: Session, principal: Principal, *, data: SurveyCreate) -> Survey:
    """A new draft owned by ``owner_unit_id``: a copy of ``copy_from_id`` (the next version of its code when no
    other code is given) or a blank one with ``questions``."""
    unit = scope.get_unit(session, principal, data.owner_unit_id, P.surveys_manage)
    source: Survey | None = None
    questions: list[QuestionIn]
    if data.copy_from_id is not None:
        source = scope_survey.get_survey(session, principal, data.copy_from_id)
        questions = data.questions or [
            QuestionIn(
                code=q.code,
                factor=q.factor,
                order=q.order,
                text=q.text,
                labels=q.labels,  # type: ignore[arg-type]
                scale=q.scale,
                required=q.required,
                node_id=q.node_id,
            )
            for q in session.exec(scope_survey.survey_questions([source.id or 0])).all()
        ]
    else:
        if not data.code or not data.name or not data.questions:
            raise _bad(
                "questions",
                "Phiếu mới cần mã, tên và ít nhất một câu hỏi (hoặc sao chép từ một phiếu có sẵn).",
                "A new survey needs a code, a name and questions (or copy_from_id).",
                "required",
            )
        questions = data.questions
    code = data.code or (source.code if source else "")
    framework_id = (
        data.framework_id if data.framework_id is not None else (source.framework_id if source else None)
    )
    _check_framework(session, principal, framework_id)
    _check_questions(session, principal, framework_id, questions)
    latest = session.exec(scope_survey.survey_versions(code)).one()
    survey = Survey(
        owner_unit_id=unit.id,
        code=code,
        name=data.name or (source.name if source else code),
        version=int(latest or 0) + 1,
        status=SurveyStatus.draft,
        verified=False,
        source_note=source.source_note if source else None,
        framework_id=framework_id,
        allow_comment=data.allow_comment if data.copy_from_id is None else source.allow_comment,  # type: ignore[union-attr]
        cloned_from_id=source.id if source else None,
    )
    session.add(survey)
    session.flush()
    _replace_questions(session, survey, questions)
    session.flush()
    record_create(session, principal, "survey", survey, unit.id, SURVEY_FIELDS)
    return survey


def _ensure_draft(survey: Survey) -> None:
    if survey.status != SurveyStatus.draft:
        raise Conflict(
            "Phiếu đã phát hành thì không sửa được. Hãy tạo phiên bản mới (sao chép) rồi sửa.",
            "A published survey is immutable; copy it into a new version.",
            code="survey_not_draft",
        )


def update_survey(session: Session, principal: Principal, *, survey: Survey, data: SurveyUpdate) -> Survey:
    _ensure_draft(survey)
    before = snapshot(survey, SURVEY_FIELDS)
    values = data.model_dump(exclude_unset=True, exclude={"questions"})
    if "framework_id" in values:
        _check_framework(session, principal, values["framework_id"])
    for key, value in values.items():
        if value is not None or key in ("source_note", "framework_id"):
            setattr(survey, key, value)
    if data.questions is not None:
        _check_questions(session, principal, survey.framework_id, data.questions)
        _replace_questions(session, survey, data.questions)
    survey.updated_at = utcnow()
    session.add(survey)
    session.flush()
    record(
        session,
        principal,
        "update",
        "survey",
        survey.id,
        survey.owner_unit_id,
        diff(before, snapshot(survey, SURVEY_FIELDS)),
    )
    return survey


def publish(session: Session, principal: Principal, *, survey: Survey) -> Survey:
    _ensure_draft(survey)
    if not list(session.exec(scope_survey.survey_questions([survey.id or 0])).all()):
        raise Conflict("Phiếu chưa có câu hỏi nào.", "The survey has no question.", code="survey_empty")
    survey.status = SurveyStatus.published
    survey.published_at = utcnow()
    session.add(survey)
    session.flush()
    record(
        session,
        principal,
        "publish",
        "survey",
        survey.id,
        survey.owner_unit_id,
        {"status": {"from": "draft", "to": "published"}},
    )
    return survey


def retire(session: Session, principal: Principal, *, survey: Survey) -> Survey:
    if survey.status != SurveyStatus.published:
        raise Conflict(
            "Chỉ phiếu đang dùng mới ngừng được.",
            "Only a published survey can be retired.",
            code="survey_not_published",
        )
    survey.status = SurveyStatus.retired
    survey.updated_at = utcnow()
    session.add(survey)
    session.flush()
    record(
        session,
        principal,
        "retire",
        "survey",
        survey.id,
        survey.owner_unit_id,
        {"status": {"from": "published", "to": "retired"}},
    )
    return survey


# --- writes: collection points ----------------------------------------------------------------------------


def _usable_survey(session: Session, principal: Principal, survey_id: int | None) -> Survey:
    if survey_id is None:
        survey = session.exec(scope_survey.default_survey()).first()
        if survey is None:
            raise _bad(
                "survey_id",
                "Chưa có phiếu khảo sát nào đang dùng; hãy chọn phiếu.",
                "No published survey.",
                "required",
            )
        return survey
    survey = scope_survey.get_survey(session, principal, survey_id)
    if survey.status != SurveyStatus.published:
        raise _bad(
            "survey_id",
            "Chỉ gắn được phiếu đang dùng (đã phát hành).",
            "Only a published survey can be used.",
        )
    return survey


def _check_hours(opening_hours: str | None, open_days: str | None) -> None:
    errors = intake.hours_errors(opening_hours, open_days)
    if errors:
        raise Unprocessable(errors[0].message, errors[0].message_en, errors=errors)


def create_point(session: Session, principal: Principal, *, data: PointCreate) -> CollectionPoint:
    unit = scope.get_unit(session, principal, data.unit_id, P.surveys_manage)
    survey = _usable_survey(session, principal, data.survey_id)
    _check_hours(data.opening_hours, data.open_days)
    if session.exec(scope_survey.point_code_taken(data.code)).first() is not None:
        raise _bad(
            "code", f"Mã điểm khảo sát {data.code} đã có.", "Duplicate collection point code.", "duplicate"
        )
    point = CollectionPoint(
        unit_id=unit.id or 0,
        code=data.code,
        name=data.name,
        address=data.address,
        opening_hours=data.opening_hours,
        open_days=data.open_days,
        survey_id=survey.id or 0,
        token_secret=tokens.new_point_secret(),
    )
    session.add(point)
    session.flush()
    record_create(session, principal, "collection_point", point, unit.id, POINT_FIELDS)
    return point


def update_point(
    session: Session, principal: Principal, *, point: CollectionPoint, data: PointUpdate
) -> CollectionPoint:
    before = snapshot(point, POINT_FIELDS)
    values = data.model_dump(exclude_unset=True)
    _check_hours(values.get("opening_hours"), values.get("open_days"))
    if values.get("survey_id") is not None:
        values["survey_id"] = _usable_survey(session, principal, values["survey_id"]).id
    for key, value in values.items():
        if value is not None or key == "address":
            setattr(point, key, value)
    point.updated_at = utcnow()
    session.add(point)
    session.flush()
    record(
        session,
        principal,
        "update",
        "collection_point",
        point.id,
        point.unit_id,
        diff(before, snapshot(point, POINT_FIELDS)),
    )
    return point


def rotate_token(session: Session, principal: Principal, *, point: CollectionPoint) -> CollectionPoint:
    """A new secret: every QR code printed so far stops working."""
    point.token_secret = tokens.new_point_secret()
    point.token_rotated_at = datetime.now(UTC)
    session.add(point)
    session.flush()
    record(
        session,
        principal,
        "rotate_token",
        "collection_point",
        point.id,
        point.unit_id,
        None,
        "Đổi mã QR (mã cũ hết hiệu lực)",
    )
    return point


def point_reads(
    session: Session, principal: Principal, points: list[CollectionPoint], settings: Settings, base_url: str
) -> list[PointRead]:
    ids = [p.id or 0 for p in points]
    names = {
        p.id: (unit_name, survey_name)
        for p, unit_name, survey_name in session.execute(scope_survey.point_rows(ids)).all()
    }
    unit_paths = {u.id: u.path for u in session.exec(scope.units_by_ids([p.unit_id for p in points])).all()}
    secret = settings.effective_secret()
    out = []
    for p in points:
        path = unit_paths.get(p.unit_id, "")
        manage = principal.covers(P.surveys_manage, p.unit_id, path)
        enter = principal.covers(P.surveys_enter, p.unit_id, path)
        token = tokens.point_token(secret, p.id or 0, p.token_secret) if manage else None
        actions = (["edit", "rotate_token"] if manage else []) + (["enter_paper"] if enter else [])
        if manage or enter:
            actions.append("poster")
        unit_name, survey_name = names.get(p.id, ("", ""))
        out.append(
            PointRead(
                id=p.id or 0,
                unit_id=p.unit_id,
                unit_name=unit_name,
                code=p.code,
                name=p.name,
                address=p.address,
                opening_hours=p.opening_hours,
                open_days=p.open_days,
                active=p.active,
                survey_id=p.survey_id,
                survey_name=survey_name,
                token=token,
                public_url=public_url(base_url, token) if token else None,
                poster_pdf_url=f"/api/v1/collection-points/{p.id}/poster.pdf",
                poster_png_url=f"/api/v1/collection-points/{p.id}/poster.png",
                token_rotated_at=p.token_rotated_at,
                allowed_actions=actions,
            )
        )
    return out


def public_url(base_url: str, token: str) -> str:
    """The SPA's public form for a token (what the QR code holds)."""
    return f"{base_url.rstrip('/')}/khao-sat/{token}"


# --- paper entry ------------------------------------------------------------------------------------------


def enter_paper(
    session: Session, principal: Principal, settings: Settings, *, point: CollectionPoint, data: PaperBatch
) -> PaperResult:
    """Record a batch of paper forms of one desk: all or none (every error listed with its form number)."""
    survey = scope_survey.get_survey(session, principal, point.survey_id)
    questions = list(session.exec(scope_survey.survey_questions([survey.id or 0])).all())
    today = settings.today()
    errors: list[FieldError] = []
    for i, r in enumerate(data.responses):
        answers = [(a.question_id, a.value) for a in r.answers]
        errors += intake.answer_errors(questions, answers, prefix=f"responses.{i}.answers")
        if r.answered_on > today:
            errors.append(
                FieldError(
                    field=f"responses.{i}.answered_on",
                    code="future_date",
                    message="Ngày khảo sát ở tương lai.",
                )
            )
    if errors:
        raise intake.refuse(errors)
    now = utcnow()
    for r in data.responses:
        intake.record(
            session,
            settings,
            point=point,
            survey=survey,
            sub=intake.Submission(
                answers=[(a.question_id, a.value) for a in r.answers],
                source=ResponseSource.paper,
                comment=r.comment,
                answered_on=r.answered_on,
                entered_by_id=principal.user_id,
            ),
            now=now,
        )
    record(
        session, principal, "paper_entry", "collection_point", point.id, point.unit_id,
        {"responses": len(data.responses)}, "Nhập phiếu khảo sát giấy",
    )  # fmt: skip
    return PaperResult(created=len(data.responses), flagged={})


# --- from a weak result to work ---------------------------------------------------------------------------

WEAK_RESULT_REASON = "Bổ sung nhiệm vụ từ kết quả khảo sát sự hài lòng tại bộ phận một cửa"
LABEL_PREFIX = "KS-"


def task_from_result(session: Session, principal: Principal, *, data: Any) -> Task:
    """A task of ``plan_id`` linked to the SIPAS node of a weak factor or question, through the plans service (so it
    gets its assignments, history, notifications and buckets like any other row of the appendix)."""
    from api.plans.schemas import TaskCreate
    from api.plans.tasks import create_task

    plan = scope.get_plan(session, principal, data.plan_id, P.plans_manage)
    node = session.exec(
        scope.visible_nodes(principal)
        .join(Framework, col(Framework.id) == col(FrameworkNode.framework_id))
        .where(FrameworkNode.id == data.node_id, Framework.kind == FrameworkKind.sipas)
    ).first()
    if node is None:
        raise _bad(
            "node_id",
            "Tiêu chí SIPAS không tồn tại hoặc bạn không được xem.",
            "Unknown SIPAS node.",
            "unknown_node",
        )
    labels = session.exec(
        scope.visible_tasks(principal, P.plans_manage)
        .where(Task.plan_id == plan.id, col(Task.label).startswith(LABEL_PREFIX))
        .with_only_columns(col(Task.label))  # type: ignore[call-overload]
    ).all()
    numbers = [int(x[len(LABEL_PREFIX) :]) for x in labels if x[len(LABEL_PREFIX) :].isdigit()]
    label = f"{LABEL_PREFIX}{max(numbers, default=0) + 1}"
    return create_task(
        session,
        principal,
        plan=plan,
        data=TaskCreate(
            label=label,
            title=data.title,
            lead_unit_id=data.lead_unit_id,
            due_date=data.due_date,
            product=data.product,
            section_id=data.section_id,
            node_ids=[node.id or 0],
            reason=data.reason or (WEAK_RESULT_REASON if plan.status == PlanStatus.issued else None),
        ),
    )
