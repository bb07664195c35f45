"""Administration and the dashboard trend in a real browser (noivu = Phòng Nội vụ, district admin of Bình Gia).

- noivu creates a user for xã Hoa Thám with a role; the new user signs in, must first replace the password an
  administrator chose, and then sees only Hoa Thám's work;
- noivu creates an API token: the secret is shown once (copy button, warning), works, is gone after a reload,
  and the token is revoked;
- noivu adds a child unit (a duplicate code is refused next to the field), edits it while someone else changes it
  (stale ETag → "someone changed this, reload"), reloads, saves, deactivates it;
- the audit log shows those changes with before / after;
- the dashboard draws the trend (an svg with points) monthly and weekly, and a point opens the filtered list;
- axe-core finds no serious / critical violation on the admin pages; screenshots saved.
"""

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import api_json, api_token, axe_violations, ui_login, ui_logout

pytestmark = pytest.mark.e2e

NEW_USER = "canbo2.hoatham"
NEW_PASSWORD = "Tam-thoi@2026-Moi"  # not containing the unit code (password rule)
OWN_PASSWORD = "Mat-khau-cua-Hoang-Moi-2026"  # chosen by the user at first sign-in
HOA_THAM = "LS.BG.X.HOATHAM"


def _accessible(page: Page, axe: Path, name: str) -> None:
    bad = axe_violations(page, axe)
    assert not bad, f"{name}: serious/critical axe violations: {bad}"


def _call(
    base: str, method: str, path: str, token: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any, dict[str, str]]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{base}/api/v1{path}", data=data, method=method)
    req.add_header("Content-Type", "application/json")
    req.add_header("Authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null"), dict(e.headers)


def _pick(page: Page, field: Locator, text: str, option: str | re.Pattern[str] | None = None) -> None:
    """Choose in an antd Select: open it, type to filter, click the visible option."""
    field.click()
    field.fill(text)
    page.locator(".ant-select-item-option:visible").filter(has_text=option or text).first.click()
    expect(page.locator(".ant-select-dropdown:visible")).to_have_count(0)


def _choose(page: Page, field: Locator, option: str | re.Pattern[str]) -> None:
    """Choose in an antd Select without search."""
    field.click()
    page.locator(".ant-select-item-option:visible").filter(has_text=option).first.click()
    expect(page.locator(".ant-select-dropdown:visible")).to_have_count(0)


def _dialog(page: Page, title: str) -> Locator:
    d = page.get_by_role("dialog").filter(has_text=title)
    expect(d).to_be_visible()
    return d


