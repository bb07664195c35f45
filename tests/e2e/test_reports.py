"""The periodic reports in a real browser: a commune opens, drafts, submits its Quý III report; Phòng Nội vụ returns
it with a reason, the commune fixes and resubmits, Phòng Nội vụ accepts it (figures frozen); exports; scoping; the
district report approved by the leader and its delivery to the provincial portal; a11y; 390 px."""

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import api_json, api_token, axe_violations, type_date, ui_login, ui_logout

pytestmark = pytest.mark.e2e

HOATHAM = "UBND xã Hoa Thám"
BUCKETS = ("done_on_time", "done_late", "in_progress_on_time", "overdue")


def _call(
    base: str,
    method: str,
    path: str,
    token: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], Any]:
    """One API request; returns (status, headers, JSON body) for errors as well as successes."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{base}/api/v1{path}", data=data, method=method)
    req.add_header("Content-Type", "application/json")
    req.add_header("Authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, dict(r.headers), json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read() or b"null")


def _period(base: str, token: str, kind: str) -> dict[str, Any]:
    items = api_json(base, "/report-periods?year=2024&limit=50", token)["items"]
    return next(p for p in items if p["kind"] == kind)


def _unit_id(base: str, token: str) -> int:
    me = api_json(base, "/me", token)
    return int(me["memberships"][0]["unit_id"])


def _n(text: str) -> int:
    """A number as the UI shows it (vi-VN: "1.234")."""
    return int(text.replace(".", "").replace(",", "").replace("\u00a0", "").strip())


def _assert_figures_match(page: Page, figures: dict[str, Any], prefix: str = "fig") -> None:
    """The figures table shows exactly the API's numbers."""
    expect(page.get_by_test_id(f"{prefix}-total")).to_have_text(re.compile(r"\d"))
    assert _n(page.get_by_test_id(f"{prefix}-total").inner_text()) == figures["total"]
    for b in BUCKETS:
        assert _n(page.get_by_test_id(f"{prefix}-{b}").inner_text()) == figures["buckets"][b], b
    assert _n(page.get_by_test_id(f"{prefix}-completed").inner_text()) == figures["completed_in_window"]
    assert _n(page.get_by_test_id(f"{prefix}-evidence").inner_text()) == figures["evidence_in_window"]


def _assert_accessible(page: Page, axe: Path, name: str) -> None:
    bad = axe_violations(page, axe)
    assert not bad, f"{name}: serious/critical axe violations: {bad}"


def _confirm(page: Page, button: str) -> None:
    """Press the action, then the same-named button of the confirmation dialog."""
    page.get_by_role("button", name=button, exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=button, exact=True).click()
    # approval freezes the figures (survey included) and queues the delivery: time on a loaded CI machine
    expect(dialog).to_have_count(0, timeout=15_000)


@pytest.fixture(scope="module")
def q1_report(server: str) -> dict[str, Any]:
    """A Quý I report of Hoa Thám opened through the API (independent of the UI flow below)."""
    token = api_token(server, "chutich.hoatham")
    period = _period(server, token, "q1")
    status, _, body = _call(
        server,
        "POST",
        "/reports",
        token,
        {"period_id": period["id"], "unit_id": _unit_id(server, token)},
        {"Idempotency-Key": "e2e-reports-q1-hoatham"},
    )
    assert status == 201, body
    return dict(body)


