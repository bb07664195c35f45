"""The plan appendix on paper (#18 printing): Phòng Nội vụ opens the demo plan and Chromium prints it to PDF
(``page.pdf`` with the stylesheet's own page size), read back with pypdf. The appendix as issued: landscape A4, the
six columns STT · nhiệm vụ · sản phẩm · thời gian · chủ trì · phối hợp, no per-unit status detail, no buttons; a few
pages, not one page per row (it was 83 with a narrow task column). The PDF goes to ``test-artifacts/plans/``."""

from collections.abc import Iterator
from io import BytesIO

import pytest
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from tests.e2e.conftest import ROOT, _serve
from tests.e2e.helpers import api_json, api_token, ui_login

pytestmark = pytest.mark.e2e

OUT = ROOT / "test-artifacts" / "plans"
A4_LONG, A4_SHORT = 842, 595  # points


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own with the untouched demo: other modules add units and change the shared server's plan, and
    the printed "Phối hợp" folds a task naming every commune only while it still names every one."""
    yield from _serve(tmp_path_factory.mktemp("e2e-print"), demo="1", as_of="2024-10-15")


def test_plan_appendix_prints_as_a_landscape_table_of_a_few_pages(browser: Browser, demo_url: str) -> None:
    base_url = demo_url
    token = api_token(base_url, "noivu")
    plans = api_json(base_url, "/plans?limit=200", token)["items"]
    plan = plans[0]  # the page opens the first plan of the list
    appendix = api_json(base_url, f"/plans/{plan['id']}/tasks", token)
    tasks = appendix["tasks"]
    assert len(tasks) >= 20, "the demo plan should be long enough to show the page count"
    # the appendix is bounded (#19: the first ``units_limit`` units of a task, the rest paged), but the district's
    # plan fits the default: every coordinator is listed, so "Phối hợp" still folds and the paper is unchanged
    assert appendix["units_limit"] == 50
    assert not any(t["coordinating_truncated"] or t["units_truncated"] for t in tasks)

    ctx = browser.new_context(
        base_url=base_url, locale="vi-VN", bypass_csp=True, viewport={"width": 1366, "height": 768}
    )
    page = ctx.new_page()
    ui_login(page, "noivu")
    page.goto(f"/plans/{plan['id']}")
    table = page.get_by_test_id("appendix")
    expect(table.get_by_text(tasks[0]["title"], exact=True).first).to_be_visible(timeout=15_000)
    page.wait_for_load_state("networkidle")
    # the printed "Phối hợp" folds a task naming every commune once the unit list (its own query) has arrived
    expect(table.locator(".print-only").filter(has_text="UBND các xã, thị trấn").first).to_be_attached(
        timeout=15_000
    )
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "phu-luc.pdf").write_bytes(pdf)
    # on paper: the six columns of the appendix as issued, nothing else
    heads = [h.strip() for h in table.locator("thead th").evaluate_all(
        "els => els.filter(e => getComputedStyle(e).display !== 'none').map(e => e.textContent)")]  # fmt: skip
    assert heads == ["STT", "Nhiệm vụ", "Sản phẩm", "Thời gian", "Chủ trì", "Phối hợp"], heads
    # the task column is the widest: a title is not squeezed into a sliver
    widths = table.locator("thead th").evaluate_all(
        "els => els.filter(e => getComputedStyle(e).display !== 'none').map(e => e.getBoundingClientRect().width)"
    )
    assert widths[1] == max(widths), widths

    reader = PdfReader(BytesIO(pdf))
    pages = len(reader.pages)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (A4_LONG, A4_SHORT), box  # landscape A4
    # a few pages: eight rows of the demo appendix or more per page, never one page per row (83 before #18)
    assert pages <= len(tasks) // 8 + 2, f"{pages} pages for {len(tasks)} tasks"
    text = "".join(p.extract_text() or "" for p in reader.pages)
    flat = "".join(text.split())  # pypdf spaces out the Vietnamese letters: compare without any space

    def squeezed(s: str) -> str:
        return "".join(s.split())

    assert squeezed(tasks[0]["title"])[:40] in flat
    assert squeezed(tasks[-1]["title"])[:40] in flat  # the last row is printed too
    # no per-unit status detail (its words, its links to each assignment), no buttons
    for word in (
        "Chưa thực hiện",
        "Đang thực hiện",
        "Đã duyệt",
        "Tiêu chí liên quan",
        "In phụ lục",
        "Xuất CSV",
    ):
        assert squeezed(word) not in flat, word
