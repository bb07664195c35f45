"""Exports: the DOCX follows Nghị định 30/2020 (opened with python-docx), the XLSX opens with openpyxl and is safe
against formula injection, the JSON is valid against the published exchange schema."""

import json
from io import BytesIO
from pathlib import Path

import jsonschema
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import load_workbook
from sqlmodel import Session

from api.models import Assignment
from tests.reports.helpers import V1, act, open_report, patch_report

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def accepted(client, auth, engine, world):  # type: ignore[no-untyped-def]
    """Hoa Thám's accepted Quý I 2023 report with a number, a signer and narrative."""
    with Session(engine) as s:  # a result that looks like a formula, for the injection check
        a = s.get(Assignment, world["ids"]["late"])
        a.result = '=HYPERLINK("http://x")'
        s.add(a)
        s.commit()
    rep = open_report(client, auth("canbo.hoatham"), world["periods"]["q1"]["id"], world["unit"].id)
    patch_report(client, auth("chutich.hoatham"), rep["id"], {
        "number": "05", "signer": "Hoàng Văn Minh", "signer_title": "Chủ tịch",
        "narrative": {"ket_qua": "Xã đã hoàn thành kế hoạch tuyên truyền.", "phuong_huong": "Tiếp tục rà soát TTHC."},
    })  # fmt: skip
    act(client, auth("chutich.hoatham"), rep["id"], "submit")
    act(client, auth("noivu"), rep["id"], "accept")
    return rep["id"]


def _export(client, headers, rid, fmt):  # type: ignore[no-untyped-def]
    r = client.get(f"{V1}/reports/{rid}/export", params={"format": fmt}, headers=headers)
    assert r.status_code == 200, r.text
    return r


def _texts(cell) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in cell.paragraphs if p.text.strip()]


def _run_with(doc_part, text):  # type: ignore[no-untyped-def]
    for p in doc_part.paragraphs:
        for r in p.runs:
            if text in r.text:
                return r
    raise AssertionError(f"no run with {text!r}")


