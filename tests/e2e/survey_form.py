"""The public survey form on a phone over a slow link (issue 20), shared by tests/e2e/test_survey_phone.py and
bench/bench_survey_form.py: a desk's link from the API, one timed run "scan → answer → thank-you" in a 375 px-wide
phone context under Chromium's network emulation (1.6 Mbit/s down, 750 kbit/s up, 150 ms), and the form's own
JavaScript as served (what survey.html loads, gzipped)."""

import contextlib
import gzip
import json
import re
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

PASSWORD = "BinhGia@2024"
DOWN_BPS = 1_600_000 / 8
UP_BPS = 750_000 / 8
LATENCY_MS = 150
PHONE: ViewportSize = {"width": 375, "height": 740}
BUDGET_JS_GZ = 60 * 1024
BUDGET_S = 3.0


def _json(base: str, path: str, token: str | None = None, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{base}/api/v1{path}", data=data, method="POST" if data else "GET")
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=15) as r:
        return json.loads(r.read() or b"null")


def desk_paths(base: str, username: str = "noivu") -> list[str]:
    """The public paths (/khao-sat/<token>) of the active desks the manager sees, from the API."""
    token = _json(base, "/auth/login", body={"username": username, "password": PASSWORD})["access_token"]
    points = _json(base, "/collection-points?limit=100", token)["items"]
    paths = [
        urllib.parse.urlsplit(p["public_url"]).path for p in points if p.get("active") and p.get("public_url")
    ]
    assert paths, "no active collection point with a public link"
    return paths


def phone_context(browser: Browser, base: str) -> BrowserContext:
    return browser.new_context(
        base_url=base,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        bypass_csp=True,  # axe-core is injected as a <script>; the page itself needs nothing of it
    )


def slow_link(ctx: BrowserContext, page: Page) -> None:
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": LATENCY_MS, "downloadThroughput": DOWN_BPS, "uploadThroughput": UP_BPS},
    )


def answer_all(page: Page) -> int:
    """Tap the first choice of every question (the most satisfied level, or "Có"); returns how many.

    The form is awaited first: counted while its script was still loading (a loaded machine), it had no question
    and nothing was answered."""
    groups = page.locator("fieldset.q")
    groups.first.locator("label.opt").first.wait_for(timeout=30000)
    expect(page.get_by_role("button", name="Gửi ý kiến")).to_be_enabled()
    count = groups.count()
    for i in range(count):
        groups.nth(i).locator("label.opt").first.tap()
    expect(page.locator("fieldset.q input:checked")).to_have_count(count)
    return count


@dataclass
class Run:
    interactive_s: float  # navigation → the first question can be answered and the send button is there
    thanks_s: float  # navigation → thank-you shown (answering included)
    send_s: float  # tap on "Gửi ý kiến" → thank-you shown
    questions: int
    scripts: dict[str, int]


def timed_run(page: Page, path: str) -> Run:
    """One cold run on an already throttled page: open the link, answer, send, see the thank-you."""
    scripts: dict[str, int] = {}

    def on_response(r: Any) -> None:
        if r.request.resource_type == "script":
            with contextlib.suppress(Exception):  # an aborted load
                scripts[r.url] = len(gzip.compress(r.body(), 9))

    page.on("response", on_response)
    t0 = time.perf_counter()
    page.goto(path, wait_until="commit")
    page.locator("fieldset.q label.opt").first.wait_for(timeout=30000)
    expect(page.get_by_role("button", name="Gửi ý kiến")).to_be_enabled()
    interactive = time.perf_counter() - t0
    n = answer_all(page)
    t1 = time.perf_counter()
    page.get_by_role("button", name="Gửi ý kiến").tap()
    page.get_by_role("heading", name="Cảm ơn Ông/Bà!").wait_for(timeout=30000)
    t2 = time.perf_counter()
    return Run(interactive, t2 - t0, t2 - t1, n, scripts)


def form_js_gzip(dist: Path) -> tuple[int, int, list[str]]:
    """The form's own JavaScript as built: the scripts survey.html loads (and their static imports), raw and gzip -9
    bytes — what a phone downloads besides the HTML, the CSS and the API's JSON."""
    html = (dist / "survey.html").read_text(encoding="utf-8")
    todo = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/assets/[^"]+\.js)"', html)
    seen: list[str] = []
    raw = gz = 0
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.append(rel)
        data = (dist / rel.lstrip("/")).read_bytes()
        raw += len(data)
        gz += len(gzip.compress(data, 9))
        todo += [f"/assets/{m.decode()}" for m in re.findall(rb'(?:from|import)\s*"\./([\w.-]+\.js)"', data)]
    return raw, gz, seen
