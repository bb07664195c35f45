"""Index documents: the self-assessment report (DOCX, XLSX) and the round's results table, read back.

The sheet is built by hand on the shipped commune example framework, in a 2025 round of LS.BG (apart from the
demo's 2024 round): some leaves with evidence, some without (with a giải trình), points chosen so that the total
needs exact decimals (0,5 + 0,75 + 1,5 …). The results export uses the demo round of 2024.
"""

import re
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from api.models import (
    AppraisalState,
    AssessmentRound,
    AssessmentSheet,
    Evidence,
    EvidenceOwner,
    Framework,
    FrameworkNode,
    OrgUnit,
    RoundStatus,
    Score,
    ScoreEvidence,
    SheetStatus,
)
from api.scoring.points import from_milli
from api.scoring.rules import evaluate, rule_of

V1 = "/api/v1"
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
HEADINGS = [
    "I. KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM",
    "II. GIẢI TRÌNH CÁC TIÊU CHÍ KHÔNG CÓ TÀI LIỆU KIỂM CHỨNG",
    "III. KHÓ KHĂN, VƯỚNG MẮC",
    "IV. KIẾN NGHỊ, ĐỀ XUẤT",
]
# leaf → answer; each with evidence (True) or with a giải trình only (False)
ANSWERS: dict[str, tuple[dict[str, Any], bool]] = {
    "1.1.1": ({"option_index": 1}, True),  # ban hành chậm: 0,5
    "1.2": ({"measured_value": "1"}, False),  # 2 − 0,5 = 1,5
    "3.1.1": ({"option_index": 0}, True),  # 1,5
    "3.4.1": ({"option_index": 1}, False),  # 0,75
    "3.2": ({"measured_value": "96.5"}, True),  # 3
    "6.3.1": ({"measured_value": "91"}, False),  # 0,5
    "2.3": ({"manual_points": "0.75"}, False),  # manual 0,75
}
EXPECTED_TOTAL = Decimal("8.5")


def _unit(session: Session, code: str) -> OrgUnit:
    return session.exec(select(OrgUnit).where(OrgUnit.code == code)).one()


def _commune_fw(session: Session) -> tuple[Framework, dict[str, FrameworkNode]]:
    fw = session.exec(select(Framework).where(Framework.code == "VD_CHI_SO_CCHC_XA")).one()
    nodes = session.exec(select(FrameworkNode).where(FrameworkNode.framework_id == fw.id)).all()
    return fw, {n.code: n for n in nodes}


def make_sheet(session: Session, unit_code: str = "LS.BG.X.HOATHAM", **sheet_fields: Any) -> AssessmentSheet:
    """A 2025 round of LS.BG on the commune example with one sheet of ``unit_code`` scored as in ANSWERS."""
    fw, nodes = _commune_fw(session)
    district = _unit(session, "LS.BG")
    rnd = session.exec(select(AssessmentRound).where(AssessmentRound.year == 2025)).first()
    if rnd is None:
        rnd = AssessmentRound(framework_id=fw.id or 0, owner_unit_id=district.id or 0, year=2025,
                              name="Đánh giá Chỉ số CCHC cấp xã năm 2025", self_start_date=date(2025, 9, 1),
                              self_end_date=date(2025, 10, 31), appraisal_start_date=date(2025, 9, 1),
                              appraisal_end_date=date(2025, 11, 30))  # fmt: skip
        session.add(rnd)
        session.flush()
    unit = _unit(session, unit_code)
    fields = {"status": SheetStatus.submitted, "difficulties": "Hạ tầng mạng ở các thôn còn yếu.",
              "recommendations": "Đề nghị hỗ trợ trang thiết bị cho Bộ phận Một cửa.",
              "signer_title": "Chủ tịch UBND xã", "signer_name": "Hoàng Văn Minh", **sheet_fields}  # fmt: skip
    sheet = AssessmentSheet(round_id=rnd.id or 0, unit_id=unit.id or 0, **fields)
    session.add(sheet)
    session.flush()
    for code, (answer, with_evidence) in ANSWERS.items():
        n = nodes[code]
        milli, computed = evaluate(rule_of(n.scoring, n.formula, n.max_points), **answer)
        s = Score(sheet_id=sheet.id or 0, node_id=n.id or 0, self_points_milli=milli, manual=not computed,
                  option_index=answer.get("option_index"), measured_value=answer.get("measured_value"),
                  explanation=None if with_evidence else f"Giải trình tiêu chí {code}: hồ sơ lưu bản giấy.")  # fmt: skip
        session.add(s)
        session.flush()
        if with_evidence:
            ev = Evidence(series_id=f"s-{sheet.id}-{code}", owner_type=EvidenceOwner.sheet, owner_id=sheet.id or 0,
                          unit_id=unit.id or 0, title=f"Tài liệu tiêu chí {code}", doc_number="12/BC-UBND",
                          issue_date=date(2025, 3, 4), filename="a.pdf", mime="application/pdf", size=1,
                          sha256="0" * 64)  # fmt: skip
            session.add(ev)
            session.flush()
            session.add(ScoreEvidence(score_id=s.id or 0, evidence_id=ev.id or 0))
    session.commit()
    return sheet


