"""DOCX of the index: the unit's self-assessment report and the round's results table, in the Nghị định 30 layout.

Both reuse the shipped report skeleton (:func:`api.reports.export_docx.skeleton`: header block with quốc hiệu and
tiêu ngữ, "BÁO CÁO" and the trích yếu, body anchor, nơi nhận and signature block). The self-assessment report
follows the contents the Ministry's guidance asks for (domain reference §1.5): I. the summary table of self-scores
per criterion, II. the giải trình of criteria scored without evidence, III. difficulties, IV. recommendations.
Every stored text goes through ``docx_kit.write`` (characters no document can hold are dropped).
"""

from io import BytesIO
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH

from api.reports import docx_kit as K
from api.reports import vn
from api.reports.export_docx import Body, skeleton
from api.scoring.exports import (
    DRAFT_STATES,
    SHEET_STATUS,
    NodeRow,
    RoundReport,
    SheetReport,
    percent_text,
    points_text,
    short_committee,
)
from api.scoring.points import percent

C, L = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
HEADINGS = (
    "I. KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM",
    "II. GIẢI TRÌNH CÁC TIÊU CHÍ KHÔNG CÓ TÀI LIỆU KIỂM CHỨNG",
    "III. KHÓ KHĂN, VƯỚNG MẮC",
    "IV. KIẾN NGHỊ, ĐỀ XUẤT",
)


def _evidence_text(r: NodeRow) -> str:
    """The evidence of a leaf, each a cited document: "Kế hoạch … (số 12/KH-UBND, ngày 04/3/2025)", its date in
    the citation form (``vn.short_date``, domain.md "In-text citations"), as the periodic reports cite it."""
    if r.evidence:
        return "\n".join(
            e.title
            + (f" (số {e.doc_number}" if e.doc_number else "")
            + (f"{',' if e.doc_number else ' ('} ngày {vn.short_date(e.issue_date)}" if e.issue_date else "")
            + (")" if e.doc_number or e.issue_date else "")
            for e in r.evidence
        )
    if r.score is not None and r.self_milli is not None:
        return "Không có (giải trình tại mục II)"
    return ""


def _label(r: NodeRow) -> str:
    return r.node.title


def _render(texts: dict[str, str], body: Any, recipients: list[str]) -> bytes:
    d = skeleton()
    K.replace_placeholders(d, texts)
    anchors = K.find_anchors(d)
    writer = K.AnchorWriter(d, anchors[K.BODY_ANCHOR])
    body(Body(writer))
    writer.close()
    rw = K.AnchorWriter(d, anchors[K.RECIPIENTS_ANCHOR])
    for line in recipients:
        K.spacing(K.write(rw.paragraph(), f"- {line}", size=11, align=L))
    rw.close()
    out = BytesIO()
    d.save(out)
    return out.getvalue()


# --- the self-assessment report --------------------------------------------------------------------------------


