"""The SPA's words through i18next, one lazily loaded bundle per language (#18), in a real browser: a first visit
fetches the Vietnamese bundle only and never shows a dictionary key; choosing English on the login page fetches the
English bundle then, switches every word, sets the document's ``lang`` and keeps the choice (localStorage
``parsipas.lang``): a reload starts in English and fetches the English bundle only; switching back from the header
works signed in, and the dashboard reads in Vietnamese again."""

import re

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from tests.e2e.helpers import PASSWORD

pytestmark = pytest.mark.e2e

# the language chunks as Vite names them (src/locales/vi.ts, src/locales/en.ts → assets/vi-<hash>.js)
BUNDLE = re.compile(r"/assets/(vi|en)-[\w-]+\.js$")
# a dictionary key on screen: camelCase ASCII words such as "dashDashboardFilters" or "wsOverdue"
KEY = re.compile(r"\b[a-z]+[A-Z][A-Za-z]+\b")


def _bundles(page: Page) -> list[str]:
    got: list[str] = []

    def on_request(r: Request) -> None:
        m = BUNDLE.search(r.url)
        if m:
            got.append(m.group(1))

    page.on("request", on_request)
    return got


def _no_keys(page: Page) -> None:
    text = page.locator("body").inner_text()
    assert not KEY.findall(text), KEY.findall(text)


def test_one_bundle_per_language_no_keys_and_the_choice_kept(browser: Browser, base_url: str) -> None:
    ctx = browser.new_context(base_url=base_url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        page = ctx.new_page()
        fetched = _bundles(page)
        page.goto("/login")
        expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
        assert page.evaluate("document.documentElement.lang") == "vi"
        _no_keys(page)
        assert fetched == ["vi"], fetched  # English is not downloaded for a Vietnamese reader

        page.get_by_role("button", name="English").click()
        expect(page.get_by_label("Username")).to_be_visible()
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        assert fetched == ["vi", "en"], fetched
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.evaluate("localStorage.getItem('parsipas.lang')") == "en"
        _no_keys(page)

        # a reload starts in English: the English bundle only, the words there at the first paint
        fetched.clear()
        page.reload()
        expect(page.get_by_label("Username")).to_be_visible()
        assert fetched == ["en"], fetched
        assert page.evaluate("document.documentElement.lang") == "en"

        page.get_by_label("Username").fill("noivu")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="VI (Tiếng Việt)")).to_be_visible()
        _no_keys(page)
        page.goto("/dashboard")
        expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
        page.get_by_role("button", name="VI (Tiếng Việt)").click()
        expect(page.get_by_role("heading", name="Tổng quan", level=1)).to_be_visible()
        assert page.evaluate("document.documentElement.lang") == "vi"
        assert page.evaluate("localStorage.getItem('parsipas.lang')") == "vi"
        _no_keys(page)
    finally:
        ctx.close()
