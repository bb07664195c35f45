"""Evidence in a real browser (#14): a commune officer uploads a document to an editable item (Enter in a field
does not send it), uploads the same file again and is told it was already uploaded on the demo date, replaces it
with a new version, sees both versions with who and when and downloads the first, then deletes both (a soft delete,
after a confirmation). axe-core on the panel and on the versions dialog."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import api_json, api_token, axe_violations, minimal_pdf, ui_login

pytestmark = pytest.mark.e2e

TITLE = "Biên bản kiểm tra công vụ"


def _assert_accessible(page: Page, axe: Path, name: str) -> None:
    bad = axe_violations(page, axe)
    assert not bad, f"{name}: serious/critical axe violations: {bad}"


@pytest.fixture(scope="module")
def item(server: str) -> dict[str, Any]:
    """An editable assignment of Hoa Thám other than the one the workflow test drives (that one is the first)."""
    token = api_token(server, "canbo.hoatham")
    items = api_json(server, "/assignments?mine=true&limit=200", token)["items"]
    editable = [a for a in items if a["status"] in ("not_started", "in_progress")]
    assert len(editable) > 1, "demo data has too few editable assignments for Hoa Thám"
    return dict(editable[-1])


def test_officer_uploads_dedupes_replaces_and_deletes(
    page: Page, server: str, item: dict[str, Any], shots: Path, axe_path: Path, tmp_path: Path
) -> None:
    first = tmp_path / f"{TITLE}.pdf"
    first.write_bytes(minimal_pdf() + b"% e2e evidence version 1\n")
    second = tmp_path / f"{TITLE} (sửa).pdf"
    second.write_bytes(minimal_pdf() + b"% e2e evidence version 2\n")

    ui_login(page, "canbo.hoatham")
    page.goto(f"/assignments/{item['id']}")
    panel = page.locator("section[aria-labelledby=ev-title]")
    upload = panel.get_by_role("button", name="Tải lên", exact=True)
    expect(upload).to_be_visible()
    row = panel.locator("tr.ant-table-row", has_text=TITLE)

    # choose a file, type a number and press Enter: nothing is sent
    panel.locator('input[type="file"]').set_input_files(str(first))
    expect(panel.get_by_label("Tiêu đề")).to_have_value(TITLE)
    panel.get_by_label("Số/ký hiệu").fill("05/BB-UBND")
    panel.get_by_label("Số/ký hiệu").press("Enter")
    page.wait_for_timeout(700)
    expect(row).to_have_count(0)
    upload.click()
    # the list is read again after the upload (its query invalidated): allow a loaded CI machine the time
    expect(row).to_have_count(1, timeout=15_000)
    expect(row.get_by_text("v1", exact=True)).to_be_visible(timeout=15_000)
    expect(row.get_by_text("05/BB-UBND")).to_be_visible()

    # the same file again: recognised, not stored twice, dated on the demo day
    panel.locator('input[type="file"]').set_input_files(str(first))
    upload.click()
    notice = panel.get_by_role("status").filter(has_text="Tệp này đã được tải lên ngày 15/10/2024")
    expect(notice).to_be_visible()
    expect(row).to_have_count(1)
    _assert_accessible(page, axe_path, "evidence panel")
    page.screenshot(path=str(shots / "evidence-01-duplicate.png"), full_page=True)

    # replace with a new version
    row.get_by_role("button", name=f"Thay bằng bản mới: {TITLE}").click()
    dialog = page.get_by_role("dialog", name=f"Tải phiên bản mới của “{TITLE}”")
    dialog.locator('input[type="file"]').set_input_files(str(second))
    dialog.get_by_role("button", name="Tải lên").click()
    expect(dialog).to_have_count(0)
    expect(row.get_by_text("v2", exact=True)).to_be_visible(timeout=15_000)

    # both versions, who and when, each downloadable
    row.get_by_role("button", name=f"Các phiên bản v2: {TITLE}").click()
    versions = page.get_by_role("dialog", name=f"Các phiên bản của “{TITLE}”")
    lines = versions.locator("tr.ant-table-row")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("v2")
    expect(lines.nth(1)).to_contain_text("v1")
    expect(lines.nth(1)).to_contain_text("15/10/2024")
    officer_name = api_json(server, "/me", api_token(server, "canbo.hoatham"))["full_name"]
    expect(lines.nth(1)).to_contain_text(officer_name)
    _assert_accessible(page, axe_path, "evidence versions")
    page.screenshot(path=str(shots / "evidence-02-versions.png"), full_page=True)
    with page.expect_download() as got:
        lines.nth(1).get_by_role("button", name=f"Tải xuống v1 {TITLE}.pdf").click()
    assert Path(got.value.path()).read_bytes() == first.read_bytes()
    page.keyboard.press("Escape")
    expect(versions).to_have_count(0)

    # delete (after confirming): the current version goes and the first is current again; then the first
    # each confirmation is gone before the next (a loaded machine still showed the first one closing, and the
    # second click confirmed it again instead of the new one)
    row.get_by_role("button", name=f"Xóa: {TITLE}").click()
    page.get_by_role("dialog").get_by_role("button", name="Xóa", exact=True).click()
    expect(page.get_by_role("dialog")).to_have_count(0, timeout=15_000)
    expect(row.get_by_text("v1", exact=True)).to_be_visible(timeout=15_000)
    row.get_by_role("button", name=f"Xóa: {TITLE}").click()
    page.get_by_role("dialog").get_by_role("button", name="Xóa", exact=True).click()
    expect(page.get_by_role("dialog")).to_have_count(0, timeout=15_000)
    expect(row).to_have_count(0, timeout=15_000)
