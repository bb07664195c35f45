"""Concurrent writers on the test database (a SQLite file in WAL mode, or PostgreSQL): eight threads, each with
its own client on the same app, create and edit at once. No request may fail with "database is locked", no
write may be lost, and two edits carrying the same ETag must give exactly one 200 and one 412."""

import threading
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.authz.world import use_cheap_passwords
from tests.conftest import DEMO_PASSWORD

V1 = "/api/v1"
THREADS = 8
ROUNDS = 6  # per thread: one create and one edit of its own unit, plus one edit of a shared unit


@pytest.fixture(autouse=True)
def _fast_passwords(session: Session) -> None:
    use_cheap_passwords(session)


def _login(client: TestClient, username: str) -> dict[str, str]:
    r = client.post(f"{V1}/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _run_threads(target: Any, n: int) -> list[BaseException]:
    errors: list[BaseException] = []

    def wrapped(i: int) -> None:
        try:
            target(i)
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    return errors


def test_the_database_is_shared_by_real_connections(db: Any) -> None:
    """Not an in-memory database: SQLite is a file in WAL mode, so threads really compete for the lock."""
    if db.dialect.name == "sqlite":
        assert db.url.database and db.url.database != ":memory:"
        with db.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    else:
        assert db.dialect.name == "postgresql"


def test_eight_concurrent_writers(app: Any, client: TestClient) -> None:
    admin = _login(client, "noivu")
    units = client.get(f"{V1}/org-units", params={"limit": 500}, headers=admin).json()["items"]
    district = next(u for u in units if u["code"] == "LS.BG")
    shared = next(u for u in units if u["code"] == "LS.BG.X.HOATHAM")
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)
    created_versions: dict[int, int] = {}

    def writer(i: int) -> None:
        with TestClient(app) as c:
            h = _login(c, "noivu")  # every writer logs in too: writes to sessions and the audit trail
            barrier.wait()
            own_id = None
            for n in range(ROUNDS):
                body = {
                    "code": f"LS.BG.W{i}.{n}",
                    "name": f"Tổ {i}-{n}",
                    "level": "commune",
                    "kind": "office",
                    "parent_id": district["id"],
                }
                calls = [c.post(f"{V1}/org-units", json=body, headers={**h, "Idempotency-Key": f"w{i}-{n}"})]
                if own_id is None and calls[0].status_code == 201:
                    own_id = calls[0].json()["id"]
                    with lock:
                        created_versions[own_id] = calls[0].json()["version"]
                if own_id:
                    etag = c.get(f"{V1}/org-units/{own_id}", headers=h).headers.get("etag", "")
                    calls.append(
                        c.patch(
                            f"{V1}/org-units/{own_id}",
                            json={"short_name": f"v{n}"},
                            headers={**h, "If-Match": etag},
                        )
                    )
                # Everyone edits the shared unit: retry on 412 until the edit lands (nothing is lost).
                for _attempt in range(50):
                    cur = c.get(f"{V1}/org-units/{shared['id']}", headers=h)
                    r = c.patch(
                        f"{V1}/org-units/{shared['id']}",
                        json={"source_note": f"w{i}-{n}"},
                        headers={**h, "If-Match": cur.headers["etag"]},
                    )
                    if r.status_code != 412:
                        break
                    with lock:
                        statuses[412] += 1
                calls.append(r)
                with lock:
                    for resp in calls:
                        statuses[resp.status_code] += 1
                        if resp.status_code >= 300 or "locked" in resp.text:
                            failures.append(
                                f"{resp.request.method} {resp.request.url.path}: {resp.status_code} {resp.text[:200]}"
                            )

    errors = _run_threads(writer, THREADS)
    assert not errors, errors
    assert not failures, failures[:10]
    assert statuses[201] == THREADS * ROUNDS and statuses[200] == THREADS * ROUNDS * 2
    created = client.get(f"{V1}/org-units", params={"q": "LS.BG.W", "limit": 500}, headers=admin).json()
    assert created["total"] == THREADS * ROUNDS
    final = client.get(f"{V1}/org-units/{shared['id']}", headers=admin).json()
    # Every shared edit landed exactly once: one version bump per successful PATCH.
    assert final["version"] == shared["version"] + THREADS * ROUNDS
    own = [u for u in created["items"] if u["code"].endswith(".0")]
    assert len(own) == THREADS
    assert all(u["version"] == created_versions[u["id"]] + ROUNDS for u in own)
    assert all(u["short_name"] == f"v{ROUNDS - 1}" for u in own)
    events = client.get(
        f"{V1}/audit-events",
        params={"entity_type": "org_unit", "entity_id": str(shared["id"]), "limit": 500},
        headers=admin,
    ).json()
    assert events["total"] == THREADS * ROUNDS  # one audit event per landed edit, none for refused ones


def test_two_edits_with_the_same_etag(app: Any, client: TestClient) -> None:
    admin = _login(client, "noivu")
    unit = next(
        u
        for u in client.get(f"{V1}/org-units", params={"limit": 500}, headers=admin).json()["items"]
        if u["code"] == "LS.BG.X.TANVAN"
    )
    path = f"{V1}/org-units/{unit['id']}"
    for round_no in range(5):
        etag = client.get(path, headers=admin).headers["etag"]
        barrier = threading.Barrier(2)
        results: dict[int, Any] = {}

        def edit(i: int, etag: str = etag, round_no: int = round_no) -> None:
            with TestClient(app) as c:
                barrier.wait()
                results[i] = c.patch(
                    path, json={"name": f"Xã Tân Văn {round_no}-{i}"}, headers={**admin, "If-Match": etag}
                )

        errors = _run_threads(edit, 2)
        assert not errors, errors
        codes = sorted(r.status_code for r in results.values())
        assert codes == [200, 412], [(r.status_code, r.text[:200]) for r in results.values()]
        winner = next(r for r in results.values() if r.status_code == 200)
        loser = next(r for r in results.values() if r.status_code == 412)
        assert loser.headers["content-type"].startswith("application/problem+json")
        now = client.get(path, headers=admin).json()
        assert now["name"] == winner.json()["name"] and now["version"] == winner.json()["version"]
