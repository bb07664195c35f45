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
from typing import Any

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


def _create_pg_database(template: str | None = None) -> tuple[str, sa.Engine]:
    name = f"parsipas_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(
                f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
            )
    except sa.exc.OperationalError as exc:  # pragma: no cover - environment problem
        raise RuntimeError(
            f"PostgreSQL không truy cập được tại {PG_BASE}: {exc}. Start it: "
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
        ) from exc
    return PG_BASE.rsplit("/", 1)[0] + f"/{name}", admin


def make_database(tmp_dir: Path, copy_of: str | None = None) -> tuple[str, object]:
    """Create a database for the configured backend, empty or holding what the database ``copy_of`` holds
    (PostgreSQL: ``CREATE DATABASE … TEMPLATE``, so nothing may be connected to it: its engines are disposed;
    SQLite: the backup API); returns (url, cleanup callable)."""
    from api.db import dispose_engines

    if BACKEND == "postgresql":
        if copy_of:
            dispose_engines()
        url, admin = _create_pg_database(copy_of.rsplit("/", 1)[1] if copy_of else None)

        def cleanup() -> None:
            dispose_engines()
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
            admin.dispose()

        return url, cleanup
    path = tmp_dir / f"test-{uuid.uuid4().hex[:8]}.db"
    if copy_of:
        import sqlite3

        src, dst = sqlite3.connect(copy_of.removeprefix("sqlite:///")), sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
    return f"sqlite:///{path.as_posix()}", lambda: None


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


@pytest.fixture(scope="session", autouse=True)
def _each_password_verified_once() -> Iterator[None]:
    """Argon2id at the app's cost (64 MiB, 3 passes, 4 lanes) takes 0.1–0.2 s of CPU per verification, and the
    suite logs the same demo accounts in thousands of times with the same password against the same hash: that
    was about a quarter of the suite's CPU (83 verifications, 13.9 of 51.8 s, in tests/assignments and
    tests/dashboards). A verification is a pure function of (password, hash), so each pair is verified for real
    the first time and its verdict reused; a new password or a new hash is always verified by Argon2. A hash that
    raises (malformed) is never remembered. The app's code path is unchanged: ``verify_password`` still calls the
    hasher, which answers as Argon2 did."""
    from api.auth import security

    real = security._hasher.verify
    verdicts: dict[tuple[str | bytes, str | bytes], bool] = {}

    def verify(password: str | bytes, hash: str | bytes) -> bool:
        key = (password, hash)
        if key not in verdicts:
            verdicts[key] = real(password, hash)
        return verdicts[key]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(security._hasher, "verify", verify)
        yield


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


_SNAPSHOTS: dict[str, Any] = {}


class SqliteSnapshot:
    """A whole SQLite database copied into memory with the backup API; restoring copies it back (a few ms)."""

    def __init__(self, engine: sa.Engine) -> None:
        import sqlite3

        self.memory = sqlite3.connect(":memory:", check_same_thread=False)
        raw = engine.raw_connection()
        try:
            raw.driver_connection.backup(self.memory)  # type: ignore[union-attr]
        finally:
            raw.close()

    def restore(self, engine: sa.Engine) -> None:
        raw = engine.raw_connection()
        try:
            self.memory.backup(raw.driver_connection)  # type: ignore[arg-type]
        finally:
            raw.close()


class PgSnapshot:
    """Rows of every table; a reset puts back only the rows changed since the last reset.

    A row changed when its ``xmin`` (the transaction that wrote this row version) is newer than the newest one
    seen at the last reset; a row was deleted when its key is gone. Changed rows are deleted and the snapshot's
    rows for changed or missing keys inserted again, with foreign-key triggers off for that transaction
    (``session_replication_role = replica``: the end state is the snapshot, which is consistent). Tables whose
    ``(count(*), max(xmin))`` did not move are not touched; every id sequence is set back, so ids come out as
    after a full restore.
    """

    def __init__(self, engine: sa.Engine) -> None:
        from api.db import metadata

        self.tables = list(metadata.sorted_tables)
        self.rows = _rows_of(engine, self.tables)
        self.pk = {t.name: list(t.primary_key.columns) for t in self.tables}
        self.by_key = {
            t.name: {tuple(r[c.name] for c in self.pk[t.name]): r for r in self.rows[t.name]}
            for t in self.tables
        }
        sequences = [
            f"setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), "
            f"{max((int(r['id']) for r in self.rows[t.name]), default=1)}, {bool(self.rows[t.name])})"
            for t in self.tables
            if _has_sequence(t)
        ]
        self.set_sequences = "SELECT " + ", ".join(sequences) if sequences else ""
        with engine.connect() as conn:
            self.baseline = self._signature(conn)

    def _signature(self, conn: sa.Connection) -> dict[str, tuple[int, int]]:
        parts = [
            f"SELECT '{t.name}', count(*), coalesce(max(xmin::text::bigint), 0) FROM \"{t.name}\""
            for t in self.tables
        ]
        return {r[0]: (r[1], r[2]) for r in conn.exec_driver_sql(" UNION ALL ".join(parts))}

    def _reset_table(self, conn: sa.Connection, table: sa.Table, count_now: int) -> None:
        pk = self.pk[table.name]
        since = self.baseline.get(table.name, (0, 0))[1]
        changed = {
            tuple(r)
            for r in conn.execute(sa.select(*pk).where(sa.text(f"xmin::text::bigint > {since}"))).all()
        }
        snapshot = self.by_key[table.name]
        # A row not written since the last reset was there at that reset, so it is a snapshot row: the snapshot's
        # rows still present are the unchanged ones plus the changed ones it holds. When that is all of them,
        # nothing was deleted and the table's keys need not be read (most tests delete nothing).
        kept = count_now - len(changed) + sum(1 for key in changed if key in snapshot)
        if kept == len(snapshot):
            again = [row for key, row in snapshot.items() if key in changed]  # the snapshot's order, as below
        else:
            present = {tuple(r) for r in conn.execute(sa.select(*pk)).all()}
            again = [row for key, row in snapshot.items() if key in changed or key not in present]
        keys = list(changed)
        for start in range(0, len(keys), 1000):
            conn.execute(table.delete().where(sa.tuple_(*pk).in_(keys[start : start + 1000])))
        for start in range(0, len(again), 2000):
            conn.execute(table.insert(), again[start : start + 2000])

    def restore(self, engine: sa.Engine) -> None:
        with engine.begin() as conn:
            now = self._signature(conn)
            dirty = [t for t in self.tables if now[t.name] != self.baseline.get(t.name)]
            if dirty:
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
                for table in dirty:
                    self._reset_table(conn, table, now[table.name][0])
            if self.set_sequences:
                conn.exec_driver_sql(self.set_sequences)
            self.baseline = self._signature(conn)


