"""A plan's life cycle in a real browser: Phòng Nội vụ creates a plan, adds a task led by xã Hoa Thám; the commune
officer does not see it while the plan is a draft; Phòng Nội vụ issues it with its number, date and signed document;
now the officer sees the task in the work list. Then an amendment (a later deadline, with its reason) reaches the
officer's history of that task, and the plan's history lists it. axe-core on every screen."""

import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import _serve
from tests.e2e.helpers import PASSWORD, api_json, api_token, axe_violations, minimal_pdf, type_date, ui_login

pytestmark = pytest.mark.e2e

TITLE = "Rà soát, công khai thủ tục hành chính trên Cổng dịch vụ công 2024"
PLAN = "Kế hoạch cải cách hành chính bổ sung năm 2024 (thử nghiệm trình duyệt)"
SECTION = "Cải cách thủ tục hành chính"
SLOW = 15_000  # ms: a save on a machine shared with other test runs
REASON = "Lùi thời hạn theo Công văn số 31/UBND-NV"


def _as(browser: Browser, base_url: str, username: str, **ctx: Any) -> Page:
    page = browser.new_context(base_url=base_url, locale="vi-VN", bypass_csp=True, **ctx).new_page()
    ui_login(page, username, PASSWORD)
    return page


def _no_axe(page: Page, axe: Path, where: str) -> None:
    found = axe_violations(page, axe)
    assert found == [], f"{where}: {found}"


def _pick(page: Page, field_id: str, text: str) -> None:
    page.locator(f"#{field_id}").click()
    page.locator(f"#{field_id}").fill(text)
    page.locator(".ant-select-item-option:visible").filter(has_text=text).first.click()
    expect(page.locator(".ant-select-dropdown:visible")).to_have_count(0)  # closed before axe looks


def _officer_total(base: str, token: str) -> int:
    q = urllib.parse.quote(TITLE)
    return int(api_json(base, f"/assignments?limit=1&q={q}", token)["total"])


