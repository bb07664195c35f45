"""The survey results (the summary text of the DOCX and the XLSX) write their window as dd/mm/yyyy with leading
zeros: "từ ngày 01/01/2024 đến ngày 31/12/2024", never "01/1/2024"."""

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from api.surveys.summary import period_text
from tests.date_sweep import dates, docx_texts, unpadded, xlsx_texts
from tests.surveys.conftest import V1

WINDOW = "từ ngày 01/01/2024 đến ngày 31/12/2024"


def test_period_text_pads_day_and_month() -> None:
    assert period_text(date(2024, 1, 1), date(2024, 3, 9)) == "từ ngày 01/01/2024 đến ngày 09/03/2024"
    assert period_text(date(2024, 7, 5), None) == "từ ngày 05/07/2024"
    assert period_text(None, date(2024, 2, 29)) == "đến ngày 29/02/2024"
    assert period_text(None, None) == "toàn bộ thời gian"


def test_survey_exports_write_dates_with_leading_zeros(client: TestClient, auth: Any) -> None:
    h = auth("noivu")
    for suffix, read in (("docx", docx_texts), ("xlsx", xlsx_texts)):
        r = client.get(f"{V1}/survey-results.{suffix}", headers=h, params={"year": 2024})
        assert r.status_code == 200, r.text
        texts = read(r.content)
        assert any(WINDOW in t for t in texts), (suffix, texts[:8])
        assert unpadded(dates(texts)) == [], (suffix, unpadded(dates(texts)))
