"""Matrix rows for /notifications. The inbox and preferences are the caller's own: every user reaches its own
message (``own_notification_<actor>``), nobody reaches the foreign district admin's; a token has no inbox (empty
list, 404 on a message, 403 on preferences). Settings: users:manage for the page, plans:manage on the district for
N/M/K."""

from typing import Any

from tests.authz.spec import ALL_USERS, DISTRICT_ADMINS, SETUP_ADMINS, Case, Req

V1 = "/api/v1"
USERS = {
    "admin": "admin",
    "district_admin": "noivu",
    "leader": "chutich",
    "observer": "huyenuy",
    "unit_head": "chutich.hoatham",
    "unit_officer": "canbo.hoatham",
}
PEOPLE = ALL_USERS - {"token"}


def _message(w: Any, user_id: int, tag: str) -> int:
    from api.models import MessageStatus, NotificationChannel, NotificationKind, NotificationMessage

    m = NotificationMessage(
        idempotency_key=f"matrix-{tag}",
        event_key=f"matrix:{tag}",
        kind=NotificationKind.returned,
        channel=NotificationChannel.inbox,
        user_id=user_id,
        params={"task_title": "Ma trận", "reason": "kiểm tra", "link": "/assignments/1"},
        status=MessageStatus.sent,
    )
    w.session.add(m)
    w.session.flush()
    return m.id or 0


def setup(w: Any) -> None:
    for actor, username in USERS.items():
        w.ids[f"own_notification_{actor}"] = _message(w, w.users[username], actor)
    w.ids["foreign_notification"] = _message(w, w.ids["foreign_admin_user"], "foreign")
    w.session.commit()


def _read(w: Any, a: str) -> Req:
    key = f"own_notification_{a}" if a in USERS else "foreign_notification"
    return Req("POST", f"{V1}/notifications/{w.ids[key]}/read")


def _put_preferences(w: Any, a: str) -> Req:
    path = f"{V1}/notifications/preferences"
    etag = '"none"' if a == "anonymous" else w.etag(path, a)
    body = {"digest_hour": 8, "kinds": [{"kind": "overdue", "inbox": True, "email": False, "webhook": False}]}
    return Req("PUT", path, json=body, headers={"If-Match": etag})


def _setting(key: str, method: str = "GET") -> Any:
    def make(w: Any, a: str) -> Req:
        path = f"{V1}/notifications/settings/{w.ids[key]}"
        if method == "GET":
            return Req("GET", path)
        etag = w.etag(path, "foreign_admin" if key.startswith("foreign") else "district_admin")
        body = {"due_soon_days": 5, "escalate_head_days": 4, "escalate_district_days": 10}
        return Req("PUT", path, json=body, headers={"If-Match": etag})

    return make


def _template(key: str, method: str) -> Any:
    def make(w: Any, a: str) -> Req:
        path = f"{V1}/notifications/templates/{w.ids[key]}"
        if method == "GET":
            return Req("GET", path)
        item = f"{path}/returned/vi"
        body = {"subject": "Trả lại: {task}", "text": "{unit}: {reason}", "html": "<p>{reason}</p>"}
        if method == "POST":
            return Req("POST", f"{item}/preview", json=body)
        etag = f'"notification_template-returned-vi-{w.ids[key]}-v0"'
        return Req(method, item, json=body if method == "PUT" else None, headers={"If-Match": etag})

    return make


CASES = [
    Case("notifications-list", own=lambda w, a: Req("GET", f"{V1}/notifications", params={"limit": 500}),
         allowed=ALL_USERS, list_foreign_ids=lambda w: {w.ids["foreign_notification"]},
         note="the caller's own inbox; a token has none (empty page)"),
    Case("notifications-unread_count", own=lambda w, a: Req("GET", f"{V1}/notifications/unread-count"),
         allowed=ALL_USERS, note="a count of the caller's own messages: there is no foreign object"),
    Case("notifications-read", own=_read, foreign=lambda w, a: Req("POST", f"{V1}/notifications/{w.ids['foreign_notification']}/read"),
         allowed=PEOPLE),
    Case("notifications-read_all", own=lambda w, a: Req("POST", f"{V1}/notifications/read-all"),
         allowed=ALL_USERS, note="marks the caller's own messages only: there is no foreign object"),
    Case("notifications-get_preferences", own=lambda w, a: Req("GET", f"{V1}/notifications/preferences"),
         allowed=ALL_USERS, note="the caller's own preferences (defaults for a token): no foreign object"),
    Case("notifications-put_preferences", own=_put_preferences, allowed=PEOPLE,
         note="the caller's own preferences: no foreign object; a token has no inbox (403)"),
    Case("notifications-settings", own=lambda w, a: Req("GET", f"{V1}/notifications/settings"),
         allowed=SETUP_ADMINS, note="channel status and the settings of units in reach: no foreign object by id"),
    Case("notifications-retry_parked", own=lambda w, a: Req("POST", f"{V1}/notifications/retry-parked"),
         allowed=SETUP_ADMINS, note="acts on the parked messages of units in reach: no object by id"),
    Case("notifications-get_district_setting", own=_setting("own_district"), foreign=_setting("foreign_district"),
         allowed=DISTRICT_ADMINS),
    Case("notifications-put_district_setting", own=_setting("own_district", "PUT"),
         foreign=_setting("foreign_district", "PUT"), allowed=DISTRICT_ADMINS),
    Case("notifications-list_templates", own=_template("own_district", "GET"),
         foreign=_template("foreign_district", "GET"), allowed=DISTRICT_ADMINS),
    Case("notifications-preview_template", own=_template("own_district", "POST"),
         foreign=_template("foreign_district", "POST"), allowed=DISTRICT_ADMINS),
    Case("notifications-put_template", own=_template("own_district", "PUT"),
         foreign=_template("foreign_district", "PUT"), allowed=DISTRICT_ADMINS),
    Case("notifications-reset_template", own=_template("own_district", "DELETE"),
         foreign=_template("foreign_district", "DELETE"), allowed=DISTRICT_ADMINS),
]  # fmt: skip
