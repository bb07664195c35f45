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
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import yaml

from api import text
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
    table.rows.append((number, _policed(number, record)))


def _policed(number: int, record: dict[str, str | None]) -> dict[str, str | None]:
    """The text policy (api/text.py) on one row: NFC, or a 422 naming the row and column."""
    errors = []
    clean: dict[str, str | None] = {}
    for key, value in record.items():
        for part in (key, value):
            if part is not None and (problem := text.problem(part)) is not None:
                errors.append(
                    FieldError(
                        field=key,
                        row=number,
                        code=problem.code,
                        message=problem.message,
                        message_en=problem.message_en,
                    )
                )
                break
        clean[text.normalise(key)] = text.normalise(value) if value is not None else None
    if errors:
        raise Unprocessable(
            f"Dòng {number} có giá trị chứa ký tự không được phép; không có dữ liệu nào được ghi.",
            f"Row {number} holds a character that is not allowed; nothing was written.",
            code="invalid_text",
            errors=errors,
        )
    return clean


def _check_document(data: Any) -> None:
    """Depth and size of any document; its strings too when it is a framework document (rows of a table are
    checked one by one in :func:`_append`, with their row number)."""
    is_document = isinstance(data, dict) and "format_version" in data
    if (problem := text.document_problem(data, strings=is_document)) is not None:
        raise file_error(problem.message, problem.message_en, code=problem.code)


def _too_deep() -> Unprocessable:
    return file_error(
        f"Tệp lồng nhau quá sâu (tối đa {text.MAX_DOCUMENT_DEPTH} cấp).",
        f"The document nests deeper than {text.MAX_DOCUMENT_DEPTH} levels.",
        code="document_too_deep",
    )


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
    except RecursionError as exc:
        raise _too_deep() from exc
    _check_document(data)
    return read_json_value(data, max_rows=max_rows)


