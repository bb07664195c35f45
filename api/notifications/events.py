"""Đôn đốc: turn what happened (a return, an approval, a comment, a deadline) into message rows.

An *event* has a stable key (``assignment:12:returned:v5``, ``assignment:12:overdue:2024-10-01:w2``); each
(event, recipient, channel) becomes one :class:`NotificationMessage` whose ``idempotency_key`` is a hash of the
three, inserted with ``ON CONFLICT DO NOTHING``. Computing the same day twice, or two workers computing it at
once, writes each message once. Workflow events are written in the caller's transaction (the return and its inbox
entry commit together); deadline events by :func:`compute_daily`, one SQL pass for the whole database.

Recipients come from :mod:`api.authz.scope_notifications` (never wider than who may read the object); channels
from each recipient's preferences and from what is configured (no SMTP host ⇒ no e-mail rows at all).
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from api.authz import scope_notifications as scope_n
from api.config import Settings, get_settings
from api.models import (
    Assignment,
    MessageStatus,
    NotificationChannel,
    NotificationKind,
    NotificationMessage,
    NotificationPreference,
    Role,
)

K = NotificationKind
C = NotificationChannel
# Plain strings of the enums: ``member.value`` is a descriptor call, measurable at 100,000 rows a run.
VALUE: dict[Any, str] = {
    m: m.value for e in (NotificationKind, NotificationChannel, MessageStatus) for m in e
}
INSERT_CHUNK = 1000


@dataclass(frozen=True)
class Event:
    key: str
    kind: NotificationKind
    user_id: int
    unit_id: int | None
    object_id: int | None
    params: dict[str, Any] = field(default_factory=dict)
    object_type: str = "assignment"


@dataclass(frozen=True)
class Choice:
    """One recipient's channels for one kind (defaults when no preference row exists)."""

    inbox: bool = True
    email: bool = True
    webhook: bool = True
    digest: bool = False
    digest_hour: int = 7


def message_key(event_key: str, user_id: int, channel: NotificationChannel | str) -> str:
    """The idempotency key of one (event, recipient, channel): sent as the webhook's ``Idempotency-Key`` and
    inside the e-mail's ``Message-ID``."""
    return hashlib.sha256(f"{event_key}|{user_id}|{channel}".encode()).hexdigest()


def local_now(now: datetime, settings: Settings) -> datetime:
    return now.astimezone(ZoneInfo(settings.timezone))


def reference_now(settings: Settings) -> datetime:
    """Now, or noon of the configured reference date (the demo runs on 15/10/2024)."""
    if settings.as_of_date is not None:
        return datetime(
            settings.as_of_date.year, settings.as_of_date.month, settings.as_of_date.day, 12,
            tzinfo=ZoneInfo(settings.timezone),
        ).astimezone(UTC)  # fmt: skip
    return datetime.now(UTC)


