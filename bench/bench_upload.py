"""Upload benchmark: peak server memory and throughput while a 200 MB file is uploaded.

Starts ``uvicorn api.asgi:app`` on a temporary SQLite site, streams a generated 200 MB PDF (random bytes in a
PDF wrapper, so it passes type sniffing) as multipart, samples the server's RSS every 20 ms and compares the
upload time with ``shutil.copyfile`` of the same file on the same disk.

Targets: RSS growth < 32 MB; throughput ratio (copy time / upload time) >= 0.5.
Run: ``.venv/bin/python bench/bench_upload.py [--mb 200]``.
"""

import argparse
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
import uuid
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


def make_file(path: Path, size: int) -> None:
    with path.open("wb") as f:
        f.write(b"%PDF-1.4\n")
        left = size - 9 - 6
        while left > 0:
            n = min(left, 4 * MIB)
            f.write(os.urandom(n))
            left -= n
        f.write(b"%%EOF\n")


def raw_upload(
    port: int, assignment_id: int, headers: dict[str, str], path: Path, boundary: str
) -> tuple[int, bytes]:
    """One HTTP/1.1 request with Content-Length, the file sent with ``socket.sendfile`` (a lean client, so
    the figure measures the server)."""
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBenchmark\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + path.stat().st_size + len(tail)
    request = (
        f"POST /api/v1/assignments/{assignment_id}/evidence HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: {headers['Authorization']}\r\nConnection: close\r\n"
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200)
    args = parser.parse_args()
    size = args.mb * MIB
    with tempfile.TemporaryDirectory(prefix="parsipas-bench-") as tmp:
        root = Path(tmp)
        source = root / "bench.pdf"
        make_file(source, size)
        t0 = time.perf_counter()
        shutil.copyfile(source, root / "copy.pdf")
        copy_s = time.perf_counter() - t0
        (root / "copy.pdf").unlink()

        env, assignment_id = prepare_site(root / "site", PARSIPAS_MAX_UPLOAD_MB=str(args.mb + 10))
        port = free_port()
        proc = start_server(env, port)
        try:
            headers = server_login(port)
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
            boundary = uuid.uuid4().hex
            t0 = time.perf_counter()
            status, body = raw_upload(port, assignment_id, headers, source, boundary)
            upload_s = time.perf_counter() - t0
            stop.set()
            sampler.join()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        if status != 201:
            print(f"upload failed: {status} {body!r}")
            return 1
        growth = (peak - base) / MIB
        ratio = copy_s / upload_s
        print(f"file: {args.mb} MB; sha256 {json.loads(body)['sha256'][:16]}…")
        print(
            f"server RSS: baseline {base / MIB:.1f} MB, peak {peak / MIB:.1f} MB, growth {growth:.1f} MB "
            f"(target < 32 MB) {'OK' if growth < 32 else 'FAIL'}"
        )
        print(
            f"upload {upload_s:.2f} s ({args.mb / upload_s:.0f} MB/s); copyfile {copy_s:.2f} s "
            f"({args.mb / copy_s:.0f} MB/s); ratio {ratio:.2f} (target >= 0.5) {'OK' if ratio >= 0.5 else 'FAIL'}"
        )
        return 0 if growth < 32 and ratio >= 0.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
