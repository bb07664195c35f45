"""Shared by the benchmarks: the 3,300-commune dataset ("national": one province, one district, 3,300 communes
each with a unit head and an officer, one issued plan of 60 tasks and one assignment per commune and task, whose
deadlines spread from 70 days before to 10 days after 15/10/2024 and whose statuses mix approved, submitted,
returned, in progress and not started), batched Core inserts, and a fresh PostgreSQL database per run.

Used by ``bench_notifications.py`` and ``bench_http.py --national``. Accounts: ``noivu.bench`` (district_admin of
the district, id 1); commune ``i`` (unit id ``10 + i``) has its head ``u{10 + 2i}`` and officer ``u{11 + 2i}``.
"""

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TODAY = date(2024, 10, 15)
STATUSES = (
    "approved",
    "in_progress",
    "approved",
    "not_started",
    "submitted",
    "in_progress",
    "returned",
    "approved",
)


def create_database(base: str = PG_BASE) -> tuple[str, Callable[[], None]]:
    """A fresh PostgreSQL database next to ``base``: its URL and a function that drops it."""
    name = f"parsipas_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return base.rsplit("/", 1)[0] + f"/{name}", drop


def insert_batches(c: Any, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), 20_000):
        c.execute(table.insert(), rows[i : i + 20_000])


def generate(engine: sa.Engine, communes: int, tasks: int, password_hash: str = "x") -> int:
    """The dataset into an empty migrated database; returns the number of assignments. ``password_hash`` is set
    on every account (a real hash lets a benchmark log in; hashing once keeps generation fast)."""
    from api.db import metadata

    t = metadata.tables
    now = datetime.now(UTC)
    unit = {"kind": "people_committee", "is_active": True, "verified": True, "version": 1, "created_at": now}
    user = {
        "password_hash": password_hash,
        "is_active": True,
        "language": "vi",
        "version": 1,
        "created_at": now,
    }
    with engine.begin() as c:
        c.execute(t["org_unit"].insert(), [
            {**unit, "id": 1, "code": "BP", "name": "Tỉnh bench", "level": "province", "parent_id": None, "path": "/1/"},
            {**unit, "id": 2, "code": "BP.D", "name": "Huyện bench", "level": "district", "parent_id": 1, "path": "/1/2/"},
        ])  # fmt: skip
        insert_batches(c, t["org_unit"], [
            {**unit, "id": 10 + i, "code": f"BP.D.X{i:04d}", "name": f"Xã {i}", "level": "commune", "parent_id": 2,
             "path": f"/1/2/{10 + i}/"}
            for i in range(communes)
        ])  # fmt: skip
        users = [{**user, "id": 1, "username": "noivu.bench", "full_name": "Phòng Nội vụ"}]
        members = [{"user_id": 1, "unit_id": 2, "role": "district_admin", "created_at": now}]
        for i in range(communes):
            for k, role in ((0, "unit_head"), (1, "unit_officer")):
                uid = 10 + 2 * i + k
                users.append({**user, "id": uid, "username": f"u{uid}", "full_name": f"Người {uid}"})
                members.append({"user_id": uid, "unit_id": 10 + i, "role": role, "created_at": now})
        insert_batches(c, t["user_account"], users)
        insert_batches(c, t["membership"], members)
        c.execute(t["plan"].insert(), [{"id": 1, "number": "1", "symbol": "KH-UBND", "title": "Bench",
                  "issuing_unit_id": 2, "year": 2024, "status": "issued", "version": 1, "created_at": now}])  # fmt: skip
        c.execute(t["task"].insert(), [
            {"id": k + 1, "plan_id": 1, "label": str(k + 1), "order": k, "title": f"Nhiệm vụ {k + 1}",
             "deadline_kind": "date", "due_date": TODAY, "lead_unit_id": 2, "priority": "normal", "version": 1,
             "created_at": now}
            for k in range(tasks)
        ])  # fmt: skip
        rows = []
        aid = 0
        for i in range(communes):
            for k in range(tasks):
                aid += 1
                due = TODAY + timedelta(days=(i * 7 + k * 13) % 81 - 70)
                rows.append({"id": aid, "task_id": k + 1, "plan_id": 1, "unit_id": 10 + i, "role": "lead",
                             "instance_key": "", "due_date": due, "status": STATUSES[(i + k) % len(STATUSES)],
                             "progress": 50, "version": 1, "created_at": now})  # fmt: skip
        insert_batches(c, t["assignment"], rows)
        if engine.dialect.name == "postgresql":
            for name in ("org_unit", "user_account", "plan", "task", "assignment"):
                c.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                )
        c.exec_driver_sql("ANALYZE")
    return aid
