"""Batched writes shared by the kinds: Core inserts/updates on the model tables and the audit trail.

The ORM unit of work issues one statement per object for versioned tables; an import of 10,000 rows goes through
``session.execute(insert(table), rows)`` (executemany / insert-many-values) instead, in chunks.
"""

from collections.abc import Sequence
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api.audit.service import _plain
from api.authz.principal import Principal
from api.context import request_id_var
from api.imports.kinds.values import batched, now_utc
from api.models import AuditEvent

CHUNK = 2000


def table_of(model: Any) -> sa.Table:
    table: sa.Table = model.__table__
    return table


def insert_rows(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Plain batched INSERT (no ids needed back)."""
    table = table_of(model)
    for chunk in batched(rows, CHUNK):
        session.execute(sa.insert(table), list(chunk))


def insert_returning_ids(
    session: Session, model: Any, rows: Sequence[dict[str, Any]], key: tuple[str, ...]
) -> list[int]:
    """Batched INSERT; the new ids in the order of ``rows``.

    PostgreSQL returns them from the batched ``INSERT … RETURNING``. SQLite cannot order RETURNING rows of a
    multi-row insert, so SQLAlchemy would fall back to one statement per row there: instead the rows are inserted
    in batches and their ids read back by their natural (unique) ``key`` in one query per batch.
    """
    table = table_of(model)
    ids: list[int] = []
    if session.get_bind().dialect.name != "sqlite":
        for chunk in batched(rows, CHUNK):
            stmt = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids.extend(r[0] for r in session.execute(stmt, list(chunk)))
        return ids
    cols = [table.c[k] for k in key]
    for chunk in batched(rows, CHUNK):
        session.execute(sa.insert(table), list(chunk))
        found: dict[tuple[Any, ...], int] = {}
        where = [c.in_({r[c.key] for r in chunk}) for c in cols]
        for row in session.execute(sa.select(table.c.id, *cols).where(*where)):
            found[tuple(row[1:])] = row[0]
        ids.extend(found[tuple(r[k] for k in key)] for r in chunk)
    return ids


def update_rows(
    session: Session, model: Any, rows: Sequence[dict[str, Any]], *, bump_version: bool = True
) -> None:
    """Batched ``UPDATE … WHERE id = :id`` setting the keys of each row (grouped by the set of keys)."""
    table = table_of(model)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for r in rows:
        keys = tuple(sorted(k for k in r if k != "id"))
        groups.setdefault(keys, []).append({"b_id": r["id"], **{f"b_{k}": r[k] for k in keys}})
    for keys, params in groups.items():
        values: dict[str, Any] = {k: sa.bindparam(f"b_{k}") for k in keys}
        if bump_version and "version" in table.c:
            values["version"] = table.c.version + 1
        stmt = sa.update(table).where(table.c.id == sa.bindparam("b_id")).values(**values)
        for chunk in batched(params, CHUNK):
            session.execute(stmt, list(chunk), execution_options={"synchronize_session": False})


_SCALARS = (str, int, float, bool, type(None))


def plain(value: Any) -> Any:
    """JSON-safe (audit trail): enums → values, dates → ISO text."""
    return value if type(value) in _SCALARS else _plain(value)


def db_value(value: Any) -> Any:
    """Column value for a Core statement: enums → their stored string, everything else as is."""
    return value.value if isinstance(value, Enum) else value


def changes_of(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """``{field: {"from", "to"}}`` for the fields that differ (all of ``after`` for a creation)."""
    out: dict[str, Any] = {}
    for k, v in after.items():
        old = None if before is None else plain(before.get(k))
        new = plain(v)
        if before is None or old != new:
            if before is None and new is None:
                continue
            out[k] = {"from": old, "to": new}
    return out


def audit_many(
    session: Session,
    principal: Principal,
    action: str,
    entity_type: str,
    items: Sequence[tuple[Any, int | None, dict[str, Any]]],
    note: str | None = None,
) -> None:
    """One audit event per ``(entity_id, unit_id, changes)``, written in batches."""
    if not items:
        return
    at = now_utc()
    base = {
        "at": at,
        "actor_user_id": principal.user_id,
        "actor_token_id": principal.token_id,
        "actor_name": principal.name,
        "action": action,
        "entity_type": entity_type,
        "note": note,
        "request_id": request_id_var.get(),
    }
    rows = [{**base, "entity_id": str(eid), "unit_id": uid, "changes": ch} for eid, uid, ch in items]
    insert_rows(session, AuditEvent, rows)
