"""Load benchmark of the public survey form: answer sheets POSTed at a fixed rate (default 200/s for 30 s) to ONE
server process (``parsipas serve``, ``PARSIPAS_WORKERS=1``) on PostgreSQL with the Bình Gia demo data, from a second
process (an open-loop driver on plain asyncio streams and keep-alive HTTP/1.1 connections — lean, so that it takes
little of the CPU the server needs: requests leave on schedule whether or not earlier ones have answered, so a
slow server shows as latency, not as a lower offered rate). Nothing may be lost: the rows of ``survey_response``
written during the run are counted and must equal the 201 answers.

    .venv/bin/python bench/bench_survey_load.py [--rate 200] [--duration 30] [--connections 64] [--pg URL]
        [--tree DIR] [--profile] [--in-process N]

``--tree DIR`` serves another checkout (``git archive <commit> | tar -x -C DIR``) for a before/after in one
sitting; ``--profile`` samples the server with py-spy; ``--in-process N`` sends N sheets through the ASGI app in
process and prints its CPU per answer (steadier than the HTTP run on a shared machine).

Each request is what the SPA's form sends (answers, a ``client_id``, an ``Idempotency-Key``), a different phone behind a different address (``X-Forwarded-For`` from a
trusted proxy, ``PARSIPAS_TRUSTED_PROXIES=["127.0.0.1/32"]``) so the per-device and per-address limits stay in
force without refusing the load; all go to the desks of the demo (their tokens are computed from the database with
the server's secret), so the burst flag is set on most of them, as it should be.

Prints the offered and achieved rates, p50/p90/p99/max latency, the status counts, rows written vs. 201 answers,
and the load average (1 min) before and after (the machine is shared: read the figures with it).
"""

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import national  # noqa: E402
from bench.bench_http import free_port, server_env, start_server, stop_server  # noqa: E402

V1 = "/api/v1"
SECRET = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # what bench_http's server_env sets


def desks(database_url: str) -> list[dict[str, object]]:
    """Each active desk's token (signed with the server's secret) and a complete answer sheet for its survey."""
    import sqlalchemy as sa

    from api.surveys.tokens import point_token

    engine = sa.create_engine(database_url)
    out = []
    with engine.connect() as c:
        for pid, secret, survey_id in c.execute(
            sa.text("SELECT id, token_secret, survey_id FROM collection_point WHERE active ORDER BY id")
        ):
            qs = c.execute(
                sa.text("SELECT id, scale FROM survey_question WHERE survey_id = :s ORDER BY id"),
                {"s": survey_id},
            ).all()
            out.append({"token": point_token(SECRET, pid, secret), "questions": [(q, s) for q, s in qs]})
    engine.dispose()
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its descendants (Linux /proc), in seconds."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        p = int(stat.parent.name)
        parents[p] = int(fields[1])
        times[p] = (int(fields[11]) + int(fields[12])) / tick
    tree, frontier = {pid}, [pid]
    while frontier:
        nxt = [c for c, par in parents.items() if par in frontier and c not in tree]
        tree.update(nxt)
        frontier = nxt
    return sum(times.get(p, 0.0) for p in tree)