def test_unit_report_docx_follows_nd30(client, auth, accepted) -> None:  # type: ignore[no-untyped-def]
    r = _export(client, auth("canbo.hoatham"), accepted, "docx")
    assert r.headers["content-type"] == DOCX_TYPE and "attachment" in r.headers["content-disposition"]
    doc = Document(BytesIO(r.content))
    sec = doc.sections[0]
    assert abs(sec.page_width - Mm(210)) < Mm(1) and abs(sec.page_height - Mm(297)) < Mm(1)
    mm = lambda emu: round(emu / Mm(1), 1)  # noqa: E731 (Word stores twips: 15 mm reads back as 14.99)
    assert 20 <= mm(sec.top_margin) <= 25 and 20 <= mm(sec.bottom_margin) <= 25
    assert 30 <= mm(sec.left_margin) <= 35 and 15 <= mm(sec.right_margin) <= 20
    # page numbers centred in the header, not on page 1
    assert sec.different_first_page_header_footer
    assert "PAGE" in sec.header._element.xml and "PAGE" not in sec.first_page_header._element.xml
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman" and Pt(13) <= normal.size <= Pt(14)

    header = doc.tables[0]
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert all(b.get(qn("w:val")) == "nil" for b in borders)
    left, right = header.rows[0].cells
    # a people's committee has no cơ quan chủ quản line: issuing body, rule, number
    assert _texts(left) == ["ỦY BAN NHÂN DÂN\nXÃ HOA THÁM", "―――――――", "Số: 05/BC-UBND"]
    assert _run_with(left, "XÃ HOA THÁM").bold
    quoc_hieu = _run_with(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert quoc_hieu.bold and Pt(12) <= quoc_hieu.font.size <= Pt(13)
    tieu_ngu = _run_with(right, "Độc lập - Tự do - Hạnh phúc")
    assert tieu_ngu.bold and Pt(13) <= tieu_ngu.font.size <= Pt(14)
    date_line = _run_with(right, "Hoa Thám, ngày")
    assert date_line.italic and date_line.text == "Hoa Thám, ngày 15 tháng 10 năm 2024"  # submitted "today"

    body = [p.text for p in doc.paragraphs]
    i = body.index("BÁO CÁO")
    assert body[i + 1] == "Kết quả thực hiện công tác cải cách hành chính Quý I năm 2023"
    assert _run_with(doc, "BÁO CÁO").bold
    text = "\n".join(body)
    # the headings of the report's outline (the shipped commune outline, #16)
    for heading in ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH", "1. Kế hoạch cải cách hành chính và mức độ hoàn thành",
                    "a) Theo thời hạn hoàn thành", "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
                    "III. ĐÁNH GIÁ CHUNG", "2. Tồn tại, hạn chế", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI",
                    "V. ĐỀ XUẤT, KIẾN NGHỊ", "BIỂU SỐ LIỆU KẾT QUẢ CẢI CÁCH HÀNH CHÍNH"):  # fmt: skip
        assert heading in body, heading
    assert _run_with(doc, "I. CÔNG TÁC").bold and _run_with(doc, "a) Theo thời hạn").italic
    assert "Tổng số được giao: 7 nhiệm vụ, 7 lượt giao; trong đó (tính theo lượt giao)" in text
    assert "Xã đã hoàn thành kế hoạch tuyên truyền." in body
    assert "Thực hiện Kế hoạch số 7/KH-UBND ngày 10/1/2023 của UBND huyện Bình Gia" in text
    assert "(số liệu tính từ ngày 15/12/2022 đến ngày 14/03/2023)" in text
    # the figures table: counts and Vietnamese percentages (decimal comma)
    figures = next(t for t in doc.tables if t.rows[0].cells[0].text == "Tình trạng")
    rows = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in figures.rows[1:]}
    assert rows["Hoàn thành đúng hạn"] == ["1", "14,3%"] and rows["Đang thực hiện trong hạn"] == [
        "4",
        "57,1%",
    ]
    assert rows["Tổng số"] == ["7", "100,0%"]
    # nơi nhận and the signature block
    sign = next(t for t in doc.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    noi_nhan, chu_ky = sign.rows[0].cells
    label = _run_with(noi_nhan, "Nơi nhận:")
    assert label.bold and label.italic and label.font.size == Pt(12)
    entries = _texts(noi_nhan)[1:]
    assert entries[-1] == "- Lưu: VT." and entries[0].startswith("- UBND huyện Bình Gia")
    assert _run_with(noi_nhan, "Lưu: VT").font.size == Pt(11)
    assert _texts(chu_ky)[0] == "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH" and _texts(chu_ky)[-1] == "Hoàng Văn Minh"
    # the appendix, on a landscape page, with the plan's columns
    assert len(doc.sections) == 2 and doc.sections[1].page_width > doc.sections[1].page_height
    appendix = doc.tables[-1]
    assert [c.text for c in appendix.rows[0].cells] == [
        "STT", "Nhiệm vụ, giải pháp", "Sản phẩm", "Tiến độ", "Chủ trì/Phối hợp", "Kết quả", "Tài liệu kiểm chứng"]  # fmt: skip
    first = [c.text for c in appendix.rows[1].cells]
    assert first[0] == "1" and first[1] == "Nhiệm vụ 1" and first[4] == "Chủ trì"
    assert "Đã ban hành kế hoạch" in first[5] and "(số 12/KH-UBND, ngày 10/3/2023)" in first[6]  # a cited document
    assert "(Kèm theo Báo cáo số 05/BC-UBND ngày 15/10/2024 của UBND xã Hoa Thám)" in text


def test_district_report_docx(client, auth, accepted, world) -> None:  # type: ignore[no-untyped-def]
    q1 = world["periods"]["q1"]
    rep = open_report(client, auth("noivu"), q1["id"], q1["owner_unit_id"])
    patch_report(client, auth("noivu"), rep["id"], {"number": "12", "signer": "Nguyễn Mạnh Tuấn",
                                                      "signer_title": "Phó Chủ tịch UBND huyện"})  # fmt: skip
    doc = Document(BytesIO(_export(client, auth("chutich"), rep["id"], "docx").content))
    left, right = doc.tables[0].rows[0].cells
    assert "ỦY BAN NHÂN DÂN\nHUYỆN BÌNH GIA" in _texts(left) and "Số: 12/BC-UBND" in _texts(left)
    assert any(t.startswith("Bình Gia, ngày ") for t in _texts(right))
    units = next(t for t in doc.tables if t.rows[0].cells[1].text == "Cơ quan, đơn vị")
    hoatham = next(row for row in units.rows if row.cells[1].text == "UBND xã Hoa Thám")
    assert hoatham.cells[2].text == "Đã tiếp nhận (nộp muộn)" and hoatham.cells[3].text == "7"
    sign = next(t for t in doc.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    noi_nhan, chu_ky = sign.rows[0].cells
    assert _texts(noi_nhan)[1] == "- Sở Nội vụ tỉnh Lạng Sơn;" and _texts(noi_nhan)[-1] == "- Lưu: VT, NV."
    assert _texts(chu_ky)[0] == "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    assert _texts(chu_ky)[-1] == "Nguyễn Mạnh Tuấn"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Phòng Nội vụ đã tiếp nhận 1/" in text


def test_xlsx_export(client, auth, accepted) -> None:  # type: ignore[no-untyped-def]
    r = _export(client, auth("noivu"), accepted, "xlsx")
    wb = load_workbook(BytesIO(r.content))
    assert wb.sheetnames == ["Số liệu", "Biểu số liệu", "Khảo sát", "Nhiệm vụ", "Tài liệu kiểm chứng"]  # #20
    ws = wb["Số liệu"]
    values = {row[0]: row[1:] for row in ws.iter_rows(values_only=True) if row and row[0]}
    assert values["Đơn vị"][0] == "UBND xã Hoa Thám" and values["Số báo cáo"][0] == "05/BC-UBND"
    assert values["Hoàn thành đúng hạn"][:2] == (1, pytest.approx(1 / 7))
    assert values["Tổng số"][0] == 7 and values["Số nhiệm vụ"][0] == 7
    assert values["Hoàn thành trong kỳ"][0] == 2
    tasks = list(wb["Nhiệm vụ"].iter_rows(values_only=True))
    assert tasks[0][:4] == ("STT", "Nhiệm vụ, giải pháp", "Sản phẩm", "Tiến độ")
    late = next(row for row in tasks if row[0] == "6")
    assert late[9] == '\'=HYPERLINK("http://x")'  # never a live formula
    assert all(not (isinstance(c, str) and c.startswith(("=", "+", "-", "@"))) for row in tasks for c in row)
    evidence = list(wb["Tài liệu kiểm chứng"].iter_rows(values_only=True))
    assert evidence[1][0] == "12/KH-UBND"


def test_xlsx_export_speaks_vietnamese(client, auth, accepted) -> None:  # type: ignore[no-untyped-def]
    """No stored value in a cell (#18): the status in words, dates as date cells shown dd/mm/yyyy, never ISO text."""
    import datetime as dt
    import re

    r = _export(client, auth("noivu"), accepted, "xlsx")
    wb = load_workbook(BytesIO(r.content))
    ws = wb["Số liệu"]
    rows = {row[0].value: row[1] for row in ws.iter_rows() if row and row[0].value}
    assert rows["Trạng thái"].value == "Đã tiếp nhận"
    as_of = rows["Tính đến ngày"]
    assert isinstance(as_of.value, dt.datetime) and as_of.number_format == "dd/mm/yyyy"
    dated = [c for name in wb.sheetnames for row in wb[name].iter_rows() for c in row if isinstance(c.value, dt.datetime)]
    assert len(dated) > 1 and all(c.number_format == "dd/mm/yyyy" for c in dated)
    texts = [c.value for name in wb.sheetnames for row in wb[name].iter_rows() for c in row if isinstance(c.value, str)]
    iso = [t for t in texts if re.search(r"\b\d{4}-\d{2}-\d{2}\b", t)]
    raw = [t for t in texts if t in {"draft", "submitted", "returned", "accepted", "approved", "in_progress"}]
    assert iso == [] and raw == [], (iso, raw)


def test_json_export_is_valid_against_the_exchange_schema(client, auth, accepted) -> None:  # type: ignore[no-untyped-def]
    r = _export(client, auth("canbo.hoatham"), accepted, "json")
    doc = json.loads(r.content)
    schema_path = Path(__file__).resolve().parents[2] / "api" / "portal" / "schema.json"
    if schema_path.exists():
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
    else:  # our own export shape when the portal package does not publish one
        schema = {"type": "object", "required": ["document_version", "unit", "period", "report", "figures",
                                                 "task_table", "narrative", "links"]}  # fmt: skip
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)
    assert doc["figures"]["total"] == 7 and doc["report"]["status"] == "accepted"
    assert doc["narrative"]["ket_qua"] == "Xã đã hoàn thành kế hoạch tuyên truyền."
    assert doc["links"]["docx"].endswith(f"/reports/{accepted}/export?format=docx")


def test_json_export_is_the_document_the_portal_receives(client, auth, accepted, db) -> None:  # type: ignore[no-untyped-def]
    """One builder: the export of an accepted report equals the portal adapter's payload for it."""
    from sqlmodel import Session

    from api.models import OrgUnit, Report, ReportingPeriod
    from api.portal.adapters import ParsipasV1Adapter
    from api.reports.exchange import ReportLinks

    exported = json.loads(_export(client, auth("canbo.hoatham"), accepted, "json").content)
    with Session(db) as s:
        report = s.get(Report, accepted)
        assert report is not None
        period, unit = s.get(ReportingPeriod, report.period_id), s.get(OrgUnit, report.unit_id)
        assert period is not None and unit is not None
        sent = ParsipasV1Adapter().build_payload(report, period, unit, ReportLinks.for_report(accepted))
    exported.pop("generated_at"), sent.pop("generated_at")
    assert exported == sent


def test_exports_are_scoped(client, auth, accepted) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"{V1}/reports/{accepted}/export", params={"format": "xlsx"}, headers=auth("canbo.tanvan"))
    assert r.status_code == 404
    r = client.get(f"{V1}/reports/{accepted}/export", params={"format": "pdf"}, headers=auth("noivu"))
    assert r.status_code == 422
