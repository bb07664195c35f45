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


REPORT_ROLES: dict[str, frozenset[Role]] = {
    "unit": scope_n.UNIT_WORKERS,  # a unit's report: its head and officers
    "district": frozenset({Role.district_admin}),  # the district's aggregate report: Phòng Nội vụ
}


def on_report_event(
    session: Session,
    *,
    report: Any,
    kind: NotificationKind | str,
    actor_user_id: int | None,
    reason: str | None = None,
) -> int:
    """A report returned (with the reason) or accepted: told to the accounts working it at its own unit, in the
    transaction of the change."""
    if report.id is None:
        return 0
    kind = NotificationKind(kind)
    _pid, period_name, unit_name = session.execute(scope_n.report_params(report.id)).one()
    roles = REPORT_ROLES.get(str(report.level.value if hasattr(report.level, "value") else report.level))
    rows = session.execute(scope_n.unit_members(report.unit_id, roles or scope_n.UNIT_WORKERS)).all()
    params: dict[str, Any] = {
        "period_name": period_name,
        "unit_name": unit_name,
        "link": f"/reports/{report.id}",
    }
    if reason:
        params["reason"] = reason
    key = f"report:{report.id}:{kind.value}:v{report.version}"
    users = sorted({uid for uid, _ in rows if uid != actor_user_id})
    return enqueue(session, [Event(key, kind, u, report.unit_id, report.id, params, "report") for u in users])


def on_sheet_returned(session: Session, *, sheet: Any, actor_user_id: int | None, reason: str | None) -> int:
    """A self-assessment sheet returned to its unit (with the reason), in the transaction of the return."""
    if sheet.id is None:
        return 0
    _rid, round_name, end, unit_name = session.execute(scope_n.sheet_params(sheet.id)).one()
    rows = session.execute(scope_n.unit_members(sheet.unit_id, scope_n.UNIT_WORKERS)).all()
    params: dict[str, Any] = {
        "round_name": round_name, "unit_name": unit_name, "due_date": _iso(end), "reason": reason or "—",
        "link": f"/scoring/sheets/{sheet.id}",
    }  # fmt: skip
    key = f"sheet:{sheet.id}:returned:v{sheet.version}"
    users = sorted({uid for uid, _ in rows if uid != actor_user_id})
    return enqueue(
        session, [Event(key, K.sheet_returned, u, sheet.unit_id, sheet.id, params, "sheet") for u in users]
    )


# --- deadline events (the daily pass) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    due_soon_days: int = 3
    escalate_head_days: int = 3
    escalate_district_days: int = 7
    report_open_days: int = 10
    delivery_failing_hours: int = 24