@pytest.fixture(scope="module")
def own_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own with the untouched demo: in the full run the modules before this one change the shared
    server's data, and the amendment's save then never reached the API (it passes alone; not understood yet)."""
    yield from _serve(tmp_path_factory.mktemp("e2e-lifecycle"), demo="1", as_of="2024-10-15")


def test_plan_created_issued_then_reaches_the_commune(
    browser: Browser, own_url: str, axe_path: Path, shots: Path
):
    base_url = own_url
    officer_token = api_token(base_url, "canbo.hoatham")
    assert _officer_total(base_url, officer_token) == 0

    # -- Phòng Nội vụ creates the plan in the browser ------------------------------------------------------------
    page = _as(browser, base_url, "noivu")
    page.goto("/plans")
    page.get_by_role("button", name="Lập kế hoạch mới").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Tên kế hoạch").fill(PLAN)
    dialog.get_by_label("Số", exact=True).fill("201")
    dialog.get_by_label("Năm").fill("2024")
    _no_axe(page, axe_path, "new plan form")
    dialog.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name=PLAN)).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("plan-status")).to_have_text("Dự thảo")
    plan_id = int(page.url.rstrip("/").split("/")[-1])

    # -- a section (mục) of the appendix, then a task in it led by xã Hoa Thám; the deadline typed dd/mm/yyyy -------
    page.get_by_role("button", name="Thêm mục").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Số hiệu mục").fill("I")
    dialog.get_by_label("Tên mục (lĩnh vực)").fill(SECTION)
    dialog.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("row").filter(has_text=f"I. {SECTION}")).to_be_visible(timeout=SLOW)
    page.get_by_role("button", name="Thêm nhiệm vụ").click()
    dialog = page.get_by_role("dialog")
    page.locator("#section_id").click()
    page.locator(".ant-select-item-option:visible").filter(has_text=SECTION).first.click()
    dialog.get_by_label("Nội dung nhiệm vụ").fill(TITLE)
    dialog.get_by_label("Sản phẩm").fill("Danh mục thủ tục được công khai")
    type_date(page.locator("#due_date"), "30/11/2024")
    _pick(page, "lead_unit_id", "Hoa Thám")
    _no_axe(page, axe_path, "task form")
    dialog.get_by_role("button", name="Lưu").click()
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_be_visible(timeout=SLOW)
    expect(row).to_contain_text("30/11/2024")
    expect(row).to_contain_text("UBND xã Hoa Thám")
    _no_axe(page, axe_path, "draft plan with its appendix")
    page.screenshot(path=str(shots / "plan-draft.png"), full_page=True)

    # -- the API's field error lands on its field: a second task numbered 1 --------------------------------------
    page.get_by_role("button", name="Thêm nhiệm vụ").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("STT", exact=True).fill("1")
    dialog.get_by_label("Nội dung nhiệm vụ").fill("Nhiệm vụ trùng số")
    type_date(page.locator("#due_date"), "31/12/2024")
    _pick(page, "lead_unit_id", "Hoa Thám")
    dialog.get_by_role("button", name="Lưu").click()
    expect(dialog.locator("#label_help")).to_contain_text("Số thứ tự 1 đã có trong phụ lục", timeout=SLOW)
    dialog.get_by_role("button", name="Hủy").click()
    expect(page.get_by_role("row").filter(has_text="Nhiệm vụ trùng số")).to_have_count(0)

    # -- the commune officer does not see the draft's task --------------------------------------------------------
    officer = _as(browser, base_url, "canbo.hoatham")
    officer.goto(f"/my-work?q={urllib.parse.quote(TITLE)}")
    officer.wait_for_load_state("networkidle")
    expect(officer.get_by_text(TITLE)).to_have_count(0)
    assert _officer_total(base_url, officer_token) == 0
    officer.goto(f"/plans/{plan_id}")
    officer.wait_for_load_state("networkidle")
    expect(officer.get_by_text(PLAN)).to_have_count(0)

    # -- Phòng Nội vụ issues it: number, date, signed document ------------------------------------------------------
    page.get_by_role("button", name="Ban hành").click()
    dialog = page.get_by_role("dialog")
    type_date(page.locator("#issue_date"), "14/10/2024")
    dialog.get_by_label("Người ký", exact=True).fill("Nguyễn Mạnh Tuấn")
    dialog.locator("input[type=file]").set_input_files(
        files=[{"name": "kh-201.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()}]
    )
    # axe looks at the dialog, not at antd's date popup while it is still fading out (its month/year buttons and
    # greyed days of other months are antd's own, and a slow machine catches them mid-animation)
    expect(page.locator(".ant-picker-dropdown:visible")).to_have_count(0)
    _no_axe(page, axe_path, "issue dialog")
    dialog.get_by_role("button", name="Ban hành").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Đã ban hành", timeout=SLOW)
    expect(page.get_by_text("14/10/2024").first).to_be_visible()
    expect(page.get_by_role("button", name="Ban hành")).to_have_count(0)
    expect(page.get_by_role("button", name="Sửa đổi, bổ sung")).to_be_visible()

    # -- now the officer sees it in the work list ------------------------------------------------------------------
    officer.goto(f"/my-work?q={urllib.parse.quote(TITLE)}")
    expect(officer.get_by_text(TITLE).first).to_be_visible(timeout=SLOW)
    assert _officer_total(base_url, officer_token) == 1
    _no_axe(officer, axe_path, "work list after issue")
    officer.screenshot(path=str(shots / "plan-issued-officer.png"), full_page=True)

    # -- an amendment needs its reason; the officer reads it in the task's history ----------------------------------
    row = page.get_by_role("row").filter(has_text=TITLE)
    row.get_by_role("button", name="Sửa nhiệm vụ 1").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Nội dung nhiệm vụ")).to_have_value(TITLE)
    # the picker has taken the date and closed before saving (a loaded machine saved the old date mid-animation)
    type_date(page.locator("#due_date"), "15/12/2024")
    dialog.get_by_role("button", name="Lưu").click()
    expect(dialog.get_by_text("Cần ghi lý do sửa đổi, bổ sung")).to_be_visible()
    dialog.get_by_label("Lý do").fill(REASON)
    dialog.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text("15/12/2024", timeout=SLOW)
    history = page.get_by_test_id("plan-history")
    expect(history).to_contain_text(REASON)
    expect(history).to_contain_text("30/11/2024 → 15/12/2024")
    _no_axe(page, axe_path, "issued plan with its history")
    page.screenshot(path=str(shots / "plan-amended.png"), full_page=True)

    # -- kết thúc at year end: the appendix becomes read-only ------------------------------------------------------
    page.get_by_role("button", name="Kết thúc kế hoạch").click()
    page.get_by_role("dialog").get_by_role("button", name="Kết thúc kế hoạch").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Đã đóng", timeout=SLOW)
    expect(page.get_by_role("button", name="Thêm nhiệm vụ")).to_have_count(0)
    expect(page.get_by_role("button", name="Sửa nhiệm vụ 1")).to_have_count(0)

    aid = api_json(base_url, f"/assignments?limit=1&q={urllib.parse.quote(TITLE)}", officer_token)["items"][
        0
    ]["id"]
    officer.goto(f"/assignments/{aid}")
    expect(officer.get_by_text(REASON)).to_be_visible(timeout=SLOW)
    expect(officer.get_by_text("Hạn: 30/11/2024 → 15/12/2024")).to_be_visible()  # what changed, for this unit
    _no_axe(officer, axe_path, "assignment history with the amendment")
    expect(officer.get_by_text("15/12/2024").first).to_be_visible()
    officer.context.close()
    page.context.close()
