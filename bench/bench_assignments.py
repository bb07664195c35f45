"""Benchmark: 3,300 communes × 60 assignments (198,000 rows) on SQLite and PostgreSQL.

Prints statements per request for ``GET /assignments`` (also as the review queue, unfiltered and with every
filter, with the search against the unfiltered queue) and ``GET /assignments/work`` (limit 20 vs 200, with the
work list's ``/work/counts``) and ``GET /dashboards/summary``
(whole district vs one commune), and the time of the dashboard aggregate. Data is generated with SQLAlchemy
Core bulk inserts into a fresh SQLite file and a fresh PostgreSQL database (created and dropped here).

Times are the median of ``--repeat`` requests after one warm-up request (the first request of a process pays
for FastAPI/SQLAlchemy start-up, not for the query), with the load average of the machine when measured.

    .venv/bin/python bench/bench_assignments.py [--communes 3300] [--tasks 60] [--repeat 3] [--skip-pg]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("PARSIPAS_ENV", "test")
os.environ.setdefault("PARSIPAS_SECRET_KEY", "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ["PARSIPAS_AS_OF_DATE"] = "2024-10-15"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TODAY = date(2024, 10, 15)
PASSWORD = "Bench@2024-pass"


def generate(engine: sa.Engine, communes: int, tasks: int) -> None:
    from api.auth.security import hash_password
    from api.db import metadata

    t = metadata.tables
    now = datetime.now(UTC)
    with engine.begin() as c:
        c.execute(
            t["org_unit"].insert(),
            [
                {
                    "id": 1,
                    "code": "BP",
                    "name": "Tỉnh bench",
                    "level": "province",
                    "kind": "people_committee",
                    "path": "/1/",
                    "is_active": True,
                    "verified": True,
                    "version": 1,
                    "created_at": now,
                },
                {
                    "id": 2,
                    "code": "BP.D",
                    "name": "Huyện bench",
                    "level": "district",
                    "kind": "people_committee",
                    "parent_id": 1,
                    "path": "/1/2/",
                    "is_active": True,
                    "verified": True,
                    "version": 1,
                    "created_at": now,
                },
            ],
        )
        c.execute(
            t["org_unit"].insert(),
            [
                {
                    "id": 10 + i,
                    "code": f"BP.D.X{i:04d}",
                    "name": f"Xã {i}",
                    "level": "commune",
                    "kind": "people_committee",
                    "parent_id": 2,
                    "path": f"/1/2/{10 + i}/",
                    "is_active": True,
                    "verified": True,
                    "version": 1,
                    "created_at": now,
                }
                for i in range(communes)
            ],
        )
        c.execute(
            t["user_account"].insert(),
            [
                {
                    "id": 1,
                    "username": "bench.admin",
                    "full_name": "Bench",
                    "password_hash": hash_password(PASSWORD),
                    "is_active": True,
                    "language": "vi",
                    "version": 1,
                    "created_at": now,
                }
            ],
        )
        c.execute(
            t["membership"].insert(),
            [{"user_id": 1, "unit_id": 2, "role": "district_admin", "created_at": now}],
        )
        c.execute(
            t["framework"].insert(),
            [
                {
                    "id": 1,
                    "code": "BENCH_FW",
                    "name": "Bench",
                    "kind": "par_index",
                    "valid_from_year": 2024,
                    "status": "published",
                    "scale": 100,
                    "root_sum_equals_scale": False,
                    "ranking_bands": [],
                    "version": 1,
                    "created_at": now,
                }
            ],
        )
        nodes = [
            {
                "id": a,
                "framework_id": 1,
                "parent_id": None,
                "path": f"/{a}/",
                "depth": 0,
                "code": str(a),
                "title": f"Lĩnh vực {a}",
                "title_folded": "",
                "order": a,
            }
            for a in range(1, 9)
        ]
        nodes += [
            {
                "id": 100 + a * 10 + b,
                "framework_id": 1,
                "parent_id": a,
                "path": f"/{a}/{100 + a * 10 + b}/",
                "depth": 1,
                "code": f"{a}.{b}",
                "title": f"Tiêu chí {a}.{b}",
                "title_folded": "",
                "order": b,
            }
            for a in range(1, 9)
            for b in range(1, 4)
        ]
        c.execute(t["framework_node"].insert(), nodes)
        c.execute(
            t["plan"].insert(),
            [
                {
                    "id": 1,
                    "number": "1",
                    "symbol": "KH-UBND",
                    "title": "Bench",
                    "issuing_unit_id": 2,
                    "year": 2024,
                    "status": "issued",
                    "version": 1,
                    "created_at": now,
                }
            ],
        )
        c.execute(
            t["task"].insert(),
            [
                {
                    "id": k + 1,
                    "plan_id": 1,
                    "label": f"{k + 1}",
                    "order": k,
                    "title": f"Nhiệm vụ {k + 1}",
                    "deadline_kind": "date",
                    "due_date": date(2024, 1 + k % 12, 28),
                    "lead_unit_id": 10,
                    "priority": "normal",
                    "version": 1,
                    "created_at": now,
                }
                for k in range(tasks)
            ],
        )
        c.execute(
            t["task_node"].insert(),
            [{"task_id": k + 1, "node_id": 100 + (1 + k % 8) * 10 + 1 + k % 3} for k in range(tasks)],
        )
        c.execute(
            t["reporting_period"].insert(),
            [
                {
                    "id": 1,
                    "owner_unit_id": 2,
                    "year": 2024,
                    "kind": "h1",
                    "name": "6 tháng 2024",
                    "data_from": date(2023, 12, 15),
                    "data_to": date(2024, 6, 14),
                    "due_unit": date(2024, 6, 15),
                    "due_district": date(2024, 6, 20),
                    "version": 1,
                    "created_at": now,
                }
            ],
        )
        rows = []
        for u in range(communes):
            for k in range(tasks):
                due = date(2024, 1 + k % 12, 28)
                m = (u * 7 + k * 3) % 10
                status = (
                    "approved",
                    "approved",
                    "approved",
                    "submitted",
                    "in_progress",
                    "in_progress",
                    "returned",
                    "not_started",
                    "in_progress",
                    "approved",
                )[m]
                done = (
                    due - timedelta(days=2)
                    if m in (0, 1, 2)
                    else (due + timedelta(days=5) if m == 9 else None)
                )
                # Submitted: half done on time (chờ duyệt once due), half late; submitted the day it was done.
                if m == 3:
                    done = due - timedelta(days=1) if u % 2 == 0 else due + timedelta(days=3)
                sent = datetime(done.year, done.month, done.day, 2, tzinfo=UTC) if m == 3 and done else None
                rows.append(
                    {
                        "task_id": k + 1,
                        "plan_id": 1,
                        "unit_id": 10 + u,
                        "role": "lead" if u == 0 else "coordinating",
                        "instance_key": "",
                        "due_date": due,
                        "status": status,
                        "progress": 10 * m,
                        "completed_date": done,
                        "submitted_at": sent,
                        "version": 1,
                        "created_at": now,
                    }
                )
                if len(rows) >= 20_000:
                    c.execute(t["assignment"].insert(), rows)
                    rows = []
        if rows:
            c.execute(t["assignment"].insert(), rows)
        if engine.dialect.name == "postgresql":
            for name in (
                "org_unit",
                "user_account",
                "framework",
                "framework_node",
                "plan",
                "task",
                "reporting_period",
            ):
                c.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                )
            c.exec_driver_sql("ANALYZE")
        else:
            c.exec_driver_sql("ANALYZE")


def measure(url: str, label: str, communes: int, tasks: int, repeat: int) -> None:
    from fastapi.testclient import TestClient

    from api.config import get_settings
    from api.db import get_engine
    from api.main import create_app
    from api.migrate import upgrade

    os.environ["PARSIPAS_DATABASE_URL"] = url
    get_settings.cache_clear()
    upgrade(url)
    engine = get_engine(url)
    t0 = time.perf_counter()
    generate(engine, communes, tasks)
    print(
        f"[{label}] generated {communes} communes × {tasks} = {communes * tasks:,} assignments in {time.perf_counter() - t0:.1f}s"
    )
    seen: list[str] = []

    def _on(conn, cursor, statement, *a):  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK")):
            seen.append(statement)

    app = create_app(get_settings(), engine)
    with TestClient(app) as client:
        r = client.post("/api/v1/auth/login", json={"username": "bench.admin", "password": PASSWORD})
        h = {"Authorization": f"Bearer {r.json()['access_token']}"}
        sa.event.listen(engine, "before_cursor_execute", _on)

        def run(path: str, **params: object) -> tuple[int, str, Any]:
            """Statements per request, "median ms" over ``repeat`` requests, last response body."""
            client.get(path, headers=h, params=params)  # warm-up
            times, body = [], None
            for _ in range(repeat):
                seen.clear()
                t = time.perf_counter()
                resp = client.get(path, headers=h, params=params)
                times.append(time.perf_counter() - t)
                assert resp.status_code == 200, resp.text
                body = resp.json()
            return len(seen), f"{statistics.median(times) * 1000:.0f} ms", body

        for limit in (20, 200):
            n, ms, body = run("/api/v1/assignments", limit=limit)
            print(f"[{label}] GET /assignments limit={limit}: {n} statements, {ms}, total={body['total']:,}")
        n, ms, _ = run("/api/v1/assignments", limit=200, bucket="overdue", sort="-due_date")
        print(f"[{label}] GET /assignments bucket=overdue limit=200: {n} statements, {ms}")
        # Review queue (hàng chờ duyệt of Phòng Nội vụ, #14): the same statements at both page sizes, unfiltered
        # and with every filter at once (unit, plan, lĩnh vực with its criteria, period, submitted since, overdue,
        # search); then the search against the unfiltered queue.
        queue: dict[str, object] = {"status": "submitted", "sort": "-submitted_at"}
        every = {
            "plan_id": 1,
            "node_id": 1,
            "period_id": 1,
            "submitted_since": "2024-01-01",
            "bucket": "overdue",
            "q": "xa 1",
        }
        for name, params in (("unfiltered", queue), ("every filter", {**queue, **every})):
            for limit in (20, 200):
                n, ms, body = run("/api/v1/assignments", limit=limit, **params)
                print(
                    f"[{label}] review queue ({name}) limit={limit}: {n} statements, {ms}, total={body['total']:,}"
                )
        n1, ms1, b1 = run("/api/v1/assignments", limit=50, **queue)
        n2, ms2, b2 = run("/api/v1/assignments", limit=50, q="xã 12", **queue)
        print(
            f"[{label}] review queue search 'xã 12' vs unfiltered (limit 50, {b1['total']:,} submitted): "
            f"{ms2} ({n2} statements, total={b2['total']:,}) vs {ms1} ({n1} statements)"
        )
        # The work list (Việc của tôi, sort by what to do next) and its counts per state: same statements at both
        # page sizes, for one commune and for the whole district.
        for params in ({"unit_id": 10}, {}):
            where = "one commune" if params else f"{communes} communes"
            for limit in (20, 200):
                n, ms, body = run("/api/v1/assignments/work", limit=limit, **params)
                print(
                    f"[{label}] GET /assignments/work ({where}) limit={limit}: {n} statements, {ms}, "
                    f"total={body['total']:,}"
                )
            n, ms, body = run("/api/v1/assignments/work/counts", **params)
            print(
                f"[{label}] GET /assignments/work/counts ({where}): {n} statements, {ms}, ready={body['ready']:,}"
            )
        # Vietnamese search (api/search.py): unit name or task label/title, folded by vn_fold() in SQL.
        for q in ("XÃ 123", "xa 12", "nhiem vu 7"):
            n, ms, body = run("/api/v1/assignments", limit=200, q=q)
            print(
                f"[{label}] GET /assignments q={q!r} limit=200: {n} statements, {ms}, total={body['total']:,}"
            )
        n1, ms1, _ = run("/api/v1/dashboards/summary", unit_id=10)
        n2, ms2, body = run("/api/v1/dashboards/summary", limit=5000)
        print(
            f"[{label}] GET /dashboards/summary: {n1} statements for one commune ({ms1}), {n2} for {communes} "
            f"communes (by_unit rows {len(body['by_unit'])}); time median {ms2} of {repeat} "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
        )
        sa.event.remove(engine, "before_cursor_execute", _on)
    from api.db import dispose_engines

    dispose_engines()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--communes", type=int, default=3300)
    ap.add_argument("--tasks", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-pg", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        os.environ["PARSIPAS_DATA_DIR"] = d
        measure(f"sqlite:///{d}/bench.db", "sqlite", args.communes, args.tasks, args.repeat)
    if args.skip_pg:
        return
    name = f"parsipas_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        measure(PG_BASE.rsplit("/", 1)[0] + f"/{name}", "postgresql", args.communes, args.tasks, args.repeat)
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