def _thresholds(session: Session) -> dict[int, Thresholds]:
    return {
        s.unit_id: Thresholds(
            s.due_soon_days,
            s.escalate_head_days,
            s.escalate_district_days,
            s.report_open_days,
            s.delivery_failing_hours,
        )
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
    for aid, unit_id, due, days, label, title, unit_name, path, uid, role, _lang, follow_up in rows:
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
        if follow_up:
            params["follow_up"] = True
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
    events += period_events(session, today, by_unit, windows)
    events += round_events(session, today, by_unit, windows)
    events += delivery_events(session, now, by_unit)
    return enqueue(session, events, now=now, settings=settings)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def period_events(
    session: Session, today: date, by_unit: dict[int, Thresholds], windows: scope_n.DeadlineWindows
) -> list[Event]:
    """Reporting periods (per owning unit in the window: one statement for its units, one for Phòng Nội vụ;
    driven by the owner's path prefix): a unit that has not submitted its
    report is told when the period opens (``report_open_days`` before its deadline), when the deadline is within
    N days, and weekly once overdue; each district admin above late units, weekly, how many there are."""
    default = Thresholds()
    every = [default, *by_unit.values()]
    w = scope_n.DateWindows(
        lead=max(max(t.report_open_days, t.due_soon_days) for t in every),
        repeat=windows.repeat,
        grace=windows.grace,
    )
    owners: dict[tuple[int, str], list[int]] = {}
    for pid, owner_id, owner_path in session.execute(scope_n.periods_in_window(today, w)):
        owners.setdefault((owner_id, owner_path), []).append(pid)
    events: list[Event] = []
    for (owner_id, owner_path), period_ids in sorted(owners.items()):
        events += _period_owner_events(session, today, by_unit, w, (owner_id, owner_path, period_ids))
    return events


def _period_owner_events(
    session: Session,
    today: date,
    by_unit: dict[int, Thresholds],
    w: scope_n.DateWindows,
    owner: tuple[int, str, list[int]],
) -> list[Event]:
    """The events of one owner's periods (two statements over its subtree)."""
    default = Thresholds()
    events: list[Event] = []
    for pid, name, due, days, unit_id, unit_name, path, uid, _role in session.execute(
        scope_n.period_unit_recipients(today, w, owner)
    ):
        t, days, due_iso = _for_path(path, by_unit, default), int(days), _iso(due)
        params = {
            "period_name": name,
            "unit_name": unit_name,
            "due_date": due_iso,
            "days": days,
            "link": "/reports",
        }
        base = f"period:{pid}:unit:{unit_id}"
        kinds: list[tuple[NotificationKind, str]] = []
        if -t.report_open_days <= days < -t.report_open_days + w.grace:
            kinds.append((K.period_open, f"{base}:open:{due_iso}"))
        if -t.due_soon_days <= days <= 0:
            kinds.append((K.period_due, f"{base}:due:{due_iso}"))
        if days >= 1 and (days - 1) % w.repeat < w.grace:
            kinds.append((K.period_overdue, f"{base}:overdue:{due_iso}:w{(days - 1) // w.repeat}"))
        events.extend(Event(k, kind, uid, unit_id, pid, params, "period") for kind, k in kinds)
    for pid, name, due, days, unit_id, unit_name, uid, count in session.execute(
        scope_n.period_district_counts(today, w, owner)
    ):
        days, due_iso = int(days), _iso(due)
        params = {
            "period_name": name, "unit_name": unit_name, "due_date": due_iso, "days": days,
            "count": int(count), "link": "/reports",
        }  # fmt: skip
        key = f"period:{pid}:district:{unit_id}:late:{due_iso}:w{(days - 1) // w.repeat}"
        events.append(Event(key, K.period_late_units, uid, unit_id, pid, params, "period"))
    return events


def round_events(
    session: Session, today: date, by_unit: dict[int, Thresholds], windows: scope_n.DeadlineWindows
) -> list[Event]:
    """Self-assessment rounds (one statement): the units of an open round are told when it opens, and when its
    self-assessment closes within N days while their sheet is still theirs to fill."""
    default = Thresholds()
    lead = max(t.due_soon_days for t in [default, *by_unit.values()])
    events: list[Event] = []
    for rid, name, start, end, sid, status, unit_id, unit_name, path, uid in session.execute(
        scope_n.round_recipients(today, lead, windows.grace)
    ):
        t = _for_path(path, by_unit, default)
        start = start if isinstance(start, date) else date.fromisoformat(str(start))
        end = end if isinstance(end, date) else date.fromisoformat(str(end))
        params = {
            "round_name": name,
            "unit_name": unit_name,
            "due_date": end.isoformat(),
            "link": f"/scoring/sheets/{sid}",
        }
        base = f"round:{rid}:sheet:{sid}"
        if start <= today < start + timedelta(days=windows.grace):
            events.append(Event(f"{base}:open", K.round_open, uid, unit_id, sid, params, "sheet"))
        if status in scope_n.SELF_EDITABLE_SHEETS and 0 <= (end - today).days <= t.due_soon_days:
            key = f"{base}:closing:{end.isoformat()}"
            events.append(Event(key, K.round_closing, uid, unit_id, sid, params, "sheet"))
    return events


def delivery_events(session: Session, now: datetime, by_unit: dict[int, Thresholds]) -> list[Event]:
    """Deliveries to the province still failing ``delivery_failing_hours`` after they were queued (the district's
    setting): their administrators are told once per delivery (one statement)."""
    default = Thresholds()
    shortest = min(t.delivery_failing_hours for t in [default, *by_unit.values()])
    events: list[Event] = []
    for did, report_id, name, unit_id, unit_name, path, created, attempts, _status, uid in session.execute(
        scope_n.failing_deliveries(now - timedelta(hours=shortest))
    ):
        t = _for_path(path, by_unit, default)
        created = created if created.tzinfo else created.replace(tzinfo=UTC)
        if created > now - timedelta(hours=t.delivery_failing_hours):
            continue
        params = {
            "period_name": name, "unit_name": unit_name, "attempts": int(attempts),
            "hours": int((now - created).total_seconds() // 3600), "link": f"/reports/{report_id}",
        }  # fmt: skip
        events.append(
            Event(f"delivery:{did}:failing", K.delivery_failing, uid, unit_id, report_id, params, "report")
        )
    return events


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
