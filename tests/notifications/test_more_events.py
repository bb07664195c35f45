"""Events beyond assignments: reporting periods (open / due / overdue, late units to Phòng Nội vụ), report returned
or accepted, self-assessment rounds (open / closing) and a returned sheet, a delivery to the province that keeps
failing, and the follow-up of an inspection named as such."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from api.config import get_settings
from api.models import (
    DeliveryStatus,
    NotificationChannel,
    NotificationKind,
    NotificationMessage,
    NotificationSetting,
    OrgUnit,
    PortalDelivery,
)
from api.notifications import events
from tests.notifications.factories import HOATHAM, close_other_work, open_with_due, unit_id, user_id
from tests.reports.helpers import act, generate_periods, open_report
from tests.scoring.workflow_helpers import act as sheet_act
from tests.scoring.workflow_helpers import appraise, create_round, fill_all, make_framework, sheet_id_of

V1 = "/api/v1"
SETTINGS = get_settings().model_copy(
    update={"smtp_host": None, "notify_webhook_url": None, "as_of_date": None}
)
K = NotificationKind


def local_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 5, tzinfo=UTC)  # 12:00 in Hà Nội


def inbox(
    session: Session, *, kind: NotificationKind, object_id: int | None = None
) -> list[NotificationMessage]:
    stmt = select(NotificationMessage).where(
        col(NotificationMessage.channel) == NotificationChannel.inbox, col(NotificationMessage.kind) == kind
    )
    if object_id is not None:
        stmt = stmt.where(col(NotificationMessage.object_id) == object_id)
    rows = list(session.exec(stmt.execution_options(populate_existing=True)).all())
    session.commit()  # no transaction left open (SQLite: the API's writes must not wait for it)
    return rows


def who(session: Session, messages: list[NotificationMessage]) -> set[int]:
    return {m.user_id for m in messages}


def uid(session: Session, username: str) -> int:
    found = user_id(session, username)
    session.commit()
    return found


def unit(session: Session, code: str) -> int:
    found = unit_id(session, code)
    session.commit()
    return found


def day(session: Session, when: date) -> None:
    events.compute_daily(session, now=local_noon(when), settings=SETTINGS)
    session.commit()


def titles(client: Any, headers: dict[str, str]) -> list[str]:
    return [
        f"{m['title']} | {m['body']}"
        for m in client.get(f"{V1}/notifications", headers=headers).json()["items"]
    ]


def test_report_returned_with_reason_then_accepted(client, auth, session) -> None:  # type: ignore[no-untyped-def]
    periods = generate_periods(client, auth("noivu"), 2023)
    rid = open_report(client, auth("canbo.hoatham"), periods["q1"]["id"], unit(session, HOATHAM))["id"]
    act(client, auth("chutich.hoatham"), rid, "submit")
    act(client, auth("noivu"), rid, "return", json={"reason": "Bổ sung số liệu quý I"})
    returned = inbox(session, kind=K.report_returned, object_id=rid)
    unit_people = {uid(session, "canbo.hoatham"), uid(session, "chutich.hoatham")}
    assert who(session, returned) == unit_people  # not Phòng Nội vụ (the actor), not another commune
    assert any("Bổ sung số liệu quý I" in t for t in titles(client, auth("canbo.hoatham")))
    assert not [t for t in titles(client, auth("canbo.tanvan")) if "quý I" in t.lower()]
    act(client, auth("chutich.hoatham"), rid, "submit")
    act(client, auth("noivu"), rid, "accept")
    assert who(session, inbox(session, kind=K.report_accepted, object_id=rid)) == unit_people


def test_periods_open_due_overdue_and_late_units(client, auth, session) -> None:  # type: ignore[no-untyped-def]
    close_other_work(session)
    session.add(NotificationSetting(unit_id=unit(session, "LS.BG"), report_open_days=10, due_soon_days=3))
    session.commit()
    q1 = generate_periods(client, auth("noivu"), 2023)["q1"]
    due = date.fromisoformat(q1["due_unit"])
    officer, head, noivu = (uid(session, u) for u in ("canbo.hoatham", "chutich.hoatham", "noivu"))
    day(session, due - timedelta(days=11))
    assert inbox(session, kind=K.period_open, object_id=q1["id"]) == []
    day(session, due - timedelta(days=10))
    opened = inbox(session, kind=K.period_open, object_id=q1["id"])
    assert {officer, head} <= who(session, opened) and noivu not in who(session, opened)
    day(session, due - timedelta(days=9))  # caught-up window: nothing twice
    assert len(inbox(session, kind=K.period_open, object_id=q1["id"])) == len(opened)
    # Hoa Thám submits before the deadline: no "due" nor "overdue" for it; Tân Văn does not
    rid = open_report(client, auth("canbo.hoatham"), q1["id"], unit(session, HOATHAM))["id"]
    act(client, auth("chutich.hoatham"), rid, "submit")
    day(session, due - timedelta(days=2))
    due_soon = who(session, inbox(session, kind=K.period_due, object_id=q1["id"]))
    assert uid(session, "canbo.tanvan") in due_soon and officer not in due_soon
    day(session, due + timedelta(days=1))
    late = inbox(session, kind=K.period_overdue, object_id=q1["id"])
    assert uid(session, "canbo.tanvan") in who(session, late) and officer not in who(session, late)
    counts = inbox(session, kind=K.period_late_units, object_id=q1["id"])
    assert who(session, counts) == {noivu}
    (count_msg,) = counts
    assert count_msg.params["count"] >= 1 and "unit_name" in count_msg.params
    # the count message names no person and no commune: only how many
    assert any("đơn vị" in t and "chưa nộp báo cáo" in t for t in titles(client, auth("noivu")))
    day(session, due + timedelta(days=8))  # weekly while overdue
    assert len(inbox(session, kind=K.period_late_units, object_id=q1["id"])) == 2


def test_round_open_closing_and_sheet_returned(client, auth, session) -> None:  # type: ignore[no-untyped-def]
    close_other_work(session)
    district = unit(session, "LS.BG")
    hoatham, tanvan = unit(session, HOATHAM), unit(session, "LS.BG.X.TANVAN")
    session.expire_on_commit = False  # the nodes' ids are read while the API writes (no lazy refresh)
    fw, nodes = make_framework(session, owner=session.get(OrgUnit, district))  # type: ignore[arg-type]
    session.commit()
    rnd = create_round(
        client, auth("noivu"), framework_id=fw.id, owner_unit_id=district, unit_ids=[hoatham, tanvan]
    )
    sid = sheet_id_of(client, auth("noivu"), rnd["id"], hoatham)
    officer = uid(session, "canbo.hoatham")
    day(session, date(2024, 10, 1))
    assert officer in who(session, inbox(session, kind=K.round_open, object_id=sid))
    fill_all(client, auth("canbo.hoatham"), sid, nodes)
    sheet_act(client, auth("chutich.hoatham"), sid, "submit")
    day(session, date(2024, 10, 29))  # closes on 31/10: Tân Văn still has to fill, Hoa Thám has submitted
    other = sheet_id_of(client, auth("noivu"), rnd["id"], tanvan)
    assert uid(session, "canbo.tanvan") in who(session, inbox(session, kind=K.round_closing, object_id=other))
    assert inbox(session, kind=K.round_closing, object_id=sid) == []
    appraise(
        client, auth("noivu"), sid, nodes["1.1"].id, {"state": "returned", "reason": "Thiếu văn bản ban hành"}
    )
    sheet_act(client, auth("noivu"), sid, "return")
    returned = inbox(session, kind=K.sheet_returned, object_id=sid)
    assert officer in who(session, returned) and uid(session, "noivu") not in who(session, returned)
    assert "1.1" in returned[0].params["reason"]


def test_delivery_failing_longer_than_the_district_threshold(client, auth, session) -> None:  # type: ignore[no-untyped-def]
    close_other_work(session)
    district = unit(session, "LS.BG")
    session.add(NotificationSetting(unit_id=district, delivery_failing_hours=6))
    periods = generate_periods(client, auth("noivu"), 2023)
    rid = open_report(client, auth("noivu"), periods["q1"]["id"], district)["id"]
    now = datetime.now(UTC)
    session.add(PortalDelivery(report_id=rid, unit_id=district, idempotency_key="k" * 64, payload={},
                               status=DeliveryStatus.pending, attempts=3, last_error="HTTP 503",
                               created_at=now - timedelta(hours=5)))  # fmt: skip
    session.commit()
    events.compute_daily(session, now=now, settings=SETTINGS)
    session.commit()
    assert inbox(session, kind=K.delivery_failing) == []  # 5 h < 6 h
    events.compute_daily(session, now=now + timedelta(hours=2), settings=SETTINGS)
    events.compute_daily(session, now=now + timedelta(hours=3), settings=SETTINGS)
    session.commit()
    failing = inbox(session, kind=K.delivery_failing)
    assert who(session, failing) == {uid(session, "noivu")}  # once, to who manages the delivery
    assert failing[0].params["hours"] == 7 and failing[0].params["attempts"] == 3
    text = titles(client, auth("noivu"))
    assert any("chưa gửi được lên cổng của tỉnh sau 7 giờ" in t for t in text)
    assert not any("chưa gửi được" in t for t in titles(client, auth("chutich.hoatham")))


def test_follow_up_of_an_inspection_says_so(session) -> None:  # type: ignore[no-untyped-def]
    from api.models.activity import Finding, Inspection

    close_other_work(session)
    aid = open_with_due(session, HOATHAM, date(2024, 10, 20))
    inspection = Inspection(owner_unit_id=unit(session, "LS.BG"), unit_id=unit(session, HOATHAM),
                            kind="adhoc", date=date(2024, 9, 1))  # fmt: skip
    session.add(inspection)
    session.flush()
    session.add(Finding(inspection_id=inspection.id, content="Chưa niêm yết TTHC", severity="medium",
                        assignment_id=aid))  # fmt: skip
    session.commit()
    day(session, date(2024, 10, 18))
    (msg, *_) = inbox(session, kind=K.due_soon, object_id=aid)
    assert msg.params.get("follow_up") is True
    from api.notifications import templates

    assert "khắc phục sau kiểm tra CCHC" in templates.title(msg.kind, msg.params, "vi")
