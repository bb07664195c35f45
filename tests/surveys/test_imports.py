"""Imports of the survey: official SIPAS results (CSV/XLSX/JSON, row errors by column, nothing written on error,
upsert by unit × year × factor) and paper forms (same validation as the public form)."""

import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlmodel import Session, func, select

from api.models.survey import ResponseSource, SipasOfficialResult, SurveyResponse
from tests.surveys.conftest import HT_DESK, TV_DESK, V1, desk

X = "LS.BG.X."


def _official_count(session: Session) -> int:
    n = int(session.exec(select(func.count()).select_from(SipasOfficialResult)).one())
    session.commit()
    return n


def test_official_results_import_with_row_errors_by_column(
    client: TestClient, session: Session, auth: Any
) -> None:
    h = auth("noivu")
    before = _official_count(session)
    bad = [
        {"Mã đơn vị": "LS.SNV", "Năm": "2024", "Tỷ lệ hài lòng (%)": "80"},  # outside the district
        {"Mã đơn vị": X + "HOATHAM", "Năm": "2024", "Yếu tố": "an ninh", "Tỷ lệ hài lòng (%)": "80"},
        {"Mã đơn vị": X + "HOATHAM", "Năm": "2024", "Tỷ lệ hài lòng (%)": "101"},
        {"Mã đơn vị": X + "HOATHAM", "Năm": "2024", "Tỷ lệ hài lòng (%)": "8,12345"},
        {"Mã đơn vị": X + "HOATHAM", "Năm": "hai nghìn", "Tỷ lệ hài lòng (%)": "80"},
        {"Mã đơn vị": X + "TANVAN", "Năm": "2024"},
        {"Mã đơn vị": X + "TANVAN", "Năm": "2024", "Yếu tố": "gop_y", "Tỷ lệ hài lòng (%)": "70"},
        {"Mã đơn vị": X + "TANVAN", "Năm": "2024", "Yếu tố": "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị",
         "Tỷ lệ hài lòng (%)": "71"},
    ]  # fmt: skip
    r = client.post(f"{V1}/imports/sipas-results", headers=h, json=bad)
    assert r.status_code == 422, r.text
    errors = {(e["row"], e["column"], e["code"]) for e in r.json()["errors"]}
    assert errors == {
        (2, "Mã đơn vị", "unit_out_of_scope"),
        (3, "Yếu tố", "unknown_factor"),
        (4, "Tỷ lệ hài lòng (%)", "out_of_range"),
        (5, "Tỷ lệ hài lòng (%)", "invalid_number"),
        (6, "Năm", "invalid_number"),
        (7, "Tỷ lệ hài lòng (%)", "required"),
        (9, "Yếu tố", "duplicate_key"),  # the factor's name and code are the same factor
    }
    assert all(e["message"] for e in r.json()["errors"])
    assert _official_count(session) == before  # nothing written


