"""The dashboard's figures against a plain recount, row by row, of what each caller sees (#19).

The summary groups in SQL (grouping sets on PostgreSQL), rolls the criteria and lĩnh vực up in Python and keeps
its built statements per caller's grants; here every figure is recounted from the scoped assignment rows one by
one (``scope.visible_assignments``, the joined form), with the lĩnh vực found by walking ``parent_id`` — and
callers of the same shape (two commune heads) are asked in turn, so a statement kept for one can never answer
the other.
"""

from collections import Counter, defaultdict
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.assignments import buckets
from api.auth.service import principal_for_user
from api.authz import scope
from api.dashboards.schemas import Summary
from api.dashboards.service import CODE_BUCKETS, SOON_CODE, bucket_code_expr
from api.models import Assignment, AssignmentStatus, FrameworkNode, TaskNode, User
from tests.assignments.helpers import API, plan_85, unit_id

ACCOUNTS = ("noivu", "chutich.hoatham", "chutich.tanvan", "canbo.hoatham", "noivu")


def _recount(session: Session, username: str, today: date, soon_days: int, **filters: Any) -> dict[str, Any]:
    user = session.exec(select(User).where(User.username == username)).one()
    principal = principal_for_user(session, user)
    stmt = scope.visible_assignments(principal).with_only_columns(
        col(Assignment.unit_id),
        col(Assignment.task_id),
        col(Assignment.plan_id),
        col(Assignment.progress),
        buckets.bucket_expr(today),
        buckets.due_soon_expr(today, soon_days),
    )
    if filters.get("plan_id") is not None:
        stmt = stmt.where(col(Assignment.plan_id) == filters["plan_id"])
    if filters.get("unit_id") is not None:
        stmt = stmt.where(col(Assignment.unit_id) == filters["unit_id"])
    rows = session.execute(stmt).all()
    nodes = {n.id: n for n in session.exec(select(FrameworkNode)).all()}

    def top(node_id: int) -> int:
        while nodes[node_id].parent_id is not None:
            node_id = nodes[node_id].parent_id  # type: ignore[assignment]
        return node_id

    links: dict[int, set[int]] = defaultdict(set)
    for t in session.exec(select(TaskNode)).all():
        links[t.task_id].add(t.node_id)
    per_unit: dict[int, Counter[str]] = defaultdict(Counter)
    per_plan: dict[int, Counter[str]] = defaultdict(Counter)
    per_area: dict[int, Counter[str]] = defaultdict(Counter)
    overdue: Counter[int] = Counter()
    buckets_all: Counter[str] = Counter()
    soon = 0
    for unit, task, plan, progress, bucket, due_soon in rows:
        for c in (per_unit[unit], per_plan[plan], buckets_all):
            c[bucket] += 1
            c["_progress"] += progress
        for area in {top(n) for n in links[task]}:
            per_area[area][bucket] += 1
        for n in links[task]:
            overdue[n] += bucket == "overdue"
        soon += bool(due_soon)
    strip = lambda c: {k: v for k, v in c.items() if not k.startswith("_") and v}  # noqa: E731
    return {
        "total": len(rows),
        "buckets": strip(buckets_all),
        "progress_sum": buckets_all["_progress"],
        "by_unit": {u: strip(c) for u, c in per_unit.items()},
        "by_plan": {p: strip(c) for p, c in per_plan.items()},
        "by_area": {a: strip(c) for a, c in per_area.items()},
        "overdue": {n: k for n, k in overdue.items() if k},
        "due_soon_total": soon,
    }


def _figures(s: dict[str, Any]) -> dict[str, Any]:
    nz = lambda b: {k: v for k, v in b.items() if v}  # noqa: E731
    return {
        "total": s["total"],
        "buckets": nz(s["buckets"]),
        "by_unit": {u["unit_id"]: nz(u["buckets"]) for u in s["by_unit"]},
        "by_plan": {p["plan_id"]: nz(p["buckets"]) for p in s["by_plan"]},
        "by_area": {a["node_id"]: nz(a["buckets"]) for a in s["by_area"]},
        "due_soon_total": s["due_soon_total"],
    }


