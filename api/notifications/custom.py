"""A district's own notification texts (``NotificationTemplate``): read by the job and the inbox, edited by Phòng
Nội vụ. The shipped Vietnamese/English texts of :mod:`api.notifications.templates` stay the default; a unit's
messages use the text of its nearest ancestor (or itself) that has one for the kind and the recipient's language."""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from api.audit.service import diff, record, snapshot
from api.authz import scope
from api.authz import scope_notifications as scope_n
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import FieldError, NotFound, Unprocessable
from api.etag import make_etag
from api.models import NotificationKind, OrgUnit, UnitLevel
from api.models.notification import NotificationTemplate
from api.notifications import templates
from api.notifications.schemas import (
    LANGUAGES,
    TEMPLATE_KINDS,
    NotificationTemplateRead,
    PlaceholderRead,
    TemplatePreview,
    TemplatesRead,
    TemplateWrite,
)

AUDIT_FIELDS = ["subject", "text", "html"]
SAMPLE: dict[str, Any] = {
    "task_label": "1.2",
    "task_title": "Rà soát, công bố thủ tục hành chính",
    "unit_name": "UBND xã Mẫu",
    "due_date": "2024-10-15",
    "days": 3,
    "reason": "Thiếu biên bản kiểm tra",
    "excerpt": "Đề nghị bổ sung minh chứng.",
    "period_name": "Báo cáo quý III năm 2024",
    "round_name": "Đánh giá Chỉ số CCHC năm 2024",
    "count": 4,
    "hours": 26,
    "attempts": 5,
    "day": "2024-10-15",
    "link": "/notifications",
}


class TemplateBook:
    """Every district's own texts, read in one statement, matched by unit path."""

    def __init__(self, session: Session) -> None:
        self.by_unit: dict[tuple[int, str, str], templates.Override] = {}
        for t, _path in session.execute(scope_n.templates_with_paths()).all():
            kind = t.kind.value if isinstance(t.kind, NotificationKind) else str(t.kind)
            self.by_unit[(t.unit_id, kind, t.language)] = templates.Override(t.subject, t.text, t.html)
        self.paths: dict[int, str] = {}

    def load_paths(self, session: Session, unit_ids: Iterable[int | None]) -> None:
        ids = sorted({u for u in unit_ids if u is not None} - set(self.paths))
        if self.by_unit and ids:
            self.paths.update(dict(session.execute(scope_n.unit_paths(ids)).all()))

    def override(
        self, unit_id: int | None, kind: NotificationKind | str, language: str | None
    ) -> templates.Override | None:
        if not self.by_unit or unit_id is None:
            return None
        k = kind.value if isinstance(kind, NotificationKind) else str(kind)
        lang = templates.lang_of(language)
        for part in reversed(self.paths.get(unit_id, "").strip("/").split("/")):
            if part and (found := self.by_unit.get((int(part), k, lang))) is not None:
                return found
        return None


# --- editing (Phòng Nội vụ, plans:manage over the district) ------------------------------------------------------


def district(session: Session, principal: Principal, unit_id: int) -> OrgUnit:
    unit = scope.get_unit(session, principal, unit_id, Permission.plans_manage)
    if unit.level == UnitLevel.commune:
        raise Unprocessable(
            "Mẫu thông báo đặt cho cấp huyện hoặc tỉnh, không đặt cho xã.",
            "Notification templates are set per district or province.",
            code="not_a_district",
        )
    return unit


def _own(session: Session, unit_id: int) -> dict[tuple[str, str], NotificationTemplate]:
    rows = session.exec(scope_n.unit_templates(unit_id)).all()
    return {
        (t.kind.value if isinstance(t.kind, NotificationKind) else str(t.kind), t.language): t for t in rows
    }


def _kind(kind: str) -> NotificationKind:
    try:
        found = NotificationKind(kind)
    except ValueError:
        found = None
    if found is None or found not in TEMPLATE_KINDS:
        raise NotFound("Loại thông báo", "Notification kind")
    return found


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise NotFound("Ngôn ngữ", "Language")
    return language


def etag_of(unit_id: int, row: NotificationTemplate | None, kind: str, language: str) -> str:
    return make_etag(f"notification_template-{kind}-{language}", unit_id, row.version if row else 0)


