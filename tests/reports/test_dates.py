"""Every date a report writes for people reads dd/mm/yyyy with leading zeros (11/09/2024, never 11/9/2024), as the
screens and the spreadsheet cells show it: the API's section texts, the DOCX and the XLSX. The one exception is the
date of a cited document, written as the reference documents cite ("Kế hoạch số 126/KH-UBND ngày 03/6/2024 của …",
domain.md "In-text citations"). Machine fields (ISO dates in JSON) are left as they are."""

import re

from tests.date_sweep import cited as _cited
from tests.date_sweep import dates as _dates
from tests.date_sweep import docx_texts as _docx_texts
from tests.date_sweep import unpadded as _unpadded
from tests.date_sweep import xlsx_texts as _xlsx_texts
from tests.reports.helpers import V1, open_report, patch_report
from tests.reports.outline_helpers import add_activities


def _export(client, headers, rid, fmt):  # type: ignore[no-untyped-def]
    r = client.get(f"{V1}/reports/{rid}/export", params={"format": fmt}, headers=headers)
    assert r.status_code == 200, r.text
    return r.content


def test_report_text_writes_dates_with_leading_zeros(client, auth, session, world) -> None:  # type: ignore[no-untyped-def]
    add_activities(session)  # an inspection of 10/08/2023, a period from 15/06/2023 to 14/09/2023
    officer = auth("canbo.hoatham")
    rep = open_report(client, officer, world["periods"]["q3"]["id"], world["unit"].id)
    patch_report(client, officer, rep["id"], {"narrative": {"the_che": "Rà soát 05 văn bản."}})

    detail = client.get(f"{V1}/reports/{rep['id']}", headers=officer).json()
    sections = [s.get("text") or "" for s in detail["outline"]] + [
        s.get("auto_text") or "" for s in detail["outline"]
    ]
    api_dates = _dates(sections)
    assert "10/08/2023" in api_dates, api_dates  # the inspection, written by the API into the section text
    assert _unpadded(api_dates) == []

    docx_texts = _docx_texts(_export(client, officer, rep["id"], "docx"))
    docx_dates = _dates(docx_texts)
    joined = "\n".join(docx_texts)
    assert "Ngày 10/08/2023: kiểm tra định kỳ" in joined
    assert "từ ngày 15/06/2023 đến ngày 14/09/2023" in joined  # the period line
    assert _unpadded(docx_dates) == [], _unpadded(docx_dates)
    # a cited document keeps the citation form: 2-digit day, month unpadded
    assert all(re.fullmatch(r"\d{2}/[1-9]\d?/\d{4}", d) for d in _cited(docx_texts)), _cited(docx_texts)

    xlsx_dates = _dates(_xlsx_texts(_export(client, officer, rep["id"], "xlsx")))
    assert _unpadded(xlsx_dates) == [], _unpadded(xlsx_dates)

    # machine fields stay ISO: the figures' window in the report's JSON
    figures = detail.get("figures") or {}
    if figures.get("data_from"):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", figures["data_from"])