def test_unit_report_cycle(page: Page, server: str, shots: Path, axe_path: Path) -> None:
    head = api_token(server, "chutich.hoatham")

    # The commune head sees the four periods with their windows and the unverified default due dates
    ui_login(page, "chutich.hoatham")
    page.goto("/reports")
    card = page.get_by_test_id("period-q3")
    expect(card).to_be_visible()
    for kind in ("q1", "h1", "year"):
        expect(page.get_by_test_id(f"period-{kind}")).to_be_visible()
    expect(card.get_by_text("15/06/2024 – 14/09/2024")).to_be_visible()
    expect(card.get_by_test_id("default-due")).to_have_text("Hạn nộp mặc định – chưa xác minh")
    _assert_accessible(page, axe_path, "reports page")
    page.screenshot(path=str(shots / "20-reports-periods.png"), full_page=True)

    # … and opens the Quý III report of the commune
    card.get_by_role("button", name="Tạo báo cáo").click()
    expect(page).to_have_url(re.compile(r"/reports/\d+$"))
    rid = int(page.url.rsplit("/", 1)[1])
    url = f"/reports/{rid}"
    expect(page.get_by_test_id("report-status")).to_have_text("Dự thảo")
    expect(page.get_by_test_id("report-unit")).to_have_text(HOATHAM)
    expect(page.get_by_test_id("figures-mode")).to_have_attribute("data-live", "true")
    _, _, live = _call(server, "GET", url, head)
    assert live["live"] is True and live["figures"]["total"] > 0
    _assert_figures_match(page, live["figures"])

    # Draft: narrative saved with If-Match
    page.get_by_label("Kết quả nổi bật").fill("Hoàn thành 13 nhiệm vụ trong kỳ; 98 % hồ sơ TTHC đúng hạn.")
    page.get_by_label("Người ký", exact=True).fill("Hoàng Văn Minh")
    page.get_by_role("button", name="Lưu nội dung").click()
    expect(page.get_by_text("Đã lưu")).to_be_visible()
    status, headers, saved = _call(server, "GET", url, head)
    assert saved["narrative"]["ket_qua"].startswith("Hoàn thành 13 nhiệm vụ")
    assert saved["signer"] == "Hoàng Văn Minh"
    _assert_accessible(page, axe_path, "report editor (draft)")
    page.screenshot(path=str(shots / "21-report-editor-draft.png"), full_page=True)

    # Someone else saves in between: the stale save answers 412 and the page says so in place
    status, _, _ = _call(
        server, "PATCH", url, head, {"signer_title": "Chủ tịch UBND xã"}, {"If-Match": headers["etag"]}
    )
    assert status == 200
    page.get_by_label("Tồn tại, hạn chế").fill("Một số nhiệm vụ quá hạn.")
    page.get_by_role("button", name="Lưu nội dung").click()
    conflict = page.get_by_test_id("conflict")
    expect(conflict).to_contain_text("Báo cáo đã được người khác thay đổi")
    expect(conflict).to_contain_text("đã được người khác cập nhật")
    conflict.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "22-report-conflict.png"), full_page=False)
    conflict.get_by_role("button", name="Tải lại bản mới nhất").click()
    expect(page.get_by_test_id("conflict")).to_have_count(0)
    expect(page.get_by_label("Chức vụ người ký")).to_have_value("Chủ tịch UBND xã")

    # Submit: the unsaved section is saved first; submitted after the unit due date (06/09) → late
    page.get_by_label("Tồn tại, hạn chế").fill("Còn 18 lượt nhiệm vụ quá hạn tại ngày chốt số liệu.")
    _confirm(page, "Gửi báo cáo")
    expect(page.get_by_test_id("report-status")).to_have_text("Đã gửi, chờ xử lý")
    expect(page.get_by_text("Nộp muộn").first).to_be_visible()
    expect(page.get_by_test_id("narrative-ton_tai_han_che")).to_have_text(
        "Còn 18 lượt nhiệm vụ quá hạn tại ngày chốt số liệu."
    )
    expect(page.get_by_role("button", name="Lưu nội dung")).to_have_count(0)
    ui_logout(page)

    # Phòng Nội vụ returns it with a reason
    ui_login(page, "noivu")
    page.goto(url)
    expect(page.get_by_role("button", name="Tiếp nhận", exact=True)).to_be_visible()
    page.get_by_role("button", name="Trả lại", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("button", name="Trả lại")).to_be_disabled()  # a reason is required
    dialog.get_by_label("Lý do trả lại").fill("Bổ sung kết quả giải quyết TTHC quý III.")
    dialog.get_by_role("button", name="Trả lại").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Bị trả lại")
    ui_logout(page)

    # The commune sees the reason, fixes the narrative and resubmits
    ui_login(page, "chutich.hoatham")
    page.goto(url)
    expect(page.get_by_test_id("return-reason")).to_have_text("Bổ sung kết quả giải quyết TTHC quý III.")
    page.get_by_label("Kết quả nổi bật").fill("Quý III: 412 hồ sơ TTHC, 98 % giải quyết đúng hạn.")
    page.get_by_role("button", name="Lưu nội dung").click()
    expect(page.get_by_text("Đã lưu")).to_be_visible()
    page.screenshot(path=str(shots / "23-report-returned.png"), full_page=True)
    # the button reads "Gửi lại báo cáo", its confirmation "Gửi báo cáo"
    page.get_by_role("button", name="Gửi lại báo cáo").click()
    page.get_by_role("dialog").get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Đã gửi, chờ xử lý")
    ui_logout(page)

    # Phòng Nội vụ accepts: the figures are frozen and still match the API
    ui_login(page, "noivu")
    page.goto(url)
    _confirm(page, "Tiếp nhận")
    expect(page.get_by_test_id("report-status")).to_have_text("Đã tiếp nhận")
    expect(page.get_by_test_id("figures-mode")).to_have_attribute("data-live", "false")
    noivu = api_token(server, "noivu")
    _, _, frozen = _call(server, "GET", url, noivu)
    assert frozen["status"] == "accepted" and frozen["live"] is False and frozen["frozen_at"]
    _assert_figures_match(page, frozen["figures"])
    assert frozen["narrative"]["ket_qua"] == "Quý III: 412 hồ sơ TTHC, 98 % giải quyết đúng hạn."
    expect(page.get_by_role("button", name="Tiếp nhận", exact=True)).to_have_count(0)
    _assert_accessible(page, axe_path, "report editor (accepted)")
    page.screenshot(path=str(shots / "24-report-accepted.png"), full_page=True)

    # DOCX export: a real Word file (zip) under the API's file name
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải DOCX (văn bản)").click()
    download = info.value
    content = Path(download.path()).read_bytes()
    assert content[:4] == b"PK\x03\x04" and len(content) > 2000
    assert download.suggested_filename.endswith(".docx")
    assert download.suggested_filename.startswith("bao-cao-")


