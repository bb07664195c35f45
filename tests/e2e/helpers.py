"""Small helpers shared by the browser tests (login through the UI, axe-core, API look-ups)."""

import json
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

PASSWORD = "BinhGia@2024"


def ui_login(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def ui_logout(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()


def type_date(field: Locator, value: str, *, closes: bool = True) -> None:
    """Type a dd/mm/yyyy date into an antd date picker's input and commit it with Enter, as a person does.

    The picker is clicked and its popup awaited before typing: a picker still opening (or a dialog still filling
    in its initial values) on a loaded machine puts its own text back over what was typed. The date must then
    stand in the input; a picker that put the old text back is given the date again (three tries at most), and
    the last try must show it. ``closes=False`` for the first input of a range, whose popup stays open for the
    second."""
    page = field.page
    popup = page.locator(".ant-picker-dropdown:visible")
    for _ in range(3):
        field.click()
        expect(popup).not_to_have_count(0)
        field.fill(value)
        field.press("Enter")
        try:
            expect(field).to_have_value(value, timeout=2_000)
        except AssertionError:
            continue
        break
    expect(field).to_have_value(value)
    if closes:
        expect(popup).to_have_count(0)


def api_json(base: str, path: str, token: str | None = None, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{base}/api/v1{path}", data=data, method="POST" if data else "GET")
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"null")


def api_token(base: str, username: str) -> str:
    return str(
        api_json(base, "/auth/login", body={"username": username, "password": PASSWORD})["access_token"]
    )


def axe_all(page: Page, axe: Path) -> list[dict[str, Any]]:
    """Run axe-core in the page once its transitions have ended; return every violation, whatever its impact.

    A drawer or dialog fades in from 70 % opacity: measured mid-way, its text fails the contrast rule though the
    settled screen passes it (seen on a loaded machine). So the check waits for every finite animation to end.
    """
    settle_animations(page)
    page.add_script_tag(path=str(axe))
    found: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const r = await axe.run(document, { resultTypes: ['violations'] });
            return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }));
        }"""
    )
    return found


def settle_animations(page: Page, timeout_ms: int = 5000) -> None:
    """Wait until no finite CSS animation or transition runs (antd's motions start a frame after their class)."""
    still = page.evaluate(
        """async (limit) => {
            const frame = () => new Promise(r => requestAnimationFrame(() => r(null)));
            const end = performance.now() + limit;
            for (;;) {
                await frame(); await frame();
                const running = document.getAnimations().filter(a => a.playState === 'running'
                    && a.effect && a.effect.getComputedTiming().endTime !== Infinity);
                if (!running.length || performance.now() > end) return running.length;
                await Promise.race([Promise.all(running.map(a => a.finished.catch(() => null))),
                                    new Promise(r => setTimeout(r, 500))]);
            }
        }""",
        timeout_ms,
    )
    assert still == 0, f"{still} animation(s) still running after {timeout_ms} ms"


def axe_violations(page: Page, axe: Path) -> list[dict[str, Any]]:
    """Run axe-core in the page; return violations with impact serious or critical."""
    return [v for v in axe_all(page, axe) if v.get("impact") in ("serious", "critical")]


def minimal_pdf() -> bytes:
    """A tiny valid one-page PDF (passes a content-type sniffer looking for %PDF-)."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
