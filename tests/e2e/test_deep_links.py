"""Addresses opened directly (a reload, a bookmark): the entry script starts the work list's request before the app
has loaded only for a user who may read it — the admin opening /my-work gets the friendly page and no 403 in the
console — while a unit's officer reloading /my-work still has the list requested at once (and shown)."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import ui_login

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
