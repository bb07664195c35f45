"""The rows of a hot read statement, sent to PostgreSQL without SQLAlchemy's per-execution machinery (#19).

For each execution SQLAlchemy looks the statement up in its compiled cache, builds an execution context with
every bound value processed again, asks psycopg for the result's column descriptions (an object per column,
with a type look-up each) and builds the result's metadata from them. Measured in process on the district's
work list (PostgreSQL, demo data): a three-statement request spent ~0.3 ms of CPU per statement there, against
~0.1 ms for psycopg itself — a fifth of the request.

:func:`rows` runs a ``SELECT`` the app built (its scope and filters from :mod:`api.authz.scope` as always)
through SQLAlchemy the first two times; the second time it keeps what SQLAlchemy sent: the SQL text and its
processed parameters (the execution context's ``statement`` and ``parameters``). Later executions of the same
statement object send those on the connection's own psycopg cursor, with the caller's values for the parameters
it names, and apply the columns' result processors (enums, UTC datetimes) as SQLAlchemy would: the same rows, as
tuples. The statement still goes through the engine's ``before_cursor_execute`` and ``after_cursor_execute``
listeners (the read-only guard, the statement counts of the tests and benchmarks), on the request's connection
and transaction. A statement built for one request (a deep page, a search) is held weakly after its first run
and never takes a plan; the plans are kept for the statements the app itself keeps and runs again.

It falls back to SQLAlchemy for anything else: another database (SQLite converts dates itself), a result column
of a type not listed in ``_PLAIN_TYPES``, a parameter whose value needs processing or expands into a list of
placeholders, and any driver error (SQLAlchemy runs the statement again, wraps the error and invalidates a lost
connection).
"""

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

# Result types whose values psycopg returns as SQLAlchemy would, after the type's own result processor (if any);
# a ``TypeDecorator`` (sqlmodel's ``AutoString``, ``UTCDateTime``) by the type it decorates.
_PLAIN_TYPES: tuple[type, ...] = (
    sa.Integer,
    sa.String,  # also Enum, Text
    sa.Boolean,
    sa.Date,
    sa.DateTime,
    sa.types.NullType,
)
# Plans kept: for statements seen twice, i.e. the ones the app keeps (per grants, day, filters, page).
_KEPT = 512


class _Plan(NamedTuple):
    statement: Any  # kept alive: the plans are keyed by its id()
    sql: str
    parameters: dict[str, Any]
    dynamic: frozenset[str]  # parameter names the caller gives at each execution
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]  # (result column, processor)


_NO_PLAN: Any = object()  # a statement that always goes through SQLAlchemy
_plans: "OrderedDict[tuple[int, str], Any]" = OrderedDict()
# Statements run once, held weakly: a statement built for one request (a deep page, a search) dies with it and
# never takes a plan; one the app keeps and runs again takes its plan the second time.
_seen: "weakref.WeakValueDictionary[tuple[int, str], Any]" = weakref.WeakValueDictionary()
_lock = threading.Lock()


def rows(
    connection: Connection, statement: Any, parameters: Mapping[str, Any] | None = None
) -> list[tuple[Any, ...]]:
    """The rows of ``statement`` (a ``SELECT``) on ``connection``, as tuples in its columns' order."""
    params = dict(parameters or {})
    if connection.dialect.name != "postgresql":
        return [tuple(r) for r in connection.execute(statement, params).all()]
    key = (id(statement), connection.dialect.name)
    with _lock:
        plan = _plans.get(key)
        if plan is not None:
            _plans.move_to_end(key)
    if plan is None:
        with _lock:
            again = _seen.pop(key, None) is statement
            if not again:
                _seen[key] = statement
        if again:
            return _first(connection, statement, params, key)
        return [tuple(r) for r in connection.execute(statement, params).all()]
    if plan is _NO_PLAN or plan.statement is not statement or plan.dynamic != params.keys():
        # another set of parameters than the plan's (a missing one is SQLAlchemy's error, never an earlier value)
        return [tuple(r) for r in connection.execute(statement, params).all()]
    sent = {**plan.parameters, **params} if params else plan.parameters
    return _send(connection, statement, params, plan, sent)


def _send(
    connection: Connection, statement: Any, params: dict[str, Any], plan: _Plan, sent: dict[str, Any]
) -> list[tuple[Any, ...]]:
    sql = plan.sql
    dbapi = connection.connection.driver_connection
    if dbapi is None:  # pragma: no cover (an invalidated connection: SQLAlchemy reconnects or raises)
        return [tuple(r) for r in connection.execute(statement, params).all()]
    cursor = dbapi.cursor()
    try:
        for listener in connection.dispatch.before_cursor_execute:
            sql, sent = listener(connection, cursor, sql, sent, None, False)
        try:
            cursor.execute(sql, sent)
            fetched = cursor.fetchall()
        except connection.dialect.loaded_dbapi.Error:
            # SQLAlchemy's handling: the error wrapped, a lost connection invalidated (a read: safe to send again)
            return [tuple(r) for r in connection.execute(statement, params).all()]
        for after in connection.dispatch.after_cursor_execute:
            after(connection, cursor, sql, sent, None, False)
    finally:
        cursor.close()
    if not plan.processors:
        return fetched
    out = []
    for row in fetched:
        values = list(row)
        for i, process in plan.processors:
            values[i] = process(values[i])
        out.append(tuple(values))
    return out


def _first(
    connection: Connection, statement: Any, params: dict[str, Any], key: tuple[int, str]
) -> list[tuple[Any, ...]]:
    """Through SQLAlchemy, keeping what it sent for the next executions (or that it must always be sent so)."""
    result = connection.execute(statement, params)
    width = len(result.keys())
    found = [tuple(r) for r in result.all()]
    plan = _plan_for(connection, statement, params, result.context, width)
    with _lock:
        _plans[key] = plan
        while len(_plans) > _KEPT:
            _plans.popitem(last=False)
    return found


def _plan_for(
    connection: Connection, statement: Any, params: dict[str, Any], context: Any, width: int
) -> Any:
    dialect = connection.dialect
    compiled = getattr(context, "compiled", None)
    columns: Sequence[Any] = list(getattr(statement, "selected_columns", ()))
    sent = context.parameters[0] if context.parameters else {}
    if compiled is None or len(columns) != width or not isinstance(sent, dict) or context.executemany:
        return _NO_PLAN
    for name in params:  # the caller's values are sent as given: one placeholder each, no bind processor
        bind = compiled.binds.get(name)
        if bind is None or bind.expanding or name not in sent:
            return _NO_PLAN
        if bind.type.dialect_impl(dialect).bind_processor(dialect) is not None:
            return _NO_PLAN
    processors = []
    for i, column in enumerate(columns):
        kind = column.type
        plain = kind.impl_instance if isinstance(kind, sa.TypeDecorator) else kind
        if not isinstance(plain, _PLAIN_TYPES):
            return _NO_PLAN
        process = kind.dialect_impl(dialect).result_processor(dialect, None)
        if process is not None:
            processors.append((i, process))
    return _Plan(
        statement=statement,
        sql=context.statement,
        parameters=dict(sent),
        dynamic=frozenset(params),
        processors=tuple(processors),
    )
