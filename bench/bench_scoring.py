"""Benchmark: results, ranking and points at risk on 3,300 communes × 88 nodes, SQLite and PostgreSQL.

Data (SQLAlchemy Core bulk inserts into a fresh SQLite file and a fresh PostgreSQL database created and dropped
here): a big framework of 88 nodes (8 lĩnh vực × 10 tiêu chí, 1,25 points each) and a small one of 22 (2 × 10);
a round of the big framework over 3,300 communes (264,000 scores) and one of the small framework over 330; one
task per leaf of each framework, linked to it (``task_node``), with an assignment of every commune (264,000 +
6,600), in every bucket, half of the approved ones with evidence.

Prints, per backend:
- statements per request of ``GET /assessment-rounds/{id}/results`` (small round vs big round; the first page
  of 50 in ranking order, as the results screen asks, and a page of 500 further down) and of
  ``GET /points-at-risk`` (small framework, one commune vs big framework, every commune): they must be equal;
- the median time of each endpoint against a plain SQL aggregate of the same rows run in the same process
  (hand-written ``GROUP BY`` without scope, labels or roll-ups) and the ratio (target ≤ 1.5×).

A benchmark prints figures; it is not a test.

    .venv/bin/python bench/bench_scoring.py [--communes 3300] [--repeat 3] [--skip-pg] [--skip-sqlite]
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
PASSWORD = "Bench@2024-pass"
BIG, SMALL = 1, 2  # framework ids
AREAS = {BIG: 8, SMALL: 2}
LEAVES_PER_AREA = 10
STATUSES = ("submitted", "appraised", "approved", "under_appraisal", "not_started", "in_progress")
A_STATUS = (
    "approved",
    "approved",
    "approved",
    "submitted",
    "in_progress",
    "returned",
    "not_started",
    "approved",
)


def _leaf_ids(fw: int) -> list[tuple[int, int]]:
    """``(area_id, leaf_id)`` of a framework."""
    return [
        (fw * 1000 + a, fw * 1000 + 100 + a * 10 + b)
        for a in range(1, AREAS[fw] + 1)
        for b in range(LEAVES_PER_AREA)
    ]


def _insert(c: Any, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), 20_000):
        c.execute(table.insert(), rows[i : i + 20_000])


def generate(engine: sa.Engine, communes: int) -> None:
    from api.auth.security import hash_password
    from api.db import metadata

    t = metadata.tables
    now = datetime.now(UTC)
    unit = {"kind": "people_committee", "is_active": True, "verified": True, "version": 1, "created_at": now}
    with engine.begin() as c:
        c.execute(t["org_unit"].insert(), [
            {**unit, "id": 1, "code": "BP", "name": "Tỉnh bench", "level": "province", "parent_id": None,
             "path": "/1/"},
            {**unit, "id": 2, "code": "BP.D", "name": "Huyện bench", "level": "district", "parent_id": 1,
             "path": "/1/2/"},
        ])  # fmt: skip
        _insert(c, t["org_unit"], [
            {**unit, "id": 10 + i, "code": f"BP.D.X{i:04d}", "name": f"Xã {i}", "level": "commune", "parent_id": 2,
             "path": f"/1/2/{10 + i}/"}
            for i in range(communes)
        ])  # fmt: skip
        c.execute(t["user_account"].insert(), [{"id": 1, "username": "bench.admin", "full_name": "Bench",
                  "password_hash": hash_password(PASSWORD), "is_active": True, "language": "vi", "version": 1,
                  "created_at": now}])  # fmt: skip
        c.execute(
            t["membership"].insert(),
            [{"user_id": 1, "unit_id": 2, "role": "district_admin", "created_at": now}],
        )
        bands = [{"code": "A", "name": "Tốt", "min_percent": 80, "max_percent": None, "verified": False},
                 {"code": "B", "name": "Khá", "min_percent": None, "max_percent": 80, "verified": False}]  # fmt: skip
        c.execute(t["framework"].insert(), [
            {"id": fw, "code": f"BENCH_{fw}", "name": f"Bench {fw}", "kind": "local_index", "valid_from_year": 2024,
             "status": "published", "scale": 100, "root_sum_equals_scale": False, "ranking_bands": bands,
             "applicability": {"levels": ["commune"], "kinds": []}, "owner_unit_id": 2, "version": 1,
             "created_at": now}
            for fw in (BIG, SMALL)
        ])  # fmt: skip
        nodes = []
        for fw in (BIG, SMALL):
            for a in range(1, AREAS[fw] + 1):
                aid = fw * 1000 + a
                nodes.append({"id": aid, "framework_id": fw, "parent_id": None, "path": f"/{aid}/", "depth": 0, "code": str(a),
                              "title": f"Lĩnh vực {a}", "title_folded": "", "order": a, "max_points": 12.5})  # fmt: skip
            for aid, lid in _leaf_ids(fw):
                nodes.append({"id": lid, "framework_id": fw, "parent_id": aid, "path": f"/{aid}/{lid}/", "depth": 1,
                              "code": f"{aid % 1000}.{lid % 10}", "title": f"Tiêu chí {lid}", "title_folded": "",
                              "order": lid % 10, "max_points": 1.25})  # fmt: skip
        c.execute(t["framework_node"].insert(), nodes)
        rounds = {BIG: communes, SMALL: max(1, communes // 10)}
        c.execute(t["assessment_round"].insert(), [
            {"id": fw, "framework_id": fw, "owner_unit_id": 2, "year": 2024, "name": f"Đợt {fw}", "status": "open",
             "self_start_date": date(2024, 9, 1), "self_end_date": date(2024, 10, 31),
             "appraisal_start_date": date(2024, 11, 1), "appraisal_end_date": date(2024, 11, 30), "version": 1,
             "created_at": now}
            for fw in (BIG, SMALL)
        ])  # fmt: skip
        sheets, scores = [], []
        sid = 0
        for fw, n in rounds.items():
            leaves = _leaf_ids(fw)
            for u in range(n):
                sid += 1
                status = STATUSES[u % len(STATUSES)]
                sheets.append({"id": sid, "round_id": fw, "unit_id": 10 + u, "status": status, "version": 1,
                               "created_at": now})  # fmt: skip
                if status == "not_started":
                    continue
                for k, (_a, lid) in enumerate(leaves):
                    self_p = (250, 500, 750, 1000, 1250)[(u + k) % 5]
                    scores.append({"sheet_id": sid, "node_id": lid, "self_points_milli": self_p,
                                   "appraised_points_milli": self_p - 250 if (u + k) % 7 == 0 and self_p else None,
                                   "manual": False, "appraisal_state": "pending", "version": 1, "created_at": now})  # fmt: skip
        _insert(c, t["assessment_sheet"], sheets)
        _insert(c, t["score"], scores)
        c.execute(t["plan"].insert(), [{"id": 1, "number": "1", "symbol": "KH-UBND", "title": "Bench", "issuing_unit_id": 2,
                  "year": 2024, "status": "issued", "version": 1, "created_at": now}])  # fmt: skip
        tasks, links = [], []
        for fw in (BIG, SMALL):
            for _a, lid in _leaf_ids(fw):
                tasks.append({"id": lid, "plan_id": 1, "label": str(lid), "order": lid, "title": f"Nhiệm vụ {lid}",
                              "deadline_kind": "date", "due_date": date(2024, 1 + lid % 12, 28), "lead_unit_id": 2,
                              "priority": "normal", "version": 1, "created_at": now})  # fmt: skip
                links.append({"task_id": lid, "node_id": lid})
        c.execute(t["task"].insert(), tasks)
        c.execute(t["task_node"].insert(), links)
        rows, evidence = [], []
        aid = 0
        for fw, n in rounds.items():
            for u in range(n):
                for _a, lid in _leaf_ids(fw):
                    aid += 1
                    due = date(2024, 1 + lid % 12, 28)
                    m = (u * 7 + lid * 3) % len(A_STATUS)
                    status = A_STATUS[m]
                    done = due - timedelta(days=2) if status == "approved" and m != 7 else None
                    done = due + timedelta(days=5) if m == 7 else done
                    rows.append({"id": aid, "task_id": lid, "plan_id": 1, "unit_id": 10 + u, "role": "lead",
                                 "instance_key": "", "due_date": due, "status": status, "progress": 10 * m,
                                 "completed_date": done, "version": 1, "created_at": now})  # fmt: skip
                    if status == "approved" and (u + lid) % 2 == 0:
                        evidence.append({"series_id": str(uuid.UUID(int=aid)), "version_no": 1,
                                         "owner_type": "assignment", "owner_id": aid, "unit_id": 10 + u,
                                         "title": "Kết quả", "filename": "kq.pdf", "mime": "application/pdf",
                                         "size": 10, "sha256": "0" * 64, "uploaded_at": now})  # fmt: skip
        _insert(c, t["assignment"], rows)
        _insert(c, t["evidence"], evidence)
        if engine.dialect.name == "postgresql":
            for name in ("org_unit", "user_account", "framework", "framework_node", "plan", "task",
                         "assessment_round", "assessment_sheet", "assignment"):  # fmt: skip
                c.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                )
        c.exec_driver_sql("ANALYZE")


PLAIN_RANKING = """
SELECT sc.sheet_id, n.parent_id, sum(sc.self_points_milli),
       sum(coalesce(sc.appraised_points_milli, sc.self_points_milli)), count(sc.self_points_milli)
