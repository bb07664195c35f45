"""Frontend budgets, measured in a real Chromium against a real ``parsipas serve`` (demo data, as of 15/10/2024).

Prints:
  * JavaScript of the login page (cold cache: /login until the form shows and the network is idle) and of the
    dashboard (signed in as ``noivu``, dashboard with its charts; cumulative since /login, and on its own for a
    returning user's cold load), each as files, raw bytes, gzip bytes (level 9: the build-time ``.gz`` files the
    server sends a gzip-only client; budget ≤ 250 KB for the login page, the first screen) and bytes on the wire.
    ``parsipas serve`` sends the build-time ``.br`` (brotli) or ``.gz`` sibling of each asset (``api/main.py``,
    ``frontend/scripts/compress.mjs``); Chromium asks for brotli on localhost (a secure context) and over HTTPS.
  * Time until the work queue ("Việc của tôi", /my-work) is usable: its first assignment row rendered by React (the
    page polled from its own main thread, so it is responsive), then checked to be the real page (bucket and status
    filters, bucket badges, pager). Cold browser cache (new context, cache disabled) under Chromium's network
    emulation 1.6 Mbit/s down / 750 kbit/s up / 150 ms latency, for an officer of Hoa Thám who reloads the page with
    a session (refresh token in sessionStorage: the app refreshes it, then loads /me and the list). The transfer is
    exactly what ``parsipas serve`` sends: assets pre-compressed, API JSON uncompressed. Median and range of N runs,
    after one untimed warm-up run (the server's first requests import code lazily; a running server has done so).
  * The same behind Starlette's GZipMiddleware, i.e. with the API's JSON gzipped too (what a compressing reverse
    proxy adds), for comparison (``--no-gzip`` skips it).

Needs frontend/dist (``make frontend``) and /usr/bin/chromium.
Usage: ``.venv/bin/python bench/bench_frontend.py [--runs 7] [--no-gzip]``; ``PARSIPAS_FRONTEND_DIST`` picks another
build.

``--static`` (no server, no browser): builds the SPA into a temporary directory (``npx vite build --manifest``) and
reads, from the build manifest and the built index.html, the gzipped (level 9) JavaScript of
  * the first screen: what index.html loads (its script, its ``modulepreload`` links, their static imports) — target
    ≤ 250 KB; and the login page of a first visit (the same plus the sign-in chunk main.tsx asks for);
  * the dashboard's cold load: the first screen plus the chunks a reload of /dashboard asks for (the shell and work
    queue, antd's App, the dashboard page, their static imports) and the trend chart it draws on first view — target
    ≤ 350 KB (515 KB before the wave);
  * the public survey form (survey.html): its own JavaScript.
``--static --dist DIR`` reads an existing build made with ``--manifest`` instead of building.
"""

