"""Read-only requests (#19): a GET/HEAD reads on PostgreSQL in autocommit (no BEGIN/ROLLBACK round trips), a GET
answering a document reads one REPEATABLE READ snapshot, and on both databases a read-only request that tries to
write fails before anything is sent (under autocommit nothing would roll it back)."""

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import select

from api import db as api_db
from api.models import OrgUnit
from tests.conftest import BACKEND


def _status(session: object) -> str:
    """The DBAPI connection's transaction state, as PostgreSQL's client library reports it."""
    raw = session.connection().connection.dbapi_connection  # type: ignore[attr-defined]
    return str(raw.info.transaction_status.name)


@pytest.mark.parametrize(
    "statement",
    [
        sa.text("UPDATE org_unit SET name = 'x' WHERE id = -1"),
        sa.text("  insert into org_unit (id) values (-1)"),
        sa.text("DELETE FROM org_unit WHERE id = -1"),
        sa.update(OrgUnit).where(OrgUnit.id == -1).values(name="x"),  # type: ignore[arg-type]
        sa.delete(OrgUnit).where(OrgUnit.id == -1),  # type: ignore[arg-type]
    ],
    ids=["update-text", "insert-text", "delete-text", "update-core", "delete-core"],
)
def test_a_read_only_session_refuses_to_write(db: sa.Engine, statement: object) -> None:
    with api_db.read_session(db) as session, pytest.raises(api_db.ReadOnlyViolation):
        session.execute(statement)  # type: ignore[call-overload]
    with api_db.write_session(db) as session:  # a write session is unaffected (nothing matches id -1)
        session.execute(sa.text("UPDATE org_unit SET name = name WHERE id = -1"))
        session.rollback()


def test_an_orm_flush_in_a_read_only_session_is_refused(db: sa.Engine) -> None:
    with api_db.read_session(db) as session:
        unit = session.exec(select(OrgUnit).limit(1)).one()
        unit.name = unit.name + " (đổi)"
        with pytest.raises(api_db.ReadOnlyViolation):
            session.flush()
    with api_db.read_session(db) as session:
        assert not session.exec(select(OrgUnit).where(OrgUnit.name.endswith(" (đổi)"))).first()  # type: ignore[union-attr]


def test_postgresql_reads_in_autocommit_and_documents_in_one_snapshot(db: sa.Engine) -> None:
    if BACKEND != "postgresql":
        # SQLite (in process, no round trips) keeps its deferred read transaction
        with api_db.read_session(db) as session:
            session.exec(select(OrgUnit).limit(1)).all()
            assert not api_db.autocommits(session)
        return
    with api_db.read_session(db) as session:
        session.exec(select(OrgUnit).limit(1)).all()
        assert api_db.autocommits(session)
        assert _status(session) == "IDLE"  # no transaction left open: nothing to roll back at the end
    with api_db.read_session(db) as session:
        api_db.snapshot(session)
        session.exec(select(OrgUnit).limit(1)).all()
        assert _status(session) == "INTRANS"
        level = session.connection().exec_driver_sql("SHOW transaction_isolation").scalar()
        assert level == "repeatable read"
        assert not api_db.autocommits(session)
    with api_db.write_session(db) as session:  # writes keep their transaction
        session.exec(select(OrgUnit).limit(1)).all()
        assert _status(session) == "INTRANS"
        session.rollback()


def test_routes_answering_documents_read_one_snapshot(app) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, bool] = {}
    for route in app.routes:
        for r in [route, *getattr(getattr(route, "original_router", None), "routes", [])]:
            path = getattr(r, "path", "")
            if path:
                seen[path] = api_db.answers_document(r)
    documents = {p for p, d in seen.items() if d}
    assert {"/reports/{report_id}/export", "/plans/{plan_id}/appendix.docx"} <= documents, documents
    assert not {"/me", "/assignments/work", "/dashboards/summary"} & documents, documents


def test_document_request_sees_one_snapshot_while_others_write(client: TestClient, auth, db) -> None:  # type: ignore[no-untyped-def]
    """The same GET still answers (a snapshot changes nothing a user sees on a quiet system) and lists read the
    write committed just before them (autocommit reads see every committed write)."""
    h = auth("noivu")
    plan = client.get("/api/v1/plans", params={"limit": 1}, headers=h).json()["items"][0]
    sent: list[str] = []

    def _seen(_c, _cur, statement, *_a) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    sa.event.listen(db, "before_cursor_execute", _seen)
    try:
        r = client.get(f"/api/v1/plans/{plan['id']}/appendix.docx", headers=h)
        document = list(sent)
        sent.clear()
        assert client.get("/api/v1/me", headers=h).status_code == 200
        plain = list(sent)
    finally:
        sa.event.remove(db, "before_cursor_execute", _seen)
    assert r.status_code == 200 and r.content[:2] == b"PK"
    snapshots = [x for x in document if x.startswith("BEGIN ISOLATION LEVEL REPEATABLE READ")]
    if BACKEND == "postgresql":
        # the snapshot opens before the token check: every statement of the document reads it
        assert len(snapshots) == 1 and document[0] == snapshots[0], document[:2]
    else:
        assert snapshots == []  # SQLite's read is one transaction already
    assert not [x for x in plain if x.startswith("BEGIN ISOLATION")], plain
    with api_db.write_session(db) as session:
        session.execute(
            sa.text("UPDATE plan SET title = :t WHERE id = :i"),
            {"t": plan["title"] + " (sửa)", "i": plan["id"]},
        )
        session.commit()
    again = client.get(f"/api/v1/plans/{plan['id']}", headers=h).json()
    assert again["title"] == plan["title"] + " (sửa)"
