"""The review queue in a real browser (#14): Phòng Nội vụ filters the queue to one commune, opens an item in the
side panel (its evidence and history), walks to the next item and back with the keyboard, returns the item with a
reason from the panel, then selects three items and approves them in one request. Every step is checked against
the API; axe-core on the filtered queue with the panel open."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import api_json, api_token, axe_violations, ui_login

pytestmark = pytest.mark.e2e

COMMUNE = "UBND xã Hoa Thám"
# AntD's hidden measure row of a scrollable table with row selection holds a focusable checkbox (a known library
# issue, also excluded by the province review test).
KNOWN = ("aria-hidden-focus", ".ant-table-measure-row")
SLOW = 30_000  # ms: the first list of ~300 rows on a loaded two-core machine


def _queue(base: str, token: str, unit_id: int) -> dict[str, Any]:
    return api_json(base, f"/assignments?status=submitted&unit_id={unit_id}&limit=200", token)  # type: ignore[no-any-return]


def _no_axe(page: Page, axe: Path, where: str) -> None:
    found = [
        v
        for v in axe_violations(page, axe)
        if not any(v["id"] == rule and all(where_ in t for t in v["targets"]) for rule, where_ in (KNOWN,))
    ]
    assert found == [], f"{where}: {found}"


def test_filter_open_return_and_bulk_approve(page: Page, server: str, axe_path: Path, shots: Path) -> None:
    token = api_token(server, "noivu")
    unit = next(
        u
        for u in api_json(server, "/org-units?limit=500&active=true", token)["items"]
        if u["name"] == COMMUNE
    )
    before = _queue(server, token, unit["id"])
    assert before["total"] >= 4, "the demo has Hoa Thám items waiting for review"
    everyone = api_json(server, "/assignments?status=submitted&limit=1", token)["total"]
    assert everyone > before["total"]

    ui_login(page, "noivu")
    page.goto("/review")
    total = page.get_by_test_id("review-total")
    expect(total).to_have_text(f"{everyone} mục chờ duyệt", timeout=SLOW)

    # Filter to one commune: the count, the rows and the URL follow.
    page.get_by_label("Đơn vị", exact=True).click()
    page.keyboard.type("Hoa Thám")
    page.locator(".ant-select-item-option:visible").filter(has_text=COMMUNE).first.click()
    expect(total).to_have_text(f"{before['total']} mục chờ duyệt", timeout=SLOW)
    assert f"unit_id={unit['id']}" in page.url
    rows = page.locator("tbody tr.ant-table-row")
    expect(rows).to_have_count(before["total"], timeout=SLOW)
    for cell in rows.locator("td:nth-child(3)").all_text_contents():
        assert cell == COMMUNE

    # Open the first item in the side panel: its details, evidence and history.
    first, second = before["items"][0], before["items"][1]
    rows.first.get_by_role("button", name="Xem nhanh").click()
    drawer = page.locator(".ant-drawer").filter(has=page.locator(".ant-drawer-title"))
    expect(drawer).to_be_visible(timeout=SLOW)
    expect(drawer.locator(".ant-drawer-title")).to_contain_text(first["task_title"])
    expect(drawer.get_by_role("heading", name="Tài liệu kiểm chứng")).to_be_visible()
    expect(drawer.get_by_role("heading", name="Lịch sử")).to_be_visible()
    expect(drawer).to_contain_text("Mục 1/")
    assert f"open={first['id']}" in page.url
    expect(page.get_by_text("Phím tắt: j hoặc ↓")).to_be_visible()
    _no_axe(page, axe_path, "review queue with the side panel")
    page.screenshot(path=str(shots / "90-review-panel.png"), full_page=True)

    # Keyboard: j moves the panel to the next item, k back.
    page.keyboard.press("j")
    expect(drawer.locator(".ant-drawer-title")).to_contain_text(second["task_title"])
    expect(drawer).to_contain_text("Mục 2/")
    page.keyboard.press("k")
    expect(drawer).to_contain_text("Mục 1/")

    # Return it with a reason from the panel.
    drawer.get_by_role("button", name="Trả lại").click()
    dialog = page.get_by_role("dialog").filter(has=page.get_by_label("Lý do trả lại"))
    dialog.get_by_label("Lý do trả lại").fill("Bổ sung biên bản kiểm tra quý III.")
    dialog.get_by_role("button", name="Trả lại").click()
    expect(total).to_have_text(f"{before['total'] - 1} mục chờ duyệt", timeout=SLOW)
    back = api_json(server, f"/assignments/{first['id']}", token)
    assert (back["status"], back["return_reason"]) == ("returned", "Bổ sung biên bản kiểm tra quý III.")
    # The panel moved on to the item that took its place.
    expect(drawer.locator(".ant-drawer-title")).to_contain_text(second["task_title"])
    page.locator(".ant-drawer-close").click()
    expect(page.locator(".ant-drawer-title")).to_be_hidden()
    assert "open=" not in page.url

    # Select three rows and approve them in one request (confirming 100 % where the unit reported less).
    three = _queue(server, token, unit["id"])["items"][:3]
    chosen = [a["id"] for a in three]
    for i in range(3):
        rows.nth(i).locator(".ant-checkbox-input").check()
    page.get_by_role("button", name="Duyệt các mục đã chọn (3)").click()
    if any(a["progress"] < 100 for a in three):
        confirm = page.locator(".ant-modal-confirm")
        expect(confirm).to_contain_text("dưới 100 %")
        confirm.get_by_role("button", name="Duyệt").click()
    expect(total).to_have_text(f"{before['total'] - 4} mục chờ duyệt", timeout=SLOW)
    for aid in chosen:
        assert api_json(server, f"/assignments/{aid}", token)["status"] == "approved"
    page.screenshot(path=str(shots / "91-review-bulk-approved.png"), full_page=True)
