"""The public survey form on a phone (issue 20), measured in a real Chromium against a real ``parsipas serve`` (demo
data, as of 15/10/2024).

Prints:
  * the form's own JavaScript: the scripts survey.html loads, raw and gzipped (level 9, what a gzip-only client is
    sent) against the 60 KB budget, and what the page actually downloaded;
  * for N cold runs (new context, cache disabled) on a 375 px-wide phone under Chromium's network emulation
    1.6 Mbit/s down / 750 kbit/s up / 150 ms latency: load-to-interactive (navigation → the first question can be
    answered), send-to-thank-you, and the whole "scan → answer → thank-you" including the scripted taps on every
    question; median and range, after one untimed warm-up run; budget 3 s.

Needs a build with survey.html (``make frontend``; ``PARSIPAS_FRONTEND_DIST`` picks another) and /usr/bin/chromium.
Usage: ``.venv/bin/python bench/bench_survey_form.py [--runs 7]``
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.survey_form import (  # noqa: E402
    BUDGET_JS_GZ,
    BUDGET_S,
    DOWN_BPS,
    LATENCY_MS,
    UP_BPS,
    Run,
    desk_paths,
    form_js_gzip,
    phone_context,
    slow_link,
    timed_run,
)

DIST = Path(os.environ.get("PARSIPAS_FRONTEND_DIST") or ROOT / "frontend" / "dist")
CHROMIUM = os.environ.get("PARSIPAS_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "PARSIPAS_DATABASE_URL": f"sqlite:///{tmp}/bench.db", "PARSIPAS_DATA_DIR": str(tmp),
           "PARSIPAS_AS_OF_DATE": "2024-10-15", "PARSIPAS_ENV": "dev", "PARSIPAS_FRONTEND_DIST": str(DIST),
           "PARSIPAS_DEMO": "1",
           # every run answers from a new device; the per-address limit must not stop the benchmark
           "PARSIPAS_SURVEY_MAX_PER_ADDRESS": "100000"}  # fmt: skip
    exe = Path(sys.executable).parent / "parsipas"
    proc = subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"server at {base} did not start")


def one(browser: object, base: str, path: str) -> Run:
    ctx = phone_context(browser, base)  # type: ignore[arg-type]
    try:
        page = ctx.new_page()
        slow_link(ctx, page)
        return timed_run(page, path)
    finally:
        ctx.close()


def stats(name: str, xs: list[float]) -> str:
    return (f"{name:<44} median {statistics.median(xs):.2f} s  (min {min(xs):.2f}, max {max(xs):.2f}; "
            f"budget {BUDGET_S:.1f} s) {'OK' if statistics.median(xs) < BUDGET_S else 'OVER BUDGET'}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    if not (DIST / "survey.html").exists():
        raise SystemExit(
            f"{DIST}/survey.html is missing: run `make frontend` (or set PARSIPAS_FRONTEND_DIST)"
        )
    raw, gz, files = form_js_gzip(DIST)
    print(f"form JavaScript (survey.html): {len(files)} file(s), {raw / 1024:.1f} KB raw, {gz / 1024:.1f} KB gzipped "
          f"(budget {BUDGET_JS_GZ / 1024:.0f} KB) {'OK' if gz <= BUDGET_JS_GZ else 'OVER BUDGET'}")  # fmt: skip
    print(f"link: {DOWN_BPS * 8 / 1e6:.1f} Mbit/s down, {UP_BPS * 8 / 1e3:.0f} kbit/s up, {LATENCY_MS} ms; "
          "viewport 375 px; cold cache each run")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(Path(tmp))
        try:
            path = desk_paths(base)[0]
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                one(browser, base, path)  # warm-up, not counted
                runs = [one(browser, base, path) for _ in range(args.runs)]
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    got = runs[-1].scripts
    print(f"downloaded by the page: {len(got)} script(s), {sum(got.values()) / 1024:.1f} KB gzipped")
    print(f"questions answered per run: {runs[-1].questions}; runs: {len(runs)}")
    print(stats("load-to-interactive", [r.interactive_s for r in runs]))
    print(stats("send-to-thank-you", [r.send_s for r in runs]))
    print(stats("load + send (the network's share)", [r.interactive_s + r.send_s for r in runs]))
    print(stats("scan → answer → thank-you (with the taps)", [r.thanks_s for r in runs]))


if __name__ == "__main__":
    main()
