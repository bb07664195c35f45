"""Benchmark: the district report of a year with 30 units × 60 assignments, generated and exported.

A fresh database (SQLite file, then PostgreSQL unless ``--skip-pg``) gets a district with 30 units (10 phòng,
20 xã), a 2024 plan with 60 tasks linked to the PAR INDEX lĩnh vực, every task assigned to every unit (1,800
assignments, a realistic mix of statuses and completion dates) and evidence on a third of them. Then, through the
HTTP API as Phòng Nội vụ: the four periods, 25 of 30 unit reports opened, submitted and accepted (frozen), the
district report opened, read with live figures, exported as DOCX, XLSX and JSON, submitted and approved by the
leader (frozen). Prints the time and the number of SQL statements of each step.

    .venv/bin/python bench/bench_reports.py [--units 30] [--tasks 60] [--skip-pg]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("PARSIPAS_ENV", "test")
os.environ.setdefault("PARSIPAS_SECRET_KEY", "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ["PARSIPAS_AS_OF_DATE"] = "2024-12-20"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "Bench@2024-pass"
V1 = "/api/v1"
STATUSES = ["approved", "approved", "approved", "submitted", "in_progress", "in_progress", "returned",
            "not_started", "in_progress", "approved"]  # fmt: skip


def generate(engine: sa.Engine, n_units: int, n_tasks: int) -> None:
    from sqlmodel import Session, select

    from api.auth.security import hash_password
    from api.frameworks.seed import seed_frameworks
    from api.models import (
        Assignment,
        Evidence,
        EvidenceOwner,
        Framework,
        FrameworkNode,
        Membership,
        OrgUnit,
        Plan,
        PlanStatus,  # fmt: skip
        Role,
        Task,
        TaskNode,
        TaskUnit,
        User,
    )

    with Session(engine) as s:

        def unit(code: str, name: str, level: str, kind: str, parent: Any) -> Any:
            u = OrgUnit(code=code, name=name, level=level, kind=kind, parent_id=parent.id if parent else None)
            s.add(u)
            s.flush()
            u.path = f"{parent.path if parent else '/'}{u.id}/"
            return u

        province = unit("BP", "Ủy ban nhân dân tỉnh Bench", "province", "people_committee", None)
        district = unit("BP.D", "Ủy ban nhân dân huyện Bench", "district", "people_committee", province)
        units = [
            unit(f"BP.D.P{i:02d}", f"Phòng chuyên môn số {i}", "district", "department", district)
            if i < 10 else unit(f"BP.D.X{i:02d}", f"UBND xã Bench {i}", "commune", "people_committee", district)
            for i in range(n_units)
        ]  # fmt: skip
        pw = hash_password(PASSWORD)
        for username, role in (("bench.noivu", Role.district_admin), ("bench.chutich", Role.leader)):
            user = User(username=username, full_name=username, password_hash=pw)
            s.add(user)
            s.flush()
            s.add(Membership(user_id=user.id or 0, unit_id=district.id or 0, role=role))
        seed_frameworks(s, units={}, settings=None)
        fw = s.exec(select(Framework).where(Framework.code == "PAR_INDEX_TINH_876")).one()
        tops = list(
            s.exec(select(FrameworkNode).where(FrameworkNode.framework_id == fw.id, FrameworkNode.depth == 0))
        )
        plan = Plan(number="1", title="Kế hoạch bench", issuing_unit_id=district.id or 0, year=2024,
                    status=PlanStatus.issued, issue_date=date(2024, 1, 15))  # fmt: skip
        s.add(plan)
        s.flush()
        tasks = []
        for k in range(n_tasks):
            due = date(2024, 1 + k % 12, 28)
            t = Task(plan_id=plan.id or 0, label=f"I.{k // 10 + 1}.{k % 10 + 1}", order=k, title=f"Nhiệm vụ, giải pháp số {k + 1}",
                     product="Báo cáo; kế hoạch", due_date=due, deadline_text=f"Trước ngày {due:%d/%m/%Y}",
                     lead_unit_id=units[k % 10].id or 0)  # fmt: skip
            s.add(t)
            tasks.append(t)
        s.flush()
        for k, t in enumerate(tasks):
            s.add(TaskNode(task_id=t.id or 0, node_id=tops[k % len(tops)].id or 0))
            for u in units:
                s.add(
                    TaskUnit(
                        task_id=t.id or 0,
                        unit_id=u.id or 0,
                        role="lead" if u.id == t.lead_unit_id else "coordinating",
                    )
                )
        assignments = []
        for ui, u in enumerate(units):
            for k, t in enumerate(tasks):
                m = (ui * 7 + k * 3) % 10
                done = (
                    t.due_date - timedelta(days=2)
                    if m in (0, 1, 2)
                    else (t.due_date + timedelta(days=5) if m == 9 else None)
                )  # type: ignore[operator]
                a = Assignment(task_id=t.id or 0, plan_id=plan.id or 0, unit_id=u.id or 0,
                               role="lead" if u.id == t.lead_unit_id else "coordinating", due_date=t.due_date,
                               status=STATUSES[m], progress=10 * m, completed_date=done,
                               result=f"Kết quả thực hiện nhiệm vụ {k + 1} của đơn vị {ui + 1}" if m < 4 else None)  # fmt: skip
                s.add(a)
                assignments.append(a)
        s.flush()
        for i, a in enumerate(assignments[::3]):
            s.add(Evidence(series_id=str(uuid.uuid4()), owner_type=EvidenceOwner.assignment, owner_id=a.id or 0,
                           unit_id=a.unit_id, title=f"Văn bản kiểm chứng {i}", doc_number=f"{i}/BC-UBND",
                           issue_date=date(2024, 1 + i % 12, 10), filename="x.pdf", mime="application/pdf", size=1,
                           sha256="0" * 64))  # fmt: skip
        s.commit()
        if engine.dialect.name == "postgresql":
            with engine.connect() as c:
                c.exec_driver_sql("ANALYZE")


def measure(url: str, label: str, n_units: int, n_tasks: int) -> None:
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
    generate(engine, n_units, n_tasks)
    print(f"[{label}] generated {n_units} units × {n_tasks} tasks = {n_units * n_tasks:,} assignments "
          f"in {time.perf_counter() - t0:.1f}s")  # fmt: skip
    seen: list[str] = []

    def _on(conn, cursor, statement, *a):  # type: ignore[no-untyped-def]
        if (
            not statement.lstrip()
            .upper()
            .startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"))
        ):
            seen.append(statement)

    app = create_app(get_settings(), engine)
    with TestClient(app) as client:

        def login(username: str) -> dict[str, str]:
            r = client.post(f"{V1}/auth/login", json={"username": username, "password": PASSWORD})
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        admin, leader = login("bench.noivu"), login("bench.chutich")
        sa.event.listen(engine, "before_cursor_execute", _on)

        def call(method: str, path: str, headers: dict[str, str], **kw: Any) -> tuple[Any, float, int]:
            seen.clear()
            t = time.perf_counter()
            r = client.request(method, path, headers=headers, **kw)
            assert r.status_code < 300, r.text
            return r, time.perf_counter() - t, len(seen)

        def act(rid: int, action: str, headers: dict[str, str]) -> tuple[Any, float, int]:
            etag = client.get(f"{V1}/reports/{rid}", headers=headers).headers["etag"]
            return call("POST", f"{V1}/reports/{rid}/{action}", {**headers, "If-Match": etag})

        r, _, _ = call("POST", f"{V1}/report-periods/generate", admin, json={"year": 2024})
        period = next(p for p in r.json() if p["kind"] == "year")
        district_id = period["owner_unit_id"]
        unit_ids = [u["id"] for u in client.get(f"{V1}/org-units", headers=admin, params={"parent_id": district_id,
                                                                                         "limit": 500}).json()["items"]]  # fmt: skip
        accept_times, accept_sql = [], 0
        for uid in unit_ids[: max(len(unit_ids) - 5, 0)]:
            r, _, _ = call("POST", f"{V1}/reports", admin, json={"period_id": period["id"], "unit_id": uid})
            act(r.json()["id"], "submit", admin)
            _, dt, n = act(r.json()["id"], "accept", admin)
            accept_times.append(dt)
            accept_sql = n
        print(f"[{label}] unit report accept (figures + task table frozen): median {statistics.median(accept_times) * 1000:.0f} ms, "
              f"{accept_sql} statements ({len(accept_times)} reports)")  # fmt: skip
        r, _, _ = call(
            "POST", f"{V1}/reports", admin, json={"period_id": period["id"], "unit_id": district_id}
        )
        rid = r.json()["id"]
        r, dt, n = call("GET", f"{V1}/reports/{rid}", admin)
        f = r.json()["figures"]
        print(f"[{label}] district report, live figures: {dt * 1000:.0f} ms, {n} statements — total {f['total']:,} "
              f"assignments, {f['accepted_reports']}/{f['units_expected']} units reported, "
              f"{len(r.json()['task_table'])} task rows")  # fmt: skip
        for fmt in ("docx", "xlsx", "json"):
            times, size, n = [], 0, 0
            for _ in range(3):
                r, dt, n = call("GET", f"{V1}/reports/{rid}/export", admin, params={"format": fmt})
                times.append(dt)
                size = len(r.content)
            print(f"[{label}] export {fmt}: median {statistics.median(times) * 1000:.0f} ms (min {min(times) * 1000:.0f}), "
                  f"{size / 1024:.0f} KiB, {n} statements")  # fmt: skip
        act(rid, "submit", admin)
        _, dt, n = act(rid, "approve", leader)
        print(f"[{label}] district report approve (frozen, outbox row): {dt * 1000:.0f} ms, {n} statements")
        r, dt, n = call("GET", f"{V1}/reports/{rid}/export", admin, params={"format": "docx"})
        print(f"[{label}] export docx of the approved (frozen) report: {dt * 1000:.0f} ms, {n} statements")
        sa.event.remove(engine, "before_cursor_execute", _on)
    dispose_engines()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=30)
    ap.add_argument("--tasks", type=int, default=60)
    ap.add_argument("--skip-pg", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        os.environ["PARSIPAS_DATA_DIR"] = d
        measure(f"sqlite:///{d}/bench.db", "sqlite", args.units, args.tasks)
    if args.skip_pg:
        return
    name = f"parsipas_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        measure(PG_BASE.rsplit("/", 1)[0] + f"/{name}", "postgresql", args.units, args.tasks)
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
