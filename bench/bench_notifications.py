"""Benchmark: the day's deadline events (due soon, overdue, escalations) for 3,300 communes × 60 assignments.

Data (SQLAlchemy Core bulk inserts into a fresh SQLite file and a fresh PostgreSQL database created and dropped
here): a province, a district with its Phòng Nội vụ account, 3,300 communes each with a unit head and an officer,
one issued plan of 60 tasks, and one assignment per commune and task (198,000) whose deadlines are spread from 70
days before to 10 days after the reference day (15/10/2024) and whose statuses mix approved, submitted, returned,
in progress and not started.

Prints, per backend, with the in-app channel only (e-mail and webhook off: their rows would double the inserts):
- the recipients statement alone (one SQL pass for the whole database: every open assignment due within N days or
  crossing today an overdue mark — day 1, 8, 15… — or the escalation after M days, with its unit's head and
  officer, and crossing K days with the district admin; each crossing stays open ``notify_catch_up_days`` = 2
  days, so a day the job did not run is caught up) — rows and time;
- ``compute_daily`` on an empty outbox (statement + event rules + ``INSERT … ON CONFLICT DO NOTHING``) — messages
  and time;
- ``compute_daily`` again the same day (every key already there: what the hourly scheduler pays).

A benchmark prints figures; it is not a test.

    .venv/bin/python bench/bench_notifications.py [--communes 3300] [--tasks 60] [--skip-pg] [--skip-sqlite]
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("PARSIPAS_ENV", "test")
os.environ.setdefault("PARSIPAS_SECRET_KEY", "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ["PARSIPAS_AS_OF_DATE"] = "2024-10-15"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bench.national import TODAY, create_database, generate


def measure(url: str, label: str, communes: int, tasks: int) -> None:
    from api.authz import scope_notifications as scope_n
    from api.config import get_settings
    from api.db import make_engine, write_session
    from api.migrate import upgrade
    from api.notifications import events

    upgrade(url)
    engine = make_engine(url)
    started = time.perf_counter()
    n = generate(engine, communes, tasks)
    print(f"\n== {label}: {communes} communes × {tasks} assignments = {n:,} assignments "
          f"(generated in {time.perf_counter() - started:.1f} s)")  # fmt: skip
    settings = get_settings().model_copy(update={"smtp_host": None, "notify_webhook_url": None})
    now = datetime(2024, 10, 15, 1, tzinfo=UTC)  # 08:00 in Hà Nội

    with write_session(engine) as s:
        stmt = scope_n.deadline_recipients(TODAY, events.deadline_windows({}, settings))
        t0 = time.perf_counter()
        rows = s.execute(stmt).all()
        select_s = time.perf_counter() - t0
        s.rollback()
    print(
        f"recipients statement (one SQL pass): {len(rows):,} (assignment, recipient) rows in {select_s * 1000:,.0f} ms"
    )

    for run in ("first run of the day (empty outbox)", "second run the same day (all keys exist)"):
        with write_session(engine) as s:
            t0 = time.perf_counter()
            offered = events.compute_daily(s, now=now, settings=settings)
            s.commit()
            took = time.perf_counter() - t0
        with engine.connect() as c:
            stored = c.exec_driver_sql("SELECT count(*) FROM notification_message").scalar_one()
        print(f"compute_daily, {run}: {offered:,} messages offered, {stored:,} stored, {took:,.2f} s")
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--communes", type=int, default=3300)
    ap.add_argument("--tasks", type=int, default=60)
    ap.add_argument("--skip-pg", action="store_true")
    ap.add_argument("--skip-sqlite", action="store_true")
    args = ap.parse_args()
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as d:
            os.environ["PARSIPAS_DATA_DIR"] = d
            measure(f"sqlite:///{d}/bench.db", "sqlite", args.communes, args.tasks)
    if args.skip_pg:
        return
    url, drop = create_database()
    try:
        measure(url, "postgresql", args.communes, args.tasks)
    finally:
        drop()


if __name__ == "__main__":
    main()