import argparse
import gzip
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Response, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
DIST = Path(os.environ.get("PARSIPAS_FRONTEND_DIST") or ROOT / "frontend" / "dist")
CHROMIUM = os.environ.get("PARSIPAS_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
PASSWORD = "BinhGia@2024"
DOWN_BPS = 1_600_000 / 8
UP_BPS = 750_000 / 8
LATENCY_MS = 150
BUDGET_LOGIN_GZ = 250 * 1024
BUDGET_WORK_QUEUE_S = 3.0
# ``--static`` at f366a53 (06/12/2026, before the dictionary moved to i18next and the dashboard's chunks were split):
# gzipped KB; the dictionary (both languages) was inside the first screen's `core` chunk.
BEFORE_STATIC = {"first_screen": 163.2, "login_page": 223.9, "dashboard_cold": 419.4, "survey_form": 4.8}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(proc: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"server at {base} did not start")


def _env(tmp: Path, demo: bool) -> dict[str, str]:
    env = {**os.environ, "PARSIPAS_DATABASE_URL": f"sqlite:///{tmp}/bench.db", "PARSIPAS_DATA_DIR": str(tmp),
           "PARSIPAS_AS_OF_DATE": "2024-10-15", "PARSIPAS_ENV": "dev", "PARSIPAS_FRONTEND_DIST": str(DIST)}  # fmt: skip
    if demo:
        env["PARSIPAS_DEMO"] = "1"
    return env


def start_server(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``parsipas serve`` on a fresh database with the demo data."""
    port = _free_port()
    exe = Path(sys.executable).parent / "parsipas"
    proc = subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT,
                            env=_env(tmp, demo=True), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    _wait_up(proc, base)
    return proc, base


def start_gzip_server(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The same app and database wrapped in Starlette's GZipMiddleware (what a gzip-enabled proxy gives: the API's
    JSON compressed too; assets that already carry a Content-Encoding pass through unchanged)."""
    port = _free_port()
    code = ("import uvicorn; from starlette.middleware.gzip import GZipMiddleware; from api.asgi import app; "
            f"uvicorn.run(GZipMiddleware(app, minimum_size=500), host='127.0.0.1', port={port}, log_level='warning')")  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=_env(tmp, demo=False),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    _wait_up(proc, base)
    return proc, base


def refresh_token(base: str, username: str) -> str:
    req = urllib.request.Request(f"{base}/api/v1/auth/login", method="POST",
                                 data=json.dumps({"username": username, "password": PASSWORD}).encode(),
                                 headers={"Content-Type": "application/json"})  # fmt: skip
    with urllib.request.urlopen(req, timeout=10) as r:
        return str(json.loads(r.read())["refresh_token"])


def session_context(browser: Any, base: str, username: str) -> Any:
    """A fresh context (empty cache) whose tab already holds a refresh token, as after a reload."""
    ctx = browser.new_context(base_url=base)
    token = refresh_token(base, username)
    key = "'parsipas.refresh'"
    ctx.add_init_script(
        f"sessionStorage.getItem({key}) || sessionStorage.setItem({key}, {json.dumps(token)})"
    )
    return ctx


def work_queue_once(browser: Any, base: str) -> float:
    """One cold load of /my-work under 1.6 Mbps / 150 ms; seconds until the first row is usable."""
    ctx = session_context(browser, base, "canbo.hoatham")
    try:
        page = ctx.new_page()
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": LATENCY_MS,
                 "downloadThroughput": DOWN_BPS, "uploadThroughput": UP_BPS})  # fmt: skip
        t0 = time.perf_counter()
        page.goto("/my-work", wait_until="commit")
        page.get_by_test_id("assignment-row").first.get_by_role("link").wait_for(timeout=60000)
        elapsed = time.perf_counter() - t0
        # untimed: it is the real work queue, not a stripped-down list
        expect(page.get_by_role("heading", name="Việc của tôi")).to_be_visible()
        expect(page.get_by_label("Thời hạn")).to_be_visible()
        status = page.locator("label", has=page.locator("span", has_text=re.compile(r"^Trạng thái$")))
        expect(status.locator("select")).to_be_visible()
        expect(page.get_by_test_id("assignment-row").first.locator(".ant-tag").first).to_be_visible()
        expect(page.get_by_role("navigation", name="Phân trang")).to_be_visible()
        return elapsed
    finally:
        ctx.close()


def work_queue_timings(browser: Any, base: str, runs: int) -> list[float]:
    work_queue_once(browser, base)  # warm-up, not counted
    return [work_queue_once(browser, base) for _ in range(runs)]


class Scripts:
    """Every script response of a page: raw bytes, gzip -9 bytes and bytes on the wire (encoded body)."""

    def __init__(self, page: Page) -> None:
        self.seen: dict[str, tuple[int, int, int]] = {}
        page.on("response", self._on)

    def _on(self, r: Response) -> None:
        if r.request.resource_type != "script" or r.url in self.seen:
            return
        try:
            body = r.body()
            wire = int(r.request.sizes()["responseBodySize"])
        except Exception:  # aborted navigations
            return
        self.seen[r.url] = (len(body), len(gzip.compress(body, 9)), wire)

    def mark(self) -> set[str]:
        return set(self.seen)

    def totals(self, since: set[str] | None = None) -> dict[str, int]:
        rows = [v for k, v in self.seen.items() if not since or k not in since]
        return {"files": len(rows), "raw_bytes": sum(v[0] for v in rows), "gzip_bytes": sum(v[1] for v in rows),
                "wire_bytes": sum(v[2] for v in rows)}  # fmt: skip


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def js_line(name: str, t: dict[str, int]) -> str:
    return (f"{name:<34} {t['files']:>2} files, {kb(t['raw_bytes']):>9} raw, {kb(t['gzip_bytes']):>8} gzipped, "
            f"{kb(t['wire_bytes']):>8} on the wire")  # fmt: skip


