"""Survey screens of the app (issue 20): Phòng Nội vụ reads the results of 2024 per factor with the official result
beside and the gap, opens the tasks linked to a factor, and creates a task from the weak factor in two clicks; a
commune officer enters paper forms of the commune's desk in bulk; the desks show their QR posters; axe-core finds no
serious or critical violation."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import axe_violations, type_date, ui_login

pytestmark = pytest.mark.e2e


def _year(page: Page, year: str) -> None:
    page.locator("#sv-year").click()
    page.locator(".ant-select-item-option:visible", has_text=year).click()


def test_results_and_a_task_from_the_weak_factor(page: Page, axe_path: Path, shots: Path) -> None:
    ui_login(page, "noivu")
    page.get_by_role("link", name="Khảo sát hài lòng").click()
    expect(page.get_by_role("heading", name="Khảo sát sự hài lòng (SIPAS)")).to_be_visible()
    _year(page, "2024")
    factors = page.locator(".ant-card", has_text="Theo yếu tố")
    weak = factors.get_by_role("row", name="Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị")
    expect(weak).to_be_visible()
    # a rate with a decimal comma and a percent sign, the official result beside, a signed gap; no raw value
    expect(weak).to_contain_text("%")
    expect(weak.get_by_role("cell").nth(3)).to_have_text(re.compile(r"^\d{1,3},\d%"))
    expect(weak).to_contain_text("−")
    expect(page.get_by_text("gop_y")).to_have_count(0)
    expect(page.get_by_text("Chênh lệch").first).to_be_visible()
    expect(
        page.locator(".ant-card", has_text="Xu hướng theo tháng").get_by_role("cell", name="01/2024")
    ).to_be_visible()
    page.screenshot(path=str(shots / "survey-results.png"), full_page=True)
    assert axe_violations(page, axe_path) == []
    # click 1: the action on the weak factor's row; click 2: the filled-in dialog's button
    weak.get_by_role("button", name="Tạo nhiệm vụ").click()
    dialog = page.get_by_role("dialog", name="Tạo nhiệm vụ khắc phục từ kết quả khảo sát")
    title = dialog.get_by_label("Tên nhiệm vụ")
    expect(title).to_have_value(re.compile(r"^Nâng cao sự hài lòng về Tiếp nhận, xử lý góp ý.*\d,\d%\)$"))
    dialog.get_by_role("button", name="Tạo nhiệm vụ").click()
    expect(page.get_by_text("Đã tạo nhiệm vụ")).to_be_visible()
    expect(dialog).to_be_hidden()
    # the new task is linked to the factor's criterion: it is listed under the factor
    weak.get_by_role("button", name="Mở rộng dòng").click()
    expect(factors.get_by_role("link", name="Nâng cao sự hài lòng về Tiếp nhận")).to_be_visible()


def test_desks_with_posters(page: Page, axe_path: Path) -> None:
    ui_login(page, "noivu")
    page.goto("/surveys/points")
    row = page.get_by_role("row", name="Bộ phận Một cửa UBND xã Hoa Thám")
    expect(row).to_contain_text("Thứ Hai – Thứ Sáu")
    expect(row.get_by_role("button", name="PDF – Áp phích mã QR")).to_be_visible()
    expect(row.get_by_role("link", name="Chế độ máy tính bảng")).to_have_attribute(
        "href", re.compile(r".*/khao-sat/.*kiosk=1$")
    )
    with page.expect_download() as dl:
        row.get_by_role("button", name="Ảnh PNG – Áp phích mã QR").click()
    assert dl.value.suggested_filename.endswith(".png")
    assert axe_violations(page, axe_path) == []


def test_commune_officer_enters_paper_forms(page: Page, axe_path: Path) -> None:
    ui_login(page, "canbo.hoatham")
    page.goto("/surveys/paper")
    page.locator("#paper-point").click()
    options = page.locator(".ant-select-item-option:visible")
    expect(options).to_have_count(1)  # the commune's own desk only
    expect(options.first).to_contain_text("Hoa Thám")
    options.first.click()
    # the date the forms were filled in (the demo's "today" is 15/10/2024)
    type_date(page.locator("#paper-date"), "01/10/2024")
    # a required question left blank is named before anything is sent
    page.get_by_label("Phiếu 1 – TC1").select_option("5")
    page.get_by_role("button", name="Lưu các phiếu").click()
    expect(page.get_by_role("alert")).to_contain_text("Phiếu 1: TC2")
    # two full forms (every choice of the row: the first level offered, or "Không" for yes/no on form 1)
    for row in (1, 2):
        cells = page.locator(f"select[aria-label^='Phiếu {row} – ']")
        for i in range(cells.count()):
            cells.nth(i).select_option(index=1 if row == 2 else cells.nth(i).locator("option").count() - 1)
    page.get_by_label("Phiếu 2 – Ý kiến khác").fill("Chờ lâu")
    page.get_by_role("button", name="Lưu các phiếu").click()
    expect(page.get_by_text("Đã lưu 2 phiếu.")).to_be_visible()
    expect(page.get_by_label("Phiếu 1 – TC1")).to_have_value("")
    assert axe_violations(page, axe_path) == []
