"""Engine, session dependencies and the SQLite pragmas.

SQLite runs in WAL mode with foreign keys on and a busy timeout. Write transactions open with
``BEGIN IMMEDIATE`` so that concurrent writers queue on the busy timeout instead of failing with
"database is locked" when a deferred transaction tries to upgrade its lock. Read-only requests
(GET/HEAD) use a deferred transaction so readers never wait for each other. On PostgreSQL, read-only requests
run in autocommit (no ``BEGIN``/``ROLLBACK`` round trips), except those answering a document, which read one
snapshot; on both databases a read-only request that tries to write fails (``ReadOnlyViolation``).

Per request (issue #19, ``bench/bench_http.py``): the session is opened on the event loop (no I/O: the connection
is taken on first use) and ended in one worker-thread call; a pooled PostgreSQL connection is pinged only when it
sat idle for ``IDLE_PING_SECONDS`` (a ``pool_pre_ping`` round trip on every checkout was ~10 % of ``/me``).
"""

import re
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any
from weakref import WeakKeyDictionary

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter
from fastapi import Depends, Request
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
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
    engine = create_engine(url, pool_size=10, max_overflow=20)
    _widen_psycopg_query_cache()
    _install_postgres_hooks(engine)
    _install_idle_ping(engine)
    return engine


def _widen_psycopg_query_cache() -> None:
    """psycopg converts a statement's ``%(name)s`` placeholders with a regular expression and keeps the result
    (an LRU of 128) only for statements up to 4 KB and 50 parameters; the work list's page (5.5 KB, 50
    parameters) was parsed again at every request. This app's statement shapes are few, so the bound is raised
    (the cache's size is unchanged). Nothing happens if a psycopg version names these differently."""
    try:
        from psycopg import _queries
    except ImportError:  # pragma: no cover
        return
    if hasattr(_queries, "MAX_CACHED_STATEMENT_LENGTH") and hasattr(_queries, "MAX_CACHED_STATEMENT_PARAMS"):
        _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, 16384)
        _queries.MAX_CACHED_STATEMENT_PARAMS = max(_queries.MAX_CACHED_STATEMENT_PARAMS, 200)


IDLE_PING_SECONDS = 5.0
_IDLE_SINCE = "parsipas_idle_since"


def _install_idle_ping(engine: Engine) -> None:
    """Ping a pooled connection at checkout only when it sat idle in the pool for ``IDLE_PING_SECONDS`` or more
    (a server restart or an idle timeout happens while nobody uses it); a dead one is discarded and replaced
    before the request sees it. Under load connections go straight back out and pay no round trip; a restart in
    the middle of traffic costs the requests then in flight, after which SQLAlchemy invalidates the whole pool."""

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop(_IDLE_SINCE, None)  # info is emptied when the connection is replaced
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            raise DisconnectionError("idle connection is gone") from exc


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


_READONLY: "WeakKeyDictionary[Engine, Engine]" = WeakKeyDictionary()


class ReadOnlyViolation(RuntimeError):
    """A statement that writes was sent on a read-only (GET/HEAD) connection: a programming error."""


_WRITING = re.compile(
    r"\s*(?:INSERT|UPDATE|DELETE|MERGE|UPSERT|REPLACE|CREATE|DROP|ALTER|TRUNCATE|GRANT|REVOKE|COPY|VACUUM|REINDEX)\b",
    re.IGNORECASE,
)


def _refuse_writes(
    _conn: Any, _cursor: Any, statement: str, _parameters: Any, context: Any, _executemany: bool
) -> None:
    if (context is not None and (context.isinsert or context.isupdate or context.isdelete)) or _WRITING.match(
        statement
    ):
        raise ReadOnlyViolation(f"a read-only request tried to write: {statement[:80]!r}")


def _readonly_engine(engine: Engine) -> Engine:
    """The engine for GET/HEAD requests and read-only commands, made once per engine (not per request).

    On PostgreSQL its connections run in autocommit: each statement is its own snapshot and the request pays no
    ``BEGIN``/``ROLLBACK`` round trips (two of the four of ``/me``), the same as Django's default. A route that
    needs one snapshot across several statements (a document built from many reads) opens it with
    ``snapshot(session)``. On SQLite (in process, no round trips) the read keeps its deferred transaction. On both,
    a statement that would write raises ``ReadOnlyViolation`` before it is sent: a GET never changes anything,
    and under autocommit nothing would roll such a write back."""
    found = _READONLY.get(engine)
    if found is None:
        options: dict[str, Any] = {"parsipas_readonly": True}
        if engine.dialect.name == "postgresql":
            options["isolation_level"] = "AUTOCOMMIT"
        found = engine.execution_options(**options)
        event.listen(found, "before_cursor_execute", _refuse_writes)
        _READONLY[engine] = found
    return found


