"""The work list's default order read band by band (``work.WorkOrder``: counts per work state and dated/undated,
then only the bands the page falls in) gives exactly the rows, order and totals of ordering every row by
(rank, due date, id) — the fourth round's statement (``work.full_order_statements``) and the plain
``sort=work,due_date,id`` — on generated data: every status, due dates around today and the due-soon window,
undated work (NULL sorts last on PostgreSQL, first on SQLite), finished work ready to submit, a closed plan."""

import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.assignments import work, work_router
from api.config import get_settings
from api.models import Assignment, Plan, PlanStatus
from tests.assignments.helpers import API
from tests.dashboards.test_summary import count_statements

STATUSES = ["not_started", "in_progress", "returned", "submitted", "approved"]


def _scramble(session: Session, seed: int) -> None:
    """Every assignment gets a random status, progress/result and due date (some NULL, many on the edges of the
    overdue and due-soon windows, many equal: ties broken by id)."""
    s = get_settings()
    today, soon = s.today(), s.due_soon_days
    edges = [today - timedelta(days=1), today, today + timedelta(days=soon), today + timedelta(days=soon + 1)]
    rnd = random.Random(seed)
    for a in session.exec(select(Assignment).order_by(col(Assignment.id))).all():
        a.status = rnd.choice(STATUSES)  # type: ignore[assignment]
        pick = rnd.random()
        if pick < 0.12:
            a.due_date = None
        elif pick < 0.5:
            a.due_date = rnd.choice(edges)
        else:
            a.due_date = today + timedelta(days=rnd.randint(-60, 60))
        if rnd.random() < 0.3:
            a.progress, a.result = 100, "Đã xong"
        session.add(a)
    session.commit()


@pytest.fixture
def old_order(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Switch the route to the full-order statement (the reference) while the context is open."""

    class Switch:
        def __enter__(self) -> None:
            work_router._kept_work_page.cache_clear()
            monkeypatch.setattr(work, "work_order_statements", work.full_order_statements)

        def __exit__(self, *exc: object) -> None:
            monkeypatch.undo()
            work_router._kept_work_page.cache_clear()

    work_router._kept_work_page.cache_clear()
    yield Switch()
    work_router._kept_work_page.cache_clear()


def _page(client: TestClient, h: dict[str, str], **params: Any) -> tuple[list[int], int]:
    r = client.get(f"{API}/assignments/work", headers=h, params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    return [i["id"] for i in body["items"]], body["total"]


def _plain(client: TestClient, h: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    """Every row in the plain ``ORDER BY rank, due_date, id`` (``sort=work,due_date,id``)."""
    rows: list[dict[str, Any]] = []
    while True:
        r = client.get(
            f"{API}/assignments/work",
            headers=h,
            params={**params, "sort": "work,due_date,id", "limit": 500, "offset": len(rows)},
        )
        assert r.status_code == 200, r.text
        rows += r.json()["items"]
        if len(r.json()["items"]) < 500:
            assert r.json()["total"] == len(rows)
            return rows


def _check(client: TestClient, h: dict[str, str], old_order: Any, params: dict[str, Any]) -> None:
    """Pages across every band boundary (state, dated/undated), the first and last pages and past the end: the
    same ids and total as the full-order statement and as the plain sort."""
    plain = _plain(client, h, **params)
    ids, total = [a["id"] for a in plain], len(plain)
    marks = [(a["work_state"], a["due_date"] is None) for a in plain]
    edges = [i for i in range(1, total) if marks[i] != marks[i - 1]]
    cases = {(7, 0), (500, 0), (1, 0), (20, max(total - 5, 0)), (3, total), (5, total + 4), (50, total // 3)}
    cases |= (
        {(7, max(e - 3, 0)) for e in edges} | {(1, e) for e in edges} | {(60, max(e - 59, 0)) for e in edges}
    )
    with old_order:
        reference = {c: _page(client, h, **params, limit=c[0], offset=c[1]) for c in cases}
    for limit, offset in sorted(cases):
        got = _page(client, h, **params, limit=limit, offset=offset)
        assert got == reference[(limit, offset)], (params, limit, offset)
        assert got == (ids[offset : offset + limit], total), (params, limit, offset)


PARAMS: list[dict[str, Any]] = [
    {},
    {"include_done": True},
    {"ready": True},
    *({"state": s} for s in work.ORDER),
    {"due_soon": True},
    {"status": "returned", "include_done": True},
]


@pytest.mark.parametrize("seed", [1, 2])
def test_bands_match_the_full_order_on_generated_data(
    client: TestClient, session: Session, auth, old_order, seed: int
) -> None:  # type: ignore[no-untyped-def]
    _scramble(session, seed)
    for who in ("noivu", "canbo.hoatham"):
        h = auth(who)
        for params in PARAMS if who == "noivu" else PARAMS[:2]:
            _check(client, h, old_order, params)


def test_bands_on_a_closed_plan_and_undated_work(
    client: TestClient, session: Session, auth, old_order
) -> None:  # type: ignore[no-untyped-def]
    """A closed plan's work is done whatever its status; undated work sorts within its state like the CASE."""
    _scramble(session, 3)
    for a in session.exec(select(Assignment).where(col(Assignment.id) % 3 == 0)).all():
        a.due_date = None
        session.add(a)
    session.commit()
    h = auth("noivu")
    for params in ({}, {"include_done": True}, {"state": "in_progress"}, {"state": "not_started"}):
        _check(client, h, old_order, params)
    for plan in session.exec(select(Plan)).all():
        plan.status = PlanStatus.closed
        session.add(plan)
    session.commit()
    assert _page(client, h)[1] == 0, "a closed plan leaves nothing to do"
    _check(client, h, old_order, {"include_done": True})


def test_default_order_statements(client: TestClient, auth, db) -> None:  # type: ignore[no-untyped-def]
    """Two statements for a page (counts per band, then the page's bands), one past the end."""
    h = auth("noivu")
    for limit in (5, 200):
        with count_statements(db) as seen:
            ids, total = _page(client, h, limit=limit, include_done=True)
        assert len(ids) == min(limit, total)
        assigned = [s for s in seen if "assignment" in s.lower()]
        assert len(assigned) == 2, assigned
        assert "group by" in assigned[0].lower()
    with count_statements(db) as seen:
        ids, total = _page(client, h, offset=total + 5)
    assert ids == [] and total > 0 and len([s for s in seen if "assignment" in s.lower()]) == 1