def read_yaml_document(raw: bytes) -> Table:
    """A framework library file in YAML (``format_version``, ``framework``, ``nodes``)."""
    try:
        data = text.load_yaml(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise file_error(
            f"Không đọc được tệp YAML: {exc}", f"Invalid YAML: {exc}", code="invalid_yaml"
        ) from exc
    except RecursionError as exc:
        raise _too_deep() from exc
    _check_document(data)
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
# A workbook is a ZIP of XML parts: its cost is set by what it unpacks to, not by its size. The members are
# checked from the ZIP directory before anything is unpacked (Python's zipfile never inflates a member past its
# declared size), then the sheet is streamed with the cells read capped whatever its <dimension> claims.

XLSX_MAX_MEMBERS = 500
XLSX_MAX_PART_BYTES = 16 * 1024 * 1024  # any one member, uncompressed (150,000 cells fit)
XLSX_MAX_TOTAL_BYTES = 48 * 1024 * 1024  # all members, uncompressed
XLSX_MAX_RATIO = 100  # uncompressed : compressed, for members over XLSX_RATIO_FLOOR
XLSX_RATIO_FLOOR = 1024 * 1024
XLSX_MAX_SHARED_STRINGS = 200_000
XLSX_MAX_COLUMNS = 100  # cells right of this column are never read
# openpyxl spends ~13 µs per cell: 150,000 cells ≈ 2 s of CPU (bench/bench_hostile_imports.py), e.g. 10,000
# rows of 15 columns. Settings.import_max_cells overrides it.
XLSX_MAX_CELLS = 150_000
SHARED_STRINGS = "xl/sharedStrings.xml"


def _xlsx_limit(vi: str, en: str) -> Unprocessable:
    return file_error(
        f"Tệp Excel vượt giới hạn an toàn: {vi} Hãy lưu lại tệp từ Excel (chỉ giữ vùng dữ liệu) hoặc chia nhỏ.",
        f"The workbook exceeds a safety limit: {en}",
        code="xlsx_limit",
    )


def _check_zip(raw: bytes) -> None:
    """Refuse a workbook whose parts would unpack to too much, before any of them is opened."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            members = zf.infolist()
            if len(members) > XLSX_MAX_MEMBERS:
                raise _xlsx_limit(
                    f"có {len(members)} thành phần (tối đa {XLSX_MAX_MEMBERS}).",
                    f"{len(members)} ZIP members (limit {XLSX_MAX_MEMBERS}).",
                )
            total = 0
            for m in members:
                total += m.file_size
                mb = m.file_size / 1024 / 1024
                if m.file_size > XLSX_MAX_PART_BYTES:
                    raise _xlsx_limit(
                        f"phần “{m.filename}” giải nén ra {mb:.0f} MB (tối đa {XLSX_MAX_PART_BYTES >> 20} MB).",
                        f"part {m.filename} unpacks to {mb:.0f} MB (limit {XLSX_MAX_PART_BYTES >> 20} MB).",
                    )
                if m.file_size > XLSX_RATIO_FLOOR and m.file_size > XLSX_MAX_RATIO * max(m.compress_size, 1):
                    raise _xlsx_limit(
                        f"phần “{m.filename}” nén quá mức ({m.file_size // max(m.compress_size, 1)}:1, tối đa "
                        f"{XLSX_MAX_RATIO}:1).",
                        f"part {m.filename} has a compression ratio above {XLSX_MAX_RATIO}:1.",
                    )
            if total > XLSX_MAX_TOTAL_BYTES:
                raise _xlsx_limit(
                    f"giải nén ra {total >> 20} MB (tối đa {XLSX_MAX_TOTAL_BYTES >> 20} MB).",
                    f"unpacks to {total >> 20} MB (limit {XLSX_MAX_TOTAL_BYTES >> 20} MB).",
                )
            if SHARED_STRINGS in zf.namelist():
                count = 0
                with zf.open(SHARED_STRINGS) as src:
                    tail = b""
                    while chunk := src.read(1 << 20):
                        data = tail + chunk
                        count += data.count(b"<si>") + data.count(b"<si ")
                        tail = data[-3:]  # a tag split across chunks; too short to hold a whole one
                if count > XLSX_MAX_SHARED_STRINGS:
                    raise _xlsx_limit(
                        f"bảng chuỗi dùng chung có {count:,} chuỗi (tối đa {XLSX_MAX_SHARED_STRINGS:,}).".replace(
                            ",", "."
                        ),
                        f"{count} shared strings (limit {XLSX_MAX_SHARED_STRINGS}).",
                    )
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as exc:
        raise _broken_xlsx(exc) from exc


def _broken_xlsx(exc: BaseException) -> Unprocessable:
    return file_error(
        "Không mở được tệp Excel (.xlsx). Tệp có thể bị hỏng hoặc không phải định dạng .xlsx "
        "(tệp .xls cũ cần lưu lại thành .xlsx).",
        f"Cannot open the .xlsx workbook: {exc!r}",
        code="invalid_xlsx",
    )


# What a malformed part raises while openpyxl reads it: broken XML, a cell pointing at a shared string that
# does not exist, a value of the wrong type, a truncated member.
_XLSX_READ_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    OSError,
    SyntaxError,  # xml.etree.ElementTree.ParseError and lxml's XMLSyntaxError derive from it
)


def _skip_size_scan(worksheet: Any) -> None:
    """Replaces ``ReadOnlyWorksheet._get_size``: a sheet without ``<dimension>`` would be parsed from end to end
    just to size it, when the sheet is opened — before any cap applies. The size is reset and never used here
    (``read_xlsx`` is the only reader of read-only workbooks in the application)."""


def read_xlsx(raw: bytes, *, sheet: str | None, max_rows: int, max_cells: int = XLSX_MAX_CELLS) -> Table:
    """First sheet, or the sheet named ``sheet``; formulas are read as their cached values, never evaluated.

    At most ``XLSX_MAX_COLUMNS`` columns and ``max_cells`` non-blank cells are read, and at most ``2 × max_rows``
    physical rows (blank ones included) are scanned; the declared ``<dimension>`` is ignored."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    ReadOnlyWorksheet._get_size = _skip_size_scan  # type: ignore[method-assign]
    _check_zip(raw)
    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except _XLSX_READ_ERRORS as exc:
        raise _broken_xlsx(exc) from exc
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
        ws.reset_dimensions()  # type: ignore[union-attr]
        return _sheet_table(ws, max_rows, max_cells)
    except _XLSX_READ_ERRORS as exc:
        raise _broken_xlsx(exc) from exc
    finally:
        wb.close()


def _too_tall(scan_limit: int) -> Unprocessable:
    return file_error(
        f"Trang tính có hơn {scan_limit:,} dòng (kể cả dòng trống). Hãy xóa các dòng trống thừa hoặc "
        "chia tệp thành nhiều phần nhỏ.".replace(",", "."),
        f"The sheet has more than {scan_limit} rows, blank ones included.",
        code="too_many_rows",
    )


def _sheet_table(ws: Any, max_rows: int, max_cells: int) -> Table:
    table = Table(source="xlsx")
    rows = ws.iter_rows(min_row=1, min_col=1, max_col=XLSX_MAX_COLUMNS, values_only=True)
    header_row = next(rows, None)
    if header_row is None:
        raise file_error("Trang tính trống.", "The sheet is empty.", code="empty_file")
    table.headers = [cell_text(h) or "" for h in header_row]
    scan_limit = 2 * max_rows
    width = len(header_row)
    cells = width - header_row.count(None)
    for number, values in enumerate(rows, start=2):
        if number - 1 > scan_limit:
            raise _too_tall(scan_limit)
        blank = values.count(None)
        if blank == width:
            continue  # blank rows are frequent (and free to skip) in a padded sheet
        cells += width - blank
        if cells > max_cells:
            raise file_error(
                f"Trang tính có hơn {max_cells:,} ô dữ liệu. Hãy chia tệp thành nhiều phần nhỏ rồi nhập lần "
                "lượt.".replace(",", "."),
                f"The sheet holds more than {max_cells} non-blank cells. Split it into smaller files.",
                code="too_many_cells",
            )
        _append(table, number, _zip_row(table.headers, values), max_rows)
    while table.headers and not table.headers[-1]:
        table.headers.pop()
    return table


# --- dispatch --------------------------------------------------------------------------------------------


def read_upload(
    filename: str,
    content_type: str,
    raw: bytes,
    *,
    sheet: str | None,
    max_rows: int,
    max_cells: int = XLSX_MAX_CELLS,
) -> Table:
    """Pick the reader from the content (XLSX starts with a ZIP header), then the file name and type."""
    name = (filename or "").lower()
    ctype = (content_type or "").lower()
    if raw.startswith(XLSX_MAGIC):
        return read_xlsx(raw, sheet=sheet, max_rows=max_rows, max_cells=max_cells)
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
