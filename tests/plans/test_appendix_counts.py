"""The appendix's status counts (#19, ``scope_appendix.status_counts``): both ways of counting — per task from the
index alone with the units out of reach as the test (PostgreSQL, a caller reaching most units), and the join of
``visible_assignments`` — give, for every task of every plan (drafts included) and for callers of every breadth,
exactly the row-by-row count of ``visible_assignments``."""

from collections import Counter

from sqlmodel import Session, col, select

from api.auth.service import principal_for_user
from api.authz import scope, scope_appendix
from api.models import Assignment, Task, User


def _reference(session: Session, principal, task_ids: list[int]) -> Counter[tuple[int, str]]:  # type: ignore[no-untyped-def]
    rows = session.exec(
        scope.visible_assignments(principal).where(col(Assignment.task_id).in_(task_ids))
    ).all()
    return Counter((a.task_id, str(a.status)) for a in rows)


def _counted(rows: list) -> tuple[Counter[tuple[int, str]], Counter[tuple[int, str]]]:  # type: ignore[type-arg]
    n: Counter[tuple[int, str]] = Counter()
    instances: Counter[tuple[int, str]] = Counter()
    for task_id, status, count, with_instance in rows:
        n[(task_id, status)] += int(count)
        instances[(task_id, status)] += int(with_instance)
    return +n, +instances


def test_both_ways_of_counting_equal_a_row_by_row_count(session: Session) -> None:
    task_ids = sorted(t for t in session.exec(select(Task.id)).all() if t is not None)
    assert task_ids
    for username in ("noivu", "chutich.hoatham", "canbo.hoatham"):
        user = session.exec(select(User).where(User.username == username)).one()
        principal = principal_for_user(session, user)
        expected = _reference(session, principal, task_ids)
        assert expected, username  # each of them sees work: the comparison below could fail
        joined = _counted(scope_appendix.status_counts(session, principal, task_ids, index_only=False))
        index_only = _counted(scope_appendix.status_counts(session, principal, task_ids, index_only=True))
        decided = _counted(scope_appendix.status_counts(session, principal, task_ids))
        assert joined[0] == expected, username
        assert index_only == joined == decided, username
        with_instance = Counter(
            (a.task_id, str(a.status))
            for a in session.exec(
                scope.visible_assignments(principal).where(
                    col(Assignment.task_id).in_(task_ids), col(Assignment.instance_key) != ""
                )
            ).all()
        )
        assert joined[1] == +with_instance, username
    session.rollback()


def test_no_task_no_statement(session: Session) -> None:
    user = session.exec(select(User).where(User.username == "noivu")).one()
    assert scope_appendix.status_counts(session, principal_for_user(session, user), []) == []