def _scores_table(b: Body, rep: SheetReport) -> None:
    header = ["STT", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá"]
    widths = [16, 70, 17, 19]
    if rep.has_appraisal:
        header.append("Điểm thẩm định")
        widths = [16, 58, 16, 18, 18]
    header.append("Tài liệu kiểm chứng")
    widths.append(165 - sum(widths))
    rows: list[list[Any]] = []
    for r in rep.rows:
        row: list[Any] = [r.node.code, _label(r), points_text(r.max_milli), points_text(r.self_milli)]
        if rep.has_appraisal:
            row.append(points_text(r.appraised_milli))
        row.append(_evidence_text(r) if r.leaf else "")
        rows.append(row)
    total = ["", "Tổng cộng", points_text(rep.total_max), points_text(rep.total_self)]
    if rep.has_appraisal:
        total.append(points_text(rep.total_appraised))
    total.append("")
    rows.append(total)
    t = b.table(header, rows, widths, size=11)
    for i, r in enumerate(rep.rows, start=1):  # lĩnh vực and tiêu chí rows in bold, like the Phụ lục tables
        if not r.leaf or r.depth == 0:
            for c in t.rows[i].cells[:4]:
                for run in c.paragraphs[0].runs:
                    run.bold = r.depth == 0 or not r.leaf
    for c in t.rows[len(rep.rows) + 1].cells:
        for run in c.paragraphs[0].runs:
            run.bold = True


def _sheet_body(b: Body, rep: SheetReport) -> None:
    name = rep.unit.name
    if rep.sheet.status in DRAFT_STATES:
        b.para(
            f"(Dự thảo – phiếu chấm điểm đang ở trạng thái: {SHEET_STATUS[rep.sheet.status].lower()}; "
            f"đã chấm {rep.scored_count}/{rep.scorable_count} tiêu chí)",
            italic=True,
            indent=False,
            align=C,
        )
    b.para(
        f"Thực hiện {rep.round.name} của {short_committee(rep.owner.name)} (thời gian tự đánh giá từ ngày "
        f"{vn.date_text(rep.round.self_start_date)} đến ngày {vn.date_text(rep.round.self_end_date)}), {name} "
        "báo cáo kết quả tự đánh giá, chấm điểm như sau:"
    )
    b.heading(HEADINGS[0], 1)
    pct = percent(rep.total_self, rep.total_max)
    total = (
        f"{points_text(rep.total_self)}/{points_text(rep.total_max)} điểm"
        if rep.total_max
        else (f"{points_text(rep.total_self)} điểm")
    )
    b.para(
        f"Tổng điểm tự đánh giá: {total}" + (f" (đạt {percent_text(pct)})" if pct is not None else "") + "; "
        f"số tiêu chí đã chấm: {rep.scored_count}/{rep.scorable_count}."
    )
    if rep.has_appraisal:
        b.para(
            f"Điểm thẩm định: {points_text(rep.total_appraised)} điểm, trên {rep.appraised_count}/"
            f"{rep.scorable_count} tiêu chí đã được tổ thẩm định xem xét."
        )
    b.para("Bảng tổng hợp kết quả tự đánh giá, chấm điểm:", italic=True)
    _scores_table(b, rep)
    b.heading(HEADINGS[1], 1)
    missing = rep.without_evidence
    if not missing:
        b.para("Các tiêu chí đã chấm đều có tài liệu kiểm chứng.")
    for r in missing:
        assert r.score is not None
        b.para(f"- {r.node.code}. {r.node.title} (tự đánh giá {points_text(r.self_milli)} điểm):", bold=True)
        b.text(r.score.explanation or "Chưa có giải trình.")
    b.heading(HEADINGS[2], 1)
    b.text(rep.sheet.difficulties or "Không có.")
    b.heading(HEADINGS[3], 1)
    b.text(rep.sheet.recommendations or "Không có.")
    b.para(
        f"Trên đây là báo cáo kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {rep.round.year} của "
        f"{name}./."
    )


def render_sheet(rep: SheetReport) -> bytes:
    """The self-assessment report (báo cáo kết quả tự đánh giá, chấm điểm) as DOCX."""
    return _render(rep.texts(), lambda b: _sheet_body(b, rep), rep.recipients())


# --- the round's results ------------------------------------------------------------------------------------------


def _results_body(b: Body, rep: RoundReport) -> None:
    res = rep.results
    owner = short_committee(rep.owner.name)
    state = (
        f"Kết quả đã được công bố{f' theo {rep.round.decision_ref}' if rep.round.decision_ref else ''}."
        if rep.published
        else "Kết quả chưa công bố: số liệu tạm thời theo tình trạng thẩm định tại thời điểm xuất."
    )
    b.para(
        f"{owner} báo cáo kết quả {rep.round.name[:1].lower()}{rep.round.name[1:]} "
        f"(bộ chỉ số: {res['framework_name']}; điểm tối đa {points_text_dec(res['max_points'])} điểm) như sau. "
        + state
    )
    if not res["complete"]:
        b.para(
            "Danh sách chỉ gồm các đơn vị trong phạm vi được xem của người xuất báo cáo, nên chưa xếp hạng.",
            italic=True,
        )
    b.heading("I. KẾT QUẢ, XẾP HẠNG CÁC ĐƠN VỊ ĐÃ NỘP PHIẾU", 1)
    rows = [
        [
            u["rank"] if u["rank"] is not None else "",
            u["unit_name"],
            points_text_dec(u["self_points"]),
            points_text_dec(u["appraised_points"]),
            percent_text(u["percent"]),
            (u["band"] or {}).get("name", ""),
            SHEET_STATUS[u["status"]],
        ]
        for u in rep.ranked
    ]
    if rows:
        b.table(
            ["Hạng", "Đơn vị", "Điểm tự đánh giá", "Điểm sau thẩm định", "Tỷ lệ", "Xếp loại", "Trạng thái"],
            rows,
            [13, 50, 20, 21, 18, 18, 25],
            size=11,
        )
    else:
        b.para("Chưa có đơn vị nào nộp phiếu.")
    if any(not band["verified"] for band in res["bands"]):
        b.para("Ghi chú: ngưỡng xếp loại là giá trị ví dụ của bộ chỉ số, chưa được xác minh.", italic=True)
    b.heading("II. CÁC ĐƠN VỊ CHƯA NỘP PHIẾU", 1)
    if not rep.not_ranked:
        b.para("Không có.")
    for u in rep.not_ranked:
        b.para(f"- {u['unit_name']}: {SHEET_STATUS[u['status']].lower()}.")


def points_text_dec(value: Any) -> str:
    """A ``Decimal`` of points from the results service as text with a decimal comma."""
    if value is None:
        return ""
    return format(value, "f").replace(".", ",")


def render_results(rep: RoundReport) -> bytes:
    """The round's results and ranking table (bảng kết quả, xếp hạng) as DOCX."""
    return _render(rep.texts(), lambda b: _results_body(b, rep), rep.recipients())
