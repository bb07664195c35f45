"""The DOCX follows the report's outline (#16), read back with python-docx: its headings in the outline's order, the
auto-filled sections' texts, and the biểu số liệu table holding the values the API gives."""

from decimal import Decimal
from io import BytesIO

from docx import Document
from openpyxl import load_workbook

from api.reports.export_docx import heading_text
from tests.reports.helpers import V1, open_report, patch_report, unit
from tests.reports.outline_helpers import add_activities, indicators, put_values, vn_to_decimal


def _docx(client, headers, report_id):  # type: ignore[no-untyped-def]
    r = client.get(f"{V1}/reports/{report_id}/export", params={"format": "docx"}, headers=headers)
    assert r.status_code == 200, r.text
    return Document(BytesIO(r.content))


def _indicator_table(doc):  # type: ignore[no-untyped-def]
    tables = [t for t in doc.tables if t.rows[0].cells[1].text == "Chỉ tiêu"]
    assert len(tables) == 1
    return tables[0]


def _check(client, headers, report_id) -> list[str]:  # type: ignore[no-untyped-def]
    detail = client.get(f"{V1}/reports/{report_id}", headers=headers).json()
    doc = _docx(client, headers, report_id)
    paragraphs = [p.text.strip() for p in doc.paragraphs if p.text.strip()]
    # every heading of the outline, in the outline's order
    positions = []
    for s in detail["outline"]:
        wanted = heading_text(s)
        assert wanted in paragraphs, wanted
        positions.append(paragraphs.index(wanted))
    assert positions == sorted(positions)
    # the indicator table holds the API's values, row by row
    table = indicators(client, headers, report_id)
    rows = _indicator_table(doc).rows[1:]
    assert len(rows) == len(table["items"])
    for row, item in zip(rows, table["items"], strict=True):
        cells = [c.text for c in row.cells]
        assert cells[1] == item["name"] and cells[2] == item["unit_of_measure"]
        if item["value"] is None:
            assert cells[3] == "—"
        else:
            assert vn_to_decimal(cells[3]) == vn_to_decimal(item["value"].replace(".", ","))
    return paragraphs


def test_docx_follows_the_outline(client, auth, session, world) -> None:  # type: ignore[no-untyped-def]
    add_activities(session)
    q3 = world["periods"]["q3"]["id"]
    officer, noivu = auth("canbo.hoatham"), auth("noivu")
    tanvan = unit(session, "LS.BG.X.TANVAN")
    district_id = unit(session, "LS.BG").id
    session.commit()
    rep = open_report(client, officer, q3, world["unit"].id)
    put_values(client, officer, rep["id"], {"VB_BAN_HANH": "3", "HS_TIEP_NHAN": "1250", "HS_DUNG_HAN": "1200",
                                            "CB_HAI_LONG": "87,5"})  # fmt: skip
    patch_report(
        client,
        officer,
        rep["id"],
        {"narrative": {"the_che": "Rà soát 05 văn bản.", "khao_sat": "Phát 200 phiếu."}},
    )
    paragraphs = _check(client, officer, rep["id"])
    text = "\n".join(paragraphs)
    assert "Rà soát 05 văn bản." in text and "Phát 200 phiếu." in text
    assert "Ngày 10/08/2023: kiểm tra định kỳ" in text and "Khắc phục xong trong tháng 10/2023" in text
    assert "Ngoài kỳ báo cáo" not in text
    rows = {
        r.cells[1].text: r.cells[3].text for r in _indicator_table(_docx(client, officer, rep["id"])).rows[1:]
    }
    assert (
        rows["Số hồ sơ TTHC tiếp nhận"] == "1.250"
        and rows["Mức độ hài lòng qua khảo sát tại đơn vị"] == "87,5"
    )
    assert rows["Tỷ lệ hồ sơ giải quyết đúng hạn"] == "96"  # 1200 / 1250
    # the district report: roll-ups, and the units that have not entered them named in the table
    r2 = open_report(client, noivu, q3, tanvan.id)
    put_values(client, noivu, r2["id"], {"VB_BAN_HANH": "2"})
    drep = open_report(client, noivu, q3, district_id)
    _check(client, noivu, drep["id"])
    notes = {
        r.cells[1].text: r.cells[4].text for r in _indicator_table(_docx(client, noivu, drep["id"])).rows[1:]
    }
    assert notes["Số văn bản quy phạm pháp luật, văn bản chỉ đạo CCHC ban hành"] == "Tổng cộng từ 2/2 đơn vị"
    assert notes["Số hồ sơ TTHC tiếp nhận"] == f"Tổng cộng từ 1/2 đơn vị; chưa nhập: {tanvan.name}"
    assert notes["Số cuộc kiểm tra CCHC"] == "Hệ thống tính"
    # the XLSX holds the same table as numbers, with the units not entered
    r = client.get(f"{V1}/reports/{drep['id']}/export", params={"format": "xlsx"}, headers=noivu)
    assert r.status_code == 200, r.text
    rows = list(load_workbook(BytesIO(r.content))["Biểu số liệu"].iter_rows(values_only=True))
    api = indicators(client, noivu, drep["id"])["items"]
    assert [row[1] for row in rows[1:]] == [i["code"] for i in api]
    for row, item in zip(rows[1:], api, strict=True):
        assert (row[4] is None) == (item["value"] is None)
        if item["value"] is not None:
            assert Decimal(str(row[4])) == Decimal(item["value"])
    received = next(row for row in rows if row[1] == "HS_TIEP_NHAN")
    assert received[7] == "1/2" and received[8] == tanvan.name
