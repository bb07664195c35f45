"""Hostile import files, built in code (shared by tests/imports/test_hostile_files.py and
bench/bench_hostile_imports.py). Each is small on the wire and expensive or malformed inside."""

import io
import zipfile
from collections.abc import Callable

from tests.imports.helpers import UNIT_HEADER, xlsx_bytes

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _base() -> bytes:
    return xlsx_bytes(UNIT_HEADER, [["LS.BG.HOSTILE", "Đơn vị thử", "commune", "people_committee", "LS.BG"]])


def rewrite(raw: bytes, parts: dict[str, bytes | Callable[[zipfile.ZipFile], None]]) -> bytes:
    """``raw`` with the named members replaced (bytes) or written by a callable (streamed, for big parts)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in parts:
                dst.writestr(info, src.read(info.filename))
        for name, part in parts.items():
            if callable(part):
                part(dst)
            else:
                dst.writestr(name, part)
    return out.getvalue()


def _sheet(rows_xml: str, dimension: str = "A1:E2") -> bytes:
    return f'<?xml version="1.0"?><worksheet {NS}><dimension ref="{dimension}"/><sheetData>{rows_xml}</sheetData></worksheet>'.encode()


def _header_row() -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(UNIT_HEADER)
    )
    return f'<row r="1">{cells}</row>'


def dimension_bomb() -> bytes:
    """Two real rows, a declared dimension of 16,384 columns × 2,000 rows."""
    raw = _base()
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        sheet = zf.read(SHEET).decode()
    import re

    sheet = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD2000"/>', sheet)
    return rewrite(raw, {SHEET: sheet.encode()})


def tall_sheet() -> bytes:
    """A header and one cell on the last row of the sheet (1,048,576): a million blank rows in between."""
    return rewrite(
        _base(), {SHEET: _sheet(_header_row() + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>')}
    )


def wide_rows(rows: int = 3000) -> bytes:
    """Every row holds one cell in the last column (XFD)."""
    body = "".join(f'<row r="{r}"><c r="XFD{r}"><v>{r}</v></c></row>' for r in range(2, rows + 2))
    return rewrite(_base(), {SHEET: _sheet(_header_row() + body, "A1:XFD3001")})


def many_cells(rows: int = 40_000, columns: int = 30) -> bytes:
    """A sheet full of real cells with random numbers (an ordinary compression ratio): the cost of volume."""
    import random

    rng = random.Random(15)

    def write(dst: zipfile.ZipFile) -> None:
        with dst.open(SHEET, "w", force_zip64=True) as out:
            out.write(f'<?xml version="1.0"?><worksheet {NS}><sheetData>{_header_row()}'.encode())
            for r in range(2, rows + 2):
                cells = "".join(f"<c><v>{rng.randrange(10**9)}</v></c>" for _ in range(columns))
                out.write(f'<row r="{r}">{cells}</row>'.encode())
            out.write(b"</sheetData></worksheet>")

    return rewrite(_base(), {SHEET: write})


def _shared_strings_writer(count: int, distinct: bool) -> Callable[[zipfile.ZipFile], None]:
    def write(dst: zipfile.ZipFile) -> None:
        with dst.open(STRINGS, "w", force_zip64=True) as out:
            out.write(f'<?xml version="1.0"?><sst {NS} count="{count}" uniqueCount="{count}">'.encode())
            batch = []
            for i in range(count):
                batch.append(f"<si><t>{i if distinct else 'a'}</t></si>")
                if len(batch) == 10_000:
                    out.write("".join(batch).encode())
                    batch = []
            out.write(("".join(batch) + "</sst>").encode())

    return write


def shared_strings_ratio_bomb(count: int = 12_000_000) -> bytes:
    """~200 MB of identical shared strings in a small file (compression ratio in the hundreds)."""
    return rewrite(_base(), {STRINGS: _shared_strings_writer(count, distinct=False)})


def shared_strings_count_bomb(count: int = 400_000) -> bytes:
    """Many distinct short shared strings: an ordinary ratio, a long list to build."""
    return rewrite(_base(), {STRINGS: _shared_strings_writer(count, distinct=True)})


def missing_shared_string() -> bytes:
    strings = f'<?xml version="1.0"?><sst {NS} count="1" uniqueCount="1"><si><t>x</t></si></sst>'.encode()
    row = '<row r="2"><c r="A2" t="s"><v>999</v></c></row>'
    return rewrite(_base(), {SHEET: _sheet(_header_row() + row), STRINGS: strings})


def broken_xml() -> bytes:
    return rewrite(
        _base(), {SHEET: f'<?xml version="1.0"?><worksheet {NS}><sheetData><row r="1"><c'.encode()}
    )


def not_a_zip() -> bytes:
    return b"PK\x03\x04" + b"\x00" * 200


def deep_json(depth: int = 100_000) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_yaml(depth: int = 20_000) -> bytes:
    return b"format_version: 1\nnodes: " + b"[" * depth + b"]" * depth + b"\n"


def yaml_alias_bomb() -> bytes:
    lines = ["format_version: 1", 'a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


XLSX_FILES: dict[str, Callable[[], bytes]] = {
    "dimension_bomb": dimension_bomb,
    "tall_sheet": tall_sheet,
    "wide_rows": wide_rows,
    "many_cells": many_cells,
    "shared_strings_ratio_bomb": shared_strings_ratio_bomb,
    "shared_strings_count_bomb": shared_strings_count_bomb,
    "missing_shared_string": missing_shared_string,
    "broken_xml": broken_xml,
    "not_a_zip": not_a_zip,
}
