from collections import Counter

from sqlmodel import Session, col, select

from api.assignments import buckets
from api.authz import scope
from api.config import get_settings
from api.models import Assignment, OrgUnit, Plan, Task, TaskNode


def test_demo_plan_has_every_status_and_bucket_for_demo_units(session: Session) -> None:
    plan = session.exec(select(Plan).where(Plan.year == 2024, Plan.number == "85")).one()
    tasks = session.exec(select(Task).where(Task.plan_id == plan.id)).all()
    assert len(tasks) >= 40
    assert (
        session.exec(select(TaskNode)).first() is not None
    )  # criteria links exist when frameworks are seeded
    today = get_settings().today()
    for code in ("LS.BG.X.HOATHAM", "LS.BG.X.TANVAN", "LS.BG.VHTT"):
        unit = session.exec(select(OrgUnit).where(OrgUnit.code == code)).one()
        rows = session.execute(
            scope.task_assignments([t.id for t in tasks])
            .where(col(Assignment.unit_id) == unit.id)
            .with_only_columns(col(Assignment.status), buckets.bucket_expr(today))
        ).all()
        statuses = Counter(r[0] for r in rows)
        bucket_counts = Counter(r[1] for r in rows)
        assert set(statuses) == {"not_started", "in_progress", "submitted", "approved", "returned"}, (
            code,
            statuses,
        )
        assert set(bucket_counts) == {b.value for b in buckets.Bucket}, (code, bucket_counts)


def test_seed_is_idempotent(session: Session) -> None:
    from api.demo.seed import seed

    before = len(session.exec(select(Assignment.id)).all())
    seed(session)
    session.flush()
    assert len(session.exec(select(Assignment.id)).all()) == before