def test_official_results_import_from_xlsx_upserts_and_shows_beside(
    client: TestClient, session: Session, auth: Any
) -> None:
    h = auth("noivu")
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã đơn vị", "Năm", "Yếu tố", "Tỷ lệ hài lòng (%)", "Nguồn (quyết định công bố)"])  # type: ignore[union-attr]
    ws.append([X + "HOATHAM", 2024, "", "77,5", "QĐ thử"])  # type: ignore[union-attr]
    ws.append([X + "HOATHAM", 2024, "tiep_can", 75, "QĐ thử"])  # type: ignore[union-attr]
    buf = io.BytesIO()
    wb.save(buf)
    files = {
        "file": (
            "sipas.xlsx",
            buf.getvalue(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    }
    r = client.post(f"{V1}/imports/sipas-results", headers=h, files=files)
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2
    r = client.post(f"{V1}/imports/sipas-results", headers=h, files=files)
    assert (r.json()["created"], r.json()["unchanged"]) == (0, 2)
    listed = client.get(
        f"{V1}/sipas-official-results", headers=auth("canbo.hoatham"), params={"year": 2024}
    ).json()
    assert {(i["factor"], i["percent"]) for i in listed["items"]} == {("", 77.5), ("tiep_can", 75.0)}
    ht = desk(session, HT_DESK)
    res = client.get(f"{V1}/survey-results", headers=auth("canbo.hoatham"), params={"year": 2024}).json()
    assert res["official_index"] == 77.5 and res["gap"] == round(res["index"] - 77.5, 2)
    assert next(f for f in res["factors"] if f["factor"] == "tiep_can")["official_percent"] == 75.0
    assert [d["id"] for d in res["desks"]] == [ht.id]
    # a commune cannot import
    assert (
        client.post(f"{V1}/imports/sipas-results", headers=auth("chutich.hoatham"), files=files).status_code
        == 403
    )
    csv = client.get(f"{V1}/imports/sipas-results/export.csv", headers=h).content.decode("utf-8-sig")
    assert "77,5" in csv


def test_paper_forms_by_json_and_import(client: TestClient, session: Session, auth: Any) -> None:
    ht, tv = desk(session, HT_DESK), desk(session, TV_DESK)
    form = client.get(f"{V1}/collection-points/{ht.id}", headers=auth("noivu")).json()
    qs = client.get(f"{V1}/surveys/{form['survey_id']}", headers=auth("canbo.hoatham")).json()["questions"]
    answers = [{"question_id": q["id"], "value": 4 if q["scale"] == "likert5" else 1} for q in qs]
    h = auth("canbo.hoatham")
    body = {
        "responses": [
            {"answered_on": "2024-05-02", "answers": answers},
            {"answered_on": "2024-05-03", "answers": answers},
        ]
    }
    r = client.post(f"{V1}/collection-points/{ht.id}/paper-responses", headers=h, json=body)
    assert r.status_code == 201 and r.json()["created"] == 2
    assert (
        client.post(f"{V1}/collection-points/{tv.id}/paper-responses", headers=h, json=body).status_code
        == 404
    )
    bad = {"responses": [{"answered_on": "2024-05-02", "answers": answers[:1]}]}
    r = client.post(f"{V1}/collection-points/{ht.id}/paper-responses", headers=h, json=bad)
    assert r.status_code == 422 and r.json()["errors"][0]["field"].startswith("responses.0.answers")
    # the import of paper forms (district)
    text = "; ".join(f"{q['code']}={4 if q['scale'] == 'likert5' else 1}" for q in qs)
    rows = [
        {"Mã điểm khảo sát": HT_DESK, "Ngày khảo sát": "06/05/2024", "Câu trả lời": text},
        {
            "Mã điểm khảo sát": TV_DESK,
            "Ngày khảo sát": "2024-05-07",
            "Câu trả lời": text,
            "Ý kiến khác": "Tốt",
        },
    ]
    before = int(
        session.exec(
            select(func.count())
            .select_from(SurveyResponse)
            .where(SurveyResponse.source == ResponseSource.import_)
        ).one()
    )
    session.commit()
    wrong = [*rows, {"Mã điểm khảo sát": "KHONG.CO", "Ngày khảo sát": "06/05/2024", "Câu trả lời": "TC1=9"},
             {"Mã điểm khảo sát": HT_DESK, "Ngày khảo sát": "06/05/2024", "Câu trả lời": "TC1=9"}]  # fmt: skip
    r = client.post(f"{V1}/imports/survey-responses", headers=auth("noivu"), json=wrong)
    assert r.status_code == 422
    codes = {(e["row"], e["column"], e["code"]) for e in r.json()["errors"]}
    assert (4, "Mã điểm khảo sát", "unknown_point") in codes and (5, "Câu trả lời", "out_of_range") in codes
    assert (5, "Câu trả lời", "missing_answer") in codes
    r = client.post(f"{V1}/imports/survey-responses", headers=auth("noivu"), json=rows)
    assert r.status_code == 200 and r.json()["created"] == 2, r.text
    after = int(
        session.exec(
            select(func.count())
            .select_from(SurveyResponse)
            .where(SurveyResponse.source == ResponseSource.import_)
        ).one()
    )
    session.commit()
    assert after == before + 2