def count_rows(database_url: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as c:
        n = int(c.execute(sa.text("SELECT count(*) FROM survey_response")).scalar_one())
    engine.dispose()
    return n


# --- the driver (second process) --------------------------------------------------------------------------


def _request(base_host: str, token: str, body: bytes, address: str, key: str) -> bytes:
    return (
        f"POST {V1}/public/survey/{token}/responses HTTP/1.1\r\nHost: {base_host}\r\n"
        f"Content-Type: application/json\r\nAccept: application/json\r\nX-Forwarded-For: {address}\r\n"
        f"Idempotency-Key: {key}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def _drive(
    base: str, desk_list: list[dict[str, object]], rate: float, duration: float, connections: int
) -> dict[str, object]:
    """Open loop: request ``i`` is due at ``t0 + i / rate`` and queued then; ``connections`` keep-alive
    connections (plain asyncio streams, HTTP/1.1 — a lean client, so that the driver takes little of the CPU the
    server needs) take them in turn. Latency is measured from the due time, so waiting for a free connection
    counts (no coordinated omission). Every sheet is the SPA's: its own device id and Idempotency-Key."""
    host, port = base.removeprefix("http://").split(":")
    run = uuid.uuid4().hex[:8]
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    total = int(rate * duration)
    queue: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()

    def build(i: int) -> bytes:
        d = desk_list[i % len(desk_list)]
        answers = [
            {"question_id": q, "value": (3 + (i + q) % 3) if scale == "likert5" else (i + q) % 2}
            for q, scale in d["questions"]  # type: ignore[attr-defined]
        ]
        # one device per sheet; the same i always builds the same request (a re-send is replayed, not re-recorded)
        body = {"answers": answers, "client_id": f"bench-{run}-{i:08d}", "kiosk": False}
        address = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
        return _request(f"{host}:{port}", str(d["token"]), json.dumps(body).encode(), address, f"k-{run}-{i}")

    async def worker() -> None:
        reader = writer = None
        while (item := await queue.get()) is not None:
            i, due = item
            key = "error"
            for _attempt in (0, 1):
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection(host, int(port))
                    writer.write(build(i))
                    head = await reader.readuntil(b"\r\n\r\n")  # type: ignore[union-attr]
                    key = head.split(b" ", 2)[1].decode()
                    length = 0
                    for line in head.split(b"\r\n"):
                        if line[:15].lower() == b"content-length:":
                            length = int(line[15:])
                    await reader.readexactly(length)  # type: ignore[union-attr]
                    break
                except (OSError, asyncio.IncompleteReadError) as exc:
                    key = type(exc).__name__
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                    if _attempt == 1 or not isinstance(exc, asyncio.IncompleteReadError):
                        break  # a request may be re-sent only when the server closed an idle connection
            latencies.append((time.perf_counter() - due) * 1000)
            statuses[key] = statuses.get(key, 0) + 1
        if writer is not None:
            writer.close()

    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    t0 = time.perf_counter()
    for i in range(total):
        due = t0 + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((i, due))
    sent_in = time.perf_counter() - t0
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - t0
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0.0

    return {
        "sent": total,
        "sent_in": sent_in,
        "elapsed": elapsed,
        "statuses": statuses,
        "p50": pct(0.50),
        "p90": pct(0.90),
        "p99": pct(0.99),
        "max": latencies[-1] if latencies else 0.0,
    }


def drive_main(args: argparse.Namespace) -> None:
    spec = json.loads(Path(args.drive).read_text())
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    result = asyncio.run(_drive(spec["base"], spec["desks"], args.rate, args.duration, args.connections))
    print(json.dumps(result))


# --- the run ----------------------------------------------------------------------------------------------


def measure(args: argparse.Namespace) -> None:
    database_url, drop = national.create_database(args.pg)
    data_dir = Path(tempfile.mkdtemp(prefix="parsipas-bench-survey-"))
    proc = None
    try:
        port = free_port()
        env = server_env(database_url, data_dir, 1, port, demo=True)
        env["PARSIPAS_TRUSTED_PROXIES"] = '["127.0.0.1/32"]'
        tree = Path(args.tree).resolve() if args.tree else ROOT
        proc = start_server(tree, env, data_dir / "server.log")
        base = f"http://127.0.0.1:{port}"
        spec = data_dir / "spec.json"
        spec.write_text(json.dumps({"base": base, "desks": desks(database_url)}))
        before = count_rows(database_url)
        load_before = os.getloadavg()[0]
        print(
            f"public form · 1 server process · PostgreSQL · offered {args.rate:.0f}/s for {args.duration:.0f} s"
            f" · {args.connections} connections · server tree {tree} · load average {load_before:.2f}",
            flush=True,
        )
        cmd = [sys.executable, __file__, "--drive", str(spec), "--rate", str(args.rate),
               "--duration", str(args.duration), "--connections", str(args.connections)]  # fmt: skip
        cpu0 = cpu_seconds(proc.pid)
        sampler = None
        if args.profile:
            spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
            sampler = subprocess.Popen(
                [spy, "record", "--nonblocking", "--format", "raw", "-r", "200", "-d", str(int(args.duration)),
                 "-o", str(data_dir / "profile.txt"), "-p", str(proc.pid)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        if sampler is not None:
            sampler.wait(timeout=120)
            from bench.bench_http import summarise

            print(summarise((data_dir / "profile.txt").read_text(), top=40))
        cpu = cpu_seconds(proc.pid) - cpu0
        r = json.loads(out)
        load_after = os.getloadavg()[0]
        after = count_rows(database_url)
        created = int(r["statuses"].get("201", 0))
        written = after - before
        print(
            f"sent {r['sent']:,} in {r['sent_in']:.1f} s, all answered after {r['elapsed']:.1f} s · {r['statuses']}"
        )
        print(
            f"achieved {created / r['elapsed']:.1f} answers/s (201 answers / time to the last answer)"
            f" · offered {r['sent'] / r['sent_in']:.1f}/s"
        )
        print(
            f"latency ms: p50 {r['p50']:.1f} · p90 {r['p90']:.1f} · p99 {r['p99']:.1f} · max {r['max']:.1f}"
        )
        failed = r["sent"] - created
        verdict = (
            "every 201 has its row, nothing lost" if written == created else "MISMATCH: rows ≠ 201 answers"
        )
        if failed and written == created:
            verdict += f"; {failed:,} request(s) refused or failed visibly (no row, the sender was told)"
        print(f"rows written {written:,} · 201 answers {created:,} · sent {r['sent']:,}: {verdict}")
        print(
            f"server process CPU: {cpu:.1f} s = {cpu / max(created, 1) * 1000:.1f} ms per answer"
            f" (≈ {max(created, 1) / cpu if cpu else 0:.0f} answers/s per fully available core)"
        )
        print(
            f"load average (1 min): {load_before:.2f} before, {load_after:.2f} after ({os.cpu_count()} CPUs)"
        )
    finally:
        if proc is not None:
            stop_server(proc)
        drop()
        shutil.rmtree(data_dir, ignore_errors=True)


def in_process(args: argparse.Namespace) -> None:
    """CPU per answer of the application alone (every middleware, the route, its worker thread and the driver's
    round trips), without HTTP or a second process: ``N`` sheets sent through the ASGI app one after another on a
    fresh PostgreSQL database. Steadier than the HTTP run on a shared machine (process CPU time, not wall time);
    ``--profile`` adds a cProfile of the same loop (top functions by own time)."""
    import cProfile
    import pstats

    database_url, drop = national.create_database(args.pg)
    data_dir = Path(tempfile.mkdtemp(prefix="parsipas-bench-survey-"))
    try:
        env = server_env(database_url, data_dir, 1, free_port(), demo=True)
        env["PARSIPAS_TRUSTED_PROXIES"] = '["127.0.0.1/32"]'
        os.environ.update(env)
        from api.config import get_settings

        get_settings.cache_clear()
        settings = get_settings()
        from api.demo import catalog
        from api.main import create_app
        from api.migrate import upgrade

        upgrade(settings.database_url)
        catalog.seed(settings.demos)
        app = create_app(settings)
        desk_list = desks(database_url)
        n = args.in_process
        run = uuid.uuid4().hex[:8]

        def request(i: int) -> tuple[dict[str, object], bytes]:
            d = desk_list[i % len(desk_list)]
            answers = [
                {"question_id": q, "value": (3 + (i + q) % 3) if scale == "likert5" else (i + q) % 2}
                for q, scale in d["questions"]  # type: ignore[attr-defined]
            ]
            body = json.dumps({"answers": answers, "client_id": f"bench-{run}-{i:08d}"}).encode()
            path = f"{V1}/public/survey/{d['token']}/responses"
            headers = [
                (b"host", b"127.0.0.1"),
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-forwarded-for", f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}".encode()),
                (b"idempotency-key", f"k-{run}-{i}".encode()),
            ]
            scope = {
                "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
                "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
                "headers": headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
            }  # fmt: skip
            return scope, body

        statuses: dict[int, int] = {}

        async def one(i: int) -> None:
            scope, body = request(i)
            sent = False

            async def receive() -> dict[str, object]:
                nonlocal sent
                if sent:
                    await asyncio.sleep(3600)
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}

            async def send(message: dict[str, object]) -> None:
                if message["type"] == "http.response.start":
                    status = int(message["status"])  # type: ignore[call-overload]
                    statuses[status] = statuses.get(status, 0) + 1

            await app(scope, receive, send)

        async def loop(start: int, count: int) -> None:
            for i in range(start, start + count):
                await one(i)

        try:
            import uvloop

            uvloop.install()
        except ImportError:
            pass
        asyncio.run(loop(0, 50))  # warm: caches, prepared statements, the pool
        load0 = os.getloadavg()[0]
        c0, w0 = time.process_time(), time.perf_counter()
        asyncio.run(loop(50, n))
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        print(
            f"in process · PostgreSQL · {n} sheets one after another: {cpu / n * 1000:.2f} ms CPU per answer"
            f" ({wall / n * 1000:.2f} ms wall) · statuses {statuses} · load average {load0:.2f}"
            f" → {os.getloadavg()[0]:.2f}"
        )
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            asyncio.run(loop(50 + n, n))
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(30)
    finally:
        from api.db import dispose_engines

        dispose_engines()
        drop()
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--pg", default=national.PG_BASE)
    parser.add_argument(
        "--tree",
        help="serve from another checkout (before/after in one sitting: git archive <commit> | tar -x -C DIR)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="py-spy samples the server (pip install py-spy)"
    )
    parser.add_argument(
        "--in-process",
        type=int,
        metavar="N",
        help="CPU per answer through the ASGI app in process (N sheets)",
    )
    parser.add_argument("--drive", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        drive_main(args)
    elif args.in_process:
        in_process(args)
    else:
        measure(args)


if __name__ == "__main__":
    main()
