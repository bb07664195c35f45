"""``/notifications``: the caller's inbox, unread count, mark read, preferences; the administrators' settings."""

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlmodel import col

from api.auth.deps import CurrentPrincipal, require
from api.authz.permissions import Permission
from api.db import SessionDep
from api.etag import require_if_match, set_etag
from api.models import NotificationMessage
from api.notifications import custom, service
from api.notifications.schemas import (
    DistrictSettingRead,
    DistrictSettingUpdate,
    MarkedRead,
    NotificationRead,
    NotificationSettingsRead,
    NotificationTemplateRead,
    PreferencesRead,
    PreferencesUpdate,
    TemplatePreview,
    TemplatesRead,
    TemplateWrite,
    UnreadCount,
)
from api.observability import register_outbox
from api.pagination import Page, PageDep, paginate

router = APIRouter(prefix="/notifications", tags=["notifications"])
register_outbox("notification", service.outbox_backlog)  # /metrics: depth and age of the unsent messages
P = Permission
SORT = {"id": NotificationMessage.id, "created_at": NotificationMessage.created_at}


@router.get("", response_model=Page[NotificationRead], operation_id="notifications-list")
def list_notifications(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep, unread: bool | None = None
) -> dict[str, Any]:
    """Hộp thư thông báo: the caller's own messages, newest first (``unread=true`` for the unread ones)."""
    stmt = service.inbox_query(principal, unread=unread)
    return paginate(
        session,
        stmt,
        page,
        sort_fields=SORT,
        default_order=[col(NotificationMessage.id).desc()],
        transform=service.reads_for(session, principal),
    )


@router.get("/unread-count", response_model=UnreadCount, operation_id="notifications-unread_count")
def unread_count(session: SessionDep, principal: CurrentPrincipal) -> UnreadCount:
    return UnreadCount(unread=service.unread_count(session, principal))


@router.post("/read-all", response_model=MarkedRead, operation_id="notifications-read_all")
def read_all(session: SessionDep, principal: CurrentPrincipal) -> MarkedRead:
    """Đánh dấu tất cả đã đọc (idempotent: no If-Match, reading changes nothing anyone else sees)."""
    return MarkedRead(updated=service.mark_all_read(session, principal))


