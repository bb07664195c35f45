"""Benchmark: 10,000 task rows (lead + 2 coordinating units each) imported through the API vs inserted directly.

- API: one ``POST /api/v1/imports/plans`` with a CSV file (in-process TestClient; login not timed) — parsing,
  header matching, validation of every row, natural-key lookups, then the batched writes: the plan, 10,000
  tasks, 30,000 task units, 30,000 assignments and the audit events.
- Direct: the same plan, tasks, task units and assignments inserted with SQLAlchemy Core executemany in one
  transaction (no parsing, no validation, no audit) — and, for reference, the same plus the audit rows. Both
  sides run with the cyclic garbage collector paused, as the import does.

Each measurement runs on a fresh database (SQLite file; PostgreSQL database created and dropped here).

    .venv/bin/python bench/bench_import.py [--rows 10000] [--skip-pg] [--repeat 2]
"""

import argparse
import csv
import io
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("PARSIPAS_ENV", "test")
os.environ.setdefault("PARSIPAS_SECRET_KEY", "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ["PARSIPAS_AS_OF_DATE"] = "2024-10-15"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

PG_BASE = os.environ.get("PARSIPAS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PASSWORD = "BinhGia@2024"
YEAR = 2030
HEADER = ["Số kế hoạch", "Năm", "Trích yếu kế hoạch", "Đơn vị ban hành", "STT", "Nhiệm vụ, giải pháp", "Sản phẩm",
          "Thời hạn", "Đơn vị chủ trì", "Đơn vị phối hợp"]  # fmt: skip


def fresh_database(backend: str, tmp: Path) -> tuple[str, Callable[[], None]]:
    if backend == "sqlite":
        return f"sqlite:///{(tmp / f'bench-{uuid.uuid4().hex[:8]}.db').as_posix()}", lambda: None
    name = f"parsipas_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from api.db import dispose_engines

        dispose_engines()
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return PG_BASE.rsplit("/", 1)[0] + f"/{name}", drop


def prepare(url: str) -> dict[str, int]:
    """Schema by migrations, then the demo units and accounts; returns unit code → id of the district subtree."""
    from sqlmodel import Session, select

    from api.db import get_engine
    from api.demo.seed import seed_units, seed_users
    from api.migrate import upgrade
    from api.models import OrgUnit

    upgrade(url)
    engine = get_engine(url)
    with Session(engine) as s:
        units = seed_units(s, date(2024, 10, 15))
        seed_users(s, units)
        s.commit()
        return {
            u.code: u.id or 0 for u in s.exec(select(OrgUnit).where(OrgUnit.code.startswith("LS.BG."))).all()
        }


def make_rows(codes: list[str], n: int) -> list[list[str]]:
    start = date(YEAR, 1, 31)
    rows = []
    for i in range(n):
        lead, c1, c2 = codes[i % len(codes)], codes[(i + 1) % len(codes)], codes[(i + 2) % len(codes)]
        due = start + timedelta(days=i % 330)
        rows.append(["900", str(YEAR), "Kế hoạch thử nghiệm hiệu năng nhập liệu", "LS.BG", f"{i + 1}",
                     f"Nhiệm vụ số {i + 1}: rà soát, chuẩn hóa thủ tục hành chính lĩnh vực {i % 17}",
                     "Báo cáo kết quả; văn bản triển khai", due.isoformat(), lead, f"{c1};{c2}"])  # fmt: skip
    return rows


def csv_file(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    w = csv.writer(out)
    w.writerow(HEADER)
    w.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def run_api(url: str, rows: list[list[str]]) -> float:
    from fastapi.testclient import TestClient

    from api.config import get_settings
    from api.db import get_engine
    from api.main import create_app

    app = create_app(get_settings(), get_engine(url))
    data = csv_file(rows)
    with TestClient(app) as client:
        r = client.post("/api/v1/auth/login", json={"username": "noivu", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        t0 = time.perf_counter()
        r = client.post(
            "/api/v1/imports/plans", files={"file": ("tasks.csv", data, "text/csv")}, headers=headers
        )
        elapsed = time.perf_counter() - t0
    body = r.json()
    assert r.status_code == 200 and body["created"] == len(rows), (r.status_code, str(body)[:1000])
    return elapsed


def run_direct(url: str, rows: list[list[str]], unit_ids: dict[str, int], *, audit: bool) -> float:
    from api.db import get_engine, metadata
    from api.imports.service import gc_paused

    t = metadata.tables
    engine = get_engine(url)
    with engine.connect() as c:
        issuer = c.execute(sa.select(t["org_unit"].c.id).where(t["org_unit"].c.code == "LS.BG")).scalar_one()
    t0 = time.perf_counter()
    now = datetime.now(UTC)
    with gc_paused(), engine.begin() as c:  # same treatment as the import (see api.imports.service.gc_paused)
        plan_id = c.execute(t["plan"].insert().returning(t["plan"].c.id), {
            "number": "901", "symbol": "KH-UBND", "title": "Kế hoạch thử nghiệm", "issuing_unit_id": issuer,
            "year": YEAR, "status": "draft", "version": 1, "created_at": now}).scalar_one()  # fmt: skip
        task_rows = [{"plan_id": plan_id, "label": r[4], "order": i + 1, "title": r[5], "product": r[6],
                      "deadline_kind": "date", "due_date": date.fromisoformat(r[7]), "lead_unit_id": unit_ids[r[8]],
                      "priority": "normal", "version": 1, "created_at": now} for i, r in enumerate(rows)]  # fmt: skip
        stmt = t["task"].insert().returning(t["task"].c.id, sort_by_parameter_order=True)
        ids = [x[0] for x in c.execute(stmt, task_rows)]
        units, assignments, audits = [], [], []
        for tid, r, tr in zip(ids, rows, task_rows, strict=True):
            roles = {unit_ids[code]: "coordinating" for code in r[9].split(";")}
            roles[unit_ids[r[8]]] = "lead"
            units += [{"task_id": tid, "unit_id": u, "role": role} for u, role in roles.items()]
            assignments += [{"task_id": tid, "plan_id": plan_id, "unit_id": u, "role": role, "instance_key": "",
                             "due_date": tr["due_date"], "status": "not_started", "progress": 0, "version": 1,
                             "created_at": now} for u, role in roles.items()]  # fmt: skip
            if audit:
                audits.append({"at": now, "actor_name": "bench", "action": "create", "entity_type": "task",
                               "entity_id": str(tid), "unit_id": issuer,
                               "changes": {k: {"from": None, "to": str(v)} for k, v in tr.items()}})  # fmt: skip
        c.execute(t["task_unit"].insert(), units)
        c.execute(t["assignment"].insert(), assignments)
        if audits:
            c.execute(t["audit_event"].insert(), audits)
    return time.perf_counter() - t0


def measure(backend: str, n: int, repeat: int) -> None:
    from api.config import get_settings
    from api.db import dispose_engines

    tmp = Path(tempfile.mkdtemp(prefix="parsipas-bench-"))
    best: dict[str, float] = {}
    for _ in range(repeat):
        for what in ("api", "direct", "direct+audit"):
            url, drop = fresh_database(backend, tmp)
            os.environ["PARSIPAS_DATABASE_URL"] = url
            get_settings.cache_clear()
            try:
                units = prepare(url)
                rows = make_rows(sorted(units), n)
                if what == "api":
                    took = run_api(url, rows)
                else:
                    took = run_direct(url, rows, units, audit=what == "direct+audit")
                best[what] = min(best.get(what, took), took)
            finally:
                dispose_engines()
                drop()
    ratio = best["api"] / best["direct"]
    print(f"{backend:<10} rows={n:>6}  API {best['api']:6.2f} s   direct Core {best['direct']:6.2f} s   "
          f"(with audit rows {best['direct+audit']:6.2f} s)   ratio API/direct = {ratio:4.2f}×  "
          f"{'OK' if ratio <= 3 else 'ABOVE TARGET'} (target ≤ 3×)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2, help="best of N fresh runs per measurement")
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    print(
        "Nhập 10.000 dòng nhiệm vụ qua API so với chèn trực tiếp bằng SQLAlchemy Core / import vs direct insert"
    )
    measure("sqlite", args.rows, args.repeat)
    if not args.skip_pg:
        measure("postgresql", args.rows, args.repeat)


if __name__ == "__main__":
    main()
