"""Exports of the survey results: the results table (XLSX) and a short summary (DOCX) for the khảo sát section of
the periodic report. Vietnamese, dd/mm/yyyy, decimal comma (:mod:`api.reports.vn`); figures come from
:func:`api.surveys.results.compute`, so the files say what the screen says.
"""

from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from api.reports import docx_kit, vn
from api.reports.export_xlsx import safe
from api.surveys import summary as S
from api.surveys.results import SurveyResults

WRAP = Alignment(wrap_text=True, vertical="top")
SMALL = "Mẫu nhỏ"
_pct, _ci, period_text = S.pct, S.ci, S.period_text


# --- XLSX -------------------------------------------------------------------------------------------------


def results_xlsx(res: SurveyResults, *, scope_name: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Theo yếu tố"  # type: ignore[union-attr]
    title = [
        "KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG TẠI BỘ PHẬN MỘT CỬA",
        f"{scope_name} — {period_text(res.start, res.end)}",
        f"Số phiếu hợp lệ: {vn.number(res.responses)}; không tính {vn.number(res.excluded)} phiếu trùng hoặc do máy tự điền.",
        "Tỷ lệ hài lòng = (Hài lòng + Rất hài lòng) / số trả lời hợp lệ; khoảng tin cậy Wilson 95%. "
        + (
            "Trọng số theo bộ chỉ số SIPAS (chưa xác minh)."
            if res.weights_source == "framework"
            else "Trọng số bằng nhau."
        ),
    ]
    _table(
        ws,  # type: ignore[arg-type]
        title,
        [
            "Yếu tố",
            "Trọng số",
            "Số phiếu",
            "Số trả lời",
            "Tỷ lệ hài lòng",
            "Khoảng tin cậy",
            "Mẫu nhỏ",
            "Kết quả chính thức",
            "Chênh lệch",
            "Nhiệm vụ liên quan",
        ],
        [
            [
                f.factor_name,
                vn.number(f.weight, 1) if f.weight is not None else "",
                f.responses,
                f.answers,
                _pct(f.satisfied_share),
                _ci(f),
                SMALL if f.small_sample else "",
                _pct(f.official_percent),
                "" if f.gap is None else vn.number(f.gap, 1),
                len(f.tasks),
            ]
            for f in res.factors
        ]
        + [
            [
                "Chỉ số chung",
                "",
                res.overall.responses,
                res.overall.answers,
                _pct(res.index),
                _ci(res.overall),
                SMALL if res.overall.small_sample else "",
                _pct(res.official_index),
                "" if res.gap is None else vn.number(res.gap, 1),
                "",
            ]
        ],
        [40, 10, 10, 10, 14, 16, 10, 16, 12, 12],
    )
    ws2 = wb.create_sheet("Theo câu hỏi")
    _table(
        ws2,
        title[:2],
        ["Mã", "Câu hỏi", "Yếu tố", "Số trả lời", "Tỷ lệ hài lòng", "Khoảng tin cậy", "Mẫu nhỏ"],
        [
            [
                q.code,
                q.text,
                q.factor.value,
                q.answers,
                _pct(q.satisfied_share),
                _ci(q),
                SMALL if q.small_sample else "",
            ]
            for q in res.questions
        ],
        [8, 60, 14, 10, 14, 16, 10],
    )
    factor_names = [f.factor_name for f in res.factors]
    for name, groups in (("Theo điểm khảo sát", res.desks), ("Theo đơn vị", res.units)):
        ws3 = wb.create_sheet(name)
        _table(
            ws3,
            title[:2],
            ["Tên", "Đơn vị", "Số phiếu", "Chỉ số", "Mẫu nhỏ", *factor_names],
            [
                [
                    g.name,
                    g.unit_name or "",
                    g.responses,
                    _pct(g.index),
                    SMALL if g.small_sample else "",
                    *(_pct(g.factors.get(f.factor.value)) for f in res.factors),
                ]
                for g in groups
            ],
            [40, 30, 10, 10, 10, *([14] * len(factor_names))],
        )
    ws4 = wb.create_sheet("Theo tháng")
    _table(
        ws4,
        title[:2],
        ["Tháng", "Số phiếu", "Chỉ số", *factor_names],
        [
            [
                f"{m.month[5:7]}/{m.month[:4]}",
                m.responses,
                _pct(m.index),
                *(_pct(m.factors.get(f.factor.value)) for f in res.factors),
            ]
            for m in res.months
        ],
        [10, 10, 10, *([14] * len(factor_names))],
    )
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _table(ws: Any, title: list[str], header: list[str], rows: list[list[Any]], widths: list[int]) -> None:
    for i, line in enumerate(title, start=1):
        ws.cell(i, 1, safe(line)).font = Font(bold=i == 1)
    first = len(title) + 2
    for c, h in enumerate(header, start=1):
        cell = ws.cell(first, c, h)
        cell.font = Font(bold=True)
        cell.alignment = WRAP
    for r, row in enumerate(rows, start=first + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c, safe(value))
            if isinstance(value, str):
                cell.alignment = WRAP
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = w
    ws.freeze_panes = ws.cell(first + 1, 1)


# --- DOCX -------------------------------------------------------------------------------------------------


def summary_docx(res: SurveyResults, *, scope_name: str) -> bytes:
    """A short summary for the report's khảo sát section: what was measured, the rate per factor, the index, the
    weak factors and the work linked to them — the same words as the report's section (:mod:`api.surveys.summary`)."""
    doc = Document()
    docx_kit.set_default_font(doc, 13)
    docx_kit.write(doc.add_paragraph(), "KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG CỦA NGƯỜI DÂN, TỔ CHỨC", size=14, bold=True,
                   align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    docx_kit.write(doc.add_paragraph(), f"{scope_name}, {period_text(res.start, res.end)}", italic=True,
                   align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    write_section(doc, S.summarize(res), district=len(res.units) > 1, window=period_text(res.start, res.end))
    docx_kit.write(doc.add_paragraph(), "Ghi chú: " + S.METHOD_NOTE, italic=True, size=11)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def write_section(doc: Any, s: S.SurveySummary, *, district: bool, window: str, size: float = 13) -> None:
    """The khảo sát text and factor table into a python-docx document (or anything with ``add_paragraph`` and
    ``add_table``): lead, the table, the index, the units, the weak factors with their tasks."""
    p = S.parts(s, district=district, window=window)
    for line in p["lead"]:
        docx_kit.write(doc.add_paragraph(), line, size=size)
    if not s.has_answers:
        return
    table = doc.add_table(rows=1, cols=len(S.FACTOR_HEADER))
    docx_kit.set_borders(table, True)
    for cell, h in zip(table.rows[0].cells, S.FACTOR_HEADER, strict=True):
        docx_kit.write(cell.paragraphs[0], h, bold=True, size=11)
    docx_kit.repeat_header(table.rows[0])
    for row in S.factor_rows(s):
        for cell, value in zip(table.add_row().cells, row, strict=True):
            docx_kit.write(cell.paragraphs[0], value, size=11)
    docx_kit.set_widths(table, [Cm(w) for w in (4.6, 1.6, 1.6, 2.4, 2.6, 2.0, 1.7)])
    for line in [*p["index"], *p["units"], *p["weak"]]:
        docx_kit.write(doc.add_paragraph(), line, size=size - 1 if line.startswith("- ") else size)
