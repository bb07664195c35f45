"""Benchmark: the two-tier province of 2026 (issue 13), SQLite and PostgreSQL.

The shape of Lạng Sơn since 01/7/2025: a province (UBND tỉnh) with 20 sở and N communes directly under it (no
district), ~1,000 users, a province plan of 60 tasks assigned to every commune (each task also led by one sở),
and a 2026 assessment round of the communes. Generated with SQLAlchemy Core bulk inserts (as
``bench_assignments.py`` and ``bench_scoring.py``) into a fresh SQLite file and a fresh PostgreSQL database
(created and dropped here), once per size (default 20 and 65 communes).

Prints, per backend and size, the statements per request (a ``before_cursor_execute`` listener) and the median
time of ``--repeat`` requests after a warm-up, for the Sở Nội vụ administrator:
- ``GET /dashboards/summary`` (the province dashboard),
- ``GET /assignments?status=submitted&limit=20&sort=-submitted_at`` (the review queue),
- ``GET /reports/{id}`` of the province's report for the year (live figures of sở and communes),
- ``GET /assessment-rounds/{id}/results`` (ranking of the communes).

The statement counts must be the same at both sizes. A benchmark prints figures; it is not a test.

    .venv/bin/python bench/bench_province.py [--sizes 20,65] [--repeat 5] [--skip-pg]
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
os.environ["PARSIPAS_AS_OF_DATE"] = "2026-10-15"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "Bench@2026-pass"
V1 = "/api/v1"
YEAR = 2026
DEPARTMENTS = 20
TASKS = 60
USERS = 1000
AREAS, LEAVES = 8, 3  # framework of the round: 8 lĩnh vực × 3 tiêu chí
A_STATUS = ("approved", "approved", "approved", "submitted", "in_progress", "in_progress", "returned",
            "not_started", "submitted", "approved")  # fmt: skip
S_STATUS = ("submitted", "appraised", "approved", "under_appraisal", "in_progress")
ROLES = ("staff", "staff", "staff", "unit_head", "viewer")


def _insert(c: Any, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), 20_000):
        c.execute(table.insert(), rows[i : i + 20_000])


def generate(engine: sa.Engine, communes: int) -> dict[str, int]:
    from api.auth.security import hash_password
    from api.db import metadata

    t = metadata.tables
    now = datetime.now(UTC)
    unit = {"is_active": True, "verified": True, "version": 1, "created_at": now}
    sos = [2 + i for i in range(DEPARTMENTS)]
    comms = [100 + i for i in range(communes)]
    with engine.begin() as c:
        _insert(c, t["org_unit"], [
            {**unit, "id": 1, "code": "BP", "name": "UBND tỉnh Bench", "level": "province",
             "kind": "people_committee", "parent_id": None, "path": "/1/"},
            *[{**unit, "id": u, "code": f"BP.S{i:02d}", "name": f"Sở bench {i}", "level": "province",
               "kind": "department", "parent_id": 1, "path": f"/1/{u}/"} for i, u in enumerate(sos)],
            *[{**unit, "id": u, "code": f"BP.X{i:02d}", "name": f"Xã bench {i}", "level": "commune",
               "kind": "people_committee", "parent_id": 1, "path": f"/1/{u}/"} for i, u in enumerate(comms)],
        ])  # fmt: skip
        pw = hash_password(PASSWORD)
        user = {"password_hash": pw, "is_active": True, "language": "vi", "version": 1, "created_at": now}
        _insert(c, t["user_account"], [
            {**user, "id": 1, "username": "bench.sonoivu", "full_name": "Sở Nội vụ bench"},
            *[{**user, "id": 2 + i, "username": f"bench.u{i:04d}", "full_name": f"Người dùng {i}"}
              for i in range(USERS - 1)],
        ])  # fmt: skip
        units = sos + comms
        _insert(c, t["membership"], [
            {"user_id": 1, "unit_id": 1, "role": "district_admin", "created_at": now},
            *[{"user_id": 2 + i, "unit_id": units[i % len(units)], "role": ROLES[i % len(ROLES)], "created_at": now}
              for i in range(USERS - 1)],
        ])  # fmt: skip
        c.execute(t["framework"].insert(), [
            {"id": 1, "code": "BENCH_PAR_XA", "name": "Chỉ số CCHC xã (bench)", "kind": "local_index",
             "valid_from_year": YEAR, "status": "published", "scale": 100, "root_sum_equals_scale": False,
             "ranking_bands": [{"code": "A", "name": "Tốt", "min_percent": 80, "max_percent": None, "verified": False},
                               {"code": "B", "name": "Khá", "min_percent": None, "max_percent": 80, "verified": False}],
             "applicability": {"levels": ["commune"], "kinds": []}, "owner_unit_id": 1, "version": 1,
             "created_at": now}
        ])  # fmt: skip
        nodes, leaves = [], []
        for a in range(1, AREAS + 1):
            nodes.append({"id": a, "framework_id": 1, "parent_id": None, "path": f"/{a}/", "depth": 0,
                          "code": str(a), "title": f"Lĩnh vực {a}", "title_folded": "", "order": a,
                          "max_points": 12.5})  # fmt: skip
            for b in range(1, LEAVES + 1):
                lid = 100 + a * 10 + b
                leaves.append(lid)
                nodes.append({"id": lid, "framework_id": 1, "parent_id": a, "path": f"/{a}/{lid}/", "depth": 1,
                              "code": f"{a}.{b}", "title": f"Tiêu chí {a}.{b}", "title_folded": "", "order": b,
                              "max_points": 12.5 / LEAVES})  # fmt: skip
        c.execute(t["framework_node"].insert(), nodes)
        c.execute(t["assessment_round"].insert(), [
            {"id": 1, "framework_id": 1, "owner_unit_id": 1, "year": YEAR, "name": "Đợt 2026", "status": "open",
             "self_start_date": date(YEAR, 9, 1), "self_end_date": date(YEAR, 10, 31),
             "appraisal_start_date": date(YEAR, 11, 1), "appraisal_end_date": date(YEAR, 11, 30), "version": 1,
             "created_at": now}
        ])  # fmt: skip
        sheets, scores = [], []
        for i, u in enumerate(comms):
            sheets.append({"id": 1 + i, "round_id": 1, "unit_id": u, "status": S_STATUS[i % len(S_STATUS)],
                           "version": 1, "created_at": now})  # fmt: skip
            for k, lid in enumerate(leaves):
                p = (1000, 2000, 3000, 4166)[(i + k) % 4]
                scores.append({"sheet_id": 1 + i, "node_id": lid, "self_points_milli": p,
                               "appraised_points_milli": p - 500 if (i + k) % 5 == 0 else None, "manual": False,
                               "appraisal_state": "pending", "version": 1, "created_at": now})  # fmt: skip
        _insert(c, t["assessment_sheet"], sheets)
        _insert(c, t["score"], scores)
        c.execute(t["plan"].insert(), [
            {"id": 1, "number": "1", "symbol": "KH-UBND", "title": "Kế hoạch CCHC tỉnh 2026 (bench)",
             "issuing_unit_id": 1, "year": YEAR, "status": "issued", "issue_date": date(YEAR, 1, 15), "version": 1,
             "created_at": now}
        ])  # fmt: skip
        tasks, links, task_units, rows = [], [], [], []
        for k in range(TASKS):
            due = date(YEAR, 1 + k % 12, 28)
            lead = sos[k % DEPARTMENTS]
            tasks.append({"id": k + 1, "plan_id": 1, "label": str(k + 1), "order": k, "title": f"Nhiệm vụ {k + 1}",
                          "deadline_kind": "date", "due_date": due, "lead_unit_id": lead, "priority": "normal",
                          "version": 1, "created_at": now})  # fmt: skip
            links.append({"task_id": k + 1, "node_id": leaves[k % len(leaves)]})
            for u in (lead, *comms):
                role = "lead" if u == lead else "coordinating"
                task_units.append({"task_id": k + 1, "unit_id": u, "role": role})
                m = (u * 7 + k * 3) % len(A_STATUS)
                status = A_STATUS[m]
                done = due - timedelta(days=2) if status == "approved" and m != 9 else None
                done = due + timedelta(days=5) if m == 9 else done
                sub = datetime(YEAR, 1 + k % 10, 1 + u % 27, 9, tzinfo=UTC) if status == "submitted" else None
                rows.append({"task_id": k + 1, "plan_id": 1, "unit_id": u, "role": role, "instance_key": "",
                             "due_date": due, "status": status, "progress": 10 * m, "completed_date": done,
                             "submitted_at": sub, "version": 1, "created_at": now})  # fmt: skip
        c.execute(t["task"].insert(), tasks)
        c.execute(t["task_node"].insert(), links)
        _insert(c, t["task_unit"], task_units)
        _insert(c, t["assignment"], rows)
        if engine.dialect.name == "postgresql":
            for name in ("org_unit", "user_account", "framework", "framework_node", "plan", "task",
                         "assessment_round", "assessment_sheet", "assignment"):  # fmt: skip
                c.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                )
        c.exec_driver_sql("ANALYZE")
    return {"units": 1 + DEPARTMENTS + communes, "users": USERS, "assignments": len(rows)}


def measure(url: str, label: str, communes: int, repeat: int) -> dict[str, tuple[int, float]]:
    from fastapi.testclient import TestClient

    from api.config import get_settings
    from api.db import dispose_engines, get_engine
    from api.main import create_app
    from api.migrate import upgrade

    os.environ["PARSIPAS_DATABASE_URL"] = url
    get_settings.cache_clear()
    upgrade(url)
    engine = get_engine(url)
    t0 = time.perf_counter()
    shape = generate(engine, communes)
    print(f"[{label} {communes} communes] generated {shape['units']} units, {shape['users']:,} users, "
          f"{shape['assignments']:,} assignments in {time.perf_counter() - t0:.1f}s")  # fmt: skip
    seen: list[str] = []

    def _on(conn, cursor, statement, *a):  # type: ignore[no-untyped-def]
        if (
            not statement.lstrip()
            .upper()
            .startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"))
        ):
            seen.append(statement)

    out: dict[str, tuple[int, float]] = {}
    app = create_app(get_settings(), engine)
    with TestClient(app) as client:
        r = client.post(f"{V1}/auth/login", json={"username": "bench.sonoivu", "password": PASSWORD})
        h = {"Authorization": f"Bearer {r.json()['access_token']}"}
        r = client.post(f"{V1}/report-periods/generate", headers=h, json={"year": YEAR, "owner_unit_id": 1})
        assert r.status_code < 300, r.text
        period = next(p for p in r.json() if p["kind"] == "year")
        r = client.post(f"{V1}/reports", headers=h, json={"period_id": period["id"], "unit_id": 1})
        assert r.status_code < 300, r.text
        report_id = r.json()["id"]
        sa.event.listen(engine, "before_cursor_execute", _on)

        def run(name: str, path: str, **params: object) -> Any:
            client.get(f"{V1}{path}", headers=h, params=params)  # warm-up
            times, body = [], None
            for _ in range(repeat):
                seen.clear()
                t = time.perf_counter()
                resp = client.get(f"{V1}{path}", headers=h, params=params)
                times.append(time.perf_counter() - t)
                assert resp.status_code == 200, resp.text
                body = resp.json()
            out[name] = (len(seen), statistics.median(times) * 1000)
            return body

        body = run("dashboard summary", "/dashboards/summary")
        detail = f"by_unit {len(body['by_unit'])}, total {body['total']:,}"
        print(f"[{label} {communes}] GET /dashboards/summary: {out['dashboard summary'][0]} statements, "
              f"{out['dashboard summary'][1]:.0f} ms ({detail})")  # fmt: skip
        body = run("review queue", "/assignments", status="submitted", limit=20, sort="-submitted_at")
        print(f"[{label} {communes}] GET /assignments status=submitted limit=20: {out['review queue'][0]} "
              f"statements, {out['review queue'][1]:.0f} ms (total {body['total']:,})")  # fmt: skip
        body = run("province report", f"/reports/{report_id}")
        f = body["figures"]
        print(f"[{label} {communes}] GET /reports/{{id}} (province, live figures): {out['province report'][0]} "
              f"statements, {out['province report'][1]:.0f} ms ({len(f['units'])} units, total "
              f"{f['total']:,})")  # fmt: skip
        body = run("ranking", "/assessment-rounds/1/results")
        print(f"[{label} {communes}] GET /assessment-rounds/{{id}}/results: {out['ranking'][0]} statements, "
              f"{out['ranking'][1]:.0f} ms ({len(body['units'])} communes ranked)")  # fmt: skip
        sa.event.remove(engine, "before_cursor_execute", _on)
    dispose_engines()
    return out


def report(label: str, results: dict[int, dict[str, tuple[int, float]]]) -> None:
    sizes = sorted(results)
    print(f"\n[{label}] statements per request / median ms, by number of communes "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")  # fmt: skip
    for name in results[sizes[0]]:
        cells = "  ".join(f"{n}: {results[n][name][0]} st, {results[n][name][1]:.0f} ms" for n in sizes)
        same = len({results[n][name][0] for n in sizes}) == 1
        print(f"  {name:<18} {cells}  {'constant' if same else 'GROWS'}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="20,65", help="numbers of communes, comma-separated")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--skip-pg", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, tuple[int, float]]] = {}
    for n in sizes:
        with tempfile.TemporaryDirectory() as d:
            os.environ["PARSIPAS_DATA_DIR"] = d
            results[n] = measure(f"sqlite:///{d}/bench.db", "sqlite", n, args.repeat)
    report("sqlite", results)
    if args.skip_pg:
        return
    admin = sa.create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    results = {}
    for n in sizes:
        name = f"parsipas_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            with tempfile.TemporaryDirectory() as d:
                os.environ["PARSIPAS_DATA_DIR"] = d
                results[n] = measure(PG_BASE.rsplit("/", 1)[0] + f"/{name}", "postgresql", n, args.repeat)
        finally:
            with admin.connect() as c:
                c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()
    report("postgresql", results)


if __name__ == "__main__":
    main()
