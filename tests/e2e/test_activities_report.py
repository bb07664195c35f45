"""CCHC activities and the report outline in a real browser (issue #16), on a server of its own (the Quý III reports
it opens would otherwise be the ones tests/e2e/test_reports.py creates): a commune officer enters indicator values in
its Quý III report; Phòng Nội vụ records an inspection of the commune with a finding and a follow-up → the
follow-up is in the commune's work list → the district's Quý III report shows the inspection in section I. 1366×768,
axe-core clean, no raw code or ISO date on the pages."""

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import _serve
from tests.e2e.helpers import PASSWORD, api_json, api_token, axe_violations, type_date

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 768}
FIX = "Niêm yết đầy đủ thủ tục hành chính tại bộ phận một cửa xã (kiểm tra 11/09)"
RAW = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b\d{4}-\d{2}-\d{2}\b")
KNOWN_AXE = [("aria-hidden-focus", ".ant-table-measure-row")]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _serve(tmp_path_factory.mktemp("e2e-activities"), demo="1", as_of="2024-10-15")


@pytest.fixture(scope="module")
def artifacts(shots: Path) -> Path:
    out = shots / "activities"
    out.mkdir(parents=True, exist_ok=True)
    return out


def _call(base: str, method: str, path: str, token: str, body: Any = None, headers: dict[str, str] | None = None
          ) -> tuple[int, Any]:  # fmt: skip
    req = urllib.request.Request(
        f"{base}/api/v1{path}", data=json.dumps(body).encode() if body is not None else None, method=method
    )
    req.add_header("Content-Type", "application/json")
    req.add_header("Authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def _q3_report(base: str, username: str) -> int:
    """The Quý III/2024 report of the user's unit (the district's aggregate one for Phòng Nội vụ), opened if new."""
    token = api_token(base, username)
    unit_id = int(api_json(base, "/me", token)["memberships"][0]["unit_id"])
    period = next(
        p for p in api_json(base, "/report-periods?year=2024&limit=50", token)["items"] if p["kind"] == "q3"
    )
    status, body = _call(base, "POST", "/reports", token, {"period_id": period["id"], "unit_id": unit_id},
                         {"Idempotency-Key": f"e2e-activities-q3-{username}"})  # fmt: skip
    assert status in (200, 201), body
    return int(body["id"])


def _login(browser: Browser, base: str, username: str, errors: list[str]) -> Page:
    ctx = browser.new_context(base_url=base, locale="vi-VN", bypass_csp=True, viewport=DESKTOP,
                              timezone_id="Asia/Ho_Chi_Minh")  # fmt: skip
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(f"{m.text} @ {page.url}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{e} @ {page.url}"))
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    return page


def _settle(page: Page) -> None:
    page.get_by_role("heading", level=1).first.wait_for()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".ant-spin-spinning")).to_have_count(0)
    expect(page.locator(".ant-picker-dropdown:visible, .ant-select-dropdown:visible")).to_have_count(0)


def _clean(page: Page, axe: Path, where: str) -> None:
    text = str(page.evaluate("() => document.getElementById('main')?.innerText ?? document.body.innerText"))
    assert not RAW.findall(text), f"{where}: raw text {RAW.findall(text)[:5]}"
    bad = [
        v
        for v in axe_violations(page, axe)
        if not any(v["id"] == rule and all(w in t for t in v["targets"]) for rule, w in KNOWN_AXE)
    ]
    assert bad == [], f"{where}: {bad}"


def _pick(page: Page, field_id: str, text: str, search: bool = False) -> None:
    page.locator(f"#{field_id}").click()
    if search:  # long lists are virtual: only the options near the top exist until the search narrows them
        page.locator(f"#{field_id}").fill(text)
    page.locator(".ant-select-item-option:visible").filter(has_text=text).first.click()


def _date(page: Page, field_id: str, value: str) -> None:
    type_date(page.locator(f"#{field_id}"), value)


