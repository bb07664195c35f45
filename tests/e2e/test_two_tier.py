"""The two-tier government of 2026 in a real browser (Lạng Sơn 2026 demo, as of 15/10/2026): Sở Nội vụ reviews a
commune's submission (returns a task result, accepts a report) with no district in between; a commune head submits
its report; the province dashboard lists the 65 communes; no screen says "huyện" or "Phòng Nội vụ" where the
province owns the plan; axe-core on each screen."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import api_json, axe_violations, ui_login, ui_logout

pytestmark = pytest.mark.e2e

PASSWORD = "LangSon@2026"
FORBIDDEN = re.compile(r"huyện|phòng nội vụ", re.IGNORECASE)
COMMUNES = 65


def _token(base: str, username: str) -> str:
    body = {"username": username, "password": PASSWORD}
    return str(api_json(base, "/auth/login", body=body)["access_token"])


def _login(page: Page, username: str) -> None:
    ui_login(page, username, PASSWORD)


_PAST_NAMES: list[str] = []


def _past_units(base: str) -> list[str]:
    """Names of the units that ended before 2026 (Bình Gia district and its offices): history kept under its own
    names, which may rightly say "huyện"; the scan looks at the words around them."""
    if not _PAST_NAMES:
        units = api_json(base, "/org-units?limit=500", _token(base, "quantri.tinh"))["items"]
        _PAST_NAMES.extend(sorted((u["name"] for u in units if u["valid_to"]), key=len, reverse=True))
    return _PAST_NAMES


def _no_district_words(page: Page, where: str) -> None:
    """The page's rendered text (including dialogs and tooltips in the DOM) never speaks of a district."""
    page.wait_for_load_state("networkidle")
    text = page.locator("body").inner_text()
    for name in _past_units(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2]):
        text = text.replace(name, "")
    lines = [line for line in text.splitlines() if FORBIDDEN.search(line)]
    assert not lines, f"{where}: district words on a province screen: {lines[:5]}"


def _accessible(page: Page, axe: Path, where: str, *, known: tuple[str, ...] = ()) -> None:
    bad = [
        v
        for v in axe_violations(page, axe)
        if (v["id"], *v["targets"]) not in {tuple(k.split("|")) for k in known}
    ]
    assert not bad, f"{where}: serious/critical axe violations: {bad}"


def _q3_reports(base: str, token: str) -> list[dict[str, Any]]:
    periods = api_json(base, "/report-periods?year=2026&limit=50", token)["items"]
    q3 = next(p for p in periods if p["kind"] == "q3" and p["owner_unit_id"] == _province(base, token)["id"])
    return list(api_json(base, f"/reports?period_id={q3['id']}&limit=200", token)["items"])


def _province(base: str, token: str) -> dict[str, Any]:
    units = api_json(base, "/org-units?limit=500", token)["items"]
    return next(u for u in units if u["code"] == "LS")


