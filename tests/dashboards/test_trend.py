"""GET /dashboards/trend: the four deadline figures at each period end, against a hand-made fixture.

The fixture is a new commune under Bình Gia with eight assignments whose figures at each month / week end were
worked out by hand (as-of date 15/10/2024, see tests/conftest.py):

| # | due        | status      | completed  | note                                   |
|---|------------|-------------|------------|----------------------------------------|
| 1 | 20/07/2024 | approved    | 18/07/2024 | on time from July on                   |
| 2 | 10/07/2024 | approved    | 05/08/2024 | overdue in July, done late from August |
| 3 | 15/08/2024 | submitted   | 10/08/2024 | done on time, not approved: chờ duyệt  |
| 4 | 30/09/2024 | not_started | —          | due 30/09, overdue from 01/10          |
| 5 | 30/11/2024 | approved    | 02/09/2024 | done early: on time from September     |
| 6 | —          | in_progress | —          | never due                              |
| 7 | 15/10/2024 | not_started | —          | due on the as-of date, not yet overdue |
| 8 | 30/06/2024 | approved    | —          | approved, no completion date: on time  |

Tasks: #1–#4 are on a task linked to a criterion (the node filter), #5–#8 on another.
"""

from datetime import date
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from api.models import (
    Assignment,
    AssignmentStatus,
    FrameworkNode,
    OrgUnit,
    Task,
    TaskNode,
    TaskUnitRole,
    UnitKind,
    UnitLevel,
)
from tests.assignments.helpers import API, plan_85
from tests.dashboards.test_summary import _grow, count_statements

S = AssignmentStatus
ROWS: list[tuple[int, date | None, AssignmentStatus, date | None]] = [
    (1, date(2024, 7, 20), S.approved, date(2024, 7, 18)),
    (2, date(2024, 7, 10), S.approved, date(2024, 8, 5)),
    (3, date(2024, 8, 15), S.submitted, date(2024, 8, 10)),
    (4, date(2024, 9, 30), S.not_started, None),
    (5, date(2024, 11, 30), S.approved, date(2024, 9, 2)),
    (6, None, S.in_progress, None),
    (7, date(2024, 10, 15), S.not_started, None),
    (8, date(2024, 6, 30), S.approved, None),
]
KEYS = ("period_end", "due", "done_on_time", "done_late", "overdue", "awaiting_review")


def _fixture(session: Session) -> dict[str, int]:
    bg = session.exec(select(OrgUnit).where(OrgUnit.code == "LS.BG")).one()
    plan = plan_85(session)
    node = session.exec(
        select(FrameworkNode).where(col(FrameworkNode.depth) == 1).order_by(col(FrameworkNode.id))
    ).first()
    assert node is not None and bg.id is not None and plan.id is not None
    unit = OrgUnit(
        code="LS.BG.X.TREND",
        name="Xã Xu Hướng",
        level=UnitLevel.commune,
        kind=UnitKind.people_committee,
        parent_id=bg.id,
    )
    session.add(unit)
    session.flush()
    unit.path = f"{bg.path}{unit.id}/"
    tasks = []
    for label in ("TR.1", "TR.2"):
        t = Task(plan_id=plan.id, label=label, title=f"Nhiệm vụ {label}", lead_unit_id=unit.id or 0)
        session.add(t)
        session.flush()
        tasks.append(t.id or 0)
    session.add(TaskNode(task_id=tasks[0], node_id=node.id or 0))
    for n, due, status, done in ROWS:
        session.add(
            Assignment(
                task_id=tasks[0] if n <= 4 else tasks[1],
                plan_id=plan.id,
                unit_id=unit.id or 0,
                role=TaskUnitRole.lead,
                instance_key=f"tr{n}",
                due_date=due,
                status=status,
                completed_date=done,
                progress=100 if status == S.approved else 40,
            )
        )
    session.commit()
    return {"unit": unit.id or 0, "node": node.id or 0, "plan": plan.id}


def _points(r: Any) -> list[tuple[Any, ...]]:
    assert r.status_code == 200, r.text
    return [tuple(p[k] for k in KEYS) for p in r.json()["points"]]