def test_noivu_creates_a_hoa_tham_user_who_sees_only_hoa_tham(
    page: Page, server: str, shots: Path, axe_path: Path
) -> None:
    ui_login(page, "noivu")
    page.goto("/admin/users")
    expect(page.get_by_role("tab", name="Người dùng")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("button", name="canbo.hoatham", exact=True)).to_be_visible()
    _accessible(page, axe_path, "admin users")
    page.screenshot(path=str(shots / "60-admin-users.png"), full_page=True)

    # Filter by unit: only people with a role in Hoa Thám are listed.
    _pick(page, page.get_by_label("Đơn vị", exact=True), HOA_THAM)
    expect(page.get_by_role("button", name="canbo.vhtt")).to_have_count(0)
    expect(page.get_by_role("button", name="chutich.hoatham")).to_be_visible()

    page.get_by_test_id("new-user").click()
    d = _dialog(page, "Thêm người dùng")
    d.get_by_label("Tên đăng nhập").fill(NEW_USER)
    d.get_by_label("Họ và tên").fill("Hoàng Thị Mới")
    d.get_by_label("Mật khẩu ban đầu").fill(NEW_PASSWORD)
    d.get_by_label("Thư điện tử").fill("khong-phai-email")
    _pick(page, d.get_by_label("Đơn vị"), HOA_THAM)
    _choose(page, d.get_by_label("Vai trò"), re.compile(r"^Cán bộ$"))
    d.get_by_role("button", name="Tạo", exact=True).click()
    expect(
        d.get_by_text("Địa chỉ thư điện tử không hợp lệ")
    ).to_be_visible()  # checked before anything is sent
    d.get_by_label("Thư điện tử").fill("moi.hoatham@example.vn")
    expect(d.locator(".ant-form-item-explain-error")).to_have_count(0)  # the message has faded out
    _accessible(page, axe_path, "create user dialog")
    d.get_by_role("button", name="Tạo", exact=True).click()

    shown = _dialog(page, "Gửi mật khẩu này")
    expect(shown.get_by_test_id("initial-password")).to_contain_text(NEW_PASSWORD)
    shown.get_by_role("button").last.click()
    drawer = page.get_by_role("dialog").filter(has=page.get_by_test_id("user-username"))
    expect(drawer.get_by_test_id("user-username")).to_have_text(NEW_USER)
    expect(drawer.locator(".ant-list-item").filter(has_text="Cán bộ")).to_contain_text("UBND xã Hoa Thám")
    _accessible(page, axe_path, "user drawer")
    page.screenshot(path=str(shots / "61-admin-user-created.png"), full_page=True)
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    expect(page).not_to_have_url(re.compile(r"user="))
    ui_logout(page)

    # The new account: only Hoa Thám's assignments, as many as the commune's own officer sees.
    ui_login(page, NEW_USER, NEW_PASSWORD)
    # noivu chose that password: the first screen asks for the user's own, and nothing else opens until then.
    forced = page.get_by_role("heading", name="Đổi mật khẩu")
    expect(forced).to_be_visible()
    _accessible(page, axe_path, "forced password change")
    page.screenshot(path=str(shots / "62a-new-user-changes-password.png"), full_page=True)
    page.get_by_label("Mật khẩu hiện tại").fill(NEW_PASSWORD)
    page.get_by_label("Mật khẩu mới", exact=True).fill(OWN_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(OWN_PASSWORD)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(forced).to_be_hidden()
    page.goto("/assignments")
    rows = page.get_by_test_id("assignment-row")
    expect(rows.first).to_be_visible()
    expected = api_json(server, "/assignments?limit=1", api_token(server, "canbo.hoatham"))["total"]
    assert expected > 0
    expect(page.locator("p.count")).to_contain_text(f"Tổng số: {expected}")
    metas = rows.locator(".meta").all_inner_texts()
    assert metas and all("Hoa Thám" in m for m in metas), metas[:5]
    mine = api_json(server, "/assignments?limit=500", _login(server))
    assert {a["unit_name"] for a in mine["items"]} == {"UBND xã Hoa Thám"}
    page.screenshot(path=str(shots / "62-new-user-sees-hoa-tham.png"), full_page=True)


def _login(server: str) -> str:
    return str(
        api_json(server, "/auth/login", body={"username": NEW_USER, "password": OWN_PASSWORD})["access_token"]
    )


def test_api_token_secret_is_shown_once(page: Page, server: str, shots: Path, axe_path: Path) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    ui_login(page, "noivu")
    page.goto("/admin/tokens")
    page.get_by_test_id("new-token").click()
    d = _dialog(page, "Tạo mã truy cập")
    d.get_by_label("Tên", exact=True).fill("Đồng bộ thử nghiệm e2e")
    _pick(page, d.get_by_label("Đơn vị"), "LS.BG)", "(LS.BG)")
    # Only what a district token may hold and noivu holds: never reports:approve (leaders only). Permissions are
    # named in Vietnamese, never by their codes.
    expect(d.get_by_label("Xem nhiệm vụ", exact=True)).to_be_visible()  # assignments:read
    expect(d.get_by_label("Phê duyệt báo cáo", exact=True)).to_have_count(0)  # reports:approve
    expect(d.get_by_text("assignments:read")).to_have_count(0)
    d.get_by_role("button", name="Chỉ đọc").click()
    expect(d.get_by_label("Xem tổng quan", exact=True)).to_be_checked()  # dashboards:read
    expect(d.get_by_label("Quản lý người dùng và vai trò", exact=True)).not_to_be_checked()  # users:manage
    _accessible(page, axe_path, "create token dialog")
    d.get_by_role("button", name="Tạo", exact=True).click()

    s = _dialog(page, "Đã tạo mã truy cập")
    expect(s.get_by_text("Mã chỉ hiển thị một lần")).to_be_visible()
    secret = s.get_by_test_id("token-secret").input_value()
    assert secret.startswith("pst") and len(secret) > 30
    s.get_by_test_id("copy-secret").click()
    expect(s.get_by_test_id("copy-secret")).to_have_text("Đã sao chép")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    _accessible(page, axe_path, "token secret dialog")
    page.screenshot(path=str(shots / "63-admin-token-secret.png"), full_page=True)

    status, me, _ = _call(server, "GET", "/me", secret)
    assert status == 200 and me["kind"] == "token" and "users:manage" not in me["permissions"], (status, me)

    s.get_by_test_id("secret-done").click()
    expect(s).to_be_hidden()
    assert secret not in page.content()
    page.reload()
    row = page.locator("tr").filter(has_text="Đồng bộ thử nghiệm e2e")
    expect(row).to_be_visible()
    expect(row).to_contain_text(secret[:10])  # the prefix, never the secret
    assert secret not in page.content()
    expect(page.get_by_test_id("token-secret")).to_have_count(0)
    _accessible(page, axe_path, "admin tokens")
    page.screenshot(path=str(shots / "64-admin-tokens.png"), full_page=True)

    row.get_by_role("button", name="Thu hồi: Đồng bộ thử nghiệm e2e").click()
    page.locator(".ant-popconfirm-buttons:visible").get_by_role("button", name="Thu hồi").click()
    expect(row.get_by_text("Đã thu hồi")).to_be_visible()
    assert _call(server, "GET", "/me", secret)[0] == 401


def test_units_create_conflict_reload_deactivate_and_audit(
    page: Page, server: str, shots: Path, axe_path: Path
) -> None:
    token = api_token(server, "noivu")
    bg = api_json(server, "/org-units?q=LS.BG&level=district&limit=50", token)["items"]
    bg_id = next(u["id"] for u in bg if u["code"] == "LS.BG")

    ui_login(page, "noivu")
    page.goto(f"/admin/units?unit={bg_id}")
    expect(page.get_by_test_id("unit-code")).to_have_text("LS.BG")
    expect(page.get_by_test_id(f"unit-node-{HOA_THAM}")).to_be_visible()
    _accessible(page, axe_path, "admin units")
    page.screenshot(path=str(shots / "65-admin-units.png"), full_page=True)

    # A child unit; the API's duplicate-code refusal is shown next to the code field.
    page.get_by_role("button", name="Thêm đơn vị trực thuộc").click()
    d = _dialog(page, "Thêm đơn vị trực thuộc")
    expect(d.get_by_label("Mã", exact=True)).to_have_value("LS.BG.")
    d.get_by_label("Mã", exact=True).fill(HOA_THAM)
    d.get_by_label("Tên", exact=True).fill("UBND xã Thử Nghiệm")
    d.get_by_role("button", name="Tạo", exact=True).click()
    expect(d.locator("#unit-create_code_help")).to_contain_text("Mã đã tồn tại")  # next to the code field
    expect(d.get_by_role("alert")).to_contain_text("đã tồn tại")
    d.get_by_label("Mã", exact=True).fill("LS.BG.X.THUNGHIEM")
    # (antd may still be fading out the first attempt's spinner icon: the name can read "loading Tạo")
    d.get_by_role("button", name=re.compile(r"Tạo$")).click()
    expect(page.get_by_test_id("unit-code")).to_have_text("LS.BG.X.THUNGHIEM")
    unit_id = int(re.search(r"unit=(\d+)", page.url).group(1))  # type: ignore[union-attr]

    # Edit while someone else saves the same unit: 412 → "someone changed this, reload".
    page.get_by_role("button", name="Sửa", exact=True).click()
    expect(page.get_by_label("Mã", exact=True)).to_be_disabled()
    page.get_by_label("Tên", exact=True).fill("UBND xã Thử Nghiệm (sửa)")
    status, cur, headers = _call(server, "GET", f"/org-units/{unit_id}", token)
    status, _, _ = _call(
        server,
        "PATCH",
        f"/org-units/{unit_id}",
        token,
        {"short_name": "Xã Thử"},
        {"If-Match": headers["etag"]},
    )
    assert status == 200
    page.get_by_role("button", name="Lưu", exact=True).click()
    conflict = page.get_by_test_id("conflict")
    expect(conflict).to_contain_text("Dữ liệu đã bị người khác thay đổi")
    expect(conflict).to_contain_text("Hãy tải lại")
    _accessible(page, axe_path, "unit conflict")
    page.screenshot(path=str(shots / "66-admin-unit-conflict.png"), full_page=True)
    conflict.get_by_role("button", name="Tải lại").click()
    expect(page.get_by_test_id("conflict")).to_have_count(0)
    expect(page.get_by_label("Tên viết tắt")).to_have_value("Xã Thử")  # the other person's change
    page.get_by_label("Tên", exact=True).fill("UBND xã Thử Nghiệm (sửa)")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_test_id("unit-name")).to_have_text("UBND xã Thử Nghiệm (sửa)")

    # Deactivate (never deleted once it has history): reason required, end date recorded.
    page.get_by_role("button", name="Ngừng hoạt động").click()
    d = _dialog(page, "Đơn vị đã có dữ liệu không bao giờ bị xóa")
    d.get_by_label("Lý do").fill("Thử nghiệm sáp nhập")
    d.get_by_role("button", name="Ngừng hoạt động").click()
    expect(page.locator(".ant-card-head").get_by_text("Ngừng hoạt động")).to_be_visible()
    assert api_json(server, f"/org-units/{unit_id}", token)["is_active"] is False

    # The audit log: filtered to this unit, before / after of the edit shown as a table.
    page.get_by_role("link", name="Xem nhật ký").click()
    expect(page).to_have_url(re.compile(r"/admin/audit\?entity_type=org_unit&entity_id=\d+"))
    rows = page.locator("tr.ant-table-row")
    expect(rows).to_have_count(4)  # create, two updates, deactivate
    rows.filter(has_text="cập nhật").first.get_by_role("button").first.click()
    changes = page.locator("table.audit-changes").first
    expect(changes).to_be_visible()
    expect(changes.get_by_role("columnheader", name="Trước")).to_be_visible()
    expect(changes.get_by_role("columnheader", name="Sau")).to_be_visible()
    _accessible(page, axe_path, "admin audit")
    page.screenshot(path=str(shots / "67-admin-audit.png"), full_page=True)

    # Narrow screen (390 px): the unit screen still works.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/admin/units?unit={unit_id}")
    expect(page.get_by_test_id("unit-name")).to_have_text("UBND xã Thử Nghiệm (sửa)")
    page.screenshot(path=str(shots / "68-admin-units-390.png"), full_page=True)


