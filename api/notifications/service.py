"""The reader's side of notifications: the inbox (own messages only), preferences, and the settings page."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from api.authz import scope
from api.authz import scope_notifications as scope_n
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.config import Settings
from api.errors import Forbidden, NotFound, Unprocessable
from api.etag import make_etag
from api.models import (
    MessageStatus,
    NotificationMessage,
    NotificationPreference,
    NotificationSetting,
    UnitLevel,
)
from api.notifications import events, templates
from api.notifications.custom import TemplateBook
from api.notifications.schemas import (
    USER_KINDS,
    ChannelStatus,
    DistrictSettingRead,
    DistrictSettingUpdate,
    KindPreference,
    NotificationRead,
    NotificationSettingsRead,
    PreferencesRead,
    PreferencesUpdate,
)

M = NotificationMessage
P = Permission


# --- inbox --------------------------------------------------------------------------------------------------------


def inbox_query(principal: Principal, *, unread: bool | None = None) -> Any:
    stmt = scope_n.visible_inbox(principal)
    if unread is True:
        stmt = stmt.where(col(M.read_at).is_(None))
    elif unread is False:
        stmt = stmt.where(col(M.read_at).is_not(None))
    return stmt


def _language(session: Session, principal: Principal) -> str | None:
    if principal.user_id is None:
        return None
    row = session.execute(scope_n.recipient_emails([principal.user_id])).first()
    return row[4] if row else None


def reads_for(session: Session, principal: Principal) -> Any:
    """A page transform rendering messages in the reader's language and with the district's own texts (a fixed
    number of statements: the language, the templates, the units' paths)."""
    language = _language(session, principal)
    book = TemplateBook(session)

    def transform(rows: list[NotificationMessage]) -> list[NotificationRead]:
        book.load_paths(session, (m.unit_id for m in rows))
        return [to_read(m, language, book) for m in rows]

    return transform


def to_read(
    m: NotificationMessage, language: str | None, book: TemplateBook | None = None
) -> NotificationRead:
    override = book.override(m.unit_id, m.kind, language) if book else None
    return NotificationRead(
        id=m.id or 0,
        kind=m.kind,
        title=templates.title(m.kind, m.params, language, override),
        body=templates.body(m.kind, m.params, language, override),
        link=str(m.params.get("link") or "/notifications"),
        object_type=m.object_type,
        object_id=m.object_id,
        created_at=m.created_at,
        read_at=m.read_at,
    )


def unread_count(session: Session, principal: Principal) -> int:
    stmt = inbox_query(principal, unread=True).order_by(None).subquery()
    return int(session.execute(select(func.count()).select_from(stmt)).scalar_one())


def mark_read(session: Session, principal: Principal, message_id: int) -> NotificationRead:
    """Đã đọc: idempotent (reading twice keeps the first time); another user's message is 404."""
    m = session.exec(inbox_query(principal).where(col(M.id) == message_id)).first()
    if m is None:
        raise NotFound("Thông báo", "Notification")
    if m.read_at is None:
        m.read_at = datetime.now(UTC)
        session.add(m)
        session.flush()
    book = TemplateBook(session)
    book.load_paths(session, [m.unit_id])
    return to_read(m, _language(session, principal), book)


def mark_all_read(session: Session, principal: Principal) -> int:
    ids = inbox_query(principal, unread=True).with_only_columns(col(M.id)).subquery()
    result = session.execute(
        update(M)
        .where(col(M.id).in_(select(ids.c.id)))
        .values(read_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def outbox_backlog(session: Session) -> tuple[int, datetime | None]:
    """The notification outbox's probe for ``/metrics``: messages still to send and the oldest one's age."""
    depth, oldest = session.execute(scope_n.outbox_backlog()).one()
    return int(depth or 0), oldest


# --- preferences --------------------------------------------------------------------------------------------------


def preferences_etag(rows: dict[str, NotificationPreference], user_id: int | None) -> str:
    default = rows.get("*")
    return make_etag("notification_preferences", user_id, default.version if default else 0)


def own_preferences(session: Session, principal: Principal) -> dict[str, NotificationPreference]:
    return {p.kind: p for p in session.exec(scope_n.own_preferences(principal)).all()}


def preferences_read(
    session: Session, principal: Principal, settings: Settings, rows: dict[str, NotificationPreference]
) -> PreferencesRead:
    default = rows.get("*")
    kinds = []
    for kind in USER_KINDS:
        row = rows.get(kind.value) or default
        kinds.append(
            KindPreference(kind=kind)
            if row is None
            else KindPreference(
                kind=kind, inbox=row.inbox, email=row.email, webhook=row.webhook, digest=row.digest
            )
        )
    address = None
    if principal.user_id is not None:
        found = session.execute(scope_n.recipient_emails([principal.user_id])).first()
        address = found[1] if found else None
    return PreferencesRead(
        digest_hour=default.digest_hour if default else 7,
        kinds=kinds,
        email_available=events.email_enabled(settings),
        webhook_available=events.webhook_enabled(settings),
        has_email=bool(address),
    )


def put_preferences(
    session: Session, principal: Principal, rows: dict[str, NotificationPreference], data: PreferencesUpdate
) -> dict[str, NotificationPreference]:
    """Replace the caller's preferences; the ``*`` row (digest hour) is always rewritten so the ETag moves."""
    if principal.user_id is None:
        raise Forbidden(
            "Mã truy cập API không có hộp thư thông báo.",
            "API tokens have no notification preferences.",
            code="no_inbox",
        )
    now = datetime.now(UTC)
    default = rows.get("*") or NotificationPreference(user_id=principal.user_id, kind="*")
    default.digest_hour, default.updated_at = data.digest_hour, now
    session.add(default)
    rows["*"] = default
    for choice in data.kinds:
        row = rows.get(choice.kind.value) or NotificationPreference(
            user_id=principal.user_id, kind=choice.kind.value
        )
        row.inbox, row.email, row.webhook, row.digest = (
            choice.inbox,
            choice.email,
            choice.webhook,
            choice.digest,
        )
        row.digest_hour, row.updated_at = data.digest_hour, now
        session.add(row)
        rows[choice.kind.value] = row
    session.flush()
    return rows


# --- settings (administrators) ------------------------------------------------------------------------------------


def channel_status(settings: Settings) -> tuple[ChannelStatus, ChannelStatus]:
    if events.email_enabled(settings):
        email = ChannelStatus(
            enabled=True,
            detail=f"Gửi thư qua máy chủ SMTP {settings.smtp_host}:{settings.smtp_port} ({settings.smtp_security}).",
        )
    else:
        email = ChannelStatus(
            enabled=False,
            detail="Kênh thư điện tử đang tắt: máy chủ chưa được cấu hình máy chủ thư (SMTP). "
            "Thông báo vẫn hiện trong hộp thư của ứng dụng.",
        )
    if events.webhook_enabled(settings):
        webhook = ChannelStatus(
            enabled=True,
            detail="Webhook đang bật"
            + (", có chữ ký HMAC." if settings.notify_webhook_secret else ", CHƯA có khóa ký HMAC."),
        )
    else:
        webhook = ChannelStatus(
            enabled=False, detail="Webhook đang tắt: máy chủ chưa được cấu hình địa chỉ nhận webhook."
        )
    return email, webhook


def settings_view(session: Session, principal: Principal, settings: Settings) -> NotificationSettingsRead:
    email, webhook = channel_status(settings)
    parked = int(session.execute(scope_n.parked_count(principal, P.users_manage)).scalar_one())
    districts = [
        DistrictSettingRead(
            unit_id=s.unit_id,
            unit_name=u.name,
            due_soon_days=s.due_soon_days,
            escalate_head_days=s.escalate_head_days,
            escalate_district_days=s.escalate_district_days,
            report_open_days=s.report_open_days,
            delivery_failing_hours=s.delivery_failing_hours,
        )
        for s, u in session.execute(scope_n.visible_settings(principal, P.users_manage)).all()
    ]
    return NotificationSettingsRead(
        email=email, webhook=webhook, parked=parked, defaults=DistrictSettingUpdate(), districts=districts
    )


def retry_parked(session: Session, principal: Principal) -> int:
    """Gửi lại: parked messages about objects in reach go back to pending, due now, with a fresh attempt budget
    (their idempotency keys never change, so a receiver that got one before drops the repeat)."""
    ids = scope_n.parked_in_reach(principal, P.users_manage).subquery()
    result = session.execute(
        update(NotificationMessage)
        .where(col(NotificationMessage.id).in_(select(ids.c.id)))
        .values(status=MessageStatus.pending, attempts=0, next_attempt_at=datetime.now(UTC), last_error=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def district_setting(
    session: Session, principal: Principal, unit_id: int
) -> tuple[Any, NotificationSetting | None, str]:
    """The unit (district or province in reach with plans:manage, else 404/422), its row and its ETag."""
    unit = scope.get_unit(session, principal, unit_id, P.plans_manage)
    if unit.level == UnitLevel.commune:
        msg = "Ngưỡng nhắc hạn và đôn đốc đặt cho cấp huyện hoặc tỉnh, không đặt cho xã."
        raise Unprocessable(
            msg, "Reminder thresholds are set per district or province.", code="not_a_district"
        )
    row = session.exec(
        scope_n.visible_settings(principal, P.plans_manage).where(col(NotificationSetting.unit_id) == unit_id)
    ).first()
    setting = row[0] if row else None
    return unit, setting, make_etag("notification_setting", unit_id, setting.version if setting else 0)


def put_district_setting(
    session: Session, *, unit: Any, setting: NotificationSetting | None, data: DistrictSettingUpdate
) -> DistrictSettingRead:
    setting = setting or NotificationSetting(unit_id=unit.id)
    setting.due_soon_days = data.due_soon_days
    setting.escalate_head_days = data.escalate_head_days
    setting.escalate_district_days = data.escalate_district_days
    setting.report_open_days = data.report_open_days
    setting.delivery_failing_hours = data.delivery_failing_hours
    setting.updated_at = datetime.now(UTC)
    session.add(setting)
    session.flush()
    return DistrictSettingRead(unit_id=unit.id, unit_name=unit.name, **data.model_dump())