def test_other_commune_cannot_open_it(
    page: Page, server: str, q1_report: dict[str, Any], shots: Path
) -> None:
    rid = q1_report["id"]
    tanvan = api_token(server, "chutich.tanvan")
    status, _, problem = _call(server, "GET", f"/reports/{rid}", tanvan)
    assert status == 404 and problem["detail"]
    ui_login(page, "chutich.tanvan")
    page.goto("/reports")
    expect(page.get_by_test_id("period-q1")).to_be_visible()
    expect(page.get_by_test_id(f"report-row-{rid}")).to_have_count(0)
    expect(page.get_by_text(HOATHAM)).to_have_count(0)
    page.goto(f"/reports/{rid}")
    expect(page.get_by_test_id("report-not-found")).to_contain_text(
        "Không tìm thấy hoặc bạn không có quyền xem."
    )
    expect(page.get_by_test_id("figures-mode")).to_have_count(0)
    page.screenshot(path=str(shots / "25-report-foreign-not-found.png"), full_page=True)


def test_district_report_approval_and_delivery(page: Page, server: str, shots: Path, axe_path: Path) -> None:
    noivu = api_token(server, "noivu")
    # Phòng Nội vụ opens the district's Quý III aggregate report from the period card
    ui_login(page, "noivu")
    page.goto("/reports")
    page.get_by_test_id("period-q3").get_by_role("button", name="Tạo báo cáo tổng hợp").click()
    expect(page).to_have_url(re.compile(r"/reports/\d+$"))
    rid = int(page.url.rsplit("/", 1)[1])
    url = f"/reports/{rid}"
    _, _, report = _call(server, "GET", url, noivu)
    assert report["level"] == "district"
    figures = report["figures"]
    _assert_figures_match(page, figures)
    _assert_figures_match(page, figures["reported_totals"], "reported")  # the accepted unit reports, summed
    expect(page.get_by_test_id("accepted-count")).to_contain_text(
        f"{figures['accepted_reports']} / {figures['units_expected']}"
    )
    not_reported = page.get_by_test_id("not-reported")
    expect(not_reported.locator("li")).to_have_count(len(figures["not_reported"]))
    expect(not_reported.get_by_text("UBND xã Tân Văn")).to_be_visible()
    expect(page.get_by_text("Báo cáo được gửi lên cổng của tỉnh sau khi lãnh đạo phê duyệt.")).to_be_visible()
    # units have not reported: the confirmation lists them and sending needs an explicit "Vẫn gửi báo cáo"
    page.get_by_role("button", name="Gửi báo cáo", exact=True).click()
    dialog = page.get_by_role("dialog")
    listed = dialog.get_by_test_id("confirm-missing-units")
    expect(listed.locator("li")).to_have_count(len(figures["not_reported"]))
    expect(listed.get_by_text("UBND xã Tân Văn")).to_be_visible()
    dialog.get_by_role("button", name="Vẫn gửi báo cáo", exact=True).click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("report-status")).to_have_text("Đã gửi, chờ xử lý")
    expect(page.get_by_role("button", name="Phê duyệt")).to_have_count(0)  # Phòng Nội vụ does not approve
    ui_logout(page)

    # The leader approves: frozen, queued for the provincial portal
    ui_login(page, "chutich")
    page.goto(url)
    _confirm(page, "Phê duyệt")
    expect(page.get_by_test_id("report-status")).to_have_text("Đã phê duyệt")
    expect(page.get_by_test_id("figures-mode")).to_have_attribute("data-live", "false")
    deliveries = api_json(server, f"/portal-deliveries?report_id={rid}", noivu)["items"]
    assert len(deliveries) == 1 and deliveries[0]["portal_configured"] is False  # no PARSIPAS_PORTAL_URL here
    # the portal is not configured: said plainly, not "Chờ gửi" with a next attempt already past
    expect(page.get_by_test_id("delivery-status")).to_have_text("Chưa gửi (chưa cấu hình cổng)")
    expect(page.get_by_test_id("portal-not-configured")).to_contain_text(
        "Chưa cấu hình cổng tiếp nhận của tỉnh: báo cáo chưa được gửi"
    )
    expect(page.get_by_test_id("delivery-attempts")).to_have_text(str(deliveries[0]["attempts"]))
    # the leader does not manage the portal
    expect(page.get_by_role("button", name="Gửi ngay")).to_have_count(0)
    _assert_accessible(page, axe_path, "district report (approved)")
    page.screenshot(path=str(shots / "26-district-report-approved.png"), full_page=True)
    ui_logout(page)

    # Phòng Nội vụ sees the delivery and asks for it to be sent now
    ui_login(page, "noivu")
    page.goto(url)
    expect(page.get_by_test_id("delivery-status")).to_have_text("Chưa gửi (chưa cấu hình cổng)")
    expect(page.get_by_role("button", name="Gửi ngay")).to_have_count(0)  # nothing could send it
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải XLSX (số liệu)").click()
    assert Path(info.value.path()).read_bytes()[:4] == b"PK\x03\x04"
    page.screenshot(path=str(shots / "27-district-delivery.png"), full_page=True)


