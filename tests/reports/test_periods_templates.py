"""Reporting periods (windows of 581/BNV-CCHC, editable due dates) and replaceable DOCX templates."""

from datetime import date
from io import BytesIO

from docx import Document

from tests.reports.helpers import V1, act, open_report, patch_report

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_generate_periods_with_the_cut_off_windows(client, auth) -> None:  # type: ignore[no-untyped-def]
    r = client.post(f"{V1}/report-periods/generate", json={"year": 2024}, headers=auth("noivu"))
    assert r.status_code == 201, r.text
    got = {p["kind"]: p for p in r.json()}
    assert {k: (p["data_from"], p["data_to"]) for k, p in got.items()} == {
        "q1": ("2023-12-15", "2024-03-14"),
        "h1": ("2023-12-15", "2024-06-14"),
        "q3": ("2024-06-15", "2024-09-14"),  # not cumulative
        "year": ("2023-12-15", "2024-12-14"),
    }
    q1 = got["q1"]
    assert q1["name"] == "Quý I năm 2024" and got["h1"]["name"] == "6 tháng đầu năm 2024"
    assert q1["due_unit"] < q1["due_district"] < q1["due_province"] == "2024-03-20"
    assert q1["due_dates_are_defaults"] is True
    # the clock is 15/10/2024: Quý III's due dates have passed (a report not sent is quá hạn), the year's have not
    assert got["q3"]["unit_due_passed"] is True and got["q3"]["district_due_passed"] is True
    assert got["year"]["unit_due_passed"] is False and got["year"]["district_due_passed"] is False
    again = client.post(f"{V1}/report-periods/generate", json={"year": 2024}, headers=auth("noivu")).json()
    assert [p["id"] for p in again] == [p["id"] for p in r.json()]  # kept, not duplicated
    listed = client.get(f"{V1}/report-periods", params={"year": 2024}, headers=auth("canbo.hoatham")).json()
    assert listed["total"] == 4  # communes read their district's periods
    # only the district admin generates and edits
    assert (
        client.post(f"{V1}/report-periods/generate", json={"year": 2025}, headers=auth("chutich")).status_code
        == 403
    )
    path = f"{V1}/report-periods/{q1['id']}"
    etag = client.get(path, headers=auth("noivu")).headers["etag"]
    bad = client.patch(path, json={"data_to": "2023-01-01"}, headers={**auth("noivu"), "If-Match": etag})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "data_to"
    bad = client.patch(path, json={"due_unit": None}, headers={**auth("noivu"), "If-Match": etag})
    assert bad.status_code == 422
    ok = client.patch(path, json={"due_unit": "2024-03-08"}, headers={**auth("noivu"), "If-Match": etag})
    assert ok.status_code == 200 and ok.json()["due_dates_are_defaults"] is False
    stale = client.patch(path, json={"due_unit": "2024-03-07"}, headers={**auth("noivu"), "If-Match": etag})
    assert stale.status_code == 412
    etag = ok.headers["etag"]
    assert (
        client.patch(path, json={"name": "x"}, headers={**auth("chutich"), "If-Match": etag}).status_code
        == 403
    )


def _template_with(paragraph: str, anchor: bool = True) -> bytes:
    """The shipped template with one extra paragraph (and optionally without the body anchor)."""
    from api.reports.export_docx import skeleton

    doc = skeleton()
    first = doc.paragraphs[0]
    first.insert_paragraph_before(paragraph)
    if not anchor:
        for p in doc.paragraphs:
            if p.text == "{{NOI_DUNG}}":
                p.text = "Nội dung"
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _upload(client, headers, content, name="unit_report.docx"):  # type: ignore[no-untyped-def]
    return client.post(
        f"{V1}/report-templates",
        data={"name": name},
        files={"file": ("mau.docx", content, DOCX)},
        headers=headers,
    )


