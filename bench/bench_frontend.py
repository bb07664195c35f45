"""Frontend budgets, measured in a real Chromium against a real ``parsipas serve`` (demo data).

Prints:
  * JavaScript loaded by the login page and by the dashboard: raw bytes and gzipped bytes (each script response
    gzip-compressed here at level 6, i.e. what a gzip-enabled proxy would send; target ≤ 250 KB for the first screen);
  * time until the work queue ("Việc của tôi") is usable — first assignment row rendered — on a cold cache under
    Chromium network emulation 1.6 Mbps down / 750 kbps up / 150 ms latency (target ≤ 3 s). The transfer is whatever
    the server really sends (``parsipas serve`` currently sends JS uncompressed), so this figure is honest for the
    default deployment; the same measurement is repeated behind Starlette's GZipMiddleware for comparison.

Needs frontend/dist (``make frontend``) and /usr/bin/chromium. Usage: ``.venv/bin/python bench/bench_frontend.py``.
"""

import gzip
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Response, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("PARSIPAS_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
PASSWORD = "BinhGia@2024"
DOWN_BPS = 1_600_000 / 8
UP_BPS = 750_000 / 8
LATENCY_MS = 150


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "PARSIPAS_DATABASE_URL": f"sqlite:///{tmp}/bench.db", "PARSIPAS_DATA_DIR": str(tmp),
           "PARSIPAS_DEMO": "1", "PARSIPAS_AS_OF_DATE": "2024-10-15", "PARSIPAS_ENV": "dev"}  # fmt: skip
    exe = Path(sys.executable).parent / "parsipas"
    proc = subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not start")


def start_gzip_server(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The same app and database wrapped in Starlette's GZipMiddleware (what a gzip-enabled proxy gives)."""
    port = _free_port()
    env = {**os.environ, "PARSIPAS_DATABASE_URL": f"sqlite:///{tmp}/bench.db", "PARSIPAS_DATA_DIR": str(tmp),
           "PARSIPAS_AS_OF_DATE": "2024-10-15", "PARSIPAS_ENV": "dev"}  # fmt: skip
    code = ("import uvicorn; from starlette.middleware.gzip import GZipMiddleware; from api.asgi import app; "
            f"uvicorn.run(GZipMiddleware(app, minimum_size=500), host='127.0.0.1', port={port}, log_level='warning')")  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("gzip server did not start")


def work_queue_timings(browser: Any, base: str, runs: int = 3) -> list[float]:
    """Cold load of /my-work under 1.6 Mbps / 150 ms with the session restored from sessionStorage."""
    timings: list[float] = []
    for _ in range(runs):
        token = refresh_token(base, "canbo.hoatham")
        ctx = browser.new_context(base_url=base)
        ctx.add_init_script(f"sessionStorage.setItem('parsipas.refresh', {json.dumps(token)})")
        page = ctx.new_page()
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": LATENCY_MS,
                 "downloadThroughput": DOWN_BPS, "uploadThroughput": UP_BPS})  # fmt: skip
        t0 = time.perf_counter()
        page.goto("/my-work", wait_until="commit")
        page.get_by_test_id("assignment-row").first.wait_for(timeout=60000)
        timings.append(time.perf_counter() - t0)
        ctx.close()
    return timings


def refresh_token(base: str, username: str) -> str:
    req = urllib.request.Request(f"{base}/api/v1/auth/login", method="POST",
                                 data=json.dumps({"username": username, "password": PASSWORD}).encode(),
                                 headers={"Content-Type": "application/json"})  # fmt: skip
    with urllib.request.urlopen(req, timeout=10) as r:
        return str(json.loads(r.read())["refresh_token"])


class Scripts:
    def __init__(self, page: Page) -> None:
        self.seen: dict[str, tuple[int, int]] = {}
        page.on("response", self._on)

    def _on(self, r: Response) -> None:
        if r.request.resource_type == "script" and r.url not in self.seen:
            try:
                body = r.body()
            except Exception:  # aborted navigations
                return
            self.seen[r.url] = (len(body), len(gzip.compress(body, 6)))

    def totals(self) -> tuple[int, int, int]:
        return len(self.seen), sum(v[0] for v in self.seen.values()), sum(v[1] for v in self.seen.values())


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def main() -> None:
    if not (ROOT / "frontend" / "dist" / "index.html").exists():
        raise SystemExit("frontend/dist missing: run `make frontend` first")
    with tempfile.TemporaryDirectory() as d:
        proc, base = start_server(Path(d))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                # 1. JS of the login page, then of the dashboard (same session: login → dashboard)
                ctx = browser.new_context(base_url=base)
                page = ctx.new_page()
                scripts = Scripts(page)
                page.goto("/login")
                page.get_by_label("Tên đăng nhập").wait_for()
                page.wait_for_load_state("networkidle")
                n_login, raw_login, gz_login = scripts.totals()
                page.get_by_label("Tên đăng nhập").fill("noivu")
                page.get_by_label("Mật khẩu").fill(PASSWORD)
                page.get_by_role("button", name="Đăng nhập").click()
                page.get_by_role("button", name="Đăng xuất").wait_for()
                page.get_by_role(
                    "link", name="Tổng quan"
                ).click()  # client-side navigation (noivu lands here anyway)
                page.locator(".recharts-surface").first.wait_for(timeout=30000)
                page.wait_for_load_state("networkidle")
                n_dash, raw_dash, gz_dash = scripts.totals()
                ctx.close()

                # 2. Cold load of the work queue under 1.6 Mbps / 150 ms: as served, then behind gzip
                timings = work_queue_timings(browser, base)
                gz_proc, gz_base = start_gzip_server(Path(d))
                try:
                    timings_gz = work_queue_timings(browser, gz_base)
                finally:
                    gz_proc.terminate()
                    gz_proc.wait(timeout=10)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)

    res: dict[str, Any] = {
        "login_js": {"files": n_login, "raw_bytes": raw_login, "gzip_bytes": gz_login},
        "dashboard_js_cumulative": {"files": n_dash, "raw_bytes": raw_dash, "gzip_bytes": gz_dash},
        "work_queue_usable_s": {
            "runs": [round(t, 2) for t in timings],
            "median": round(sorted(timings)[1], 2),
        },
        "work_queue_usable_gzip_s": {
            "runs": [round(t, 2) for t in timings_gz],
            "median": round(sorted(timings_gz)[1], 2),
        },
    }
    print(
        f"login page JS:       {n_login} files, {kb(raw_login)} raw, {kb(gz_login)} gzipped (budget 250 KB)"
    )
    print(f"dashboard JS (cum.): {n_dash} files, {kb(raw_dash)} raw, {kb(gz_dash)} gzipped")
    print(f"work queue usable at 1.6 Mbps/150 ms (cold cache, as served): median {res['work_queue_usable_s']['median']} s"
          f" (runs {res['work_queue_usable_s']['runs']}; budget 3 s)")  # fmt: skip
    print(f"same, behind gzip (GZipMiddleware):  median {res['work_queue_usable_gzip_s']['median']} s"
          f" (runs {res['work_queue_usable_gzip_s']['runs']})")  # fmt: skip
    print(json.dumps(res))


if __name__ == "__main__":
    main()
