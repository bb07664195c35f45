"""Small python-docx helpers: fonts, borders, the PAGE field, placeholders and inserting content at an anchor."""

import re
from collections.abc import Iterator
from typing import Any

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from api.text import for_document

FONT = "Times New Roman"
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
BODY_ANCHOR = "NOI_DUNG"
APPENDIX_ANCHOR = "PHU_LUC"
RECIPIENTS_ANCHOR = "NOI_NHAN"
ANCHORS = (BODY_ANCHOR, APPENDIX_ANCHOR, RECIPIENTS_ANCHOR)


def set_run_font(
    run: Any, size: float | None = None, bold: bool | None = None, italic: bool | None = None
) -> None:
    """Size and weight of one run; the face (Times New Roman) comes from the Normal style."""
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic


def set_default_font(doc: DocumentObject, size: float) -> None:
    style: Any = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def write(
    paragraph: Paragraph,
    text: str,
    *,
    size: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    align: Any = None,
) -> Paragraph:
    """Add ``text`` as one run (newlines become line breaks); characters no document may hold are dropped."""
    run = paragraph.add_run(for_document(text))
    set_run_font(run, size, bold, italic)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def spacing(paragraph: Paragraph, before: float = 0, after: float = 0, line: float | None = None) -> None:
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if line is not None:
        fmt.line_spacing = line


def set_borders(table: Table, on: bool) -> None:
    """Explicit table borders (single lines, or none): independent of the template's table styles."""
    tbl_pr = table._tbl.tblPr
    old = tbl_pr.find(qn("w:tblBorders"))
    if old is not None:
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if on else "nil")
        if on:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)


def set_widths(table: Table, widths: list[Any]) -> None:
    """Fixed column widths written everywhere Word and LibreOffice read them: the grid (``w:tblGrid/w:gridCol``),
    every cell (``w:tcW``), the table width (``w:tblW``) and a fixed layout, so the grid and the cells agree (a
    grid left at python-docx's equal split makes LibreOffice wrap "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = tbl_pr.find(qn("w:tblLayout"))
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        tbl_pr.append(layout)
    layout.set(qn("w:type"), "fixed")
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(int(w.twips) for w in widths)))
    for grid_col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        grid_col.set(qn("w:w"), str(int(w.twips)))
    for row in table.rows:
        for c, w in zip(row.cells, widths, strict=True):
            c.width = w


def repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def add_page_field(paragraph: Paragraph, size: float) -> None:
    """A PAGE field (the page number), centred."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "2"), ("end", None)):
        run = paragraph.add_run()
        set_run_font(run, size)
        if kind is not None:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._element.append(fld)
        elif text == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            run._element.append(instr)
        else:
            run.text = text or ""


# --- placeholders -------------------------------------------------------------------------------------------


def _paragraphs_in(container: Any) -> Iterator[Paragraph]:
    yield from container.paragraphs
    for table in container.tables:
        for row in table.rows:
            for c in row.cells:
                yield from _paragraphs_in(c)


def all_paragraphs(doc: DocumentObject) -> Iterator[Paragraph]:
    """Body, table cells (nested) and every header/footer."""
    yield from _paragraphs_in(doc)
    for section in doc.sections:
        for part in (section.header, section.first_page_header, section.footer, section.first_page_footer):
            if not part.is_linked_to_previous:
                yield from _paragraphs_in(part)


def anchor_name(paragraph: Paragraph) -> str | None:
    m = PLACEHOLDER.fullmatch(paragraph.text.strip())
    return m.group(1) if m and m.group(1) in ANCHORS else None


def find_anchors(doc: DocumentObject) -> dict[str, Paragraph]:
    """The anchor paragraphs (first of each name), found in one pass before anything is inserted."""
    found: dict[str, Paragraph] = {}
    for p in all_paragraphs(doc):
        name = anchor_name(p)
        if name is not None and name not in found:
            found[name] = p
    return found


def find_anchor(doc: DocumentObject, name: str) -> Paragraph | None:
    return find_anchors(doc).get(name)


def replace_placeholders(doc: DocumentObject, values: dict[str, str]) -> None:
    """``{{name}}`` → value in every paragraph; the paragraph keeps its first run's formatting.

    Unknown names are left visible so whoever edits the template sees the typo; anchors are handled apart.
    """
    for p in list(all_paragraphs(doc)):
        text = p.text
        if "{{" not in text or anchor_name(p):
            continue
        new = PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
        if new == text:
            continue
        runs = p.runs
        if not runs:
            continue
        runs[0].text = for_document(new)
        for r in runs[1:]:
            r.text = ""
        parent = p._p.getparent()
        if not new.strip() and len(parent.findall(qn("w:p"))) > 1:
            parent.remove(p._p)  # an empty optional line (e.g. no cơ quan chủ quản) disappears


class AnchorWriter:
    """Adds paragraphs and tables just before an anchor paragraph (which is removed by :meth:`close`)."""

    def __init__(self, doc: DocumentObject, anchor: Paragraph) -> None:
        self.doc = doc
        self.anchor = anchor

    def paragraph(self) -> Paragraph:
        p = self.doc.add_paragraph()
        self.anchor._p.addprevious(p._p)
        return Paragraph(p._p, self.anchor._parent)

    def table(self, rows: int, cols: int) -> Table:
        t = self.doc.add_table(rows=rows, cols=cols)
        self.anchor._p.addprevious(t._tbl)
        return t

    def close(self) -> None:
        self.anchor._p.getparent().remove(self.anchor._p)


class EndWriter:
    """Same interface, appending at the end of the document body."""

    def __init__(self, doc: DocumentObject) -> None:
        self.doc = doc

    def paragraph(self) -> Paragraph:
        return self.doc.add_paragraph()

    def table(self, rows: int, cols: int) -> Table:
        return self.doc.add_table(rows=rows, cols=cols)

    def close(self) -> None:
        return None
