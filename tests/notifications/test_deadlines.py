"""The daily pass: due in N days, overdue then weekly, escalation to the unit head after M and to Phòng Nội vụ
after K days, with a frozen reference instant across local midnight (Asia/Ho_Chi_Minh = UTC+7)."""

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from api.config import get_settings
from api.models import NotificationChannel, NotificationMessage, NotificationSetting
from api.notifications import events
from tests.notifications.factories import HOATHAM, close_other_work, open_with_due, unit_id, user_id

SETTINGS = get_settings().model_copy(
    update={"smtp_host": None, "notify_webhook_url": None, "as_of_date": None}
)


def local_midnight(day: date) -> datetime:
    """00:00 in Hà Nội of ``day`` as a UTC instant (17:00 UTC the day before)."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=7)


def run(session: Session, now: datetime) -> set[tuple[str, str]]:
    """Compute the day at ``now``; return the new (username, kind) inbox rows."""
    before = {m.id for m in session.exec(select(NotificationMessage)).all()}
    events.compute_daily(session, now=now, settings=SETTINGS)
    session.commit()
    rows = session.exec(
        select(NotificationMessage).where(col(NotificationMessage.channel) == NotificationChannel.inbox)
    ).all()
    names = {user_id(session, u): u for u in ("canbo.hoatham", "chutich.hoatham", "noivu", "canbo.tanvan")}
    out = {
        (names.get(m.user_id, str(m.user_id)), m.kind.value)
        for m in rows
        if m.id not in before and m.object_type == "assignment"
    }
    session.commit()
    return out


def test_thresholds_switch_at_local_midnight(session: Session) -> None:
    close_other_work(session)
    session.add(
        NotificationSetting(
            unit_id=unit_id(session, "LS.BG"), due_soon_days=3, escalate_head_days=3, escalate_district_days=7
        )
    )
    session.commit()
    due = date(2024, 10, 10)
    aid = open_with_due(session, HOATHAM, due)
    minute = timedelta(minutes=1)

    # 3 days before: 23:59 on the 6th is still 4 days ahead; 00:00 on the 7th is "due soon"
    assert run(session, local_midnight(date(2024, 10, 7)) - minute) == set()
    soon = run(session, local_midnight(date(2024, 10, 7)))
    assert soon == {("canbo.hoatham", "due_soon"), ("chutich.hoatham", "due_soon")}
    assert run(session, local_midnight(date(2024, 10, 9))) == set()  # once per deadline

    # the deadline day itself is not overdue; the next local day is (23:59 on the 10th → nothing)
    assert run(session, local_midnight(date(2024, 10, 11)) - minute) == set()
    assert run(session, local_midnight(date(2024, 10, 11))) == {
        ("canbo.hoatham", "overdue"),
        ("chutich.hoatham", "overdue"),
    }

    # M = 3 days overdue → the unit head, at 00:00 on the 13th, not at 23:59 on the 12th
    assert run(session, local_midnight(date(2024, 10, 13)) - minute) == set()
    assert run(session, local_midnight(date(2024, 10, 13))) == {("chutich.hoatham", "escalated_head")}

    # K = 7 days overdue → Phòng Nội vụ (district admin of LS.BG); weekly overdue reminder starts again on day 8
    assert run(session, local_midnight(date(2024, 10, 17)) - minute) == set()
    assert run(session, local_midnight(date(2024, 10, 17))) == {("noivu", "escalated_district")}
    assert run(session, local_midnight(date(2024, 10, 18))) == {
        ("canbo.hoatham", "overdue"),
        ("chutich.hoatham", "overdue"),
    }
    assert run(session, local_midnight(date(2024, 10, 24))) == set()
    assert run(session, local_midnight(date(2024, 10, 25))) == {
        ("canbo.hoatham", "overdue"),
        ("chutich.hoatham", "overdue"),
    }

    item = session.exec(
        select(NotificationMessage).where(
            col(NotificationMessage.object_id) == aid, col(NotificationMessage.kind) == "escalated_district"
        )
    ).one()
    assert (
        item.params["days"] == 7 and item.params["unit_name"] and item.params["link"] == f"/assignments/{aid}"
    )
    session.commit()


def test_district_settings_change_the_thresholds(session: Session) -> None:
    close_other_work(session)
    session.add(
        NotificationSetting(
            unit_id=unit_id(session, "LS.BG"),
            due_soon_days=1,
            escalate_head_days=10,
            escalate_district_days=20,
        )
    )
    session.commit()
    open_with_due(session, HOATHAM, date(2024, 10, 10))
    assert run(session, local_midnight(date(2024, 10, 8))) == set()  # 2 days ahead, N = 1
    assert run(session, local_midnight(date(2024, 10, 9))) == {
        ("canbo.hoatham", "due_soon"),
        ("chutich.hoatham", "due_soon"),
    }
    assert {k for _, k in run(session, local_midnight(date(2024, 10, 11)))} == {"overdue"}
    assert (
        run(session, local_midnight(date(2024, 10, 17))) == set()
    )  # 7 days: no escalation with M = 10, K = 20
    assert run(session, local_midnight(date(2024, 10, 20))) == {("chutich.hoatham", "escalated_head")}


def test_only_readers_are_told_and_submitted_work_is_quiet(session: Session) -> None:
    close_other_work(session)
    open_with_due(session, HOATHAM, date(2024, 10, 7))
    got = run(
        session, local_midnight(date(2024, 10, 15))
    )  # 8 days overdue: weekly reminder, and K = 7 (default)
    users = {u for u, _ in got}
    assert users == {
        "canbo.hoatham",
        "chutich.hoatham",
        "noivu",
    }  # never Tân Văn's officer, nor a department's
    assert "canbo.tanvan" not in users

    close_other_work(session)  # approved: nothing more, even days later
    assert run(session, local_midnight(date(2024, 10, 30))) == set()
