"""XLSX export: the figures and the task table, headers in Vietnamese, safe against formula injection."""

from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from api.reports.document import ReportDocument
from api.reports.export_docx import BUCKET_ROWS
from api.reports.figures import REPORT_STATUS_LABELS
from api.surveys import summary as S
from api.text import for_document

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "dd/mm/yyyy"  # a real date cell (sorts and filters), shown as 14/09/2024 — never "2024-09-14"


def day(value: str | date | None) -> date | None:
    """An ISO date of the figures (``"2024-09-14"``) as a date cell; None stays empty."""
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _text_day(value: str | None) -> str | None:
    d = day(value)
    return d.strftime("%d/%m/%Y") if d else None


def status_label(value: Any) -> str | None:
    """A report's status in words (``draft`` → ``Dự thảo``), never the stored value."""
    if value is None:
        return None
    v = str(getattr(value, "value", value))
    return REPORT_STATUS_LABELS.get(v, v)


def safe(value: Any) -> Any:
    """A text cell never starts a formula (CSV/XLSX injection): ``'=1+1`` stays text; characters no workbook may
    hold are dropped (a row stored before the text policy must not break the export)."""
    if isinstance(value, str):
        value = for_document(value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def _row(ws: Worksheet, values: list[Any], bold: bool = False) -> None:
    ws.append([safe(v) for v in values])
    for c in ws[ws.max_row]:
        if isinstance(c.value, date):
            c.number_format = DATE_FORMAT
    if bold:
        for c in ws[ws.max_row]:
            c.font = BOLD


def _widths(ws: Worksheet, widths: list[int]) -> None:
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _figures_sheet(ws: Worksheet, doc: ReportDocument) -> None:
    f, t, r = doc.figures, doc.texts, doc.report
    ws.title = "Số liệu"
    _row(ws, [f"Báo cáo kết quả thực hiện công tác cải cách hành chính {t['ky_bao_cao']}"], bold=True)
    for label, value in [
        ("Đơn vị", doc.unit.name),
        ("Số báo cáo", t["so_bao_cao"].strip()),
        ("Kỳ báo cáo", doc.ctx.period.name),
        ("Số liệu từ ngày", t["tu_ngay"]),
        ("Đến ngày", t["den_ngay"]),
        ("Tính đến ngày", day(f.get("as_of"))),
        ("Trạng thái", status_label(r.status)),
        ("Số liệu", "Tính trực tiếp (chưa chốt)" if doc.live else "Đã chốt"),
    ]:
        _row(ws, [label, value])
    _row(ws, [])
    _row(ws, ["Tình trạng", "Số lượt giao", "Tỷ lệ"], bold=True)
    total = int(f.get("total", 0))
    for key, label in BUCKET_ROWS:
        n = int(f.get("buckets", {}).get(key, 0))
        _row(ws, [label, n, (n / total) if total else 0])
        ws.cell(ws.max_row, 3).number_format = "0.0%"
    _row(ws, ["Tổng số", total, 1 if total else 0], bold=True)
    ws.cell(ws.max_row, 3).number_format = "0.0%"
    _row(ws, ["Số nhiệm vụ", int(f.get("tasks", 0))])
    _row(ws, ["Hoàn thành trong kỳ", int(f.get("completed_in_window", 0))])
    _row(ws, ["Tài liệu kiểm chứng trong kỳ", int(f.get("evidence_in_window", 0))])
    _row(ws, [])
    _row(ws, ["Lĩnh vực", "Tổng số", *[label for _, label in BUCKET_ROWS]], bold=True)
    for item in f.get("by_field", []):
        c = item.get("buckets", {})
        _row(ws, [item.get("name"), int(item.get("total", 0)), *[int(c.get(k, 0)) for k, _ in BUCKET_ROWS]])
    _widths(ws, [48, 16, 16, 16, 18, 12])


def _units_sheet(ws: Worksheet, doc: ReportDocument) -> None:
    ws.title = "Đơn vị"
    _row(
        ws,
        [
            "STT",
            "Mã đơn vị",
            "Cơ quan, đơn vị",
            "Trạng thái báo cáo",
            "Nộp muộn",
            "Đã tiếp nhận",
            "Tổng số",
            *[label for _, label in BUCKET_ROWS],
        ],
        bold=True,
    )
    for i, u in enumerate(doc.figures.get("units", []), 1):
        src = u.get("reported") or u.get("live") or {}
        c = src.get("buckets", {})
        _row(
            ws,
            [
                i,
                u.get("code"),
                u.get("name"),
                status_label(u.get("report_status")) or "Chưa có",
                "Có" if u.get("is_late") else "",
                "Có" if u.get("accepted") else "Không",
                int(src.get("total", 0)),
                *[int(c.get(k, 0)) for k, _ in BUCKET_ROWS],
            ],
        )
    _widths(ws, [6, 22, 48, 20, 10, 12, 10, 16, 16, 16, 12])


def _tasks_sheet(ws: Worksheet, doc: ReportDocument) -> None:
    ws.title = "Nhiệm vụ"
    if doc.is_district:
        header = [
            "STT",
            "Nhiệm vụ, giải pháp",
            "Sản phẩm",
            "Tiến độ",
            "Chủ trì",
            "Phối hợp",
            "Tổng số lượt",
            "Đã hoàn thành",
            "Quá hạn",
            "Kết quả (đơn vị chủ trì)",
            "Tài liệu kiểm chứng",
        ]
    else:
        header = [
            "STT",
            "Nhiệm vụ, giải pháp",
            "Sản phẩm",
            "Tiến độ",
            "Vai trò",
            "Trạng thái",
            "Phân loại thời hạn",
            "Tiến độ (%)",
            "Ngày hoàn thành",
            "Kết quả",
            "Tài liệu kiểm chứng",
        ]
    _row(ws, header, bold=True)
    for r in doc.task_table:
        evidence = "\n".join(
            " – ".join(x for x in (e.get("doc_number"), _text_day(e.get("issue_date")), e.get("title")) if x)
            for e in r.get("evidence", [])
        )
        deadline = r.get("deadline_text") or day(r.get("due_date"))
        if doc.is_district:
            c = r.get("counts", {})
            values = [
                r.get("label"),
                r.get("task"),
                r.get("product"),
                deadline,
                r.get("lead_unit"),
                r.get("coordinating_units"),
                int(r.get("total") or 0),
                int(r.get("done") or 0),
                int(c.get("overdue", 0)),
                r.get("result"),
                evidence,
            ]
        else:
            values = [
                r.get("label"),
                r.get("task"),
                r.get("product"),
                deadline,
                r.get("role_label"),
                r.get("status_label"),
                r.get("bucket_label"),
                r.get("progress"),
                day(r.get("completed_date")),
                r.get("result"),
                evidence,
            ]
        _row(ws, values)
        for c in ws[ws.max_row]:
            c.alignment = WRAP
    ws.freeze_panes = "A2"
    _widths(ws, [8, 60, 36, 20, 24, 24, 16, 12, 14, 50, 50])


def _evidence_sheet(ws: Worksheet, doc: ReportDocument) -> None:
    ws.title = "Tài liệu kiểm chứng"
    _row(
        ws,
        [
            "Số, ký hiệu",
            "Ngày ban hành",
            "Trích yếu",
            "Cơ quan ban hành",
            "Hiệu lực từ",
            "Hiệu lực đến",
            "Nhiệm vụ",
            "Đơn vị",
        ],
        bold=True,
    )
    for e in doc.figures.get("evidence", []):
        _row(
            ws,
            [
                e.get("doc_number"),
                day(e.get("issue_date")),
                e.get("title"),
                e.get("issuing_body"),
                day(e.get("effective_from")),
                day(e.get("effective_to")),
                e.get("task_label"),
                e.get("unit"),
            ],
        )
    _widths(ws, [20, 14, 60, 30, 14, 14, 10, 40])


ROLLUP_LABELS = {"sum": "Tổng cộng", "average": "Trung bình", "share": "Tỷ lệ", "none": "Không cộng dồn"}


def _indicators_sheet(ws: Worksheet, doc: ReportDocument) -> None:
    """Biểu số liệu (#16): the values as numbers (the API's decimal strings), how they are obtained, who is missing."""
    ws.title = "Biểu số liệu"
    head = ["STT", "Mã", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Cách tính", "Ghi chú"]
    if doc.is_district:
        head += ["Đơn vị đã nhập", "Đơn vị chưa nhập"]
    _row(ws, head, bold=True)
    for i, it in enumerate(doc.figures.get("indicators") or [], 1):
        value = it.get("value")
        how = "Hệ thống tính" if it.get("computed") and it.get("rollup") != "share" else "Đơn vị nhập"
        if it.get("rollup") == "share":
            how = "Tỷ lệ (hệ thống tính)"
        elif doc.is_district and it.get("rollup") in ("sum", "average") and not it.get("computed"):
            how = ROLLUP_LABELS[str(it["rollup"])] + " từ các đơn vị"
        if it.get("source_text"):
            how = str(it["source_text"])
        row: list[Any] = [i, it.get("code"), it.get("name"), it.get("unit_of_measure"),
                          float(Decimal(value)) if value is not None else None, how, it.get("note")]  # fmt: skip
        if doc.is_district:
            expected = it.get("units_expected")
            row += [
                f"{it.get('units_entered') or 0}/{expected}" if expected is not None else None,
                "; ".join(str(u.get("unit_name") or "") for u in it.get("missing_units") or []) or None,
            ]
        _row(ws, row)
    _widths(ws, [6, 16, 60, 14, 12, 24, 30, 14, 60])


def _survey_sheet(ws: Worksheet, doc: ReportDocument, survey: S.SurveySummary) -> None:
    """Khảo sát (issue 20): the desks' own survey in the report's window, as the DOCX section shows it; rates are
    numbers (%), the official results and the gap beside them, then the units (district) and the weak factors."""
    ws.title = "Khảo sát"
    t = doc.texts
    window = f"từ ngày {t['tu_ngay']} đến ngày {t['den_ngay']}"
    for line in S.parts(survey, district=doc.is_district, window=window)["lead"]:
        _row(ws, [line])
    if not survey.has_answers:
        _widths(ws, [100])
        return
    _row(ws, [])
    _row(ws, ["Yếu tố", "Trọng số", "Số phiếu", "Số trả lời", "Số trả lời hài lòng", "Tỷ lệ hài lòng (%)",
              "Khoảng tin cậy 95% từ (%)", "đến (%)", "Mẫu nhỏ", "SIPAS chính thức (%)", "Chênh lệch (điểm %)",
              "Nhiệm vụ liên quan"], bold=True)  # fmt: skip
    for f in survey.factors:
        _row(ws, [f.factor_name, f.weight, f.responses, f.answers, f.satisfied, f.satisfied_share, f.ci_low,
                  f.ci_high, "Mẫu nhỏ" if f.small_sample else None, f.official_percent, f.gap,
                  "; ".join(f"{x.label} {x.title}" for x in f.tasks) or None])  # fmt: skip
    o = survey.overall
    _row(ws, ["Chỉ số chung (theo trọng số)", None, survey.responses, o.answers, o.satisfied, survey.index, o.ci_low,
              o.ci_high, "Mẫu nhỏ" if o.small_sample else None, survey.official_index, survey.gap, None],
         bold=True)  # fmt: skip
    if survey.units and doc.is_district:
        _row(ws, [])
        _row(ws, ["Đơn vị", "Số phiếu", "Tỷ lệ hài lòng (%)", "Chỉ số (%)", "Mẫu nhỏ"], bold=True)
        for u in survey.units:
            _row(ws, [u.name, u.responses, u.satisfied_share, u.index, "Mẫu nhỏ" if u.small_sample else None])
    _row(ws, [])
    for line in S.parts(survey, district=doc.is_district, window=window)["weak"]:
        _row(ws, [line])
    _row(ws, ["Ghi chú: " + S.METHOD_NOTE])
    _widths(ws, [44, 10, 10, 10, 12, 14, 14, 10, 10, 14, 14, 60])


def render(doc: ReportDocument) -> bytes:
    wb = Workbook()
    _figures_sheet(wb.active, doc)  # type: ignore[arg-type]
    if doc.is_district:
        _units_sheet(wb.create_sheet(), doc)
    _indicators_sheet(wb.create_sheet(), doc)
    survey = S.of_figures(doc.figures)
    if survey is not None:
        _survey_sheet(wb.create_sheet(), doc, survey)
    _tasks_sheet(wb.create_sheet(), doc)
    _evidence_sheet(wb.create_sheet(), doc)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
