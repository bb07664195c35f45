"""Reading what an import receives into plain rows: JSON, CSV (UTF-8 ± BOM, comma or semicolon) and XLSX.

Every reader returns a :class:`Table`: the header cells as the user wrote them and the data rows numbered as the
user sees them in a spreadsheet (header = row 1, first data row = row 2; a JSON item ``i`` counts as row
``i + 2``, as if the items sat under a header row). Cell values are normalised to text (``None`` for blank) so
that one validation serves every format.

XLSX workbooks are opened with ``read_only=True, data_only=True``: a formula cell yields the value Excel cached
when the file was saved (``None`` when there is none), never a computed one — the importer evaluates nothing.
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import yaml

from api.errors import FieldError, PayloadTooLarge, Unprocessable, UnsupportedMediaType

XLSX_MAGIC = b"PK\x03\x04"
NEUTRALISED = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """Rows read from one input: ``rows`` are ``(row number, {header: text})`` with blank rows left out."""

    source: str  # "json" | "csv" | "xlsx" | "document"
    headers: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str | None]]] = field(default_factory=list)
    document: Any = None  # a framework library document (YAML/JSON with ``format_version``)


def file_error(vi: str, en: str, code: str = "unreadable_file") -> Unprocessable:
    return Unprocessable(
        vi, en, code=code, errors=[FieldError(field="file", code=code, message=vi, message_en=en)]
    )


def too_many_rows(count: int, limit: int) -> Unprocessable:
    return file_error(
        f"Tệp có hơn {limit:,} dòng dữ liệu (giới hạn là {limit:,} dòng). Hãy chia tệp thành nhiều phần nhỏ "
        "rồi nhập lần lượt.".replace(",", "."),
        f"The file has more than {limit} data rows (limit {limit}, read {count}). Split it into smaller files.",
        code="too_many_rows",
    )


def too_large(size_mb: float, limit_mb: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"Tệp nhập quá lớn ({size_mb:.1f} MB); dung lượng tối đa là {limit_mb} MB. Hãy chia tệp thành nhiều "
        "phần nhỏ hơn.",
        f"The import is too large ({size_mb:.1f} MB); the limit is {limit_mb} MB.",
        code="import_too_large",
    )


def cell_text(value: Any) -> str | None:
    """A cell (or JSON value) as trimmed text; blank → ``None``. Lists are joined with ``;``."""
    if value is None:
        return None
    if isinstance(value, str):
        if value[:1] == "'" and value[1:2] in NEUTRALISED:
            value = value[1:]  # undo the export's formula-injection guard (see templates.neutralise)
        text = value.strip()
        return text or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        f = float(value)
        return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0, 0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        parts = [t for t in (cell_text(v) for v in value) if t]
        return ";".join(parts) or None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip() or None


def _append(table: Table, number: int, record: dict[str, str | None], limit: int) -> None:
    if all(v is None for v in record.values()):
        return
    if len(table.rows) >= limit:
        raise too_many_rows(len(table.rows) + 1, limit)
    table.rows.append((number, record))


# --- JSON ------------------------------------------------------------------------------------------------


def read_json_value(data: Any, *, max_rows: int) -> Table:
    """A JSON body: an array of objects, ``{"items": [...]}``, or a framework document (``format_version``)."""
    if isinstance(data, dict) and "format_version" in data:
        return Table(source="document", document=data)
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise file_error(
            'Nội dung JSON phải là một mảng các dòng, hoặc một đối tượng {"items": [...]}.',
            'The JSON body must be an array of rows or an object {"items": [...]}.',
            code="invalid_json_shape",
        )
    table = Table(source="json")
    seen: dict[str, None] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise file_error(
                f"Phần tử thứ {i + 1} của danh sách không phải là một đối tượng JSON (dòng {i + 2}).",
                f"Item {i + 1} is not a JSON object (row {i + 2}).",
                code="invalid_json_shape",
            )
        record = {str(k): cell_text(v) for k, v in item.items()}
        for k in record:
            seen.setdefault(k)
        _append(table, i + 2, record, max_rows)
    table.headers = list(seen)
    return table


def read_json(raw: bytes, *, max_rows: int) -> Table:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise file_error(
            f"Không đọc được nội dung JSON: {exc}", f"Invalid JSON: {exc}", code="invalid_json"
        ) from exc
    return read_json_value(data, max_rows=max_rows)


def read_yaml_document(raw: bytes) -> Table:
    """A framework library file in YAML (``format_version``, ``framework``, ``nodes``)."""
    try:
        data = yaml.safe_load(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise file_error(
            f"Không đọc được tệp YAML: {exc}", f"Invalid YAML: {exc}", code="invalid_yaml"
        ) from exc
    if not isinstance(data, dict) or "format_version" not in data:
        raise file_error(
            "Tệp YAML phải là tệp bộ chỉ số (có format_version, framework, nodes).",
            "A YAML upload must be a framework library file (format_version, framework, nodes).",
            code="invalid_yaml",
        )
    return Table(source="document", document=data)


# --- CSV -------------------------------------------------------------------------------------------------


def _delimiter(text: str) -> str:
    """Comma or semicolon (Excel in a Vietnamese locale saves CSV with ';'), judged on the header line."""
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return ";" if first.count(";") > first.count(",") else ","


def read_csv(raw: bytes, *, max_rows: int) -> Table:
    try:
        text = raw.decode("utf-8-sig")  # strips the BOM Excel writes with "CSV UTF-8"
    except UnicodeDecodeError as exc:
        raise file_error(
            "Tệp CSV phải được lưu với mã hóa UTF-8 (trong Excel: Lưu thành → “CSV UTF-8”). Tệp gửi lên có "
            f"byte không hợp lệ ở vị trí {exc.start}.",
            f"The CSV file must be UTF-8 encoded (invalid byte at offset {exc.start}).",
            code="invalid_encoding",
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    table = Table(source="csv")
    try:
        header = next(reader, None)
        if header is None:
            raise file_error("Tệp CSV trống.", "The CSV file is empty.", code="empty_file")
        table.headers = [h.strip() for h in header]
        for number, values in enumerate(reader, start=2):
            record = _zip_row(table.headers, values)
            _append(table, number, record, max_rows)
    except csv.Error as exc:
        raise file_error(
            f"Không đọc được tệp CSV (dòng {reader.line_num}): {exc}",
            f"Cannot read the CSV file (line {reader.line_num}): {exc}",
            code="invalid_csv",
        ) from exc
    return table


def _zip_row(headers: list[str], values: list[Any] | tuple[Any, ...]) -> dict[str, str | None]:
    record: dict[str, str | None] = {}
    for i, value in enumerate(values):
        name = headers[i] if i < len(headers) else ""
        text = cell_text(value)
        if not name:
            name = f"#{i + 1}"  # a value under no header: reported as an unknown column if not blank
            if text is None:
                continue
        record[name] = text
    return record


# --- XLSX ------------------------------------------------------------------------------------------------


def read_xlsx(raw: bytes, *, sheet: str | None, max_rows: int) -> Table:
    """First sheet, or the sheet named ``sheet``; formulas are read as their cached values, never evaluated."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise file_error(
            "Không mở được tệp Excel (.xlsx). Tệp có thể bị hỏng hoặc không phải định dạng .xlsx "
            "(tệp .xls cũ cần lưu lại thành .xlsx).",
            f"Cannot open the .xlsx workbook: {exc}",
            code="invalid_xlsx",
        ) from exc
    try:
        if sheet:
            if sheet not in wb.sheetnames:
                raise file_error(
                    f"Không có trang tính “{sheet}” trong tệp. Các trang tính có: {', '.join(wb.sheetnames)}.",
                    f"No sheet named '{sheet}'. Sheets: {', '.join(wb.sheetnames)}.",
                    code="unknown_sheet",
                )
            ws = wb[sheet]
        else:
            ws = wb.worksheets[0]
        table = Table(source="xlsx")
        rows = ws.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise file_error("Trang tính trống.", "The sheet is empty.", code="empty_file")
        table.headers = [cell_text(h) or "" for h in header_row]
        for number, values in enumerate(rows, start=2):
            _append(table, number, _zip_row(table.headers, values), max_rows)
        while table.headers and not table.headers[-1]:
            table.headers.pop()
        return table
    finally:
        wb.close()


