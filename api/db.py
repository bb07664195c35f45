"""Engine, session dependencies and the SQLite pragmas.

SQLite runs in WAL mode with foreign keys on and a busy timeout. Write transactions open with
``BEGIN IMMEDIATE`` so that concurrent writers queue on the busy timeout instead of failing with
"database is locked" when a deferred transaction tries to upgrade its lock. Read-only requests
(GET/HEAD) use a deferred transaction so readers never wait for each other.
"""

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel, create_engine

from api.config import get_settings
from api.search import register_sqlite

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata

_engines: dict[str, Engine] = {}


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy (not pysqlite) emit BEGIN, so we can choose IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
        register_sqlite(dbapi_conn)  # vn_fold(): Vietnamese search (api/search.py)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("parsipas_readonly"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """Create an engine with the project's settings for ``url`` (SQLite or PostgreSQL)."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, poolclass=NullPool
        )
        _install_sqlite_hooks(engine)
        return engine
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    _install_postgres_hooks(engine)
    return engine


def _install_postgres_hooks(engine: Engine) -> None:
    """``SET jit = off`` on each new connection. PostgreSQL's JIT compiles the wide aggregates of the index
    (points at risk over 3,300 units × 88 criteria: 286 functions) for seconds — measured 4.5 s of a 7 s query,
    2.2 s without it (``bench/bench_scoring.py``) — and never pays back on queries of this app's size. A
    ``SET`` on connect rather than the ``options`` startup parameter, which connection poolers such as PgBouncer
    refuse."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cur:
            cur.execute("SET jit = off")
        dbapi_conn.commit()


def get_engine(url: str | None = None) -> Engine:
    url = url or get_settings().database_url
    if url not in _engines:
        if url.startswith("sqlite:///"):
            from pathlib import Path

            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        _engines[url] = make_engine(url)
    return _engines[url]


def dispose_engines() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


def write_session(engine: Engine | None = None) -> Session:
    """A session whose transaction takes the write lock up front (SQLite) — for commands and jobs."""
    return Session(engine or get_engine(), expire_on_commit=False)


def read_session(engine: Engine | None = None) -> Session:
    eng = (engine or get_engine()).execution_options(parsipas_readonly=True)
    return Session(eng, expire_on_commit=False)


def _request_session(request: Request) -> Iterator[Session]:
    """One transaction per request, committed here (before the response is sent) and nowhere else."""
    engine: Engine = request.app.state.engine
    readonly = request.method in ("GET", "HEAD", "OPTIONS")
    session = read_session(engine) if readonly else write_session(engine)
    request.state.session = session
    try:
        yield session
        if readonly:
            session.rollback()
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(_request_session, scope="function")]
