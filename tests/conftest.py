"""Test fixtures: a real database built by ``alembic upgrade head`` (SQLite file or PostgreSQL).

The backend comes from ``PARSIPAS_TEST_DB`` = ``sqlite`` (default) or ``postgresql``; PostgreSQL tests create
their own database on ``PARSIPAS_TEST_PG_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``)
and drop it at the end. A missing PostgreSQL is an error, never a skip.

Each test starts from a truncated database with the demo units and accounts loaded again (the app commits for
real, so tests see exactly what production would).
"""

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

TEST_AS_OF = date(2024, 10, 15)
os.environ.setdefault("PARSIPAS_ENV", "test")
os.environ["PARSIPAS_SECRET_KEY"] = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
os.environ["PARSIPAS_AS_OF_DATE"] = TEST_AS_OF.isoformat()
# Long-lived access tokens: the authorization matrix reuses logins across a long run.
os.environ.setdefault("PARSIPAS_ACCESS_TOKEN_MINUTES", "720")

import sqlalchemy as sa  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlmodel import Session  # noqa: E402

BACKEND = os.environ.get("PARSIPAS_TEST_DB", "sqlite")
PG_BASE = os.environ.get("PARSIPAS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DEMO_PASSWORD = "BinhGia@2024"


def pytest_report_header(config: pytest.Config) -> str:
    return f"parsipas test database backend: {BACKEND}"


def _create_pg_database() -> tuple[str, sa.Engine]:
    name = f"parsipas_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:  # pragma: no cover - environment problem
        raise RuntimeError(
            f"PostgreSQL không truy cập được tại {PG_BASE}: {exc}. Start it: "
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
        ) from exc
    return PG_BASE.rsplit("/", 1)[0] + f"/{name}", admin


def make_database(tmp_dir: Path) -> tuple[str, object]:
    """Create an empty database for the configured backend; returns (url, cleanup callable)."""
    if BACKEND == "postgresql":
        url, admin = _create_pg_database()

        def cleanup() -> None:
            from api.db import dispose_engines

            dispose_engines()
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
            admin.dispose()

        return url, cleanup
    url = f"sqlite:///{(tmp_dir / f'test-{uuid.uuid4().hex[:8]}.db').as_posix()}"
    return url, lambda: None


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("data")
    os.environ["PARSIPAS_DATA_DIR"] = str(d)
    return d


@pytest.fixture(scope="session")
def database_url(data_dir: Path) -> Iterator[str]:
    url, cleanup = make_database(data_dir)
    os.environ["PARSIPAS_DATABASE_URL"] = url
    from api.config import get_settings

    get_settings.cache_clear()
    from api.migrate import upgrade

    upgrade(url)
    yield url
    cleanup()  # type: ignore[operator]


@pytest.fixture(scope="session")
def engine(database_url: str) -> sa.Engine:
    from api.db import get_engine

    return get_engine(database_url)


@pytest.fixture(scope="session")
def _demo_hash() -> str:
    from api.auth.security import hash_password

    return hash_password(DEMO_PASSWORD)


def truncate_all(engine: sa.Engine) -> None:
    from api.db import metadata

    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
            )
        else:
            for t in tables:
                conn.exec_driver_sql(f'DELETE FROM "{t}"')
            conn.exec_driver_sql("DELETE FROM sqlite_sequence") if _has_sqlite_sequence(conn) else None


def _has_sqlite_sequence(conn: sa.Connection) -> bool:
    return bool(
        conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name='sqlite_sequence'").scalar()
    )


_SNAPSHOTS: dict[str, dict[str, list[dict[str, object]]]] = {}


def _take_snapshot(engine: sa.Engine) -> dict[str, list[dict[str, object]]]:
    from api.db import metadata

    def order(table: sa.Table) -> list[sa.ColumnElement[object]]:
        # Parents before children for self-referencing trees (org units, framework nodes).
        if "path" in table.c:
            return [sa.func.length(table.c.path), *table.primary_key.columns]
        return list(table.primary_key.columns)

    with engine.connect() as conn:
        return {
            t.name: [dict(r._mapping) for r in conn.execute(t.select().order_by(*order(t)))]
            for t in metadata.sorted_tables
        }


def _restore_snapshot(engine: sa.Engine, snapshot: dict[str, list[dict[str, object]]]) -> None:
    """Bulk-insert the seeded rows again (ids kept) — much faster than running the seed per test."""
    from api.db import metadata

    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            rows = snapshot.get(table.name) or []
            for start in range(0, len(rows), 2000):
                conn.execute(table.insert(), rows[start : start + 2000])
        if engine.dialect.name == "postgresql":
            for table in metadata.sorted_tables:
                if "id" in table.c and snapshot.get(table.name) and table.c.id.autoincrement:
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f'(SELECT max(id) FROM "{table.name}"))'
                    )


@pytest.fixture
def db(engine: sa.Engine, _demo_hash: str, monkeypatch: pytest.MonkeyPatch) -> sa.Engine:
    """A clean database holding the demo data (units, accounts, frameworks, the 2024 plan).

    The demo seed runs once per session; every later test gets the same rows back by a bulk restore.
    """
    import api.auth.security as security
    from api.demo import seed as demo_seed

    truncate_all(engine)
    monkeypatch.setattr(
        security,
        "hash_password",
        lambda _pw, _h=_demo_hash: _h if _pw == DEMO_PASSWORD else security._hasher.hash(_pw),
    )
    key = str(engine.url)
    if key in _SNAPSHOTS:
        _restore_snapshot(engine, _SNAPSHOTS[key])
    else:
        with Session(engine) as s:
            demo_seed.seed(s)
            s.commit()
        _SNAPSHOTS[key] = _take_snapshot(engine)
    return engine


@pytest.fixture
def session(db: sa.Engine) -> Iterator[Session]:
    with Session(db, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def app(db: sa.Engine):  # type: ignore[no-untyped-def]
    from api.config import get_settings
    from api.main import create_app

    return create_app(get_settings(), db)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        yield c


def login(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def auth(client: TestClient):  # type: ignore[no-untyped-def]
    """``auth("noivu")`` → headers for that demo account (cached per test)."""
    cache: dict[str, dict[str, str]] = {}

    def _auth(username: str) -> dict[str, str]:
        if username not in cache:
            cache[username] = login(client, username)
        return cache[username]

    return _auth