_SNAPSHOT = "parsipas_snapshot"


def autocommits(session: Session) -> bool:
    """Whether ``session`` reads in autocommit with no snapshot open (nothing to end: no I/O at its end)."""
    if session.info.get(_SNAPSHOT):
        return False
    bind = session.get_bind()
    return bool(bind.get_execution_options().get("isolation_level") == "AUTOCOMMIT")


_WANT_SNAPSHOT = "parsipas_want_snapshot"
_BEGIN_SNAPSHOT = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"


def snapshot(session: Session) -> None:
    """From here to the end of this read-only request, every statement sees the same snapshot (``REPEATABLE READ
    READ ONLY`` on PostgreSQL's autocommit read connections; SQLite's read already is one transaction)."""
    if autocommits(session):
        session.connection().exec_driver_sql(_BEGIN_SNAPSHOT)
        session.info[_SNAPSHOT] = True


@event.listens_for(Session, "after_begin")
def _snapshot_on_first_use(session: Session, _transaction: Any, connection: Any) -> None:
    if session.info.get(_WANT_SNAPSHOT) and not session.info.get(_SNAPSHOT) and autocommits(session):
        connection.exec_driver_sql(_BEGIN_SNAPSHOT)
        session.info[_SNAPSHOT] = True


_DOCUMENT_MEDIA = ("officedocument", "application/pdf", "text/csv", "application/zip")
_DOCUMENT_PATHS = (".docx", ".xlsx", ".csv", ".pdf", ".zip", "/export")
_ROUTE_DOCUMENT = "_parsipas_answers_document"


def answers_document(route: Any) -> bool:
    """Whether a route answers a document (DOCX, XLSX, CSV, PDF, ZIP): built from many statements and kept by
    the user as it is, so its read-only request runs in one snapshot (``snapshot``). Decided once per route."""
    if route is None:
        return False
    found: bool | None = getattr(route, _ROUTE_DOCUMENT, None)
    if found is None:
        media = " ".join(
            str(kind)
            for spec in (getattr(route, "responses", None) or {}).values()
            for kind in ((spec or {}).get("content") or {})
        )
        media += " " + str(getattr(getattr(route, "response_class", None), "media_type", "") or "")
        path = str(getattr(route, "path", ""))
        found = any(m in media for m in _DOCUMENT_MEDIA) or path.endswith(_DOCUMENT_PATHS)
        setattr(route, _ROUTE_DOCUMENT, found)  # routes are not hashable; kept on the route itself
    return found


def read_session(engine: Engine | None = None) -> Session:
    return Session(_readonly_engine(engine or get_engine()), expire_on_commit=False)


def _end(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


def open_request_session(request: Request) -> tuple[Session, bool]:
    """The request's session (no I/O until first used) and whether the request only reads."""
    engine: Engine = request.app.state.engine
    readonly = request.method in ("GET", "HEAD", "OPTIONS")
    session = read_session(engine) if readonly else write_session(engine)
    if readonly and answers_document(request.scope.get("route")):
        session.info[_WANT_SNAPSHOT] = True
    request.state.session = session
    return session, readonly


def end_request_session(session: Session, readonly: bool, *, failed: bool) -> None:
    """End the request's session (in a worker thread or where no I/O is needed): rolled back when the request
    failed, else committed unless it only read; an unused session or an autocommit read just goes back to the
    pool without a round trip."""
    if failed:
        _end(session, False)
    elif session.get_transaction() is None or (readonly and autocommits(session)):
        session.close()
    else:
        _end(session, not readonly)


async def _request_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, committed here (before the response is sent) and nowhere else. Opened on the
    event loop (a ``Session`` does no I/O until first used) and ended in one worker-thread call, shielded from
    cancellation so the connection always goes back to the pool; its own thread limiter, like FastAPI's for
    sync dependencies, so the end never waits behind requests holding worker threads while they wait for a
    pooled connection."""
    session, readonly = open_request_session(request)
    try:
        yield session
    except BaseException:
        with CancelScope(shield=True):
            await anyio.to_thread.run_sync(_end, session, False, limiter=CapacityLimiter(1))
        raise
    with CancelScope(shield=True):
        if session.get_transaction() is None or (readonly and autocommits(session)):
            # never used, or autocommit reads: the connection goes back to the pool without a round trip (psycopg
            # sends no ROLLBACK when no transaction is open), so no worker thread is needed
            session.close()
        else:
            await anyio.to_thread.run_sync(_end, session, not readonly, limiter=CapacityLimiter(1))


SessionDep = Annotated[Session, Depends(_request_session, scope="function")]
