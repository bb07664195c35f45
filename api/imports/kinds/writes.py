"""Batched writes shared by the kinds: Core inserts/updates on the model tables and the audit trail.

The ORM unit of work issues one statement per object for versioned tables; an import of 10,000 rows goes through
``session.execute(insert(table), rows)`` (executemany / insert-many-values) instead, in chunks.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
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


# --- upserts by a natural key (official results of a framework, official SIPAS results) ---------------------


@dataclass
class Upserts:
    """Rows to create (plain dicts) and to update (the stored row, the changed values) of one import."""

    create: list[dict[str, Any]] = field(default_factory=list)
    update: list[tuple[Any, dict[str, Any]]] = field(default_factory=list)


def classify(
    items: Sequence[dict[str, Any]],
    existing: dict[tuple[Any, ...], Any],
    key: tuple[str, ...],
    fields: tuple[str, ...],
    counts: Any,
) -> Upserts:
    """Each parsed item against the stored row of the same natural ``key``: created, updated (``fields`` differ)
    or unchanged — counted in ``counts`` (``.add(name)``)."""
    out = Upserts()
    for item in items:
        old = existing.get(tuple(item[k] for k in key))
        values = {k: item[k] for k in fields}
        if old is None:
            out.create.append(item)
            counts.add("created")
        elif any(getattr(old, k) != v for k, v in values.items()):
            out.update.append((old, values))
            counts.add("updated")
        else:
            counts.add("unchanged")
    return out


def apply_upserts(
    session: Session,
    principal: Principal,
    model: Any,
    upserts: Upserts,
    *,
    key: tuple[str, ...],
    fields: tuple[str, ...],
    entity_type: str,
    extra: dict[str, Any] | None = None,
) -> None:
    """Write :func:`classify`'s result in batches (``extra`` columns on created rows) and audit every row: a new
    one under its natural key (``unit/…``), an updated one under its id, with the changed ``fields``."""
    now, uid = now_utc(), principal.user_id
    created = [{**i, **(extra or {}), "created_by_id": uid, "created_at": now} for i in upserts.create]
    insert_rows(session, model, created)
    update_rows(session, model, [{"id": old.id, **values} for old, values in upserts.update])
    audit: list[tuple[Any, int | None, dict[str, Any]]] = [
        ("/".join(str(i[k]) for k in key), i["unit_id"], changes_of(None, {k: i[k] for k in fields}))
        for i in upserts.create
    ]
    audit += [
        (old.id, old.unit_id, changes_of({k: getattr(old, k) for k in fields}, values))
        for old, values in upserts.update
    ]
    audit_many(session, principal, "import", entity_type, audit)