def test_phone_width_reports(browser: Any, server: str, q1_report: dict[str, Any], shots: Path) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server, locale="vi-VN")
    page = ctx.new_page()
    try:
        ui_login(page, "chutich.hoatham")
        page.goto("/reports")
        expect(page.get_by_test_id("period-q1")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(shots / "28-reports-390px.png"), full_page=True)
        page.goto(f"/reports/{q1_report['id']}")
        expect(page.get_by_test_id("fig-total")).to_be_visible()
        expect(page.get_by_label("Kết quả nổi bật")).to_be_editable()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(shots / "29-report-editor-390px.png"), full_page=True)
    finally:
        ctx.close()


def test_period_due_dates_edit(page: Page, server: str, shots: Path, axe_path: Path) -> None:
    """Phòng Nội vụ replaces the unverified default due date of a period (If-Match); the flag goes away."""
    ui_login(page, "noivu")
    page.goto("/reports")
    card = page.get_by_test_id("period-year")
    expect(card.get_by_test_id("default-due")).to_be_visible()
    card.get_by_role("button", name="Sửa thời hạn").click()
    dialog = page.get_by_role("dialog")
    due = dialog.get_by_label("Hạn đơn vị gửi huyện")
    expect(due).to_have_value("06/12/2024")
    _assert_accessible(page, axe_path, "period dialog")
    type_date(due, "04/12/2024")
    dialog.get_by_role("button", name="Lưu").click()
    expect(dialog).to_have_count(0)
    expect(card.get_by_test_id("default-due")).to_have_count(0)
    expect(card.get_by_text("04/12/2024")).to_be_visible()
    period = _period(server, api_token(server, "noivu"), "year")
    assert period["due_unit"] == "2024-12-04" and period["due_dates_are_defaults"] is False
    page.screenshot(path=str(shots / "30-period-edited.png"), full_page=True)
