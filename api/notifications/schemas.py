"""API shapes of ``/notifications``."""

from datetime import datetime

from pydantic import BaseModel, Field

from api.models import NotificationKind

# Kinds a user can tune (the digest is how e-mails are grouped, not an event).
USER_KINDS = [k for k in NotificationKind if k != NotificationKind.digest]
# Kinds whose text a district may replace, and the languages of the shipped texts.
TEMPLATE_KINDS = USER_KINDS
LANGUAGES = ("vi", "en")


class NotificationRead(BaseModel):
    id: int
    kind: NotificationKind
    title: str  # in the reader's language
    body: str
    link: str  # path in the SPA, e.g. /assignments/12
    object_type: str
    object_id: int | None
    created_at: datetime
    read_at: datetime | None


class UnreadCount(BaseModel):
    unread: int


class MarkedRead(BaseModel):
    updated: int


class KindPreference(BaseModel):
    kind: NotificationKind
    inbox: bool = True
    email: bool = True
    webhook: bool = True
    digest: bool = Field(default=False, description="e-mail in the daily digest instead of at once")


class PreferencesRead(BaseModel):
    digest_hour: int = Field(ge=0, le=23, description="local hour (Asia/Ho_Chi_Minh) of the daily digest")
    kinds: list[KindPreference]
    email_available: bool  # the server has SMTP settings
    webhook_available: bool
    has_email: bool  # the user has an address


class PreferencesUpdate(BaseModel):
    digest_hour: int = Field(default=7, ge=0, le=23)
    kinds: list[KindPreference] = Field(default_factory=list, max_length=len(USER_KINDS))


class ChannelStatus(BaseModel):
    enabled: bool
    detail: str  # Vietnamese, for the admin page


class DistrictSettingRead(BaseModel):
    unit_id: int
    unit_name: str
    due_soon_days: int
    escalate_head_days: int
    escalate_district_days: int
    report_open_days: int = 10
    delivery_failing_hours: int = 24


class DistrictSettingUpdate(BaseModel):
    due_soon_days: int = Field(default=3, ge=0, le=60)
    escalate_head_days: int = Field(default=3, ge=1, le=365)
    escalate_district_days: int = Field(default=7, ge=1, le=365)
    report_open_days: int = Field(
        default=10, ge=0, le=90, description="the period opens this many days before"
    )
    delivery_failing_hours: int = Field(default=24, ge=1, le=720, description="tell admins after this long")


class NotificationSettingsRead(BaseModel):
    email: ChannelStatus
    webhook: ChannelStatus
    parked: int  # messages that kept failing (objects in reach)
    defaults: DistrictSettingUpdate
    districts: list[DistrictSettingRead]


class PlaceholderRead(BaseModel):
    name: str  # used as {name}
    label: str  # what it holds, in Vietnamese


class NotificationTemplateRead(BaseModel):
    kind: NotificationKind
    language: str  # vi | en
    customized: bool  # the district's own text (else the shipped one)
    subject: str
    text: str
    html: str | None
    default_subject: str
    default_text: str
    etag: str  # If-Match for PUT/DELETE of this kind and language


class TemplatesRead(BaseModel):
    unit_id: int
    unit_name: str
    items: list[NotificationTemplateRead]
    placeholders: list[PlaceholderRead]


class TemplateWrite(BaseModel):
    subject: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1, max_length=5000)
    html: str | None = Field(default=None, max_length=20000)


class TemplatePreview(BaseModel):
    subject: str
    text: str
    html: str
