"""The scoring documents write every date for people as dd/mm/yyyy with leading zeros (01/09/2025, never
01/9/2025): the self-assessment period in the report, the export date of the XLSX tables. An evidence document
is cited, so its date keeps the citation form ("(số 12/BC-UBND, ngày 04/3/2025)", domain.md "In-text
citations"). The export day is set to 04/03/2025 so that a date written without its zeros shows."""

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.models import AssessmentRound
from tests.date_sweep import citation_form, cited, dates, docx_texts, unpadded, xlsx_texts
from tests.scoring.test_exports import V1, make_sheet

EXPORT_DAY = date(2025, 3, 4)


def _get(client: TestClient, headers: dict[str, str], path: str, fmt: str) -> bytes:
    r = client.get(f"{V1}{path}", params={"format": fmt}, headers=headers)
    assert r.status_code == 200, r.text
    return r.content


def test_scoring_exports_write_dates_with_leading_zeros(
    app: Any, client: TestClient, session: Session, auth: Any
) -> None:
    sheet = make_sheet(session)  # self-assessment 01/09/2025–31/10/2025; evidence số 12/BC-UBND of 04/03/2025
    demo = session.exec(select(AssessmentRound).where(AssessmentRound.year == 2024)).one()
    session.commit()
    h = auth("noivu")
    app.state.settings = app.state.settings.model_copy(update={"as_of_date": EXPORT_DAY})

    docx = docx_texts(_get(client, h, f"/assessment-sheets/{sheet.id}/export", "docx"))
    joined = "\n".join(docx)
    assert "thời gian tự đánh giá từ ngày 01/09/2025 đến ngày 31/10/2025" in joined
    assert unpadded(dates(docx)) == [], unpadded(dates(docx))
    assert cited(docx) and citation_form(cited(docx)), cited(docx)
    assert "Tài liệu tiêu chí 1.1.1 (số 12/BC-UBND, ngày 04/3/2025)" in docx

    xlsx = xlsx_texts(_get(client, h, f"/assessment-sheets/{sheet.id}/export", "xlsx"))
    assert any(t.endswith("ngày xuất: 04/03/2025") for t in xlsx), xlsx[:6]
    assert unpadded(dates(xlsx)) == [], unpadded(dates(xlsx))

    for fmt in ("docx", "xlsx"):
        content = _get(client, h, f"/assessment-rounds/{demo.id}/results/export", fmt)
        texts = docx_texts(content) if fmt == "docx" else xlsx_texts(content)
        assert unpadded(dates(texts)) == [], (fmt, unpadded(dates(texts)))
        assert citation_form(cited(texts)), (fmt, cited(texts))
    results = xlsx_texts(_get(client, h, f"/assessment-rounds/{demo.id}/results/export", "xlsx"))
    assert any(t.endswith("ngày xuất: 04/03/2025") for t in results), results[:4]