@pytest.mark.parametrize("as_of", [date(2024, 10, 15), date(2024, 6, 1)])
def test_summary_equals_a_recount_for_every_caller(
    client: TestClient, session: Session, auth, monkeypatch: pytest.MonkeyPatch, as_of: date
) -> None:  # type: ignore[no-untyped-def]
    from api.config import get_settings

    monkeypatch.setattr(get_settings(), "as_of_date", as_of)
    soon_days = get_settings().due_soon_days
    plan = plan_85(session).id
    hoatham = unit_id(session, "LS.BG.X.HOATHAM")
    session.commit()
    seen_units: dict[str, set[int]] = {}
    for username in ACCOUNTS:
        h = auth(username)
        for filters in ({}, {"plan_id": plan}, {"unit_id": hoatham}):
            r = client.get(f"{API}/dashboards/summary", headers=h, params=filters)
            if "unit_id" in filters and username == "chutich.tanvan":
                assert r.status_code == 404, r.text  # another commune: out of reach, as everywhere
                continue
            assert r.status_code == 200, r.text
            s = r.json()
            # The route serialises the service's document itself: it must be exactly the schema's shape.
            assert s == Summary.model_validate(s).model_dump(mode="json")
            assert s["as_of"] == as_of.isoformat()
            want = _recount(session, username, as_of, soon_days, **filters)
            session.commit()
            got = _figures(s)
            assert got["total"] == want["total"]
            assert got["buckets"] == want["buckets"]
            assert got["by_unit"] == want["by_unit"]
            assert got["by_plan"] == want["by_plan"]
            assert got["by_area"] == want["by_area"]
            assert got["due_soon_total"] == want["due_soon_total"]
            overdue = {c["node_id"]: c["overdue"] for c in s["criteria_most_overdue"]}
            top = sorted(want["overdue"].values(), reverse=True)[: len(overdue)]
            assert sorted(overdue.values(), reverse=True) == top
            assert all(want["overdue"][n] == k for n, k in overdue.items())
            assert len(overdue) == min(10, len(want["overdue"]))
            if not filters:
                seen_units[username] = set(got["by_unit"])
    # Same shape of grants, different communes: each sees its own unit only.
    assert seen_units["chutich.hoatham"] == {hoatham}
    assert seen_units["chutich.tanvan"] and seen_units["chutich.tanvan"] != {hoatham}
    assert seen_units["noivu"] >= seen_units["chutich.hoatham"] | seen_units["chutich.tanvan"]


def test_summary_follows_a_change_at_once(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    """Nothing of the figures is kept between requests: an approval shows on the next call."""
    h = auth("chutich.hoatham")
    before = client.get(f"{API}/dashboards/summary", headers=h).json()
    hoatham = unit_id(session, "LS.BG.X.HOATHAM")
    open_ids = (
        session.execute(
            select(col(Assignment.id))
            .where(col(Assignment.unit_id) == hoatham, col(Assignment.status) != AssignmentStatus.approved)
            .order_by(col(Assignment.id))
            .limit(2)
        )
        .scalars()
        .all()
    )
    assert len(open_ids) == 2
    session.execute(
        sa.update(Assignment)
        .where(col(Assignment.id).in_(open_ids))
        .values(status=AssignmentStatus.approved, completed_date=None, progress=100)
    )
    session.commit()
    after = client.get(f"{API}/dashboards/summary", headers=h).json()
    assert after["total"] == before["total"]
    assert after["buckets"]["done_on_time"] == before["buckets"]["done_on_time"] + 2


@pytest.mark.parametrize("as_of", [date(2024, 10, 15), date(2024, 6, 1), date(2025, 3, 1)])
@pytest.mark.parametrize("soon_days", [7, 30])
def test_bucket_code_is_the_bucket_definition(session: Session, as_of: date, soon_days: int) -> None:
    """The aggregates count buckets by a code (:func:`bucket_code_expr`, built from the conditions of
    :func:`buckets.bucket_expr`): on every assignment row it names the same bucket as the definition, and it
    is ``SOON_CODE`` exactly when the row is also due soon (:func:`buckets.due_soon_expr`)."""
    soon = sa.case((buckets.due_soon_expr(as_of, soon_days), True), else_=False)
    rows = session.execute(
        select(col(Assignment.id), buckets.bucket_expr(as_of), bucket_code_expr(as_of, soon_days), soon)
    ).all()
    assert len(rows) > 100
    assert [(i, b) for i, b, _, _ in rows] == [(i, CODE_BUCKETS[c]) for i, _, c, _ in rows]
    assert [(i, bool(s)) for i, _, _, s in rows] == [(i, c == SOON_CODE) for i, _, c, _ in rows]
    assert len({b for _, b, _, _ in rows}) >= 3
