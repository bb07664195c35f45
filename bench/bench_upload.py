"""Upload benchmark: peak server memory and throughput while a 200 MB file is uploaded.

Starts ``uvicorn api.asgi:app`` on a temporary SQLite site, warms it up with a small upload, then streams a
generated 200 MB PDF (random bytes in a PDF wrapper, so it passes type sniffing) as multipart three times
(different content each time, so deduplication never shortcuts the write), sampling the server's RSS every 20 ms.

Throughput is compared, in the same run (each round sends the same file to every path in turn, medians), with:

- **HTTP floor** — the same body sent to a bare ASGI app that only drains it (``bench/upload_floor_app.py``)
  under the same uvicorn: what the transfer costs before any parsing, hashing or writing. Target: floor time /
  upload time >= 0.5.
- **FastAPI's default** ``UploadFile`` path on the same file, same server (``POST /fastapi`` of the same app:
  Starlette spools the part to a temporary file, then SHA-256, a copy into a folder on the same disk and an
  ``fsync``, as the evidence store must). Target: default time / upload time >= 1.5.
- **durable copy** (``shutil.copyfile`` + ``fsync``) and **page-cache copy** (``copyfile`` alone) of the file on
  the same disk: printed for reference only (no HTTP server can beat a local copy on this machine).

Targets: RSS growth < 32 MB; the two ratios above.
Run: ``.venv/bin/python bench/bench_upload.py [--mb 200] [--runs 3]``.
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.evidence.helpers import free_port, prepare_site, server_login, start_server

MIB = 1024 * 1024


def rss_bytes(pid: int) -> int:
    try:
        import psutil

        return int(psutil.Process(pid).memory_info().rss)
    except ImportError:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def make_file(path: Path, size: int) -> None:
    with path.open("wb") as f:
        f.write(b"%PDF-1.4\n")
        left = size - 9 - 6
        while left > 0:
            n = min(left, 4 * MIB)
            f.write(os.urandom(n))
            left -= n
        f.write(b"%%EOF\n")


def raw_post(port: int, target: str, headers: dict[str, str], path: Path, boundary: str) -> tuple[int, bytes]:
    """One HTTP/1.1 multipart request with Content-Length, the file sent with ``socket.sendfile`` (a lean
    client, so the figure measures the server)."""
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBenchmark\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + path.stat().st_size + len(tail)
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = (
        f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}Connection: close\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port)) as sock, path.open("rb") as f:
        sock.sendall(request + head)
        sock.sendfile(f)
        sock.sendall(tail)
        response = b""
        while chunk := sock.recv(65536):
            response += chunk
    status_line, _, rest = response.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def vary(path: Path, run: int) -> None:
    """Change 16 bytes after the PDF header so each run uploads new content (no deduplication)."""
    with path.open("r+b") as f:
        f.seek(9)
        f.write(run.to_bytes(16, "big"))


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        os.sync()  # every timed run starts with no writeback pending from the previous one
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def durable_copy(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    with target.open("rb+") as f:
        os.fsync(f.fileno())


def yardstick_server(store: Path) -> tuple[subprocess.Popen[bytes], int]:
    """``bench/upload_floor_app.py`` (the draining app and FastAPI's default path) under the same uvicorn."""
    port = free_port()
    repo = Path(__file__).resolve().parent.parent
    store.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.upload_floor_app:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=repo,
        env={**os.environ, "BENCH_UPLOAD_DIR": str(store)},
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.05)