def test_officer_indicators_inspection_follow_up_and_district_report(
    browser: Browser, base: str, axe_path: Path, artifacts: Path
) -> None:
    errors: list[str] = []

    # -- a commune officer enters the unit's indicator values in its Quý III report ---------------------------------
    rid = _q3_report(base, "canbo.hoatham")
    page = _login(browser, base, "canbo.hoatham", errors)
    page.goto(f"/reports/{rid}")
    _settle(page)
    table = page.get_by_test_id("indicators")
    expect(table).to_be_visible()
    inputs = table.locator("input[data-testid^=indicator-]")
    expect(inputs.first).to_be_visible()
    codes = [str(c) for c in inputs.evaluate_all("els => els.map(e => e.dataset.testid.slice(10))")]
    assert len(codes) >= 2, codes
    values = {codes[0]: ("4", "4"), codes[1]: ("1.250", "1250")}  # typed → the API's decimal
    for code, (typed, _) in values.items():
        table.get_by_test_id(f"indicator-{code}").fill(typed)
    page.get_by_role("button", name="Lưu biểu số liệu").click()
    expect(page.get_by_text("Đã lưu biểu số liệu.")).to_be_visible()
    officer = api_token(base, "canbo.hoatham")
    stored = {i["code"]: i["value"] for i in api_json(base, f"/reports/{rid}/indicators", officer)["items"]}
    for code, (_, api_value) in values.items():
        assert stored[code] is not None and float(stored[code]) == float(api_value), (code, stored[code])
    expect(table.get_by_test_id(f"indicator-{codes[1]}")).to_have_value("1.250")  # shown with vi-VN grouping
    # the report's outline: sections in the API's order
    report = api_json(base, f"/reports/{rid}", officer)
    shown = page.locator("[data-testid^=outline-]").evaluate_all(
        "els => els.map(e => e.dataset.testid.slice(8))"
    )
    assert shown == [s["key"] for s in report["outline"]]
    _clean(page, axe_path, "commune report")
    page.screenshot(path=str(artifacts / "officer-indicators-1366x768.png"), full_page=True)
    page.context.close()

    # -- Phòng Nội vụ records an inspection of the commune, with a finding and its follow-up -------------------------
    page = _login(browser, base, "noivu", errors)
    page.goto("/activities")
    _settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hoạt động CCHC")
    _clean(page, axe_path, "activities")
    page.get_by_role("button", name="Ghi nhận cuộc kiểm tra").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    _pick(page, "unit_id", "Hoa Thám", search=True)
    _pick(page, "kind", "Đột xuất")
    _date(page, "date", "11/09/2024")
    _pick(page, "areas", "Cải cách thủ tục hành chính", search=True)
    dialog.get_by_label("Thành phần đoàn kiểm tra").fill(
        "Hoàng Thị Lan, Phó Trưởng phòng Nội vụ\nLý Văn Bình, chuyên viên"
    )
    dialog.get_by_label("Nội dung, kết quả kiểm tra").fill(
        "Kiểm tra việc công khai thủ tục tại bộ phận một cửa."
    )
    expect(page.locator(".ant-picker-dropdown:visible, .ant-select-dropdown:visible")).to_have_count(0)
    _clean(page, axe_path, "record inspection dialog")
    dialog.get_by_role("button", name="Lưu").click()
    expect(page).to_have_url(re.compile(r"/activities/inspections/\d+$"))
    iid = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Kiểm tra CCHC – .*Hoa Thám$"))
    expect(page.get_by_text("11/09/2024").first).to_be_visible()

    page.get_by_role("button", name="Thêm tồn tại").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Tồn tại, hạn chế").fill("Chưa niêm yết đủ 12 thủ tục hành chính mới công bố.")
    _pick(page, "severity", "Nghiêm trọng")
    dialog.get_by_label("Nội dung việc khắc phục").fill(FIX)
    dialog.get_by_label("Sản phẩm").fill("Ảnh chụp bảng niêm yết")
    _date(page, "fu_deadline", "31/10/2024")
    expect(page.locator(".ant-picker-dropdown:visible, .ant-select-dropdown:visible")).to_have_count(0)
    _clean(page, axe_path, "finding dialog")
    dialog.get_by_role("button", name="Lưu").click()
    expect(dialog).to_have_count(0)
    follow_up = page.get_by_test_id("follow-up")
    expect(follow_up).to_contain_text(FIX)
    expect(follow_up).to_contain_text("31/10/2024")
    expect(follow_up.get_by_role("link", name="Mở việc")).to_be_visible()
    _settle(page)
    _clean(page, axe_path, "inspection detail")
    page.screenshot(path=str(artifacts / "noivu-inspection-1366x768.png"), full_page=True)
    noivu = api_token(base, "noivu")
    ins = api_json(base, f"/inspections/{iid}", noivu)
    assignment = ins["findings"][0]["follow_up"]["assignment_id"]
    page.context.close()

    # -- the follow-up is an ordinary assignment in the commune's work list; the commune sees its inspection -------
    page = _login(browser, base, "canbo.hoatham", errors)
    page.goto("/my-work?q=" + urllib.request.quote("Niêm yết đầy đủ thủ tục"))
    _settle(page)
    expect(page.get_by_text(FIX).first).to_be_visible()
    page.goto("/activities")
    _settle(page)
    expect(
        page.get_by_test_id("inspections").get_by_role("link", name=re.compile("Hoa Thám")).first
    ).to_be_visible()
    expect(page.get_by_role("button", name="Ghi nhận cuộc kiểm tra")).to_have_count(0)
    page.goto(f"/activities/inspections/{iid}")
    _settle(page)
    expect(page.get_by_test_id("follow-up").get_by_role("link", name="Mở việc")).to_have_attribute(
        "href", f"/assignments/{assignment}"
    )
    expect(page.get_by_role("button", name="Thêm tồn tại")).to_have_count(0)
    _clean(page, axe_path, "inspection seen by the commune")
    page.context.close()

    # -- the district's Quý III report shows the inspection in section I --------------------------------------------
    did = _q3_report(base, "noivu")
    page = _login(browser, base, "noivu", errors)
    page.goto(f"/reports/{did}")
    _settle(page)
    keys = [str(k) for k in page.locator("[data-testid^=outline-]").evaluate_all(
        "els => els.map(e => e.dataset.testid.slice(8))")]  # fmt: skip
    district = api_json(base, f"/reports/{did}", noivu)
    numbers = {s["key"]: s["number"] for s in district["outline"]}
    roman = [k for k in keys if re.fullmatch(r"[IVX]+", numbers[k])]
    assert roman[0] == keys[0] and numbers[keys[0]] == "I"
    section_one = keys[: keys.index(roman[1])] if len(roman) > 1 else keys
    inspection = next(k for k in section_one if "kiểm tra" in next(
        s["title"] for s in district["outline"] if s["key"] == k).lower())  # fmt: skip
    # the report's text writes dates as documents do (NĐ 30: no leading zero for months after February)
    line = re.compile(r"Ngày 11/0?9/2024: kiểm tra đột xuất tại [^\n]*Hoa Thám")
    expect(page.get_by_test_id(f"outline-{inspection}")).to_contain_text(line)
    ind = page.get_by_test_id("indicators")
    expect(ind).to_be_visible()
    # the roll-up of what the commune entered: Hoa Thám is not among the units that have not entered it
    missing = ind.get_by_test_id(f"missing-{codes[0]}")
    if missing.count():
        expect(missing).not_to_contain_text("Hoa Thám")
    _clean(page, axe_path, "district report")
    page.screenshot(path=str(artifacts / "district-q3-outline-1366x768.png"), full_page=True)
    page.context.close()
    assert errors == [], "\n".join(errors)
