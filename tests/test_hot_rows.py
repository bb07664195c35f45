"""``api.hot_rows`` (#19): a hot read statement sent on psycopg's own cursor gives the rows SQLAlchemy gives
(enums, UTC datetimes, strings, dates), goes through the engine's cursor listeners, takes the caller's values for
its named parameters, and leaves to SQLAlchemy what it cannot send the same way (other types, list parameters,
driver errors, SQLite)."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlmodel import col

from api import db as api_db
from api import hot_rows
from api.models import Assignment, AssignmentStatus, OrgUnit, User
from tests.conftest import BACKEND


def _plan(statement: object) -> object:
    return hot_rows._plans.get((id(statement), "postgresql"))


def _assignments() -> sa.Select:  # type: ignore[type-arg]
    return (
        sa.select(
            col(Assignment.id),
            col(Assignment.status),
            col(Assignment.due_date),
            col(Assignment.created_at),
            col(Assignment.submitted_at),
            col(OrgUnit.code),
            (col(Assignment.progress) == 100).label("full"),
        )
        .join(OrgUnit, col(OrgUnit.id) == col(Assignment.unit_id))
        .where(
            col(OrgUnit.path).like(sa.bindparam("prefix") + "%"),
            col(Assignment.status) != AssignmentStatus.approved,
        )
        .order_by(col(Assignment.id))
        .limit(50)
    )


def test_the_same_rows_as_sqlalchemy_with_the_callers_values(db: sa.Engine) -> None:
    statement = _assignments()
    with api_db.read_session(db) as session:
        conn = session.connection()
        prefixes = [
            p for (p,) in conn.execute(sa.select(col(OrgUnit.path)).order_by(col(OrgUnit.id)).limit(3))
        ]
        assert prefixes
        for _ in range(3):  # twice through SQLAlchemy, then (PostgreSQL) from the plan kept the second time
            for prefix in prefixes:
                expected = [tuple(r) for r in conn.execute(statement, {"prefix": prefix}).all()]
                found = hot_rows.rows(conn, statement, {"prefix": prefix})
                assert found == expected
                for got, want in zip(found, expected, strict=True):
                    assert [type(v) for v in got] == [type(v) for v in want]
                    assert isinstance(got[1], AssignmentStatus)
                    assert got[3].tzinfo is not None and got[3].utcoffset() == timedelta(0)
        assert any(found for found in (hot_rows.rows(conn, statement, {"prefix": p}) for p in prefixes))
    assert (_plan(statement) is not None) == (BACKEND == "postgresql")


def test_datetimes_come_back_in_utc_whatever_the_sessions_time_zone(db: sa.Engine) -> None:
    statement = (
        sa.select(col(Assignment.id), col(Assignment.created_at)).order_by(col(Assignment.id)).limit(5)
    )
    with api_db.write_session(db) as session:
        conn = session.connection()
        if (
            BACKEND == "postgresql"
        ):  # SQLite keeps no time zone: UTC without an offset, made aware by the type
            conn.exec_driver_sql("SET LOCAL TIME ZONE 'Asia/Ho_Chi_Minh'")
            raw = conn.exec_driver_sql("SELECT created_at FROM assignment LIMIT 1").scalar_one()
            assert raw.utcoffset() == timedelta(hours=7)  # what psycopg gives before the type's processor
        expected = [tuple(r) for r in conn.execute(statement).all()]
        hot_rows.rows(conn, statement)
        hot_rows.rows(conn, statement)  # the second time makes the plan; the third is sent from it
        found = hot_rows.rows(conn, statement)
        session.rollback()
    assert (_plan(statement) is not None) == (BACKEND == "postgresql")
    assert _plan(statement) is not hot_rows._NO_PLAN
    assert found and found == expected
    assert all(row[1].tzinfo is not None and row[1].utcoffset() == timedelta(0) for row in found)


def test_each_execution_goes_through_the_cursor_listeners(db: sa.Engine) -> None:
    statement = sa.select(col(User.id), col(User.username)).where(col(User.id) == sa.bindparam("uid"))
    seen: list[str] = []

    def _on(_conn: object, _cursor: object, sql: str, *_rest: object) -> None:
        seen.append(sql)

    sa.event.listen(db, "before_cursor_execute", _on)
    try:
        with api_db.read_session(db) as session:
            conn = session.connection()
            for uid in (1, 2, 3, 2):
                hot_rows.rows(conn, statement, {"uid": uid})
    finally:
        sa.event.remove(db, "before_cursor_execute", _on)
    assert len([s for s in seen if "user_account" in s]) == 4


def test_what_it_cannot_send_the_same_way_goes_through_sqlalchemy(db: sa.Engine) -> None:
    numeric = sa.select(sa.cast(col(Assignment.progress), sa.Numeric(5, 2)).label("p")).limit(3)
    listed = sa.select(col(OrgUnit.id)).where(col(OrgUnit.id).in_(sa.bindparam("ids", expanding=True)))
    with api_db.read_session(db) as session:
        conn = session.connection()
        for _ in range(2):
            assert hot_rows.rows(conn, numeric) == [tuple(r) for r in conn.execute(numeric).all()]
            for ids in ([1], [1, 2, 3]):
                got = hot_rows.rows(conn, listed, {"ids": ids})
                assert sorted(i for (i,) in got) == sorted(i for (i,) in conn.execute(listed, {"ids": ids}))
                assert len(got) == len(ids)
    if BACKEND == "postgresql":
        assert _plan(numeric) is hot_rows._NO_PLAN
        assert _plan(listed) is hot_rows._NO_PLAN


def test_a_driver_error_is_sqlalchemys_error(db: sa.Engine) -> None:
    statement = sa.select((sa.literal_column("10") / sa.bindparam("d", type_=sa.Integer)).label("q"))
    with api_db.read_session(db) as session:
        conn = session.connection()
        assert hot_rows.rows(conn, statement, {"d": 2}) == [(5,)]
        assert hot_rows.rows(conn, statement, {"d": 5}) == [(2,)]
        assert hot_rows.rows(conn, statement, {"d": 1}) == [(10,)]
        if BACKEND == "postgresql":
            assert isinstance(_plan(statement), tuple)
            with pytest.raises(DBAPIError):
                hot_rows.rows(conn, statement, {"d": 0})  # division by zero: wrapped as SQLAlchemy wraps it
    if BACKEND == "postgresql":
        with api_db.read_session(db) as session:  # the connection went back to the pool usable
            assert hot_rows.rows(session.connection(), statement, {"d": 1}) == [(10,)]


def test_a_new_value_is_never_answered_from_an_earlier_one(db: sa.Engine) -> None:
    statement = sa.select(col(User.username)).where(col(User.id) == sa.bindparam("uid"))
    with api_db.read_session(db) as session:
        conn = session.connection()
        ids = [i for (i,) in conn.execute(sa.select(col(User.id)).order_by(col(User.id)).limit(4))]
        names = {i: n for i, n in conn.execute(sa.select(col(User.id), col(User.username)))}
        for uid in ids * 2:
            assert hot_rows.rows(conn, statement, {"uid": uid}) == [(names[uid],)]
        # a missing parameter is SQLAlchemy's error, never the value of an earlier call
        with pytest.raises(sa.exc.StatementError):
            hot_rows.rows(conn, statement, {})
        # a parameter the plan does not take sends the statement through SQLAlchemy (which ignores it)
        assert hot_rows.rows(conn, statement, {"uid": ids[1], "other": datetime.now(UTC)}) == [
            (names[ids[1]],)
        ]


def test_a_statement_run_once_takes_no_plan_and_is_not_kept(db: sa.Engine) -> None:
    import gc

    with api_db.read_session(db) as session:
        # no compiled cache: otherwise SQLAlchemy's own cache keeps the statement alive with its compiled form
        conn = session.connection().execution_options(compiled_cache=None)
        once = sa.select(col(User.id)).where(col(User.id) == sa.bindparam("uid"))
        key = (id(once), "postgresql")
        assert hot_rows.rows(conn, once, {"uid": 1}) == [tuple(r) for r in conn.execute(once, {"uid": 1})]
        assert _plan(once) is None  # seen once: SQLAlchemy's rows, nothing kept
        del once
        gc.collect()
        assert key not in hot_rows._seen  # held weakly: gone with the request's statement
