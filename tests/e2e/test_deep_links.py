"""Addresses opened directly (a reload, a bookmark): the entry script starts the work list's request before the app
has loaded only for a user who may read it — the admin opening /my-work gets the friendly page and no 403 in the
console — while a unit's officer reloading /my-work still has the list requested at once (and shown)."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import api_json, api_token, ui_login

pytestmark = pytest.mark.e2e


def _watch(page: Page, errors: list[str], work: list[str]) -> None:
    page.on("console", lambda m: errors.append(f"{m.text} @ {page.url}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{e} @ {page.url}"))
    page.on(
        "response",
        lambda r: errors.append(f"HTTP {r.status} {r.url} @ {page.url}") if r.status >= 400 else None,
    )
    page.on("request", lambda r: work.append(r.url) if "/api/v1/assignments/work?" in r.url else None)


def test_admin_opening_my_work_by_address_gets_no_403(browser: Browser, base_url: str) -> None:
    page = browser.new_context(base_url=base_url, locale="vi-VN", bypass_csp=True).new_page()
    errors: list[str] = []
    work: list[str] = []
    _watch(page, errors, work)
    ui_login(page, "admin")
    page.goto("/my-work")  # a full load: the session comes back from the tab's stored refresh token
    friendly = page.get_by_test_id("not-for-role")
    expect(friendly).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert work == [], work
    assert errors == [], "\n".join(errors)
    page.context.close()


def test_officer_reloading_my_work_has_the_list_requested_and_shown(browser: Browser, base_url: str) -> None:
    page = browser.new_context(base_url=base_url, locale="vi-VN", bypass_csp=True).new_page()
    errors: list[str] = []
    work: list[str] = []
    _watch(page, errors, work)
    ui_login(page, "canbo.hoatham")
    expect(page).to_have_url(re.compile(r"/my-work$"))
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc của tôi")
    page.wait_for_load_state("networkidle")
    rows = page.locator('#main a[href^="/assignments/"]')  # the list's rows, from the prefetched answer
    expect(rows.first).to_be_visible()
    assert work, "the work list was not requested"
    assert errors == [], "\n".join(errors)
    page.context.close()


def test_an_address_with_a_malformed_id_is_not_found_and_asks_nothing(
    browser: Browser, base_url: str
) -> None:
    """/assignments/abc (a typo, a pasted fragment): the same "not found" as an id out of reach, and no request
    with a broken id (the API would answer 422 with a developer's field error)."""
    page = browser.new_context(base_url=base_url, locale="vi-VN", bypass_csp=True).new_page()
    errors: list[str] = []
    asked: list[str] = []
    _watch(page, errors, [])
    page.on(
        "request", lambda r: asked.append(r.url) if re.search(r"/api/v1/.*(NaN|abc|/0$)", r.url) else None
    )
    ui_login(page, "noivu")
    for path in (
        "/assignments/abc",
        "/reports/12.5",
        "/plans/abc",
        "/frameworks/0",
        "/scoring/sheets/x/results",
    ):
        page.goto(path)
        expect(page.get_by_text("Không tìm thấy hoặc bạn không có quyền xem.")).to_be_visible()
        expect(page.get_by_text("Phải là số nguyên")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert asked == [], asked
    assert errors == [], "\n".join(errors)
    page.context.close()


def test_a_long_unbroken_comment_wraps_and_the_bell_is_drawn(browser: Browser, base_url: str) -> None:
    """A 5,000-character comment without a space wraps inside the page at 1366 px and on a 390 px phone (it once
    widened the assignment page to 35,000 px); the header's bell is an icon, not an emoji a font may lack."""
    item = ""
    for width, height in ((1366, 768), (390, 844)):
        ctx = browser.new_context(
            base_url=base_url, locale="vi-VN", bypass_csp=True, viewport={"width": width, "height": height}
        )
        page = ctx.new_page()
        ui_login(page, "canbo.hoatham")
        expect(page.get_by_test_id("bell-icon")).to_be_visible()
        if not item:
            page.locator('#main a[href^="/assignments/"]').first.click()
            expect(page).to_have_url(re.compile(r"/assignments/\d+$"))
            item = page.url
            page.locator("#new-comment").fill("Dài" + "x" * 4997)
            page.get_by_role("button", name="Gửi ý kiến").click()
        else:
            page.goto(item)
        comment = page.locator(".user-text").filter(has_text="Dàixxxx")
        expect(comment).to_be_visible()
        box = comment.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, box
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"the page is {wide} px wide at {width} px"
        ctx.close()


def test_the_admins_audit_log_names_the_system_and_links_only_pages_the_admin_opens(
    browser: Browser, base_url: str
) -> None:
    """The system administrator reads the audit log: a change the service made itself says "Hệ thống" (not the
    stored word "system"), and an assignment is named without a link (the admin has no work pages: the link led
    to "not for your role")."""
    token = api_token(base_url, "admin")
    items = api_json(base_url, "/audit-events?entity_type=assignment&limit=200", token)["items"]
    by_system = next(e for e in items if e["actor_user_id"] is None and e["actor_token_id"] is None)
    page = browser.new_context(base_url=base_url, locale="vi-VN", bypass_csp=True).new_page()
    ui_login(page, "admin")
    page.goto(f"/admin/audit?entity_type=assignment&entity_id={by_system['entity_id']}")
    row = page.get_by_role("row").filter(has_text=f"#{by_system['entity_id']}").first
    expect(row).to_contain_text("Hệ thống")
    expect(row).not_to_contain_text("system")
    expect(page.locator('#main a[href^="/assignments/"]')).to_have_count(0)
    # the filters name actions and objects in words; the code goes only into the address
    page.get_by_label("Hành động").click()
    page.get_by_label("Hành động").fill("bình luận")
    options = page.locator(".ant-select-item-option:visible")
    expect(options.first).to_be_visible()
    assert not any(re.search(r"\([a-z_]+\)", o) for o in options.all_inner_texts()), options.all_inner_texts()
    options.first.click()
    expect(page).to_have_url(re.compile(r"[?&]action=comment"))
    page.context.close()