def test_monthly_trend_matches_hand_made_fixture(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    ids = _fixture(session)
    h = auth("noivu")
    r = client.get(
        f"{API}/dashboards/trend", headers=h, params={"unit_id": ids["unit"], "date_from": "2024-07-01"}
    )
    assert _points(r) == [
        # #3 (done 10/08 for 15/08, submitted, not reviewed) waits from 16/08: chờ duyệt, not quá hạn (#14)
        ("2024-07-31", 3, 2, 0, 1, 0),
        ("2024-08-31", 4, 2, 1, 0, 1),
        ("2024-09-30", 5, 3, 1, 0, 1),
        ("2024-10-15", 6, 3, 1, 1, 1),
    ]
    body = r.json()
    assert (
        body["as_of"] == "2024-10-15" and body["granularity"] == "month" and body["date_from"] == "2024-07-01"
    )
    assert [p["period_start"] for p in body["points"]] == [
        "2024-07-01",
        "2024-08-01",
        "2024-09-01",
        "2024-10-01",
    ]

    # Default range: from 01/01 of the as-of year, one point per month; nothing was due before July but #8.
    d = client.get(f"{API}/dashboards/trend", headers=h, params={"unit_id": ids["unit"]}).json()["points"]
    assert [p["period_end"] for p in d][:2] == ["2024-01-31", "2024-02-29"] and len(d) == 10
    assert (d[5]["due"], d[5]["done_on_time"], d[5]["overdue"]) == (1, 1, 0)  # June: #8 only

    # The same figures for the plan filter (the fixture is on plan 85) and none for another plan id.
    same = client.get(
        f"{API}/dashboards/trend",
        headers=h,
        params={"unit_id": ids["unit"], "plan_id": ids["plan"], "date_from": "2024-07-01"},
    )
    assert _points(same) == _points(r)
    other = client.get(
        f"{API}/dashboards/trend",
        headers=h,
        params={"unit_id": ids["unit"], "plan_id": ids["plan"] + 999, "date_from": "2024-07-01"},
    )
    assert [p[1:] for p in _points(other)] == [(0, 0, 0, 0, 0)] * 4


def test_weekly_trend_and_node_filter(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    ids = _fixture(session)
    h = auth("noivu")
    r = client.get(
        f"{API}/dashboards/trend",
        headers=h,
        params={"unit_id": ids["unit"], "granularity": "week", "date_from": "2024-09-23"},
    )
    assert _points(r) == [
        ("2024-09-29", 4, 3, 1, 0, 1),
        ("2024-10-06", 5, 3, 1, 1, 1),
        ("2024-10-13", 5, 3, 1, 1, 1),
        ("2024-10-15", 6, 3, 1, 1, 1),  # the week of 14/10, clipped at the as-of date
    ]
    assert r.json()["points"][-1]["period_start"] == "2024-10-14"

    n = client.get(
        f"{API}/dashboards/trend",
        headers=h,
        params={"unit_id": ids["unit"], "node_id": ids["node"], "date_from": "2024-07-01"},
    )
    assert _points(n) == [
        ("2024-07-31", 2, 1, 0, 1, 0),
        ("2024-08-31", 3, 1, 1, 0, 1),
        ("2024-09-30", 4, 1, 1, 0, 1),
        ("2024-10-15", 4, 1, 1, 1, 1),
    ]


def test_last_point_is_the_summary(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    """At the as-of date the figures are the summary's buckets, for the whole scope of each reader."""
    _fixture(session)
    for who in ("noivu", "chutich", "canbo.hoatham"):
        h = auth(who)
        s = client.get(f"{API}/dashboards/summary", headers=h).json()
        last = client.get(f"{API}/dashboards/trend", headers=h).json()["points"][-1]
        assert last["period_end"] == s["as_of"] == "2024-10-15"
        assert {b: last[b] for b in ("done_on_time", "done_late", "overdue", "awaiting_review")} == {
            b: s["buckets"][b] for b in ("done_on_time", "done_late", "overdue", "awaiting_review")
        }, who
    bg = session.exec(select(OrgUnit).where(OrgUnit.code == "LS.BG")).one()
    due = session.exec(
        select(func.count())
        .select_from(Assignment)
        .join(OrgUnit, col(OrgUnit.id) == col(Assignment.unit_id))
        .where(col(OrgUnit.path).startswith(bg.path), col(Assignment.due_date) <= date(2024, 10, 15))
    ).one()
    session.commit()
    last = client.get(f"{API}/dashboards/trend", headers=auth("noivu")).json()["points"][-1]
    assert last["due"] == due > 0


def test_trend_is_scoped(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    ids = _fixture(session)
    params = {"unit_id": ids["unit"], "date_from": "2024-07-01"}
    # A commune officer of Hoa Thám asking for another commune's figures gets nothing of it: 404, as for any unit
    # out of reach.
    r = client.get(f"{API}/dashboards/trend", headers=auth("canbo.hoatham"), params=params)
    assert r.status_code == 404 and r.json()["code"] == "not_found", r.text
    mine = client.get(f"{API}/dashboards/trend", headers=auth("canbo.hoatham")).json()["points"][-1]
    everyone = client.get(f"{API}/dashboards/trend", headers=auth("noivu")).json()["points"][-1]
    assert 0 < mine["due"] < everyone["due"]
    assert client.get(f"{API}/dashboards/trend", headers=auth("admin")).status_code == 403
    assert client.get(f"{API}/dashboards/trend").status_code == 401
    missing = client.get(f"{API}/dashboards/trend", headers=auth("noivu"), params={"node_id": 10**9})
    assert missing.status_code == 404


def test_trend_validation(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    late = client.get(f"{API}/dashboards/trend", headers=h, params={"date_from": "2024-10-16"})
    assert late.status_code == 422 and late.json()["errors"][0]["field"] == "date_from"
    long = client.get(
        f"{API}/dashboards/trend", headers=h, params={"granularity": "week", "date_from": "2020-01-01"}
    )
    assert long.status_code == 422 and long.json()["errors"][0]["code"] == "too_many_points"
    assert "detail_en" in long.json()
    bad = client.get(f"{API}/dashboards/trend", headers=h, params={"granularity": "year"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "granularity"
    one = client.get(f"{API}/dashboards/trend", headers=h, params={"date_from": "2024-10-15"}).json()[
        "points"
    ]
    assert [(p["period_start"], p["period_end"]) for p in one] == [("2024-10-15", "2024-10-15")]


def test_trend_statements_do_not_grow_with_points_or_units(
    client: TestClient, session: Session, db: sa.Engine, auth
) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    counts = []
    for params in ({"date_from": "2024-09-01"}, {"granularity": "week", "date_from": "2022-01-03"}):
        with count_statements(db) as seen:
            r = client.get(f"{API}/dashboards/trend", headers=h, params=params)
        assert r.status_code == 200
        counts.append(len(seen))
    n_points = len(r.json()["points"])
    _grow(session, 40)
    with count_statements(db) as seen:
        r2 = client.get(
            f"{API}/dashboards/trend", headers=h, params={"granularity": "week", "date_from": "2022-01-03"}
        )
    assert r2.status_code == 200 and len(r2.json()["points"]) == n_points > 140
    counts.append(len(seen))
    assert counts[0] == counts[1] == counts[2] <= 4, counts