def js_weights(browser: Any, base: str) -> dict[str, dict[str, int]]:
    ctx = browser.new_context(base_url=base)
    try:
        page = ctx.new_page()
        scripts = Scripts(page)
        page.goto("/login")
        page.get_by_label("Tên đăng nhập").wait_for()
        page.wait_for_load_state("networkidle")
        login = scripts.totals()
        page.get_by_label("Tên đăng nhập").fill("noivu")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.get_by_role("button", name="Đăng xuất").wait_for()
        page.get_by_role("link", name="Tổng quan").click()  # client-side navigation (noivu lands here anyway)
        page.locator("[data-testid=trend-chart] svg").first.wait_for(timeout=30000)
        page.wait_for_load_state("networkidle")
        dashboard = scripts.totals()
    finally:
        ctx.close()
    ctx = session_context(browser, base, "noivu")
    try:
        page = ctx.new_page()
        scripts = Scripts(page)
        page.goto("/dashboard")
        page.locator("[data-testid=trend-chart] svg").first.wait_for(timeout=30000)
        page.wait_for_load_state("networkidle")
        dashboard_cold = scripts.totals()
    finally:
        ctx.close()
    return {"login_js": login, "dashboard_js_cumulative": dashboard, "dashboard_js_cold": dashboard_cold}


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def build_static(out: Path) -> None:
    cmd = ["npx", "vite", "build", "--outDir", str(out), "--emptyOutDir", "--manifest", "--logLevel", "warn"]
    subprocess.run(cmd, cwd=ROOT / "frontend", check=True)


def static_sizes(dist: Path) -> dict[str, dict[str, int]]:
    """First screen, dashboard cold load and survey form, from ``.vite/manifest.json`` and index.html."""
    manifest: dict[str, dict[str, Any]] = json.loads((dist / ".vite" / "manifest.json").read_text())
    by_file = {v["file"]: k for k, v in manifest.items()}

    def closure(*keys: str) -> set[str]:
        files: set[str] = set()
        todo = list(keys)
        while todo:
            k = todo.pop()
            e = manifest[k]
            if e["file"] in files:
                continue
            files.add(e["file"])
            todo.extend(e.get("imports", []))
        return files

    def key_of(name: str) -> str:
        for k, v in manifest.items():
            if k == name or v.get("name") == name:
                return k
        raise SystemExit(f"no chunk {name} in the manifest")

    html = (dist / "index.html").read_text()
    loaded = re.findall(r'<(?:script[^>]*src|link rel="modulepreload"[^>]*href)="/([^"]+\.js)"', html)
    # + the words of the interface language: main.tsx imports the saved language's bundle at once (Vietnamese here)
    words = [k for k in ("src/locales/vi.ts",) if k in manifest]  # (before the i18next move: inside `core`)
    first = closure(*(by_file[f] for f in loaded), *words)
    # a reload of /dashboard: the shell (the `work-queue` chunk before the shell had its own), antd's App, the page
    names = {v.get("name") for v in manifest.values()}
    page = next(
        k for k in ("src/features/dashboard/Dashboard.tsx", "src/pages/Dashboard.tsx") if k in manifest
    )
    dashboard = first | closure(key_of("shell" if "shell" in names else "work-queue"), "src/antApp.tsx", page)
    chart = closure("src/components/TrendChart.tsx")

    def weigh(files: set[str]) -> dict[str, int]:
        data = [(dist / f).read_bytes() for f in files if f.endswith(".js")]
        return {"files": len(data), "raw_bytes": sum(map(len, data)), "gzip_bytes": sum(map(_gz, data))}

    login = first | closure(key_of("login"))  # main.tsx asks for it when there is no session to restore
    return {"first_screen": weigh(first), "login_page": weigh(login), "dashboard_cold": weigh(dashboard | chart),
            "dashboard_cold_without_chart": weigh(dashboard), "survey_form": weigh(closure("survey.html")),
            **{f"bundle_{lang}": weigh({manifest[f"src/locales/{lang}.ts"]["file"]})
               for lang in ("vi", "en") if f"src/locales/{lang}.ts" in manifest}}  # fmt: skip