def test_dashboard_draws_the_trend(page: Page, server: str, shots: Path, axe_path: Path) -> None:
    ui_login(page, "noivu")
    page.goto("/dashboard")
    chart = page.get_by_test_id("trend-chart")
    expect(chart.locator("svg").first).to_be_visible()
    dots = chart.locator("circle.trend-dot")
    # five series (came due, on time, late, overdue, chờ duyệt), January … October 2024 (as-of 15/10/2024)
    expect(dots).to_have_count(5 * 10)
    token = api_token(server, "noivu")
    trend = api_json(server, "/dashboards/trend", token)
    summary = api_json(server, "/dashboards/summary", token)
    last = trend["points"][-1]
    assert last["period_end"] == "2024-10-15" and last["overdue"] == summary["buckets"]["overdue"] > 0
    aria = chart.get_attribute("aria-label") or ""
    assert f"{last['overdue']}" in aria
    _accessible(page, axe_path, "dashboard with trend")
    page.screenshot(path=str(shots / "69-dashboard-trend.png"), full_page=True)

    # The table under the chart: the as-of overdue figure links to today's overdue list.
    page.get_by_text("Bảng số liệu xu hướng").click()
    table = page.get_by_test_id("trend-table")
    first = table.locator("tbody tr").first
    expect(first).to_contain_text("15/10/2024")
    expect(first.get_by_role("link", name=str(last["overdue"]))).to_have_attribute(
        "href", "/assignments?bucket=overdue"
    )

    page.get_by_text("Theo tuần").click()
    expect(dots).to_have_count(5 * 13)  # 13 weeks: from Monday 22/07 to the as-of date
    _accessible(page, axe_path, "dashboard weekly trend")
    page.screenshot(path=str(shots / "70-dashboard-trend-weekly.png"), full_page=True)

    # dispatched on the circle itself: another series' point may be drawn on top of it
    chart.locator("circle.trend-dot[data-series=due]").first.dispatch_event("click")
    expect(page).to_have_url(re.compile(r"/assignments\?due_to=2024-07-28$"))
    expect(page.get_by_test_id("assignment-row").first).to_be_visible()
