"""Templates and exports in the import layout: what you download is what you can import back unchanged.

- ``template.xlsx``: the kind's columns with Vietnamese headers (required ones marked ``*``), one sample row,
  dropdowns (units in the caller's scope, roles, criteria codes, fixed lists) fed from a "Danh mục" sheet, and a
  "Hướng dẫn" sheet describing every column.
- ``export.xlsx`` / ``export.csv``: the current data, same headers, same order.

Spreadsheet (CSV/formula) injection: in XLSX every value is written as a *string* cell, so a text such as
``=HYPERLINK(…)`` is shown, never evaluated. In CSV, a value starting with ``= + - @``, a tab or a carriage return
is prefixed with an apostrophe; the importer removes that apostrophe again, so the export still round-trips.
"""

import csv
import io
from typing import Any
from urllib.parse import quote

from fastapi import Response
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlmodel import Session

from api.authz.principal import Principal
from api.config import get_settings
from api.imports.kinds.base import Column, Context, Kind
from api.imports.parsing import NEUTRALISED
from api.text import for_document

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INJECTION_START = NEUTRALISED
LISTS_SHEET = "Danh mục"
HELP_SHEET = "Hướng dẫn"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
MAX_VALIDATED_ROWS = 5000


def neutralise(value: str | None) -> str | None:
    """CSV export: ``=SUM(A1)`` → ``'=SUM(A1)`` so a spreadsheet shows it as text; characters no document may
    hold are dropped."""
    value = for_document(value) if value else value
    if value and value.startswith(INJECTION_START):
        return "'" + value
    return value


def header_text(column: Column) -> str:
    return f"{column.header} *" if column.required else column.header


def _context(
    session: Session, principal: Principal, kind: Kind, params: dict[str, Any] | None = None
) -> Context:
    return Context(
        session=session,
        principal=principal,
        settings=get_settings(),
        kind=kind,
        dry_run=True,
        params=params or {},
    )


def _string_cell(ws: Any, row: int, column: int, value: str | None) -> Cell:
    cell: Cell = ws.cell(row=row, column=column)
    if value is not None:
        cell.value = for_document(value)
        cell.data_type = "s"  # never a formula, even when the text starts with "="
    return cell


def choice_lists(ctx: Context) -> dict[str, list[tuple[str, str]]]:
    """Dropdown sources: ``name → [(value, description)]``."""
    from api.imports.kinds import dropdowns

    return dropdowns.lists(ctx)