@router.get("/preferences", response_model=PreferencesRead, operation_id="notifications-get_preferences")
def get_preferences(
    request: Request, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> PreferencesRead:
    rows = service.own_preferences(session, principal)
    set_etag(response, service.preferences_etag(rows, principal.user_id))
    return service.preferences_read(session, principal, request.app.state.settings, rows)


@router.put("/preferences", response_model=PreferencesRead, operation_id="notifications-put_preferences")
def put_preferences(
    body: PreferencesUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> PreferencesRead:
    """Cách nhận thông báo: channel per event kind, at once or in the daily digest at ``digest_hour``."""
    rows = service.own_preferences(session, principal)
    require_if_match(request, service.preferences_etag(rows, principal.user_id))
    rows = service.put_preferences(session, principal, rows, body)
    set_etag(response, service.preferences_etag(rows, principal.user_id))
    return service.preferences_read(session, principal, request.app.state.settings, rows)


@router.get(
    "/settings",
    response_model=NotificationSettingsRead,
    operation_id="notifications-settings",
    dependencies=[require(P.users_manage)],
)
def settings(request: Request, session: SessionDep, principal: CurrentPrincipal) -> NotificationSettingsRead:
    """Administrators: which channels are on (and why not), messages parked after failing, districts' N/M/K."""
    return service.settings_view(session, principal, request.app.state.settings)


@router.post(
    "/retry-parked",
    response_model=MarkedRead,
    operation_id="notifications-retry_parked",
    dependencies=[require(P.users_manage)],
)
def retry_parked(session: SessionDep, principal: CurrentPrincipal) -> MarkedRead:
    """Gửi lại các thông báo đang tạm dừng (about objects of units in reach); idempotent."""
    return MarkedRead(updated=service.retry_parked(session, principal))


@router.get(
    "/settings/{unit_id}",
    response_model=DistrictSettingRead,
    operation_id="notifications-get_district_setting",
    dependencies=[require(P.plans_manage)],
)
def get_district_setting(
    unit_id: int, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> DistrictSettingRead:
    unit, setting, etag = service.district_setting(session, principal, unit_id)
    set_etag(response, etag)
    values = (
        DistrictSettingUpdate(
            due_soon_days=setting.due_soon_days,
            escalate_head_days=setting.escalate_head_days,
            escalate_district_days=setting.escalate_district_days,
            report_open_days=setting.report_open_days,
            delivery_failing_hours=setting.delivery_failing_hours,
        )
        if setting
        else DistrictSettingUpdate()
    )
    return DistrictSettingRead(unit_id=unit_id, unit_name=unit.name, **values.model_dump())


@router.put(
    "/settings/{unit_id}",
    response_model=DistrictSettingRead,
    operation_id="notifications-put_district_setting",
    dependencies=[require(P.plans_manage)],
)
def put_district_setting(
    unit_id: int,
    body: DistrictSettingUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> DistrictSettingRead:
    """Ngưỡng đôn đốc của huyện: N days before the deadline, M and K days overdue (ETag / If-Match)."""
    unit, setting, etag = service.district_setting(session, principal, unit_id)
    require_if_match(request, etag)
    out = service.put_district_setting(session, unit=unit, setting=setting, data=body)
    _, _, new_etag = service.district_setting(session, principal, unit_id)
    set_etag(response, new_etag)
    return out


@router.get(
    "/templates/{unit_id}",
    response_model=TemplatesRead,
    operation_id="notifications-list_templates",
    dependencies=[require(P.plans_manage)],
)
def list_templates(unit_id: int, session: SessionDep, principal: CurrentPrincipal) -> TemplatesRead:
    """Mẫu thông báo của huyện: every kind in Vietnamese and English, the district's own text or the shipped one,
    and the placeholders a text may use."""
    return custom.list_templates(session, principal, unit_id)


@router.post(
    "/templates/{unit_id}/{kind}/{language}/preview",
    response_model=TemplatePreview,
    operation_id="notifications-preview_template",
    dependencies=[require(P.plans_manage)],
)
def preview_template(
    unit_id: int,
    kind: str,
    language: str,
    body: TemplateWrite,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> TemplatePreview:
    """Xem trước: the text filled with sample values (validated like a save; nothing is stored)."""
    custom.district(session, principal, unit_id)
    return custom.preview(body, kind, language)


@router.put(
    "/templates/{unit_id}/{kind}/{language}",
    response_model=NotificationTemplateRead,
    operation_id="notifications-put_template",
    dependencies=[require(P.plans_manage)],
)
def put_template(
    unit_id: int,
    kind: str,
    language: str,
    body: TemplateWrite,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> NotificationTemplateRead:
    """Thay mẫu: unknown placeholders are refused (422) before anything is stored; If-Match the item's etag."""
    unit, k, lang, row = custom.get_one(session, principal, unit_id, kind, language)
    require_if_match(request, custom.etag_of(unit_id, row, k.value, lang))
    out = custom.put(session, principal, unit=unit, kind=k, language=lang, row=row, data=body)
    set_etag(response, out.etag)
    return out


@router.delete(
    "/templates/{unit_id}/{kind}/{language}",
    response_model=NotificationTemplateRead,
    operation_id="notifications-reset_template",
    dependencies=[require(P.plans_manage)],
)
def reset_template(
    unit_id: int,
    kind: str,
    language: str,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> NotificationTemplateRead:
    """Dùng lại mẫu mặc định (If-Match the item's etag)."""
    unit, k, lang, row = custom.get_one(session, principal, unit_id, kind, language)
    require_if_match(request, custom.etag_of(unit_id, row, k.value, lang))
    out = custom.reset(session, principal, unit=unit, kind=k, language=lang, row=row)
    set_etag(response, out.etag)
    return out


@router.post("/{message_id}/read", response_model=NotificationRead, operation_id="notifications-read")
def read_one(message_id: int, session: SessionDep, principal: CurrentPrincipal) -> NotificationRead:
    """Đánh dấu đã đọc (idempotent); another user's message answers 404."""
    return service.mark_read(session, principal, message_id)
