"""Fair deadlines while waiting for review (#14): chờ duyệt instead of quá hạn, against a hand-made fixture.

A new commune under Bình Gia with four assignments (as-of date 15/10/2024, see tests/conftest.py):

| # | due        | status    | completed  | submitted (VN time) | bucket today                        |
|---|------------|-----------|------------|---------------------|-------------------------------------|
| 1 | 30/09/2024 | submitted | 25/09/2024 | 26/09/2024 09:00    | chờ duyệt, waited 19 days           |
| 2 | 30/09/2024 | submitted | 05/10/2024 | 05/10/2024 09:00    | quá hạn 15 ngày (done after the due) |
| 3 | 30/09/2024 | submitted | 28/09/2024 | 28/09/2024 09:00    | chờ duyệt, then returned → quá hạn  |
| 4 | 31/10/2024 | submitted | 10/10/2024 | 10/10/2024 09:00    | deadline not passed: trong hạn      |

The same definition answers the list, its bucket filter, the dashboard summary, the trend and the report figures.
"""

from datetime import date, datetime, timedelta, timezone

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.models import Assignment, AssignmentStatus, OrgUnit, Task, TaskUnitRole, UnitKind, UnitLevel
from api.reports import figures
from tests.assignments.helpers import API, act, plan_85

S = AssignmentStatus
VN = timezone(timedelta(hours=7))
ROWS = [
    (1, date(2024, 9, 30), date(2024, 9, 25), datetime(2024, 9, 26, 9, tzinfo=VN)),
    (2, date(2024, 9, 30), date(2024, 10, 5), datetime(2024, 10, 5, 9, tzinfo=VN)),
    (3, date(2024, 9, 30), date(2024, 9, 28), datetime(2024, 9, 28, 9, tzinfo=VN)),
    (4, date(2024, 10, 31), date(2024, 10, 10), datetime(2024, 10, 10, 9, tzinfo=VN)),
]


def _fixture(session: Session) -> tuple[int, dict[int, int]]:
    bg = session.exec(select(OrgUnit).where(OrgUnit.code == "LS.BG")).one()
    plan = plan_85(session)
    unit = OrgUnit(
        code="LS.BG.X.CHODUYET",
        name="Xã Chờ Duyệt",
        level=UnitLevel.commune,
        kind=UnitKind.people_committee,
        parent_id=bg.id,
    )
    session.add(unit)
    session.flush()
    unit.path = f"{bg.path}{unit.id}/"
    task = Task(plan_id=plan.id or 0, label="CD.1", title="Nhiệm vụ chờ duyệt", lead_unit_id=unit.id or 0)
    session.add(task)
    session.flush()
    ids = {}
    for n, due, done, sent in ROWS:
        a = Assignment(
            task_id=task.id or 0,
            plan_id=plan.id or 0,
            unit_id=unit.id or 0,
            role=TaskUnitRole.lead,
            instance_key=f"cd{n}",
            due_date=due,
            status=S.submitted,
            progress=100,
            result="Đã hoàn thành",
            completed_date=done,
            submitted_at=sent,
        )
        session.add(a)
        session.flush()
        ids[n] = a.id or 0
    session.commit()
    return unit.id or 0, ids


def _list(client: TestClient, h: dict[str, str], unit: int, **params: object) -> dict[int, dict]:  # type: ignore[type-arg]
    r = client.get(f"{API}/assignments", headers=h, params={"unit_id": unit, "limit": 50, **params})
    assert r.status_code == 200, r.text
    return {a["id"]: a for a in r.json()["items"]}


def test_submitted_on_time_waits_instead_of_overdue(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    unit, ids = _fixture(session)
    h = auth("noivu")
    rows = _list(client, h, unit)
    got = {n: (rows[i]["bucket"], rows[i]["days_overdue"], rows[i]["days_waiting"]) for n, i in ids.items()}
    assert got == {
        1: ("awaiting_review", None, 19),
        2: ("overdue", 15, 10),
        3: ("awaiting_review", None, 17),
        4: ("in_progress_on_time", None, 5),
    }
    # The bucket filter is the same definition.
    assert set(_list(client, h, unit, bucket="awaiting_review")) == {ids[1], ids[3]}
    assert set(_list(client, h, unit, bucket="overdue")) == {ids[2]}

    summary = client.get(f"{API}/dashboards/summary", headers=h, params={"unit_id": unit}).json()
    assert summary["buckets"] == {
        "done_on_time": 0,
        "done_late": 0,
        "overdue": 1,
        "in_progress_on_time": 1,
        "awaiting_review": 2,
    }
    # The on-time rate judges what has been judged: #2 is late, the two waiting items are not counted yet.
    (stat,) = [u for u in summary["by_unit"] if u["unit_id"] == unit]
    assert stat["on_time_rate"] == 0.0

    last = client.get(f"{API}/dashboards/trend", headers=h, params={"unit_id": unit}).json()["points"][-1]
    assert (last["due"], last["overdue"], last["awaiting_review"]) == (3, 1, 2)

    # Report figures at a cut-off: the same rule with "today" = the cut-off.
    base = select(Assignment).where(col(Assignment.unit_id) == unit)
    on = {d: figures.bucket_counts(session, base, d) for d in (date(2024, 9, 30), date(2024, 10, 1))}
    assert {d: (c["awaiting_review"], c["overdue"], c["in_progress_on_time"]) for d, c in on.items()} == {
        date(2024, 9, 30): (0, 0, 4),  # due today: nothing is late or waiting yet
        date(2024, 10, 1): (2, 1, 1),  # the deadline passed: #1, #3 wait, #2 (done 05/10) is late
    }
    session.commit()


def test_returned_goes_back_to_the_bucket_its_dates_give(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    unit, ids = _fixture(session)
    h = auth("noivu")
    r = act(client, h, ids[3], "return", {"reason": "Thiếu tài liệu kiểm chứng"})
    assert r.status_code == 200, r.text
    back = r.json()
    assert (back["bucket"], back["days_overdue"], back["days_waiting"]) == ("overdue", 15, None)
    # Approving the waiting one makes it done on time by the unit's date, whatever the review day.
    ok = act(client, h, ids[1], "approve", {})
    assert ok.status_code == 200, ok.text
    assert (ok.json()["bucket"], ok.json()["completed_date"]) == ("done_on_time", "2024-09-25")
    summary = client.get(f"{API}/dashboards/summary", headers=h, params={"unit_id": unit}).json()
    assert summary["buckets"]["awaiting_review"] == 0 and summary["buckets"]["overdue"] == 2
    assert summary["buckets"]["done_on_time"] == 1
