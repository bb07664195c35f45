"""Reading back the dates a document writes for people: dd/mm/yyyy with leading zeros (04/03/2025, never
04/3/2025), except the date of a cited document ("… số 12/KH-UBND ngày 04/3/2025 …", "(số 12/BC-UBND, ngày
04/3/2025)"), written as the reference documents cite (domain.md "In-text citations"). The same rules as
tests/reports/test_dates.py, for the exports outside the periodic reports (scoring, surveys)."""

import re
from io import BytesIO

from docx import Document
from openpyxl import load_workbook

# a day/month/year written with slashes (a document number such as "7/KH-UBND" is no date)
DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
# a cited document: "số 7/KH-UBND ngày 10/1/2023", "(số 12/KH-UBND, ngày 10/3/2023)"
CITED = re.compile(r"số [^\s,()]+,? ngày (\d{1,2}/\d{1,2}/\d{4})")


def dates(texts: list[str]) -> list[str]:
    """The dates written in the texts, cited documents' dates left out."""
    return [m.group(0) for t in texts for m in DATE.finditer(CITED.sub("", t or ""))]


def cited(texts: list[str]) -> list[str]:
    return [m.group(1) for t in texts for m in CITED.finditer(t or "")]


def unpadded(found: list[str]) -> list[str]:
    return [d for d in found if not re.fullmatch(r"\d{2}/\d{2}/\d{4}", d)]


def citation_form(found: list[str]) -> bool:
    """A cited date keeps two digits for the day and none padded for the month ("04/3/2025", "10/11/2022")."""
    return all(re.fullmatch(r"\d{2}/[1-9]\d?/\d{4}", d) for d in found)


def docx_texts(content: bytes) -> list[str]:
    doc = Document(BytesIO(content))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            texts += [c.text for c in row.cells]
    for section in doc.sections:
        texts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return texts


def xlsx_texts(content: bytes) -> list[str]:
    wb = load_workbook(BytesIO(content))
    return [
        c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)
    ]