@pytest.fixture
def page(browser: Browser, server_langson: str) -> Iterator[Page]:
    """A page on the Lạng Sơn 2026 server (the Bình Gia server of the other browser tests is not started)."""
    ctx = browser.new_context(
        base_url=server_langson, bypass_csp=True, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


def test_province_dashboard_lists_the_65_communes(
    page: Page, server_langson: str, shots: Path, axe_path: Path
) -> None:
    token = _token(server_langson, "sonoivu")
    me = api_json(server_langson, "/me", token)["memberships"][0]
    assert me["owner_level"] == "province" and me["role_label"].startswith("Sở Nội vụ")
    summary = api_json(server_langson, "/dashboards/summary", token)
    units = {u["id"]: u for u in api_json(server_langson, "/org-units?limit=500", token)["items"]}
    communes = {
        r["name"]
        for r in summary["by_unit"]
        if units[r["unit_id"]]["level"] == "commune" and units[r["unit_id"]]["kind"] == "people_committee"
    }
    assert len(communes) == COMMUNES

    _login(page, "sonoivu")
    page.goto("/dashboard")
    card = page.get_by_test_id("by-unit")  # the "Tiến độ theo đơn vị" table, ten units a page
    expect(card.get_by_role("heading", name="Tiến độ theo đơn vị")).to_be_visible()
    expect(card.locator("tbody tr").first).to_be_visible()
    _no_district_words(page, "dashboard")
    _accessible(page, axe_path, "province dashboard")
    page.screenshot(path=str(shots / "60-province-dashboard.png"), full_page=True)
    seen: set[str] = set()
    for _ in range(20):  # page through the "by unit" table
        seen.update(card.locator("tbody tr td:first-child a").all_inner_texts())
        nxt = card.get_by_role("button", name="Trang sau")
        if nxt.is_disabled():
            break
        nxt.click()
    assert communes <= seen, sorted(communes - seen)[:5]

    # The account screen names the role by the province's words
    page.goto("/account")
    expect(page.get_by_text("Sở Nội vụ (quản lý kế hoạch, báo cáo)", exact=False)).to_be_visible()
    _no_district_words(page, "account")


def test_so_noi_vu_reviews_a_commune(page: Page, server_langson: str, shots: Path, axe_path: Path) -> None:
    token = _token(server_langson, "sonoivu")
    units = {u["id"]: u for u in api_json(server_langson, "/org-units?limit=500", token)["items"]}
    submitted = api_json(server_langson, "/assignments?status=submitted&limit=200", token)["items"]
    of_commune = [
        a
        for a in submitted
        if units.get(a["unit_id"], {}).get("level") == "commune"
        and units[a["unit_id"]]["kind"] == "people_committee"
    ]
    assert of_commune, "the demo has commune submissions waiting for Sở Nội vụ"
    target = of_commune[0]
    detail = f"/assignments/{target['id']}"

    # The review queue: return a commune's task result with a reason
    _login(page, "sonoivu")
    page.goto("/review")
    row = page.locator("tr", has=page.locator(f'a[href="{detail}"]'))
    expect(row).to_be_visible()
    expect(row).to_contain_text(target["unit_name"])
    _no_district_words(page, "review queue")
    # AntD's hidden measure row of a scrollable table with row selection holds a focusable checkbox: a known
    # library issue of the review queue (the Bình Gia test does not run axe there), not of this page's words.
    _accessible(page, axe_path, "province review queue", known=("aria-hidden-focus|.ant-table-measure-row",))
    page.screenshot(path=str(shots / "61-province-review.png"), full_page=True)
    row.get_by_role("button", name="Trả lại").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Lý do trả lại").fill("Bổ sung tài liệu kiểm chứng (Sở Nội vụ).")
    dialog.get_by_role("button", name="Trả lại").click()
    expect(page.locator(f'a[href="{detail}"]')).to_have_count(0)
    back = api_json(server_langson, detail, token)
    assert back["status"] == "returned"

    # A commune's submitted Quý III report goes straight to Sở Nội vụ, who accepts it
    report = next(r for r in _q3_reports(server_langson, token) if r["unit_code"] == "LS.X.HOANGVANTHU")
    assert report["status"] == "submitted"
    page.goto("/reports")
    expect(page.get_by_test_id("period-q3").first).to_be_visible()
    _no_district_words(page, "province reports page")
    _accessible(page, axe_path, "province reports page")
    page.goto(f"/reports/{report['id']}")
    expect(page.get_by_test_id("report-status")).to_have_text("Đã gửi, chờ xử lý")
    _no_district_words(page, "commune report (submitted), seen by Sở Nội vụ")
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    dialog = page.get_by_role("dialog")
    _no_district_words(page, "accept dialog")
    dialog.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.get_by_test_id("report-status")).to_have_text("Đã tiếp nhận")
    _accessible(page, axe_path, "commune report accepted by Sở Nội vụ")
    page.screenshot(path=str(shots / "62-commune-report-accepted.png"), full_page=True)
    assert api_json(server_langson, f"/reports/{report['id']}", token)["status"] == "accepted"


def test_commune_head_submits_its_report(
    page: Page, server_langson: str, shots: Path, axe_path: Path
) -> None:
    token = _token(server_langson, "chutich.tamthanh")
    me = api_json(server_langson, "/me", token)["memberships"][0]
    assert me["owner_level"] == "province" and me["role_label"] == "Chủ tịch UBND phường"
    so = _token(server_langson, "sonoivu")
    report = next(r for r in _q3_reports(server_langson, so) if r["unit_code"] == "LS.P.TAMTHANH")
    assert report["status"] == "returned"
    url = f"/reports/{report['id']}"

    _login(page, "chutich.tamthanh")
    page.goto(url)
    expect(page.get_by_test_id("return-reason")).to_contain_text("Quý III")
    page.get_by_label("Kết quả nổi bật").fill("Quý III: 96 % hồ sơ TTHC của phường giải quyết đúng hạn.")
    page.get_by_role("button", name="Lưu nội dung").click()
    expect(page.get_by_text("Đã lưu")).to_be_visible()
    _no_district_words(page, "commune report (returned)")
    _accessible(page, axe_path, "commune report editor")
    page.get_by_role("button", name="Gửi lại báo cáo").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Sở Nội vụ")
    _no_district_words(page, "submit dialog")
    dialog.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Đã gửi, chờ xử lý")
    expect(page.get_by_text("chờ Sở Nội vụ tiếp nhận")).to_be_visible()
    _no_district_words(page, "commune report (submitted)")
    page.screenshot(path=str(shots / "63-commune-report-submitted.png"), full_page=True)
    assert api_json(server_langson, url, token)["status"] == "submitted"

    # Its other screens: the work list and the reports page say nothing of a district either
    for path in ("/my-work", "/reports", "/account"):
        page.goto(path)
        page.get_by_role("heading", level=1).first.wait_for()
        _no_district_words(page, f"commune head {path}")
    ui_logout(page)
