"""The per-request floor (#19): a pooled PostgreSQL connection is pinged only after sitting idle (and replaced when
the server dropped it), the request's session always goes back to the pool (also when the route fails), and the
routes that answer their JSON directly still answer what their OpenAPI schema says."""

import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from api import db as api_db
from api.assignments.schemas import AssignmentRead
from api.assignments.work import WorkItemRead
from api.auth.schemas import MeRead
from api.pagination import Page
from tests.conftest import BACKEND, PG_BASE


def test_idle_connection_dropped_by_the_server_is_replaced_before_use(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    if BACKEND != "postgresql":
        return  # SQLite has no pool (NullPool): nothing to ping
    engine = api_db.make_engine(PG_BASE)
    admin = sa.create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    pings: list[object] = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(c) or real_ping(c))
    try:
        with engine.connect() as conn:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        # Straight back out: no ping (the round trip every checkout used to pay).
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() == pid
        assert pings == []
        # The server drops the idle connection; once it has sat idle long enough the checkout pings, finds it
        # gone and hands out a new one: the request never sees the dead connection.
        with admin.connect() as c:
            c.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
        monkeypatch.setattr(api_db, "IDLE_PING_SECONDS", 0.0)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid
        assert len(pings) == 1
    finally:
        engine.dispose()
        admin.dispose()


def test_the_request_session_goes_back_to_the_pool_after_success_and_failure(
    client: TestClient, auth, db
) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    pool = client.app.state.engine.pool  # type: ignore[attr-defined]
    before = pool.checkedout() if hasattr(pool, "checkedout") else 0
    assert client.get("/api/v1/assignments/work", params={"limit": 5}, headers=h).status_code == 200
    assert client.get("/api/v1/assignments/999999999", headers=h).status_code == 404  # the route raises
    r = client.patch("/api/v1/assignments/999999999", headers={**h, "If-Match": '"x"'}, json={"progress": 5})
    assert r.status_code == 404  # a write request that fails: rolled back
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    if hasattr(pool, "checkedout"):
        assert pool.checkedout() == before


def test_directly_answered_json_matches_the_declared_schemas(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    me = client.get("/api/v1/me", headers=h)
    assert me.status_code == 200 and me.headers["content-type"].startswith("application/json")
    assert MeRead.model_validate(me.json()).username == "noivu"
    work = client.get("/api/v1/assignments/work", params={"limit": 20}, headers=h)
    page = TypeAdapter(Page[WorkItemRead]).validate_python(work.json())
    assert work.status_code == 200 and len(page.items) == 20 and page.total > 20
    assert all(isinstance(i.ready, bool) and isinstance(i.due_soon, bool) for i in page.items)
    by_due = client.get("/api/v1/assignments/work", params={"limit": 20, "sort": "due_date"}, headers=h)
    assert TypeAdapter(Page[WorkItemRead]).validate_python(by_due.json()).total == page.total
    queue = client.get("/api/v1/assignments", params={"status": "submitted", "limit": 20}, headers=h)
    reads = TypeAdapter(Page[AssignmentRead]).validate_python(queue.json())
    assert queue.status_code == 200 and reads.items
    assert all(i.status == "submitted" and i.days_waiting is not None for i in reads.items)
    # The OpenAPI document still names the models (the generated clients rely on it).
    doc = client.get("/api/v1/openapi.json").json()["paths"]
    assert "Page_WorkItemRead_" in str(doc["/api/v1/assignments/work"]["get"]["responses"]["200"])
    assert "MeRead" in str(doc["/api/v1/me"]["get"]["responses"]["200"])
