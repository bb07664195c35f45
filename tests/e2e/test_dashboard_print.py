"""The leader's dashboard (#18) in a real browser: every figure labelled and equal to its list (the due-soon card and
the list's total), lagging units with their lag explained, lĩnh vực names never clipped at 1366×768 or on a 375 px
phone, and the one-page print view for the weekly meeting rendered to PDF by Chromium (``page.pdf``), read back with
pypdf: one page holding the key numbers. The PDF and screenshots go to ``test-artifacts/dashboard/``."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import ROOT
from tests.e2e.helpers import api_json, api_token, axe_violations, ui_login

pytestmark = pytest.mark.e2e

OUT = ROOT / "test-artifacts" / "dashboard"
SIZES = {"1366x768": {"width": 1366, "height": 768}, "375x812": {"width": 375, "height": 812}}


def _n(v: int) -> str:
    """A count as the SPA writes it in Vietnamese (dot between thousands)."""
    return f"{v:,}".replace(",", ".")


def _page(browser: Browser, base_url: str, size: str) -> Page:
    ctx = browser.new_context(base_url=base_url, locale="vi-VN", bypass_csp=True, viewport=SIZES[size],
                              timezone_id="Asia/Ho_Chi_Minh")  # fmt: skip
    page = ctx.new_page()
    ui_login(page, "chutich")
    return page


def _clipped(page: Page, selector: str) -> list[str]:
    """Texts of ``selector`` cut by their box or running out of the viewport."""
    return list(
        page.locator(selector).evaluate_all(
            """els => els.filter(e => {
                const r = e.getBoundingClientRect();
                return e.scrollWidth > e.clientWidth + 1 || r.right > window.innerWidth + 1 || r.left < -1;
            }).map(e => e.textContent)"""
        )
    )


@pytest.fixture(scope="module")
def out() -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"\ndashboard artifacts: {OUT}")
    return OUT


@pytest.mark.parametrize("size", list(SIZES))
def test_dashboard_numbers_match_their_lists_and_names_are_never_clipped(
    browser: Browser, base_url: str, axe_path: Path, out: Path, size: str
) -> None:
    token = api_token(base_url, "chutich")
    s = api_json(base_url, "/dashboards/summary", token)
    due_soon = api_json(base_url, "/assignments?due_soon=true&limit=1", token)["total"]
    assert s["due_soon_total"] == due_soon > 0
    page = _page(browser, base_url, size)
    page.goto("/dashboard")
    expect(page.get_by_test_id("area-bars")).to_be_visible()
    page.wait_for_load_state("networkidle")
    # The card, the card's title and the list's footer all say the whole count.
    expect(page.get_by_test_id("bucket-due_soon").locator(".n")).to_have_text(_n(due_soon))
    card = page.get_by_test_id("due-soon-card")
    expect(card.get_by_role("heading", level=2)).to_have_text(
        f"Sắp đến hạn trong {s['due_soon_days']} ngày tới: {_n(due_soon)}"
    )
    expect(card.get_by_role("link", name=f"Xem cả {_n(due_soon)} nhiệm vụ sắp đến hạn")).to_be_visible()
    expect(page.get_by_test_id("total")).to_have_text(_n(s["total"]))
    for b, v in s["buckets"].items():
        expect(page.get_by_test_id(f"bucket-{b}").locator(".n")).to_have_text(_n(v))
    # Lagging units in the API's order, each with its rate and what it counts.
    lagging = page.get_by_test_id("lagging-units").locator("> li")
    expect(lagging).to_have_count(len(s["lagging_units"]))
    for i, u in enumerate(s["lagging_units"][:3]):
        b = u["buckets"]
        expect(lagging.nth(i)).to_contain_text(u["name"])
        expect(lagging.nth(i)).to_contain_text(
            f"({b['done_on_time']}/{b['done_on_time'] + b['done_late'] + b['overdue']} việc đã đến hạn hoặc đã xong)"
        )
    # Every lĩnh vực name whole: wrapped inside its box, never past the screen's edge.
    names = page.locator(".hbars-name")
    expect(names).to_have_count(len(s["by_area"]))
    assert _clipped(page, ".hbars-name, .hbars-fig, ol.lagging li") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    found = axe_violations(page, axe_path)
    assert found == [], found
    page.screenshot(path=str(out / f"dashboard-{size}.png"), full_page=True)
    page.context.close()


def test_print_view_is_one_pdf_page_with_the_key_numbers(
    browser: Browser, base_url: str, axe_path: Path, out: Path
) -> None:
    token = api_token(base_url, "chutich")
    s = api_json(base_url, "/dashboards/summary", token)
    risk = api_json(base_url, "/points-at-risk", token)
    page = _page(browser, base_url, "1366x768")
    page.goto("/dashboard")
    page.get_by_test_id("dashboard-print-link").click()
    expect(page).to_have_url(re.compile(r"/dashboard/print$"))
    view = page.get_by_test_id("dashboard-print")
    # Summary and points at risk load together; a loaded machine may take a while for the second.
    expect(view.get_by_test_id("print-total")).to_have_text(_n(s["total"]), timeout=30_000)
    expect(view.get_by_test_id("print-due_soon")).to_have_text(_n(s["due_soon_total"]))
    expect(view.get_by_test_id("print-index")).to_be_visible()
    page.wait_for_load_state("networkidle")
    found = axe_violations(page, axe_path)
    assert found == [], found
    page.screenshot(path=str(out / "dashboard-print-screen-1366x768.png"), full_page=True)

    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (out / "dashboard-print.pdf").write_bytes(pdf)
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 1, f"{len(reader.pages)} pages"
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # A4 landscape
    text = " ".join((reader.pages[0].extract_text() or "").split())
    for must in (
        "TÌNH HÌNH THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
        "15/10/2024",
        "Tổng số nhiệm vụ",
        "Quá hạn",
        f"Sắp đến hạn trong {s['due_soon_days']} ngày tới",
        "Đơn vị chậm tiến độ",
        s["lagging_units"][0]["name"],
        risk["framework_name"],
    ):
        assert must in text, (must, text[:800])
    numbers = set(re.findall(r"\d[\d.]*", text))
    for v in (s["total"], s["due_soon_total"], *s["buckets"].values()):
        assert _n(v) in numbers, (v, text[:800])
    # Nothing of the app around it: no menu, no buttons.
    for gone in ("Đăng xuất", "In hoặc lưu PDF", "Việc của tôi", "Về trang tổng quan"):
        assert gone not in text, gone
    page.context.close()


PRINTED = {
    # name: (account, path or API list to take the first id from, words the paper must hold)
    "work-list": ("canbo.hoatham", "/my-work", []),
    "assignment": ("canbo.hoatham", "/assignments/{id}", ["Lịch sử"]),
    "plan-appendix": ("noivu", "/plans/{id}", ["STT"]),
    "report": ("noivu", "/reports/{id}", []),
}
LISTS = {
    "assignment": "/assignments?limit=1",
    "plan-appendix": "/plans?limit=1",
    "report": "/reports?limit=1",
}


@pytest.mark.parametrize("name", list(PRINTED))
def test_print_stylesheet_leaves_the_app_off_the_paper(
    browser: Browser, base_url: str, tmp_path: Path, name: str
) -> None:
    """The work list, an assignment with its history, the plan appendix and a report printed by Chromium: the
    content without the menu, the header or any button; the appendix on landscape paper."""
    account, path, words = PRINTED[name]
    if "{id}" in path:
        first = api_json(base_url, LISTS[name], api_token(base_url, account))["items"][0]["id"]
        path = path.format(id=first)
    ctx = browser.new_context(base_url=base_url, locale="vi-VN", bypass_csp=True, viewport=SIZES["1366x768"],
                              timezone_id="Asia/Ho_Chi_Minh")  # fmt: skip
    page = ctx.new_page()
    ui_login(page, account)
    page.goto(path)
    page.get_by_role("heading", level=1).first.wait_for()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".ant-spin-spinning")).to_have_count(0)
    on_screen = page.get_by_role("button", name="Đăng xuất")
    expect(on_screen).to_be_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"print-{name}.pdf").write_bytes(pdf)
    reader = PdfReader(BytesIO(pdf))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert text.strip(), name
    for gone in (
        "Đăng xuất",
        "Bộ chỉ số",
        "Tài khoản của tôi",
        "In trang này",
        "Tải lên",
        "Tải Phụ lục (DOCX)",
    ):
        assert gone not in text, (name, gone)
    for must in words:
        assert must in text, (name, must, text[:500])
    if name == "plan-appendix":
        box = reader.pages[-1].mediabox
        assert float(box.width) > float(box.height), "the appendix prints on landscape paper"
    ctx.close()
