"""Notifications in a real browser: Phòng Nội vụ returns a Hoa Thám item with a reason from the review queue; the
commune officer's bell counts it at once, the inbox shows the reason with a link to the item, and the count drops
after reading. axe-core on the inbox and on the account page's preferences; the district admin's account page says
that the e-mail channel is off (no SMTP settings), and lets it replace a notification text (refused, previewed,
saved, reset)."""

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import api_json, api_token, axe_violations, ui_login, ui_logout

pytestmark = pytest.mark.e2e
REASON = "Thiếu biên bản kiểm tra kèm theo, đề nghị bổ sung trước ngày 20/10/2024."


def _send(base: str, method: str, path: str, token: str, body: Any = None) -> tuple[Any, str]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{base}/api/v1{path}", data=data, method=method)
    req.add_header("Content-Type", "application/json")
    req.add_header("Authorization", f"Bearer {token}")
    if method != "GET":
        _, etag = _send(base, "GET", path.rsplit("/", 1)[0] if path.endswith("/submit") else path, token)
        req.add_header("If-Match", etag)
    with urllib.request.urlopen(req, timeout=20) as r:
        return json.loads(r.read() or b"null"), r.headers.get("ETag", "")


def _submitted_item(base: str) -> int:
    """A Hoa Thám item the officer completes and the head submits (through the API: not what this test is about)."""
    officer, head = api_token(base, "canbo.hoatham"), api_token(base, "chutich.hoatham")
    items = api_json(base, "/assignments?mine=true&limit=200", officer)["items"]
    editable = [a for a in items if a["status"] in ("not_started", "in_progress")]
    assert len(editable) > 1, "demo data has too few editable assignments for Hoa Thám"
    aid = int(editable[-1]["id"])  # test_workflow drives the first one
    _send(base, "PATCH", f"/assignments/{aid}", officer, {"progress": 100, "result": "Đã tổ chức thực hiện."})
    _send(base, "POST", f"/assignments/{aid}/submit", head, {"explanation": "Hồ sơ lưu tại văn thư xã."})
    return aid


def _count(page: Page) -> int:
    badge = page.get_by_test_id("notification-count")
    return int(badge.inner_text().rstrip("+")) if badge.count() else 0


def test_officer_inbox_shows_the_return_reason(page: Page, server: str, shots: Path, axe_path: Path) -> None:
    aid = _submitted_item(server)
    detail = f"/assignments/{aid}"

    ui_login(page, "canbo.hoatham")
    expect(page.get_by_test_id("notification-bell")).to_be_visible()
    page.wait_for_timeout(500)  # the first count request
    before = _count(page)
    ui_logout(page)

    ui_login(page, "noivu")
    # the server has no SMTP settings: the administrators are told, on their account page
    page.goto("/account")
    channels = page.get_by_test_id("notification-channels")
    expect(channels).to_contain_text("Kênh thư điện tử đang tắt")
    expect(channels).to_contain_text("Webhook đang tắt")
    page.goto(detail)
    page.get_by_role("button", name="Trả lại").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Lý do trả lại").fill(REASON)
    dialog.get_by_role("button", name="Trả lại").click()
    expect(page.get_by_test_id("status-tag")).to_have_text("Bị trả lại")
    ui_logout(page)

    ui_login(page, "canbo.hoatham")
    bell = page.get_by_test_id("notification-bell")
    expect(page.get_by_test_id("notification-count")).to_have_text(str(before + 1) if before < 99 else "99+")
    expect(bell).to_have_attribute("aria-label", f"Thông báo, {before + 1} chưa đọc")
    bell.click()
    expect(page).to_have_url(f"{server}/notifications")
    item = page.get_by_test_id("notification-item").first
    expect(item).to_contain_text("Nhiệm vụ bị trả lại")
    expect(item).to_contain_text(REASON)
    expect(item.get_by_role("link", name="Xem")).to_have_attribute("href", detail)
    found = axe_violations(page, axe_path)
    assert found == [], f"inbox: {found}"
    page.screenshot(path=str(shots / "notifications-inbox.png"), full_page=True)

    item.get_by_role("button", name="Đánh dấu đã đọc").click()
    expect(page.get_by_test_id("notification-item").first.get_by_text("Đã đọc", exact=True)).to_be_visible()
    if before:
        expect(page.get_by_test_id("notification-count")).to_have_text(str(before))
    else:
        expect(page.get_by_test_id("notification-count")).to_have_count(0)
    expect(bell).to_have_attribute("aria-label", f"Thông báo, {before} chưa đọc" if before else "Thông báo")

    # the link opens the item, which shows the same reason
    page.get_by_test_id("notification-item").first.get_by_role("link", name="Xem").click()
    expect(page.get_by_test_id("return-reason")).to_have_text(REASON)

    page.goto("/account")
    expect(page.get_by_text("Cách nhận thông báo")).to_be_visible()
    found = axe_violations(page, axe_path)
    assert found == [], f"account preferences: {found}"


def test_district_replaces_a_notification_text(page: Page, server: str, axe_path: Path) -> None:
    """Phòng Nội vụ's own wording: an unknown field is refused with the server's words, the preview fills sample
    values, the saved text is marked as the district's own; axe-core on the account page with the templates."""
    ui_login(page, "noivu")
    page.goto("/account")
    card = page.get_by_test_id("notification-templates")
    expect(card).to_contain_text("Mẫu thông báo của")
    expect(card).to_contain_text("Đang dùng mẫu mặc định")
    subject = card.get_by_label("Tiêu đề")
    subject.fill("[Bình Gia] Trả lại: {ho_ten}")
    card.get_by_role("button", name="Lưu mẫu").click()
    expect(card).to_contain_text("Không có trường {ho_ten}")
    subject.fill("[Bình Gia] Trả lại: {task}")
    card.get_by_role("button", name="Xem trước").click()
    expect(card.get_by_test_id("template-preview")).to_contain_text("[Bình Gia] Trả lại: 1.2 Rà soát")
    card.get_by_role("button", name="Lưu mẫu").click()
    expect(card).to_contain_text("Đã lưu mẫu thông báo.")
    expect(card).to_contain_text("Đang dùng mẫu riêng của huyện")
    found = axe_violations(page, axe_path)
    assert found == [], f"account page with the notification templates: {found}"
    card.get_by_role("button", name="Dùng lại mẫu mặc định").click()
    expect(card).to_contain_text("Đang dùng mẫu mặc định")
