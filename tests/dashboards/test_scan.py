"""The dashboard's scan (``api/authz/scope_dashboard.py``) reads exactly the rows of ``scope.assignments_in_reach``,
whichever of its two branches the one-time condition takes (#19), and the summary still equals a recount there."""

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.auth.service import principal_for_user
from api.authz import scope, scope_dashboard
from api.authz.principal import Principal
from api.models import Assignment, OrgUnit, Plan, PlanStatus, User
from tests.assignments.helpers import API, plan_85, unit_id
from tests.dashboards.test_summary_recount import _figures, _recount

# A district's reach (its admin and its observer: subtree grants), a commune head's (own unit only) and the
# system administrator's (no right to read assignments: nothing).
ACCOUNTS = ("admin", "noivu", "huyenuy", "chutich.hoatham")


def _principal(session: Session, username: str) -> Principal:
    user = session.exec(select(User).where(User.username == username)).one()
    return principal_for_user(session, user)


def _scan(session: Session) -> dict[str, bool]:
    """For every account: the scan's rows (with and without a filter) against ``assignments_in_reach``'s;
    answers whether the reach is every assignment (the branch the scan reads)."""
    plan = plan_85(session).id
    everything: dict[str, bool] = {}
    for username in ACCOUNTS:
        p = _principal(session, username)
        for where in ([], [col(Assignment.plan_id) == plan], [col(Assignment.progress) >= 50]):
            want = session.execute(
                scope.assignments_in_reach(p).with_only_columns(col(Assignment.id)).where(*where)
            ).scalars()
            got = session.execute(
                scope_dashboard.assignments_in_reach_scan(p, [col(Assignment.id)], *where)
            ).scalars()
            assert sorted(got) == sorted(want), (username, where)
        everything[username] = bool(
            session.execute(sa.select(scope_dashboard.reach_is_everything(p))).scalar()
        )
    return everything


def _outside_to_inside(session: Session, username: str) -> None:
    """Move every assignment out of ``username``'s reach to a unit in it."""
    p = _principal(session, username)
    reach = scope.unit_ids_subquery(p, scope.P.assignments_read)
    inside = list(session.execute(select(col(OrgUnit.id)).where(col(OrgUnit.id).in_(reach))).scalars())
    outside = session.execute(
        select(col(Assignment.id), col(Assignment.task_id)).where(col(Assignment.unit_id).not_in(reach))
    ).all()
    assert outside, "the demo has work of the province's own department, out of the district's reach"
    for aid, task_id in outside:
        taken = set(
            session.execute(
                select(col(Assignment.unit_id)).where(col(Assignment.task_id) == task_id)
            ).scalars()
        )
        target = next((u for u in inside if u not in taken), inside[0])
        # a key of its own, should the unit already have that task's instance
        values = {"unit_id": target, "instance_key": f"moved-{aid}"}
        session.execute(sa.update(Assignment).where(col(Assignment.id) == aid).values(**values))
    session.commit()


def test_the_scan_is_the_scoped_rows_in_both_branches(session: Session) -> None:
    first = _scan(session)
    assert first["noivu"] is False and first["huyenuy"] is False  # the province department's work is outside
    assert first["chutich.hoatham"] is False and first["admin"] is False

    _outside_to_inside(session, "noivu")
    second = _scan(session)
    assert second["noivu"] is True and second["huyenuy"] is True

    # A draft of the province department is hidden from the district: the scoped branch again, without its rows.
    plan = plan_85(session)
    snv = session.exec(select(OrgUnit).where(OrgUnit.code == "LS.SNV")).one()
    session.execute(
        sa.update(Plan).where(col(Plan.id) == plan.id).values(status=PlanStatus.draft, issuing_unit_id=snv.id)
    )
    session.commit()
    third = _scan(session)
    assert third["noivu"] is False and third["huyenuy"] is False


@pytest.mark.parametrize("move_outside_work", [False, True])
def test_summary_equals_a_recount_in_both_branches(
    client: TestClient, session: Session, auth, monkeypatch: pytest.MonkeyPatch, move_outside_work: bool
) -> None:  # type: ignore[no-untyped-def]
    from api.config import get_settings

    as_of = date(2024, 10, 15)
    monkeypatch.setattr(get_settings(), "as_of_date", as_of)
    if move_outside_work:
        _outside_to_inside(session, "noivu")
    hoatham = unit_id(session, "LS.BG.X.HOATHAM")
    session.commit()
    for username in ("noivu", "huyenuy"):
        h = auth(username)
        everything = session.execute(
            sa.select(scope_dashboard.reach_is_everything(_principal(session, username)))
        ).scalar()
        session.commit()
        assert bool(everything) is move_outside_work
        for filters in ({}, {"unit_id": hoatham}):
            r = client.get(f"{API}/dashboards/summary", headers=h, params=filters)
            assert r.status_code == 200, r.text
            got: dict[str, Any] = _figures(r.json())
            want = _recount(session, username, as_of, get_settings().due_soon_days, **filters)
            session.commit()
            for key in ("total", "buckets", "by_unit", "by_plan", "by_area", "due_soon_total"):
                assert got[key] == want[key], (username, filters, key)
