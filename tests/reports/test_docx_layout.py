"""NĐ 30 layout of the DOCX export read back with python-docx: every table's grid (w:tblGrid/w:gridCol) agrees with
its cells (w:tcW), the header table fits the text width so "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" keeps one line, and the
landscape appendix keeps the NĐ 30 margins. When LibreOffice is installed the export is also rendered to PDF under
test-artifacts/reports/ (page 1 for a person to look at) and the quốc hiệu is checked to be on one line."""

import os
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from api.reports.export_docx import QUOC_HIEU, skeleton
from tests.reports.helpers import V1, open_report
from tests.reports.outline_helpers import add_activities, put_values

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
TOLERANCE = 2  # twips: Mm → twips rounding


def _grid(table) -> list[int]:  # type: ignore[no-untyped-def]
    return [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def _cell_widths(row) -> list[int]:  # type: ignore[no-untyped-def]
    out = []
    for tc in row._tr.findall(qn("w:tc")):
        tcw = tc.find(qn("w:tcPr")).find(qn("w:tcW"))
        assert tcw is not None and tcw.get(qn("w:type")) == "dxa"
        out.append(int(tcw.get(qn("w:w"))))
    return out


def _assert_consistent(table) -> list[int]:  # type: ignore[no-untyped-def]
    grid = _grid(table)
    layout = table._tbl.tblPr.find(qn("w:tblLayout"))
    assert layout is not None and layout.get(qn("w:type")) == "fixed"
    assert int(table._tbl.tblPr.find(qn("w:tblW")).get(qn("w:w"))) == sum(grid)
    for row in table.rows:
        assert _cell_widths(row) == grid
    return grid


def _margins_mm(section) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    return tuple(round(m / Mm(1)) for m in (section.top_margin, section.bottom_margin,
                                             section.left_margin, section.right_margin))  # type: ignore[return-value]  # fmt: skip


def _text_width(section) -> int:  # type: ignore[no-untyped-def]
    return int((section.page_width - section.left_margin - section.right_margin) / 635)  # EMU → twips


def test_shipped_template_header_grid_matches_cells() -> None:
    doc = skeleton()
    header = doc.tables[0]
    grid = _assert_consistent(header)
    assert len(grid) == 2 and abs(sum(grid) - _text_width(doc.sections[0])) <= TOLERANCE
    # the quốc hiệu (12 pt bold Times New Roman, about 0,62 em a letter) fits its cell without wrapping
    right = header.rows[0].cells[1]
    run = next(r for p in right.paragraphs for r in p.runs if r.text == QUOC_HIEU)
    assert run.font.size == Pt(12) and run.bold
    needed = len(QUOC_HIEU) * 0.62 * 12 * 20  # twips
    assert grid[1] - 2 * 108 > needed  # minus the default cell margins (0,19 cm each side)
    _assert_consistent(doc.tables[1])  # the signature block


def test_exported_report_tables_and_margins(client, auth, world) -> None:  # type: ignore[no-untyped-def]
    rep = open_report(client, auth("canbo.hoatham"), world["periods"]["q1"]["id"], world["unit"].id)
    r = client.get(
        f"{V1}/reports/{rep['id']}/export", params={"format": "docx"}, headers=auth("canbo.hoatham")
    )
    assert r.status_code == 200, r.text
    doc = Document(BytesIO(r.content))
    for table in doc.tables:
        _assert_consistent(table)
    portrait, landscape = doc.sections
    assert portrait.page_width < portrait.page_height and landscape.page_width > landscape.page_height
    # NĐ 30: top 20, bottom 20, left 30, right 15 mm — on the portrait pages and on the landscape appendix
    assert _margins_mm(portrait) == _margins_mm(landscape) == (20, 20, 30, 15)
    header = doc.tables[0]
    assert abs(sum(_grid(header)) - _text_width(portrait)) <= TOLERANCE
    assert QUOC_HIEU in header.rows[0].cells[1].text
    appendix = doc.tables[-1]
    assert appendix.rows[0].cells[1].text == "Nhiệm vụ, giải pháp"
    assert sum(_grid(appendix)) <= _text_width(landscape) + TOLERANCE  # the appendix fits between the margins
    for table in doc.tables[1:-1]:
        assert sum(_grid(table)) <= _text_width(portrait) + TOLERANCE


def test_rendered_with_libreoffice(client, auth, session, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Pages 1–2 as LibreOffice lays them out: the quốc hiệu on one line, the report following its outline (section
    I written from the Quý III inspections, outreach and accountability, the biểu số liệu with entered values), and
    PNGs in test-artifacts for a person to look at. LibreOffice and poppler are installed by .ci/run; each run has its
    own LibreOffice profile and artifact folder (the SQLite and PostgreSQL suites run at the same time)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is required: .ci/run installs libreoffice-writer-nogui"
    assert shutil.which("pdftotext") and shutil.which("pdftoppm"), "poppler-utils is required: .ci/run installs it"
    add_activities(session)
    rep = open_report(client, auth("canbo.hoatham"), world["periods"]["q3"]["id"], world["unit"].id)
    put_values(client, auth("canbo.hoatham"), rep["id"],
               {"VB_BAN_HANH": "3", "HS_TIEP_NHAN": "1250", "HS_DUNG_HAN": "1200", "CB_HAI_LONG": "87,5"})  # fmt: skip
    r = client.get(
        f"{V1}/reports/{rep['id']}/export", params={"format": "docx"}, headers=auth("canbo.hoatham")
    )
    assert r.status_code == 200, r.text
    out = ARTIFACTS / os.environ.get("PARSIPAS_TEST_DB", "sqlite")
    out.mkdir(parents=True, exist_ok=True)
    src = out / "bao_cao_don_vi.docx"
    src.write_bytes(r.content)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(out),
         str(src)],
        check=True,
        timeout=180,
        capture_output=True,
    )  # fmt: skip
    pdf = out / "bao_cao_don_vi.pdf"
    assert pdf.exists() and pdf.stat().st_size > 0
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert any(QUOC_HIEU in line for line in text.splitlines())  # one line on page 1
    assert "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH" in text
    everything = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(everything.split())
    assert "BIỂU SỐ LIỆU KẾT QUẢ CẢI CÁCH HÀNH CHÍNH" in flat and "Ngày 10/08/2023: kiểm tra định kỳ" in flat
    for old in out.glob("page*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-f", "1", "-l", "2", "-r", "80", str(pdf), str(out / "page")],
                   check=True, timeout=120)  # fmt: skip
    assert len(list(out.glob("page*.png"))) == 2