def test_replaceable_templates(client, auth, world) -> None:  # type: ignore[no-untyped-def]
    default = client.get(f"{V1}/report-templates/default", headers=auth("noivu"))
    assert default.status_code == 200 and "{{NOI_DUNG}}" in [
        p.text for p in Document(BytesIO(default.content)).paragraphs
    ]
    assert _upload(client, auth("noivu"), b"not a docx").status_code == 422
    missing = _upload(client, auth("noivu"), _template_with("x", anchor=False))
    assert missing.status_code == 422 and missing.json()["code"] == "template_anchor_missing"
    content = _template_with("MẪU RIÊNG: {{ten_don_vi}} – {{so_bao_cao}} – {{ky_bao_cao}} – {{khong_co}}")
    assert _upload(client, auth("chutich.hoatham"), content).status_code == 403
    up = _upload(client, auth("noivu"), content)
    assert up.status_code == 201, up.text
    tid = up.json()["id"]
    listed = client.get(f"{V1}/report-templates", headers=auth("canbo.hoatham")).json()
    assert [t["id"] for t in listed["items"]] == [tid]

    rep = open_report(client, auth("canbo.hoatham"), world["periods"]["q1"]["id"], world["unit"].id)
    patch_report(client, auth("canbo.hoatham"), rep["id"], {"number": "09"})
    r = client.get(
        f"{V1}/reports/{rep['id']}/export", params={"format": "docx"}, headers=auth("canbo.hoatham")
    )
    doc = Document(BytesIO(r.content))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "MẪU RIÊNG: UBND xã Hoa Thám – 09/BC-UBND – Quý I năm 2023 – {{khong_co}}"
    assert "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH" in texts and "{{NOI_DUNG}}" not in texts
    # the district report still uses the shipped layout (no district_report.docx uploaded)
    q1 = world["periods"]["q1"]
    district = open_report(client, auth("noivu"), q1["id"], q1["owner_unit_id"])
    r = client.get(f"{V1}/reports/{district['id']}/export", params={"format": "docx"}, headers=auth("noivu"))
    assert not Document(BytesIO(r.content)).paragraphs[0].text.startswith("MẪU RIÊNG")

    path = f"{V1}/report-templates/{tid}"
    assert client.delete(path, headers=auth("noivu")).status_code == 428
    etag = client.get(path, headers=auth("noivu")).headers["etag"]
    assert client.delete(path, headers={**auth("canbo.hoatham"), "If-Match": etag}).status_code == 403
    assert client.delete(path, headers={**auth("noivu"), "If-Match": etag}).status_code == 204
    r = client.get(
        f"{V1}/reports/{rep['id']}/export", params={"format": "docx"}, headers=auth("canbo.hoatham")
    )
    assert not Document(BytesIO(r.content)).paragraphs[0].text.startswith("MẪU RIÊNG")
    act(client, auth("chutich.hoatham"), rep["id"], "submit")


def test_plan_text_and_period_defaults_share_the_units_due_day(client, auth, session) -> None:  # type: ignore[no-untyped-def]
    """The demo plan's I.1.3 cites the units' due day; the periods default to the same day (one constant)."""
    from sqlmodel import select

    from api.models import Plan, Task
    from api.reports.periods import DEFAULT_DUE_DAY_UNIT, unit_due_rule_text

    task = session.exec(
        select(Task).join(Plan, Plan.id == Task.plan_id).where(Plan.year == 2024, Task.label == "I.1.3")
    ).one()
    assert unit_due_rule_text() in (task.description or "") and "{" not in (task.description or "")
    assert f"ngày {DEFAULT_DUE_DAY_UNIT:02d}" in (task.description or "")
    session.commit()  # end the read transaction (SQLite: the app needs the write lock)
    periods = client.post(f"{V1}/report-periods/generate", json={"year": 2024}, headers=auth("noivu")).json()
    assert {date.fromisoformat(p["due_unit"]).day for p in periods} == {DEFAULT_DUE_DAY_UNIT}