def _has_sequence(table: sa.Table) -> bool:
    if "id" not in table.c:
        return False
    col = table.c.id
    return bool(col.primary_key and isinstance(col.type, sa.Integer) and len(table.primary_key.columns) == 1)


def _rows_of(engine: sa.Engine, tables: list[sa.Table]) -> dict[str, list[dict[str, object]]]:
    def order(table: sa.Table) -> list[sa.ColumnElement[object]]:
        # Parents before children for self-referencing trees (org units, framework nodes).
        if "path" in table.c:
            return [sa.func.length(table.c.path), *table.primary_key.columns]
        return list(table.primary_key.columns)

    with engine.connect() as conn:
        return {
            t.name: [dict(r._mapping) for r in conn.execute(t.select().order_by(*order(t)))] for t in tables
        }


def _insert_rows(
    conn: sa.Connection, tables: list[sa.Table], rows: dict[str, list[dict[str, object]]]
) -> None:
    for table in tables:
        batch = rows.get(table.name) or []
        for start in range(0, len(batch), 2000):
            conn.execute(table.insert(), batch[start : start + 2000])


def _take_snapshot(engine: sa.Engine) -> Any:
    """The database's rows, to put back before each test: a byte copy on SQLite, rows on PostgreSQL."""
    if engine.dialect.name == "sqlite":
        return SqliteSnapshot(engine)
    return PgSnapshot(engine)


def reset_to_snapshot(engine: sa.Engine, snapshot: Any) -> None:
    """Bring the database back to ``snapshot`` (see :func:`_take_snapshot`)."""
    snapshot.restore(engine)


@pytest.fixture
def db(engine: sa.Engine, _demo_hash: str, monkeypatch: pytest.MonkeyPatch) -> sa.Engine:
    """A clean database holding the demo data (units, accounts, frameworks, the 2024 plan).

    The demo seed runs once per session; every later test gets the same rows back by a bulk restore.
    """
    import api.auth.security as security
    from api.demo import seed as demo_seed

    monkeypatch.setattr(
        security,
        "hash_password",
        lambda _pw, _h=_demo_hash: _h if _pw == DEMO_PASSWORD else security._hasher.hash(_pw),
    )
    key = str(engine.url)
    if key in _SNAPSHOTS:
        reset_to_snapshot(engine, _SNAPSHOTS[key])
    else:
        truncate_all(engine)
        with Session(engine) as s:
            demo_seed.seed(s)
            s.commit()
        _SNAPSHOTS[key] = _take_snapshot(engine)
    return engine


@pytest.fixture
def session(db: sa.Engine) -> Iterator[Session]:
    with Session(db, expire_on_commit=False) as s:
        yield s


_APPS: dict[str, tuple[object, object, dict[str, object]]] = {}


@pytest.fixture
def app(db: sa.Engine):  # type: ignore[no-untyped-def]
    """The app, built once per database and settings object (building it analyses every route: ≈ 0.5 s).

    Each test gets it back with its ``state`` as built and no dependency overrides, so a test that swaps
    ``app.state.settings`` or the evidence storage leaves nothing behind.
    """
    from api.config import get_settings
    from api.main import create_app

    settings = get_settings()
    cached = _APPS.get(str(db.url))
    if cached is None or cached[1] is not settings:
        application = create_app(settings, db)
        cached = _APPS[str(db.url)] = (application, settings, dict(application.state._state))
    application, _settings, state = cached
    application.state._state.clear()  # type: ignore[attr-defined]
    application.state._state.update(state)  # type: ignore[attr-defined]
    application.dependency_overrides.clear()  # type: ignore[attr-defined]
    return application


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