def _docx(content: bytes) -> Any:
    return Document(BytesIO(content))


def _texts(doc: Any) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _all_text(doc: Any) -> str:
    parts = _texts(doc)
    for t in doc.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def _export(client: TestClient, headers: dict[str, str], path: str, fmt: str) -> bytes:
    r = client.get(f"{V1}{path}", params={"format": fmt}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"].startswith("attachment;")
    return r.content


# --- the self-assessment report --------------------------------------------------------------------------------


def test_self_assessment_docx_reads_back(client: TestClient, session: Session, auth: Any) -> None:
    sheet = make_sheet(session)
    doc = _docx(_export(client, auth("chutich.hoatham"), f"/assessment-sheets/{sheet.id}/export", "docx"))
    texts = _texts(doc)
    # header block (ND 30), title and trích yếu
    header = "\n".join(c.text for c in doc.tables[0].rows[0].cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header and "Độc lập - Tự do - Hạnh phúc" in header
    assert "ỦY BAN NHÂN DÂN\nXÃ HOA THÁM" in header and "Số:" in header and "/BC-UBND" in header
    assert "Hoa Thám, ngày 15 tháng 10 năm 2024" in header  # the configured as-of date
    assert "BÁO CÁO" in texts
    assert "Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2025" in texts
    # the four sections, in order
    positions = [texts.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    # the summary table: total is the exact sum, evidence or "see II" per leaf, no appraisal column yet
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "STT")
    head = [c.text for c in table.rows[0].cells]
    assert head == ["STT", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá",
                    "Tài liệu kiểm chứng"]  # fmt: skip
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    total = [c.text for c in table.rows[-1].cells]
    assert total[1] == "Tổng cộng" and total[2] == "100" and total[3] == "8,5"
    assert sum(Decimal(rows[c][3].replace(",", ".")) for c in ANSWERS) == EXPECTED_TOTAL
    assert rows["3.4.1"][3] == "0,75" and rows["2.3"][3] == "0,75" and rows["3.4"][3] == "0,75"
    assert rows["1"][3] == "2"  # lĩnh vực 1 = 0,5 + 1,5
    # a cited document keeps the citation form (domain.md "In-text citations"); other dates are dd/mm/yyyy
    assert rows["1.1.1"][4] == "Tài liệu tiêu chí 1.1.1 (số 12/BC-UBND, ngày 04/3/2025)"
    assert any("(thời gian tự đánh giá từ ngày 01/09/2025 đến ngày 31/10/2025)" in t for t in texts)
    assert rows["1.2"][4] == "Không có (giải trình tại mục II)"
    assert rows["1.3.1"][3] == "" and rows["1.3.1"][4] == ""  # not scored
    # II: exactly the leaves scored without evidence, with their giải trình, in tree order
    ii, iii = texts.index(HEADINGS[1]), texts.index(HEADINGS[2])
    section = texts[ii:iii]
    explained = [c for c, (_, ev) in ANSWERS.items() if not ev]
    for code in explained:
        assert any(t.startswith(f"- {code}. ") for t in section), code
        assert f"Giải trình tiêu chí {code}: hồ sơ lưu bản giấy." in section
    assert not any("1.1.1" in t for t in section)
    assert [t.split(".")[0] for t in section if t.startswith("- ")] == ["- 1", "- 2", "- 3", "- 6"]
    # III, IV, closing, signer and nơi nhận
    assert "Hạ tầng mạng ở các thôn còn yếu." in texts[iii : texts.index(HEADINGS[3])]
    assert "Đề nghị hỗ trợ trang thiết bị cho Bộ phận Một cửa." in texts[texts.index(HEADINGS[3]) :]
    sign = doc.tables[-1].rows[0].cells
    assert "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH" in sign[1].text and "Hoàng Văn Minh" in sign[1].text
    assert "- UBND huyện Bình Gia (qua Phòng Nội vụ);" in sign[0].text and "- Lưu: VT." in sign[0].text
    everything = _all_text(doc)
    assert not ISO_DATE.search(everything) and "submitted" not in everything and "None" not in everything


def test_self_assessment_without_signer_uses_the_head_title_and_marks_drafts(
    client: TestClient, session: Session, auth: Any
) -> None:
    sheet = make_sheet(session, status=SheetStatus.in_progress, signer_title=None, signer_name=None)
    doc = _docx(_export(client, auth("canbo.hoatham"), f"/assessment-sheets/{sheet.id}/export", "docx"))
    texts = _texts(doc)
    scorable = session.exec(
        select(FrameworkNode).where(FrameworkNode.framework_id == _commune_fw(session)[0].id)
    )
    leaves = {n.id for n in scorable} - {n.parent_id for n in _commune_fw(session)[1].values()}
    session.commit()
    assert any(
        t.startswith("(Dự thảo – phiếu chấm điểm đang ở trạng thái: đang tự chấm; ")
        and t.endswith(f"đã chấm {len(ANSWERS)}/{len(leaves)} tiêu chí)")
        for t in texts
    )
    assert "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH" in doc.tables[-1].rows[0].cells[1].text


def test_appraised_sheet_shows_appraised_points(client: TestClient, session: Session, auth: Any) -> None:
    """The demo's approved sheet of Hoàng Văn Thụ: the appraisal column and its exact total."""
    sheet = session.exec(
        select(AssessmentSheet).join(OrgUnit, col(OrgUnit.id) == col(AssessmentSheet.unit_id))
        .where(OrgUnit.code == "LS.BG.X.HOANGVANTHU")
    ).one()  # fmt: skip
    scores = session.exec(select(Score).where(Score.sheet_id == sheet.id)).all()
    appraised = sum((from_milli(s.appraised_points_milli) or Decimal(0) for s in scores), Decimal(0))
    session.commit()
    doc = _docx(_export(client, auth("noivu"), f"/assessment-sheets/{sheet.id}/export", "docx"))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "STT")
    assert [c.text for c in table.rows[0].cells][4] == "Điểm thẩm định"
    total = [c.text for c in table.rows[-1].cells]
    assert total[4] == str(appraised).replace(".", ",") == "90,75"
    assert total[3] == "97"
    adjusted = [s for s in scores if s.appraisal_state == AppraisalState.adjusted]
    assert adjusted and all(s.appraised_points_milli < s.self_points_milli for s in adjusted)


def test_self_assessment_xlsx_reads_back(client: TestClient, session: Session, auth: Any) -> None:
    sheet = make_sheet(session)
    wb = load_workbook(
        BytesIO(_export(client, auth("noivu"), f"/assessment-sheets/{sheet.id}/export", "xlsx"))
    )
    ws = wb.active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header_at = next(i for i, r in enumerate(values) if r[0] == "STT")
    assert ws.freeze_panes == f"C{header_at + 2}"
    head = values[header_at]
    col_of = {h: i for i, h in enumerate(head)}
    rows = {r[0]: r for r in values[header_at + 1 :] if r[0]}
    total = values[-1]
    assert total[1] == "Tổng cộng"
    assert Decimal(str(total[col_of["Điểm tự đánh giá"]])) == EXPECTED_TOTAL
    assert Decimal(str(total[col_of["Điểm tối đa"]])) == 100
    assert Decimal(str(rows["3.4.1"][col_of["Điểm tự đánh giá"]])) == Decimal("0.75")
    assert rows["3.4.1"][col_of["Kết quả tự đánh giá"]] == "Chưa đầy đủ"
    assert rows["3.2"][col_of["Kết quả tự đánh giá"]] == "96,5 %"
    assert rows["1.2"][col_of["Giải trình"]] == "Giải trình tiêu chí 1.2: hồ sơ lưu bản giấy."
    assert rows["1.1.1"][col_of["Tài liệu kiểm chứng"]] == "Tài liệu tiêu chí 1.1.1"
    assert rows["1.1.1"][col_of["Tình trạng thẩm định"]] == "Chưa thẩm định"
    assert any("Trạng thái phiếu: Đã nộp" in str(r[0]) for r in values[:header_at])
    assert any(str(r[0]).endswith("; ngày xuất: 15/10/2024") for r in values[:header_at])  # dd/mm/yyyy
    text = " ".join(str(v) for r in values for v in r if v is not None)
    assert not ISO_DATE.search(text) and "pending" not in text and "submitted" not in text


def test_bad_characters_in_stored_text_cannot_break_a_document(
    client: TestClient, session: Session, auth: Any
) -> None:
    sheet = make_sheet(session, difficulties="Khó\x0bkhăn\x1f lạ\ufffe", recommendations="=HYPERLINK(1)\x07")
    s = session.exec(
        select(Score).where(Score.sheet_id == sheet.id, col(Score.explanation).is_not(None))
    ).first()
    assert s is not None
    s.explanation = "Giải\x01 trình\u202e lạ"
    session.add(s)
    session.commit()
    h = auth("noivu")
    doc = _docx(_export(client, h, f"/assessment-sheets/{sheet.id}/export", "docx"))
    everything = _all_text(doc)
    assert "Giải trình lạ" in everything and "=HYPERLINK(1)" in everything
    texts = _texts(doc)  # a vertical tab is a line break in the stored text; the rest is dropped
    assert texts[texts.index("III. KHÓ KHĂN, VƯỚNG MẮC") + 1 : texts.index("IV. KIẾN NGHỊ, ĐỀ XUẤT")] == [
        "Khó",
        "khăn lạ",
    ]
    wb = load_workbook(BytesIO(_export(client, h, f"/assessment-sheets/{sheet.id}/export", "xlsx")))
    cells = [str(c.value) for row in wb.active.iter_rows() for c in row if c.value is not None]
    assert "Giải trình lạ" in cells and not any("\x01" in c for c in cells)


def test_another_communes_sheet_is_404(client: TestClient, session: Session, auth: Any) -> None:
    sheet = make_sheet(session)
    for user in ("chutich.tanvan", "canbo.tanvan"):
        for fmt in ("docx", "xlsx"):
            r = client.get(
                f"{V1}/assessment-sheets/{sheet.id}/export", params={"format": fmt}, headers=auth(user)
            )
            assert r.status_code == 404, (user, fmt, r.text)
    r = client.get(f"{V1}/assessment-sheets/999999/export", headers=auth("noivu"))
    assert r.status_code == 404
    r = client.get(
        f"{V1}/assessment-sheets/{sheet.id}/export", params={"format": "pdf"}, headers=auth("noivu")
    )
    assert r.status_code == 422


# --- the round's results ------------------------------------------------------------------------------------------


def _demo_round(session: Session) -> AssessmentRound:
    rnd = session.exec(select(AssessmentRound).where(AssessmentRound.year == 2024)).one()
    session.commit()  # end the read transaction: the app writes (logins) on the same SQLite file
    return rnd


def _finals(session: Session, rnd: AssessmentRound) -> dict[str, Decimal]:
    """Unit name → final points (appraised where appraised, else self), for the units that submitted."""
    rows = session.exec(
        select(OrgUnit.name, Score).join(AssessmentSheet, col(AssessmentSheet.unit_id) == col(OrgUnit.id))
        .join(Score, col(Score.sheet_id) == col(AssessmentSheet.id))
        .where(AssessmentSheet.round_id == rnd.id, col(AssessmentSheet.status).in_(
            [SheetStatus.submitted, SheetStatus.under_appraisal, SheetStatus.appraised, SheetStatus.approved]))
    ).all()  # fmt: skip
    out: dict[str, Decimal] = {}
    for name, s in rows:
        milli = s.appraised_points_milli if s.appraised_points_milli is not None else s.self_points_milli
        out[name] = out.get(name, Decimal(0)) + (from_milli(milli) or Decimal(0))
    session.commit()
    return out


def test_results_docx_ranks_the_submitted_units(client: TestClient, session: Session, auth: Any) -> None:
    rnd = _demo_round(session)
    finals = _finals(session, rnd)
    doc = _docx(_export(client, auth("noivu"), f"/assessment-rounds/{rnd.id}/results/export", "docx"))
    texts = _texts(doc)
    assert "Kết quả đánh giá Chỉ số CCHC cấp xã năm 2024" in texts
    header = "\n".join(c.text for c in doc.tables[0].rows[0].cells)
    assert "ỦY BAN NHÂN DÂN\nHUYỆN BÌNH GIA" in header and "Bình Gia, ngày 15 tháng 10 năm 2024" in header
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Hạng")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert len(rows) == len(finals) >= 8
    points = [Decimal(r[3].replace(",", ".")) for r in rows]
    assert points == sorted(points, reverse=True)
    assert {r[1]: Decimal(r[3].replace(",", ".")) for r in rows} == finals
    ranks = [int(r[0]) for r in rows]
    assert ranks[0] == 1 and all(a <= b for a, b in zip(ranks, ranks[1:], strict=False))
    assert all(r[4].endswith("%") and "." not in r[4] for r in rows)
    assert {r[6] for r in rows} <= {"Đã nộp", "Đang thẩm định", "Đã thẩm định", "Đã phê duyệt"}
    # units not submitted are listed apart, with their state in words
    ii = texts.index("II. CÁC ĐƠN VỊ CHƯA NỘP PHIẾU")
    assert "- UBND xã Bình La: chưa chấm." in texts[ii:]
    assert "- UBND xã Quang Trung: bị trả lại." in texts[ii:]
    assert not ISO_DATE.search(_all_text(doc))


def test_results_xlsx_and_visibility_before_and_after_publication(
    client: TestClient, session: Session, auth: Any
) -> None:
    rnd = _demo_round(session)
    h = auth("noivu")
    wb = load_workbook(BytesIO(_export(client, h, f"/assessment-rounds/{rnd.id}/results/export", "xlsx")))
    values = [[c.value for c in row] for row in wb.active.iter_rows()]
    header_at = next(i for i, r in enumerate(values) if r[0] == "Hạng")
    rows = values[header_at + 1 :]
    assert len(rows) == 19 and wb.active.freeze_panes == f"C{header_at + 2}"
    ranked = [r for r in rows if r[0] != "" and r[0] is not None]
    assert [r[0] for r in ranked] == sorted(r[0] for r in ranked) and ranked[0][0] == 1
    assert {r[2] for r in rows if r not in ranked} == {"Chưa chấm", "Đang tự chấm", "Bị trả lại"}
    # before publication a commune sees its own line only, unranked
    own = load_workbook(BytesIO(_export(client, auth("canbo.hoatham"),
                                        f"/assessment-rounds/{rnd.id}/results/export", "xlsx")))  # fmt: skip
    own_rows = [[c.value for c in r] for r in own.active.iter_rows()][header_at + 1 :]
    assert [r[1] for r in own_rows] == ["UBND xã Hoa Thám"] and own_rows[0][0] in ("", None)
    doc = _docx(
        _export(client, auth("chutich.tanvan"), f"/assessment-rounds/{rnd.id}/results/export", "docx")
    )
    assert "UBND xã Hoa Thám" not in _all_text(doc) and "chưa xếp hạng" in _all_text(doc)
    # after publication every user under the district sees the whole ranking
    rnd.status, rnd.decision_ref = RoundStatus.published, "Quyết định số 125/QĐ-UBND"
    session.add(rnd)
    session.commit()
    pub = load_workbook(BytesIO(_export(client, auth("canbo.hoatham"),
                                        f"/assessment-rounds/{rnd.id}/results/export", "xlsx")))  # fmt: skip
    pub_rows = [[c.value for c in r] for r in pub.active.iter_rows()][header_at + 1 :]
    assert len(pub_rows) == 19 and [r[0] for r in pub_rows[: len(ranked)]] == [r[0] for r in ranked]
    doc = _docx(
        _export(client, auth("chutich.tanvan"), f"/assessment-rounds/{rnd.id}/results/export", "docx")
    )
    assert "Kết quả đã được công bố theo Quyết định số 125/QĐ-UBND." in _all_text(doc)