def _read(
    unit_id: int, kind: NotificationKind, language: str, row: NotificationTemplate | None
) -> NotificationTemplateRead:
    default = templates.Override(
        templates.SUBJECTS[language][kind], templates.BODIES[language].get(kind, ""), None
    )
    return NotificationTemplateRead(
        kind=kind,
        language=language,
        customized=row is not None,
        subject=row.subject if row else default.subject,
        text=row.text if row else default.text,
        html=row.html if row else None,
        default_subject=default.subject,
        default_text=default.text,
        etag=etag_of(unit_id, row, kind.value, language),
    )


def list_templates(session: Session, principal: Principal, unit_id: int) -> TemplatesRead:
    unit = district(session, principal, unit_id)
    own = _own(session, unit_id)
    items = [
        _read(unit_id, kind, lang, own.get((kind.value, lang)))
        for kind in TEMPLATE_KINDS
        for lang in LANGUAGES
    ]
    return TemplatesRead(
        unit_id=unit_id,
        unit_name=unit.name,
        items=items,
        placeholders=[PlaceholderRead(name=k, label=v["vi"]) for k, v in templates.PLACEHOLDERS.items()],
    )


def get_one(
    session: Session, principal: Principal, unit_id: int, kind: str, language: str
) -> tuple[OrgUnit, NotificationKind, str, NotificationTemplate | None]:
    unit = district(session, principal, unit_id)
    k, lang = _kind(kind), _language(language)
    return unit, k, lang, _own(session, unit_id).get((k.value, lang))


def validate(data: TemplateWrite) -> str | None:
    """Field errors of a template (422 with every problem listed); returns the sanitised HTML."""
    errors: list[FieldError] = []
    for name, value in (("subject", data.subject), ("text", data.text), ("html", data.html or "")):
        for problem in templates.check(value):
            errors.append(FieldError(field=name, code="unknown_placeholder", message=problem))
    if "\n" in data.subject or "\r" in data.subject:
        errors.append(FieldError(field="subject", code="invalid", message="Tiêu đề chỉ được có một dòng."))
    if errors:
        raise Unprocessable(
            "Mẫu thông báo chưa hợp lệ: " + " ".join(e.message for e in errors),
            "The template is not valid (unknown placeholder or unbalanced braces).",
            code="invalid_template",
            errors=errors,
        )
    return templates.clean_html(data.html) if data.html and data.html.strip() else None


def preview(data: TemplateWrite, kind: str, language: str) -> TemplatePreview:
    k, lang = _kind(kind), _language(language)
    markup = validate(data)
    override = templates.Override(data.subject, data.text, markup)
    r = templates.render(k, SAMPLE, lang, None, override)
    return TemplatePreview(subject=r.subject, text=r.text, html=r.html)


def put(
    session: Session,
    principal: Principal,
    *,
    unit: OrgUnit,
    kind: NotificationKind,
    language: str,
    row: NotificationTemplate | None,
    data: TemplateWrite,
) -> NotificationTemplateRead:
    markup = validate(data)
    before = snapshot(row, AUDIT_FIELDS) if row else {}
    row = row or NotificationTemplate(unit_id=unit.id or 0, kind=kind, language=language, subject="", text="")
    row.subject, row.text, row.html = data.subject.strip(), data.text, markup
    row.updated_by_id, row.updated_at = principal.user_id, datetime.now(UTC)
    session.add(row)
    session.flush()
    changes = diff(before, snapshot(row, AUDIT_FIELDS))
    record(
        session,
        principal,
        "update",
        "notification_template",
        row.id,
        unit.id,
        changes,
        f"{kind.value}/{language}",
    )
    return _read(unit.id or 0, kind, language, row)


def reset(
    session: Session,
    principal: Principal,
    *,
    unit: OrgUnit,
    kind: NotificationKind,
    language: str,
    row: NotificationTemplate | None,
) -> NotificationTemplateRead:
    """Back to the shipped text (idempotent)."""
    if row is not None:
        record(
            session,
            principal,
            "delete",
            "notification_template",
            row.id,
            unit.id,
            None,
            f"{kind.value}/{language}",
        )
        session.delete(row)
        session.flush()
    return _read(unit.id or 0, kind, language, None)