def timed_post(port: int, target: str, headers: dict[str, str], source: Path) -> tuple[float, int, bytes]:
    os.sync()  # every timed run starts with no writeback pending from the previous one
    t0 = time.perf_counter()
    status, body = raw_post(port, target, headers, source, uuid.uuid4().hex)
    return time.perf_counter() - t0, status, body


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    size = args.mb * MIB
    with tempfile.TemporaryDirectory(prefix="parsipas-bench-", dir=os.environ.get("BENCH_DIR")) as tmp:
        root = Path(tmp)
        source = root / "bench.pdf"
        make_file(source, size)
        small = root / "small.pdf"
        make_file(small, MIB)
        copy = root / "copy.pdf"
        yard, yard_port = yardstick_server(root / "fastapi-store")

        try:
            env, assignment_id = prepare_site(root / "site", PARSIPAS_MAX_UPLOAD_MB=str(args.mb + 10))
            port = free_port()
            # importing the app takes ~40 s on a loaded 2-core VM
            proc = start_server(env, port, startup_s=240)
        except BaseException:
            yard.terminate()
            yard.wait(timeout=10)
            raise
        target = f"/api/v1/assignments/{assignment_id}/evidence"
        try:
            headers = server_login(port)
            status, body = raw_post(port, target, headers, small, uuid.uuid4().hex)  # warm-up
            if status != 201:
                print(f"warm-up upload failed: {status} {body!r}")
                return 1
            time.sleep(0.5)
            base = rss_bytes(proc.pid)
            peak = base
            stop = threading.Event()

            def sample() -> None:
                nonlocal peak
                while not stop.is_set():
                    peak = max(peak, rss_bytes(proc.pid))
                    time.sleep(0.02)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            # Copies and uploads alternate, so both meet the machine in the same state (on a VM, the cost of
            # fresh page-cache pages can change several-fold over a run).
            times, copy_times, durable_times, cpu = [], [], [], []
            floor_times: list[float] = []
            default_times: list[float] = []
            raw_post(yard_port, "/fastapi", {}, small, uuid.uuid4().hex)  # warm-up
            for run in range(args.runs):
                vary(source, run + 1)
                copy_times.append(median_time(lambda: shutil.copyfile(source, copy), 1))
                copy.unlink()
                durable_times.append(median_time(lambda: durable_copy(source, copy), 1))
                copy.unlink()
                floor_times.append(timed_post(yard_port, "/", {}, source)[0])
                default_s, default_status, default_body = timed_post(yard_port, "/fastapi", {}, source)
                if default_status != 200:
                    print(f"FastAPI default upload failed: {default_status} {default_body!r}")
                    return 1
                default_times.append(default_s)
                os.sync()
                c0 = cpu_seconds(proc.pid)
                t0 = time.perf_counter()
                status, body = raw_post(port, target, headers, source, uuid.uuid4().hex)
                times.append(time.perf_counter() - t0)
                cpu.append(cpu_seconds(proc.pid) - c0)
                if status != 201:
                    break
            stop.set()
            sampler.join()
        finally:
            for p in (proc, yard):
                p.terminate()
                p.wait(timeout=10)
        if status != 201:
            print(f"upload failed: {status} {body!r}")
            return 1
        upload_s = statistics.median(times)
        copy_s = statistics.median(copy_times)
        durable_s = statistics.median(durable_times)
        floor_s = statistics.median(floor_times)
        default_s = statistics.median(default_times)
        growth = (peak - base) / MIB
        floor_ratio, default_ratio = floor_s / upload_s, default_s / upload_s

        def rate(seconds: float) -> str:
            return f"{seconds:.3f} s ({args.mb / seconds:.0f} MB/s)"

        print(
            f"file: {args.mb} MB × {args.runs} runs (medians); last sha256 {json.loads(body)['sha256'][:16]}…"
        )
        print(
            f"server RSS: baseline {base / MIB:.1f} MB, peak {peak / MIB:.1f} MB, growth {growth:.1f} MB "
            f"(target < 32 MB) {'OK' if growth < 32 else 'FAIL'}"
        )
        print(f"upload:          {rate(upload_s)}  [runs: {', '.join(f'{t:.3f}' for t in times)}]")
        print(f"server CPU per upload (user+sys): {statistics.median(cpu):.2f} s on {os.cpu_count()} cores")
        print(
            f"HTTP floor:      {rate(floor_s)}  ratio {floor_ratio:.2f} (target >= 0.5) "
            f"{'OK' if floor_ratio >= 0.5 else 'FAIL'}  [runs: {', '.join(f'{t:.3f}' for t in floor_times)}]"
        )
        print(
            f"FastAPI default: {rate(default_s)}  ratio {default_ratio:.2f} (target >= 1.5) "
            f"{'OK' if default_ratio >= 1.5 else 'FAIL'}  [runs: {', '.join(f'{t:.3f}' for t in default_times)}]"
        )
        print(
            f"durable copy:    {rate(durable_s)}  ratio {durable_s / upload_s:.2f} (reference)"
            f"  [runs: {', '.join(f'{t:.3f}' for t in durable_times)}]"
        )
        print(f"page-cache copy: {rate(copy_s)}  ratio {copy_s / upload_s:.2f} (reference)")
        print(f"load average: {os.getloadavg()[0]:.2f}")
        return 0 if growth < 32 and floor_ratio >= 0.5 and default_ratio >= 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