def print_static(res: dict[str, dict[str, int]]) -> None:
    def line(name: str, t: dict[str, int], budget: int | None) -> str:
        verdict = (
            ""
            if budget is None
            else f"  (target ≤ {budget} KB: {'ok' if t['gzip_bytes'] <= budget * 1024 else 'OVER'})"
        )
        return f"{name:<44} {t['files']:>2} files, {kb(t['raw_bytes']):>9} raw, {kb(t['gzip_bytes']):>8} gzipped{verdict}"

    def was(key: str) -> str:
        return f"  [before: {BEFORE_STATIC[key]} KB]" if key in BEFORE_STATIC else ""

    print(
        line("first screen JS (index.html + preloads + words):", res["first_screen"], 250)
        + was("first_screen")
    )
    print(line("login page JS (first visit: + the login chunk):", res["login_page"], 250) + was("login_page"))
    print(
        line("dashboard cold load JS (with its chart):", res["dashboard_cold"], 350) + was("dashboard_cold")
    )
    print(line("  of which before the chart's chunk:", res["dashboard_cold_without_chart"], None))
    print(line("survey form JS (survey.html):", res["survey_form"], 60) + was("survey_form"))
    if "bundle_vi" in res:
        print(line("words, Vietnamese bundle (locales/vi.ts):", res["bundle_vi"], None))
        print(line("words, English bundle (only when chosen):", res["bundle_en"], None))
    print(json.dumps(res))


def summary(ts: list[float]) -> dict[str, Any]:
    return {"runs": [round(t, 2) for t in ts], "median": round(statistics.median(ts), 2),
            "min": round(min(ts), 2), "max": round(max(ts), 2)}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="timed cold loads of the work queue (default 7)")
    ap.add_argument("--no-gzip", action="store_true", help="skip the GZipMiddleware comparison")
    ap.add_argument("--static", action="store_true", help="build sizes only (manifest), no server or browser")
    ap.add_argument("--dist", type=Path, help="with --static: an existing build made with --manifest")
    opts = ap.parse_args()
    if opts.static:
        if opts.dist:
            print_static(static_sizes(opts.dist))
            return
        with tempfile.TemporaryDirectory(prefix="bench-frontend-") as d:
            build_static(Path(d))
            print_static(static_sizes(Path(d)))
        return
    if not (DIST / "index.html").exists():
        raise SystemExit(f"{DIST}/index.html missing: run `make frontend` first")
    res: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as d:
        proc, base = start_server(Path(d))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                res.update(js_weights(browser, base))
                res["work_queue_usable_s"] = summary(work_queue_timings(browser, base, opts.runs))
                if not opts.no_gzip:
                    gz_proc, gz_base = start_gzip_server(Path(d))
                    try:
                        res["work_queue_usable_gzip_api_s"] = summary(
                            work_queue_timings(browser, gz_base, opts.runs)
                        )
                    finally:
                        gz_proc.terminate()
                        gz_proc.wait(timeout=10)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)

    ok_login = res["login_js"]["gzip_bytes"] <= BUDGET_LOGIN_GZ
    print(
        js_line("login page JS:", res["login_js"])
        + f"  (budget 250 KB gzipped: {'ok' if ok_login else 'OVER'})"
    )
    print(js_line("login → dashboard JS (cumulative):", res["dashboard_js_cumulative"]))
    print(js_line("dashboard JS (cold, signed in):", res["dashboard_js_cold"]))
    wq = res["work_queue_usable_s"]
    ok_wq = wq["median"] <= BUDGET_WORK_QUEUE_S and wq["max"] <= BUDGET_WORK_QUEUE_S
    print(f"work queue usable at 1.6 Mbps/150 ms, cold cache, as served: median {wq['median']} s, range "
          f"{wq['min']}–{wq['max']} s over {len(wq['runs'])} runs {wq['runs']} (budget 3 s: {'ok' if ok_wq else 'OVER'})")  # fmt: skip
    if "work_queue_usable_gzip_api_s" in res:
        g = res["work_queue_usable_gzip_api_s"]
        print(f"same, API JSON gzipped too (GZipMiddleware): median {g['median']} s, range {g['min']}–{g['max']} s"
              f" {g['runs']}")  # fmt: skip
    print(json.dumps(res))


if __name__ == "__main__":
    main()