FROM score sc JOIN assessment_sheet s ON s.id = sc.sheet_id JOIN framework_node n ON n.id = sc.node_id
WHERE s.round_id = :r GROUP BY sc.sheet_id, n.parent_id
"""

PLAIN_RISK = """
SELECT a.unit_id, tn.node_id, count(*),
  sum(CASE WHEN a.status = 'approved' AND (a.completed_date IS NULL OR a.completed_date <= a.due_date)
            AND EXISTS (SELECT 1 FROM evidence e WHERE e.owner_type = 'assignment' AND e.owner_id = a.id
                        AND e.deleted_at IS NULL) THEN 1 ELSE 0 END),
  sum(CASE WHEN a.status = 'returned' OR (a.status <> 'approved' AND a.due_date < :today)
            OR (a.status = 'approved' AND a.completed_date > a.due_date) THEN 1 ELSE 0 END)
FROM assignment a JOIN task_node tn ON tn.task_id = a.task_id JOIN framework_node n ON n.id = tn.node_id
WHERE n.framework_id = :fw GROUP BY a.unit_id, tn.node_id
"""


def measure(url: str, label: str, communes: int, repeat: int) -> None:
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
    generate(engine, communes)
    print(f"[{label}] generated {communes} communes × 88 nodes: {communes * 80:,} scores and as many linked "
          f"assignments (+ a 22-node round of {communes // 10}) in {time.perf_counter() - t0:.1f}s")  # fmt: skip
    seen: list[str] = []

    def _on(conn, cursor, statement, *a):  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK")):
            seen.append(statement)

    def plain(sql: str, **params: Any) -> float:
        times = []
        with engine.connect() as conn:
            conn.execute(sa.text(sql), params).all()  # warm-up
            for _ in range(repeat):
                t = time.perf_counter()
                conn.execute(sa.text(sql), params).all()
                times.append(time.perf_counter() - t)
        return statistics.median(times) * 1000

    app = create_app(get_settings(), engine)
    with TestClient(app) as client:
        r = client.post("/api/v1/auth/login", json={"username": "bench.admin", "password": PASSWORD})
        h = {"Authorization": f"Bearer {r.json()['access_token']}"}
        sa.event.listen(engine, "before_cursor_execute", _on)

        def run(path: str, **params: object) -> tuple[int, float, Any]:
            client.get(path, headers=h, params=params)  # warm-up
            times, body = [], None
            for _ in range(repeat):
                seen.clear()
                t = time.perf_counter()
                resp = client.get(path, headers=h, params=params)
                times.append(time.perf_counter() - t)
                assert resp.status_code == 200, resp.text
                body = resp.json()
            return len(seen), statistics.median(times) * 1000, body

        n_small, _ms, body = run(f"/api/v1/assessment-rounds/{SMALL}/results")
        small_units = body["total"]
        n_big, ms, body = run(f"/api/v1/assessment-rounds/{BIG}/results")
        n_full, ms_full, full = run(f"/api/v1/assessment-rounds/{BIG}/results", limit=500, offset=3000)
        sa.event.remove(engine, "before_cursor_execute", _on)
        base = plain(PLAIN_RANKING, r=BIG)
        print(f"[{label}] GET /assessment-rounds/{{id}}/results: {n_small} statements ({small_units} units × 22 "
              f"nodes), {n_big} statements ({body['total']} units × 88 nodes); first page of {len(body['units'])} "
              f"in ranking order {ms:.0f} ms vs plain SQL aggregate of every unit {base:.0f} ms = {ms / base:.2f}×; "
              f"a page of 500 ({len(full['units'])} from rank {full['units'][0]['rank']}) {ms_full:.0f} ms = "
              f"{ms_full / base:.2f}×, {n_full} statements")  # fmt: skip
        sa.event.listen(engine, "before_cursor_execute", _on)
        n_one, _ms, _ = run("/api/v1/points-at-risk", framework_id=SMALL, unit_id=10)
        n_all, ms, body = run("/api/v1/points-at-risk", framework_id=BIG)
        sa.event.remove(engine, "before_cursor_execute", _on)
        base = plain(PLAIN_RISK, fw=BIG, today=date(2024, 10, 15))
        total = body["total"]
        print(f"[{label}] GET /points-at-risk: {n_one} statements (one commune × 22 nodes), {n_all} statements "
              f"({body['units_count']} communes × 88 nodes; secured {total['secured']}, at risk {total['at_risk']}, "
              f"in progress {total['in_progress']}, not covered {total['not_covered']} of {total['max']}); "
              f"{ms:.0f} ms vs plain SQL aggregate {base:.0f} ms = {ms / base:.2f}× "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")  # fmt: skip
    from api.db import dispose_engines

    dispose_engines()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--communes", type=int, default=3300)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-pg", action="store_true")
    ap.add_argument("--skip-sqlite", action="store_true")
    args = ap.parse_args()
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as d:
            os.environ["PARSIPAS_DATA_DIR"] = d
            measure(f"sqlite:///{d}/bench.db", "sqlite", args.communes, args.repeat)
    if args.skip_pg:
        return
    name = f"parsipas_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        measure(PG_BASE.rsplit("/", 1)[0] + f"/{name}", "postgresql", args.communes, args.repeat)
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
