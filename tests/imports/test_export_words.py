"""Import-format exports speak as people write (#18): dates dd/mm/yyyy and periods in words ("Quý III/2024"), never
ISO dates or period codes, and the file still imports back unchanged (the parsers read what the exports write)."""

import csv
import io
import re

from api.imports.kinds.task_rows import parse_deadline
from api.imports.kinds.values import date_cell, parse_date_text, period_cell
from api.models import Plan
from tests.imports.helpers import API, fetch, post_file

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_cells_are_written_in_words_and_read_back() -> None:
    from datetime import date

    assert date_cell(date(2024, 9, 14)) == "14/09/2024" and parse_date_text("14/09/2024") == date(2024, 9, 14)
    assert date_cell(None) is None
    for code, year, text in [
        ("Q3", 2024, "Quý III/2024"),
        ("Q4", None, "Quý IV"),
        ("H1", 2024, "6 tháng đầu năm 2024"),
        ("H2", 2025, "6 tháng cuối năm 2025"),
        ("Y", 2024, "Năm 2024"),
    ]:
        assert period_cell(code, year) == text
        parsed = parse_deadline(text, 2030)
        assert parsed is not None and parsed["period_code"] == code and parsed["period_year"] == (year or 2030)


def test_task_and_unit_exports_have_no_iso_dates_or_period_codes(client, auth, db) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    demo = fetch(db, Plan, number="85", year=2024)
    r = client.get(f"{API}/tasks/export.csv", headers=h, params={"plan_id": demo.id})
    assert r.status_code == 200, r.text
    rows = _csv(r.content)
    deadlines = [v for row in rows for k, v in row.items() if k.startswith("Thời hạn") and v]
    assert deadlines, "the demo appendix has deadlines"
    assert not [d for d in deadlines if ISO.search(d) or re.fullmatch(r"[QH][1-4]/\d{4}|Y/\d{4}", d)], deadlines
    assert any(re.fullmatch(r"\d{2}/\d{2}/\d{4}", d) or d.startswith(("Quý", "6 tháng", "Năm")) for d in deadlines)
    again = post_file(client, "tasks", "phu-luc.csv", r.content, h, plan_id=demo.id)
    assert again.status_code == 200 and again.json()["created"] == again.json()["updated"] == 0, again.text

    r = client.get(f"{API}/org-units/export.csv", headers=h)
    assert r.status_code == 200, r.text
    text = r.content.decode("utf-8-sig")
    assert not ISO.search(text), ISO.findall(text)[:5]
    assert re.search(r"\b\d{2}/\d{2}/\d{4}\b", text)  # the units' validity dates, as people write them