def _workbook(ctx: Context, kind: Kind, rows: list[dict[str, str | None]], *, sample: bool) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = kind.sheet_title
    for j, c in enumerate(kind.columns, start=1):
        cell = _string_cell(ws, 1, j, header_text(c))
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if c.required else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if c.note:
            cell.comment = Comment(c.note, "parsipas")
        ws.column_dimensions[get_column_letter(j)].width = c.width
        if c.text:  # empty rows below the data keep what is typed as text ("1.10" must not become 1.1)
            first = len(rows) + 2
            for r in range(first, first + 200):
                ws.cell(row=r, column=j).number_format = "@"
    ws.freeze_panes = "A2"
    data: list[dict[str, str | None]] = [kind.sample_row(ctx)] if sample else rows
    for i, record in enumerate(data, start=2):
        for j, c in enumerate(kind.columns, start=1):
            cell = _string_cell(ws, i, j, record.get(c.key) or None)
            if sample:
                cell.font = Font(italic=True, color="808080")
    _dropdowns(wb, ws, ctx, kind, max(len(data), 1))
    _help_sheet(wb, kind)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _dropdowns(wb: Workbook, ws: Any, ctx: Context, kind: Kind, n_rows: int) -> None:
    wanted = sorted({c.choices for c in kind.columns if c.choices})
    if not wanted:
        return
    lists = choice_lists(ctx)
    sheet: Any = wb.create_sheet(LISTS_SHEET)
    last_row = max(n_rows + 1, MAX_VALIDATED_ROWS)
    ranges: dict[str, str] = {}
    for j, name in enumerate(wanted, start=1):
        values = lists.get(name, [])
        letter = get_column_letter(2 * j - 1)
        head = _string_cell(sheet, 1, 2 * j - 1, name)
        head.font = Font(bold=True)
        _string_cell(sheet, 1, 2 * j, "Mô tả / description").font = Font(bold=True)
        for i, (value, desc) in enumerate(values, start=2):
            _string_cell(sheet, i, 2 * j - 1, value)
            _string_cell(sheet, i, 2 * j, desc)
        sheet.column_dimensions[letter].width = 26
        sheet.column_dimensions[get_column_letter(2 * j)].width = 50
        if values:
            ranges[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    for j, c in enumerate(kind.columns, start=1):
        if not c.choices or c.choices not in ranges:
            continue
        multi = c.key in ("coordinating_units", "criteria")
        dv = DataValidation(
            type="list",
            formula1=f"={ranges[c.choices]}",
            allow_blank=True,
            showErrorMessage=not multi,  # several codes separated by ";" are typed by hand
            errorTitle="Giá trị không hợp lệ",
            error=f"Chọn “{c.header}” trong danh sách (trang “{LISTS_SHEET}”).",
        )
        letter = get_column_letter(j)
        dv.add(f"{letter}2:{letter}{last_row}")
        ws.add_data_validation(dv)


def _help_sheet(wb: Workbook, kind: Kind) -> None:
    ws = wb.create_sheet(HELP_SHEET)
    heads = ["Cột / column", "Khóa / key", "Bắt buộc / required", "Ví dụ / example", "Ghi chú / note"]
    for j, h in enumerate(heads, start=1):
        _string_cell(ws, 1, j, h).font = Font(bold=True)
    for i, c in enumerate(kind.columns, start=2):
        for j, v in enumerate([c.header, c.key, "Có" if c.required else "", c.example, c.note], start=1):
            _string_cell(ws, i, j, v or None)
    n = len(kind.columns) + 3
    notes = [
        "Dòng 1 là tiêu đề; dữ liệu bắt đầu từ dòng 2 (thông báo lỗi dùng đúng số dòng này).",
        "Đơn vị, tiêu chí và người dùng được ghi bằng MÃ (không dùng số id). Nhiều mã cách nhau bằng dấu “;”.",
        "Nhập lại cùng một tệp không tạo bản ghi trùng: dòng nào đã có sẽ được cập nhật hoặc giữ nguyên.",
        "Một dòng lỗi thì cả tệp không được ghi; hãy sửa theo danh sách lỗi rồi gửi lại.",
        "Công thức Excel không được tính lại: giá trị nhập là giá trị Excel đã lưu trong ô.",
    ]
    for k, text in enumerate(notes):
        _string_cell(ws, n + k, 1, text)
    for letter, width in zip("ABCDE", (30, 22, 12, 30, 70), strict=True):
        ws.column_dimensions[letter].width = width


def template_xlsx(session: Session, principal: Principal, kind: Kind) -> bytes:
    return _workbook(_context(session, principal, kind), kind, [], sample=True)


def export_rows(
    session: Session, principal: Principal, kind: Kind, params: dict[str, Any]
) -> list[dict[str, str | None]]:
    return kind.export_rows(_context(session, principal, kind, params))


def export_xlsx(session: Session, principal: Principal, kind: Kind, params: dict[str, Any]) -> bytes:
    ctx = _context(session, principal, kind, params)
    return _workbook(ctx, kind, kind.export_rows(ctx), sample=False)


def export_csv(session: Session, principal: Principal, kind: Kind, params: dict[str, Any]) -> bytes:
    rows = export_rows(session, principal, kind, params)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header_text(c) for c in kind.columns])
    for r in rows:
        writer.writerow([neutralise(r.get(c.key)) or "" for c in kind.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def download(data: bytes, filename: str, media_type: str) -> Response:
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})
