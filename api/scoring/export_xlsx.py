"""XLSX of the index: a sheet's scoring table and a round's results table.

Points are written as exact numbers (``Decimal`` from integer milli-points: at most three decimals, so the
spreadsheet holds exactly what the database holds; Excel shows the decimal comma of the reader's locale), totals
as values (no formula, so a reader without recalculation sees them too). The header row is frozen. Stored text
goes through :func:`api.reports.export_xlsx.safe` (characters no workbook can hold are dropped).
"""

from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from api.reports import vn
from api.reports.export_xlsx import safe
from api.scoring.exports import APPRAISAL_STATE, SHEET_STATUS, RoundReport, SheetReport
from api.scoring.points import from_milli

WRAP = Alignment(wrap_text=True, vertical="top")


def _num(milli: int | None) -> Decimal | None:
    return from_milli(milli)


def _put(ws: Worksheet, row: int, values: list[Any], *, bold: bool = False) -> None:
    for col, value in enumerate(values, start=1):
        c = ws.cell(row, col, safe(value))
        if not isinstance(value, Decimal | int):  # numbers keep the General format (exact, locale's comma)
            c.alignment = WRAP
        if bold:
            c.font = Font(bold=True)


def _title(ws: Worksheet, lines: list[str]) -> int:
    """Title lines above the table; returns the header row number."""
    for i, line in enumerate(lines, start=1):
        ws.cell(i, 1, safe(line)).font = Font(bold=i == 1)
    return len(lines) + 2


def _widths(ws: Worksheet, widths: list[int]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = w


def _save(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


SHEET_COLUMNS = [
    "STT",
    "Lĩnh vực, tiêu chí, tiêu chí thành phần",
    "Cấp",
    "Điểm tối đa",
    "Cách chấm điểm",
    "Kết quả tự đánh giá",
    "Điểm tự đánh giá",
    "Tình trạng thẩm định",
    "Điểm thẩm định",
    "Ý kiến thẩm định",
    "Tài liệu kiểm chứng",
    "Giải trình",
    "Ghi chú",
]


def render_sheet(rep: SheetReport) -> bytes:
    """The scoring table of one sheet (bảng tự đánh giá, chấm điểm) as XLSX."""
    wb = Workbook()
    ws: Any = wb.active
    ws.title = "Bảng chấm điểm"
    header_row = _title(
        ws,
        [
            f"BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {rep.round.year}",
            f"Đơn vị: {rep.unit.name}",
            f"Đợt đánh giá: {rep.round.name}",
            f"Trạng thái phiếu: {rep.status_label}; đã chấm {rep.scored_count}/{rep.scorable_count} tiêu chí; "
            f"ngày xuất: {vn.date_text(rep.issued)}",
        ],
    )
    _put(ws, header_row, SHEET_COLUMNS, bold=True)
    row = header_row
    for r in rep.rows:
        row += 1
        s = r.score
        _put(
            ws,
            row,
            [
                r.node.code,
                r.node.title,
                r.node.level_name or "",
                _num(r.max_milli),
                (r.node.scoring_rule or "") if r.leaf else "",
                r.answer if r.leaf else "",
                _num(r.self_milli),
                APPRAISAL_STATE[s.appraisal_state] if s is not None and r.leaf else "",
                _num(r.appraised_milli),
                (s.appraisal_reason or "") if s is not None else "",
                "; ".join(e.title for e in r.evidence),
                (s.explanation or "") if s is not None else "",
                (s.comment or "") if s is not None else "",
            ],
            bold=not r.leaf,
        )
    total = ["", "Tổng cộng", "", _num(rep.total_max), "", "", _num(rep.total_self), ""]
    total += [_num(rep.total_appraised), "", "", "", ""]
    _put(ws, row + 1, total, bold=True)
    ws.freeze_panes = ws.cell(header_row + 1, 3)
    _widths(ws, [10, 60, 16, 10, 40, 26, 12, 16, 12, 36, 36, 40, 30])
    return _save(wb)


def render_results(rep: RoundReport) -> bytes:
    """The round's results and ranking (bảng kết quả, xếp hạng) as XLSX, with points per lĩnh vực."""
    res = rep.results
    wb = Workbook()
    ws: Any = wb.active
    ws.title = "Kết quả xếp hạng"
    state = "Đã công bố" if rep.published else "Chưa công bố (số liệu tạm thời)"
    header_row = _title(
        ws,
        [
            f"KẾT QUẢ, XẾP HẠNG: {rep.round.name.upper()}",
            f"Đơn vị tổ chức: {rep.owner.name}; bộ chỉ số: {res['framework_name']}",
            f"{state}; ngày xuất: {vn.date_text(rep.issued)}",
        ],
    )
    areas = res["areas"]
    columns = ["Hạng", "Đơn vị", "Trạng thái phiếu", "Điểm tự đánh giá", "Điểm sau thẩm định", "Điểm tối đa"]
    columns += ["Tỷ lệ (%)", "Xếp loại"] + [f"{a['code']}. {a['title']}" for a in areas]
    _put(ws, header_row, columns, bold=True)
    row = header_row
    for u in [*rep.ranked, *rep.not_ranked]:
        row += 1
        by_area = {a["node_id"]: a for a in u["areas"]}
        _put(
            ws,
            row,
            [
                u["rank"] if u["rank"] is not None else "",
                u["unit_name"],
                SHEET_STATUS[u["status"]],
                u["self_points"],
                u["appraised_points"],
                u["max_points"],
                u["percent"],
                (u["band"] or {}).get("name", ""),
                *[by_area.get(a["node_id"], {}).get("appraised_points") for a in areas],
            ],
        )
    ws.freeze_panes = ws.cell(header_row + 1, 3)
    _widths(ws, [8, 36, 18, 14, 16, 12, 10, 14, *([14] * len(areas))])
    return _save(wb)
