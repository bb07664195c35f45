"""The commune workflow in a real browser: report, upload, submit, return, fix, approve; scoping; a11y."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import api_json, api_token, axe_violations, minimal_pdf, ui_login, ui_logout

pytestmark = pytest.mark.e2e


def _done(page: Page) -> int:
    """Done on time + done late, as shown on the dashboard cards."""
    total = 0
    for bucket in ("done_on_time", "done_late"):
        text = page.get_by_test_id(f"bucket-{bucket}").locator(".n").inner_text()
        total += int(text.replace(".", "").replace(",", "").strip())
    return total


def _open_dashboard(page: Page) -> None:
    page.goto("/dashboard")
    expect(page.get_by_test_id("bucket-done_on_time")).to_be_visible()


@pytest.fixture(scope="module")
def target(server: str) -> dict[str, Any]:
    """An editable assignment of Hoa Thám (picked through the API, then driven through the UI)."""
    token = api_token(server, "canbo.hoatham")
    page = api_json(server, "/assignments?mine=true&limit=200", token)
    editable = [a for a in page["items"] if a["status"] in ("not_started", "in_progress")]
    assert editable, "demo data has no editable assignment for Hoa Thám"
    return dict(editable[0])


def _assert_accessible(page: Page, axe: Path, name: str) -> None:
    bad = axe_violations(page, axe)
    assert not bad, f"{name}: serious/critical axe violations: {bad}"


def test_commune_report_review_cycle(
    page: Page, server: str, target: dict[str, Any], shots: Path, axe_path: Path, tmp_path: Path
) -> None:
    aid = target["id"]
    detail = f"/assignments/{aid}"

    # Login page (axe + screenshot)
    page.goto("/login")
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    _assert_accessible(page, axe_path, "login")
    page.screenshot(path=str(shots / "01-login.png"), full_page=True)

    # Phòng Nội vụ: dashboard before
    ui_login(page, "noivu")
    _open_dashboard(page)
    done_before = _done(page)
    _assert_accessible(page, axe_path, "dashboard")
    page.screenshot(path=str(shots / "02-dashboard.png"), full_page=True)
    ui_logout(page)

    # Commune officer: my work → assignment → upload evidence → report progress
    ui_login(page, "canbo.hoatham")
    page.goto("/my-work")
    link = page.locator(f'a[href="{detail}"]')
    expect(link.first).to_be_visible()
    _assert_accessible(page, axe_path, "my work")
    page.screenshot(path=str(shots / "03-my-work.png"), full_page=True)
    link.first.click()
    expect(page).to_have_url(f"{server}{detail}")
    expect(page.get_by_label("Tiến độ (%)")).to_be_editable()

    pdf = tmp_path / "Báo cáo kết quả.pdf"
    pdf.write_bytes(minimal_pdf())
    page.locator('section[aria-labelledby=ev-title] input[type="file"]').set_input_files(str(pdf))
    expect(page.get_by_label("Tiêu đề")).to_have_value("Báo cáo kết quả")
    page.get_by_label("Số/ký hiệu").fill("12/BC-UBND")
    page.get_by_role("button", name="Tải lên").click()
    evidence = page.locator("section[aria-labelledby=ev-title] table")
    expect(evidence.get_by_text("12/BC-UBND")).to_be_visible()
    expect(evidence.get_by_text("v1")).to_be_visible()

    page.get_by_label("Tiến độ (%)").fill("100")
    page.get_by_label("Kết quả", exact=True).fill("Đã ban hành kế hoạch và tổ chức thực hiện.")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("progress-value")).to_have_text("100%")
    _assert_accessible(page, axe_path, "assignment detail")
    page.screenshot(path=str(shots / "04-assignment-detail.png"), full_page=True)
    # an officer cannot submit
    expect(page.get_by_role("button", name="Gửi duyệt")).to_have_count(0)
    ui_logout(page)

    # Unit head submits
    ui_login(page, "chutich.hoatham")
    page.goto(detail)
    page.get_by_role("button", name="Gửi duyệt").click()
    expect(page.get_by_test_id("status-tag")).to_have_text("Chờ duyệt")
    ui_logout(page)

    # Phòng Nội vụ returns it with a reason from the review queue
    ui_login(page, "noivu")
    page.goto("/review")
    row = page.locator("tr", has=page.locator(f'a[href="{detail}"]'))
    expect(row).to_be_visible()
    page.screenshot(path=str(shots / "05-review-queue.png"), full_page=True)
    row.get_by_role("button", name="Trả lại").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Lý do trả lại").fill("Thiếu số liệu kết quả quý III.")
    dialog.get_by_role("button", name="Trả lại").click()
    expect(page.locator(f'a[href="{detail}"]')).to_have_count(0)
    ui_logout(page)

    # The officer sees the reason and fixes the result; the head resubmits
    ui_login(page, "canbo.hoatham")
    page.goto(detail)
    expect(page.get_by_test_id("return-reason")).to_have_text("Thiếu số liệu kết quả quý III.")
    page.get_by_label("Kết quả", exact=True).fill("Đã ban hành kế hoạch; quý III: 98 % hồ sơ đúng hạn.")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu")).to_be_visible()
    ui_logout(page)
    ui_login(page, "chutich.hoatham")
    page.goto(detail)
    page.get_by_role("button", name="Gửi duyệt").click()
    expect(page.get_by_test_id("status-tag")).to_have_text("Chờ duyệt")
    ui_logout(page)

    # Phòng Nội vụ approves; the dashboard's "done" count grows by one
    ui_login(page, "noivu")
    page.goto(detail)
    page.get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.get_by_test_id("status-tag")).to_have_text("Đã duyệt")
    _open_dashboard(page)
    assert _done(page) == done_before + 1
    page.screenshot(path=str(shots / "06-dashboard-after.png"), full_page=True)


def test_other_commune_never_sees_it(page: Page, server: str, target: dict[str, Any], shots: Path) -> None:
    detail = f"/assignments/{target['id']}"
    ui_login(page, "canbo.tanvan")
    page.goto("/my-work")
    expect(page.get_by_test_id("assignment-row").first).to_be_visible()
    expect(page.locator(f'a[href="{detail}"]')).to_have_count(0)
    page.goto(detail)
    expect(page.get_by_text("Không tìm thấy hoặc bạn không có quyền xem.")).to_be_visible()
    page.screenshot(path=str(shots / "07-foreign-not-found.png"), full_page=True)


def test_phone_width_my_work(browser: Any, server: str, target: dict[str, Any], shots: Path) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server)
    page = ctx.new_page()
    try:
        ui_login(page, "canbo.hoatham")
        page.goto("/my-work")
        expect(page.get_by_test_id("assignment-row").first).to_be_visible()
        # nothing wider than the phone: no horizontal scrolling of the page
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(shots / "08-my-work-390px.png"), full_page=True)
        token = api_token(server, "canbo.hoatham")
        open_items = [
            a
            for a in api_json(server, "/assignments?mine=true&limit=200", token)["items"]
            if a["status"] != "approved"
        ]
        page.locator(f'a[href="/assignments/{open_items[-1]["id"]}"]').first.click()
        expect(page.locator('input[type="file"]').first).to_be_attached()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(shots / "09-assignment-390px.png"), full_page=True)
    finally:
        ctx.close()


def test_plan_framework_and_admin_screens(page: Page, server: str, shots: Path) -> None:
    ui_login(page, "noivu")
    page.goto("/plans")
    table = page.locator(".ant-table").first  # the appendix; the plan's history table follows it
    page.screenshot(path=str(shots / "10-plan-appendix.png"), full_page=True)
    expect(table.get_by_role("columnheader", name="Chủ trì")).to_be_visible()
    expect(table.locator("tbody tr").nth(3)).to_be_visible()
    page.screenshot(path=str(shots / "10-plan-appendix.png"), full_page=True)
    page.goto("/frameworks")
    expect(page.get_by_role("treeitem").first).to_be_visible()
    # demo criteria whose points are not verified against the source carry a visible flag
    expect(page.get_by_role("treeitem").first.get_by_text("chưa xác minh")).to_be_visible()
    page.screenshot(path=str(shots / "11-framework-tree.png"), full_page=True)
    page.goto("/admin/units")
    expect(page.get_by_role("tab", name="Đơn vị")).to_be_visible()
    expect(page.get_by_text("UBND xã Hoa Thám", exact=False).first).to_be_visible()
    page.goto("/reports")
    expect(page.get_by_role("columnheader", name="Kỳ báo cáo")).to_be_visible()
    page.goto("/imports")
    expect(page.get_by_role("button", name="Kiểm tra (chạy thử)")).to_be_disabled()