# --- dispatch --------------------------------------------------------------------------------------------


def read_upload(filename: str, content_type: str, raw: bytes, *, sheet: str | None, max_rows: int) -> Table:
    """Pick the reader from the content (XLSX starts with a ZIP header), then the file name and type."""
    name = (filename or "").lower()
    ctype = (content_type or "").lower()
    if raw.startswith(XLSX_MAGIC):
        return read_xlsx(raw, sheet=sheet, max_rows=max_rows)
    if name.endswith(".xls") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedMediaType(
            "Tệp .xls (Excel 97-2003) không được hỗ trợ; hãy lưu lại thành .xlsx hoặc CSV UTF-8.",
            "Legacy .xls files are not supported; save as .xlsx or UTF-8 CSV.",
            code="unsupported_file",
        )
    if name.endswith(".json") or "json" in ctype:
        return read_json(raw, max_rows=max_rows)
    if name.endswith((".yaml", ".yml")) or "yaml" in ctype:
        return read_yaml_document(raw)
    if name.endswith((".csv", ".txt")) or ctype.startswith("text/") or not name:
        return read_csv(raw, max_rows=max_rows)
    raise UnsupportedMediaType(
        f"Không hỗ trợ loại tệp “{filename}”. Hãy gửi tệp .xlsx, .csv (UTF-8), .json hoặc (bộ chỉ số) .yaml.",
        f"Unsupported file '{filename}': send .xlsx, UTF-8 .csv, .json or (frameworks) .yaml.",
        code="unsupported_file",
    )