def email_enabled(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def webhook_enabled(settings: Settings) -> bool:
    return bool(settings.notify_webhook_url)


class Preferences:
    """Preferences of a set of users, read in one statement."""

    def __init__(self, session: Session, user_ids: Iterable[int]) -> None:
        ids = sorted(set(user_ids))
        self.rows: dict[tuple[int, str], NotificationPreference] = {}
        for start in range(0, len(ids), INSERT_CHUNK):
            for p in session.exec(scope_n.preferences_of(ids[start : start + INSERT_CHUNK])).all():
                self.rows[(p.user_id, p.kind)] = p
        self.cache: dict[tuple[int, str], Choice] = {}

    def choice(self, user_id: int, kind: NotificationKind) -> Choice:
        key = (user_id, VALUE[kind])
        if (found := self.cache.get(key)) is not None:
            return found
        default = self.rows.get((user_id, "*"))
        row = self.rows.get(key) or default
        hour = default.digest_hour if default else 7
        choice = (
            Choice(digest_hour=hour)
            if row is None
            else Choice(row.inbox, row.email, row.webhook, row.digest, hour)
        )
        self.cache[key] = choice
        return choice


def digest_date_for(now: datetime, hour: int, settings: Settings) -> date:
    """The local day whose digest carries a message written at ``now``: today before the hour, else tomorrow."""
    local = local_now(now, settings)
    return local.date() if local.hour < hour else local.date() + timedelta(days=1)


def _insert_ignore(session: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table: Any = NotificationMessage.__table__  # type: ignore[attr-defined]
    stmt = insert(table).on_conflict_do_nothing(index_elements=["idempotency_key"])
    for start in range(0, len(rows), INSERT_CHUNK):
        session.execute(stmt, rows[start : start + INSERT_CHUNK])


def enqueue(
    session: Session, events: list[Event], *, now: datetime | None = None, settings: Settings | None = None
) -> int:
    """Write the message rows of ``events`` (inbox, e-mail, webhook as chosen and configured); returns how many
    rows were offered (duplicates of earlier runs are dropped by the unique key)."""
    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    if not events:
        return 0
    prefs = Preferences(session, (e.user_id for e in events))
    emails: dict[int, str | None] = {}
    if email_enabled(settings):
        ids = sorted({e.user_id for e in events})
        for start in range(0, len(ids), INSERT_CHUNK):
            for uid, address, *_ in session.execute(
                scope_n.recipient_emails(ids[start : start + INSERT_CHUNK])
            ):
                emails[uid] = address
    rows: list[dict[str, Any]] = []

    def row(e: Event, channel: NotificationChannel, status: MessageStatus, **extra: Any) -> None:
        rows.append(
            {
                "idempotency_key": message_key(e.key, e.user_id, channel),
                "event_key": e.key[:200],
                "kind": VALUE[e.kind],
                "channel": VALUE[channel],
                "user_id": e.user_id,
                "unit_id": e.unit_id,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "params": e.params,
                "status": VALUE[status],
                "attempts": 0,
                "next_attempt_at": now,
                "sent_at": now if channel == C.inbox else None,
                "digest_date": None,
                "created_at": now,
                **extra,
            }
        )

    for e in events:
        choice = prefs.choice(e.user_id, e.kind)
        if choice.inbox:
            row(e, C.inbox, MessageStatus.sent)
        if choice.email and emails.get(e.user_id):
            if choice.digest:
                day = digest_date_for(now, choice.digest_hour, settings)
                row(e, C.email, MessageStatus.waiting_digest, digest_date=day)
            else:
                row(e, C.email, MessageStatus.pending)
        if choice.webhook and webhook_enabled(settings):
            row(e, C.webhook, MessageStatus.pending)
    _insert_ignore(session, rows)
    return len(rows)


# --- workflow events (in the caller's transaction) --------------------------------------------------------------

WORKFLOW_ROLES: dict[NotificationKind, frozenset[Role]] = {
    K.returned: scope_n.UNIT_WORKERS,
    K.approved: scope_n.UNIT_WORKERS,
    K.commented: scope_n.UNIT_WORKERS | {Role.district_admin},
    K.mentioned: scope_n.READER_ROLES,
}


def _assignment_params(session: Session, assignment_id: int) -> tuple[Assignment, dict[str, Any]]:
    a, label, title, unit_name, _path = session.execute(scope_n.assignment_params(assignment_id)).one()
    params = {
        "task_label": label,
        "task_title": title,
        "unit_name": unit_name,
        "due_date": a.due_date.isoformat() if a.due_date else None,
        "link": f"/assignments/{assignment_id}",
    }
    return a, params


def on_assignment_event(
    session: Session,
    *,
    assignment: Assignment,
    kind: NotificationKind,
    actor_user_id: int | None,
    reason: str | None = None,
    comment_id: int | None = None,
    excerpt: str | None = None,
    mentions: Iterable[int] = (),
    exclude: Iterable[int] = (),
) -> int:
    """Notify the readers of an assignment that it was returned / approved / commented on (mentioned users
    among its readers only). The actor is never told about their own action."""
    if assignment.id is None:
        return 0
    _, params = _assignment_params(session, assignment.id)
    if reason:
        params["reason"] = reason
    if excerpt:
        params["excerpt"] = excerpt[:300]
    readers = session.execute(scope_n.assignment_readers(assignment.id, WORKFLOW_ROLES[kind])).all()
    recipients = {uid for uid, *_ in readers if uid != actor_user_id} - set(exclude)
    if kind == K.mentioned:
        recipients &= set(mentions)
    tag = f"comment{comment_id}" if comment_id is not None else f"v{assignment.version}"
    key = f"assignment:{assignment.id}:{kind.value}:{tag}"
    events = [Event(key, kind, uid, assignment.unit_id, assignment.id, params) for uid in sorted(recipients)]
    return enqueue(session, events)


# --- deadline events (the daily pass) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    due_soon_days: int = 3
    escalate_head_days: int = 3
    escalate_district_days: int = 7


def _thresholds(session: Session) -> dict[int, Thresholds]:
    return {
        s.unit_id: Thresholds(s.due_soon_days, s.escalate_head_days, s.escalate_district_days)
        for s in session.exec(scope_n.district_settings()).all()
    }


def _for_path(path: str, by_unit: dict[int, Thresholds], default: Thresholds) -> Thresholds:
    """The nearest configured ancestor's thresholds (``path`` is ``/1/4/23/``)."""
    for part in reversed(path.strip("/").split("/")):
        if part and int(part) in by_unit:
            return by_unit[int(part)]
    return default


def deadline_events(
    rows: Iterable[Any], by_unit: dict[int, Thresholds], default: Thresholds, repeat_days: int, grace: int = 2
) -> list[Event]:
    """Which deadline events each (assignment, recipient) row of the day's pass gets.

    A threshold gives its event from the day it is crossed to ``grace - 1`` days later (keys make it once), so a
    day the job did not run is caught up without re-offering every old escalation every day; the weekly overdue
    reminder likewise on days 1, 8, 15… (``repeat_days``) and the grace after each.
    """
    repeat = max(1, repeat_days)
    events: list[Event] = []
    for aid, unit_id, due, days, label, title, unit_name, path, uid, role, _lang in rows:
        t = _for_path(path, by_unit, default)
        days = int(days)
        due_iso = due.isoformat() if isinstance(due, date) else str(due)
        params = {
            "task_label": label,
            "task_title": title,
            "unit_name": unit_name,
            "due_date": due_iso,
            "days": days,
            "link": f"/assignments/{aid}",
        }
        base = f"assignment:{aid}"
        kinds: list[tuple[NotificationKind, str]] = []
        if role == Role.district_admin:
            if t.escalate_district_days <= days < t.escalate_district_days + grace:
                kinds.append((K.escalated_district, f"{base}:escalated_district:{due_iso}"))
        else:
            if -t.due_soon_days <= days <= 0:
                kinds.append((K.due_soon, f"{base}:due_soon:{due_iso}"))
            if days >= 1 and (days - 1) % repeat < grace:
                kinds.append((K.overdue, f"{base}:overdue:{due_iso}:w{(days - 1) // repeat}"))
            if role == Role.unit_head and t.escalate_head_days <= days < t.escalate_head_days + grace:
                kinds.append((K.escalated_head, f"{base}:escalated_head:{due_iso}"))
        events.extend(Event(key, kind, uid, unit_id, aid, params) for kind, key in kinds)
    return events


def compute_daily(session: Session, *, now: datetime | None = None, settings: Settings | None = None) -> int:
    """Write the day's deadline events (due in N days, overdue and weekly while overdue, escalations after M and
    K days) for the whole database from one SQL statement; ``now`` fixes the local day (Asia/Ho_Chi_Minh).
    Returns the number of message rows offered (already written ones are dropped by their key)."""
    settings = settings or get_settings()
    now = now or reference_now(settings)
    today = local_now(now, settings).date()
    by_unit = _thresholds(session)
    windows = deadline_windows(by_unit, settings)
    rows = session.execute(scope_n.deadline_recipients(today, windows)).all()
    events = deadline_events(rows, by_unit, Thresholds(), windows.repeat, windows.grace)
    return enqueue(session, events, now=now, settings=settings)


def deadline_windows(by_unit: dict[int, Thresholds], settings: Settings) -> scope_n.DeadlineWindows:
    """The days overdue that can give an event today, over the default and every district's N/M/K."""
    every = [Thresholds(), *by_unit.values()]
    grace = max(1, settings.notify_catch_up_days)
    return scope_n.DeadlineWindows(
        horizon=max(t.due_soon_days for t in every),
        head_min=min(t.escalate_head_days for t in every),
        head_max=max(t.escalate_head_days for t in every) + grace - 1,
        district_min=min(t.escalate_district_days for t in every),
        district_max=max(t.escalate_district_days for t in every) + grace - 1,
        repeat=max(1, settings.notify_overdue_repeat_days),
        grace=grace,
    )
