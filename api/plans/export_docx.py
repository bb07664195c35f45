"""Phụ lục của kế hoạch as DOCX, in the layout it is issued with (Nghị định 30/2020/NĐ-CP).

A4 landscape with the NĐ 30 margins (20/20/30/15 mm, as the report's appendix pages: ``export_docx.MARGINS_MM``),
Times New Roman; "Phụ lục", the plan's trích yếu and the italic line "(Kèm theo Kế hoạch số … ngày … của …)",
then one table: STT, nhiệm vụ, sản phẩm, thời gian hoàn thành, đơn vị chủ trì, đơn vị phối hợp. Each mục of the
appendix is a bold row across the table (its label in STT), its tasks under it; the header row repeats on every
page. Only the tasks the caller may see are listed (the appendix route's :func:`api.plans.service.appendix`).
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm
from sqlmodel import Session

from api.authz import scope
from api.authz.principal import Principal
from api.imports.kinds.values import date_cell, period_cell
from api.models import DeadlineKind, Plan, Recurrence
from api.plans import service
from api.plans.schemas import AppendixDocument as Appendix
from api.plans.schemas import SectionRead, TaskRead
from api.reports import docx_kit as K
from api.reports.export_docx import LANDSCAPE_TEXT_MM, MARGINS_MM

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
C, L = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
TITLE_SIZE, TABLE_SIZE = 14, 12
COLUMNS = ["STT", "Nhiệm vụ", "Sản phẩm", "Thời gian hoàn thành", "Đơn vị chủ trì", "Đơn vị phối hợp"]
WIDTHS_MM = [14, 80, 46, 32, 36, 44]  # = LANDSCAPE_TEXT_MM (252)
RHYTHMS = {
    Recurrence.monthly: "Hằng tháng",
    Recurrence.quarterly: "Hằng quý",
    Recurrence.continuous: "Thường xuyên",
}
assert sum(WIDTHS_MM) == LANDSCAPE_TEXT_MM


def deadline_text(task: TaskRead) -> str:
    """Thời gian hoàn thành as the plan writes it: its own words when given, else the date (dd/mm/yyyy), the
    period ("Quý III/2024") or the rhythm ("Hằng quý")."""
    if task.deadline_text:
        return task.deadline_text
    if task.deadline_kind == DeadlineKind.date:
        return date_cell(task.due_date) or ""
    if task.deadline_kind == DeadlineKind.period and task.period_code:
        return period_cell(task.period_code, task.period_year)
    return RHYTHMS.get(task.recurrence or Recurrence.continuous, "")


def _ordered(appendix: Appendix) -> Iterator[tuple[SectionRead | None, list[TaskRead]]]:
    """Tasks without a mục first, then each mục (depth first, in the appendix's order) with its tasks."""
    tasks: dict[int | None, list[TaskRead]] = defaultdict(list)
    for t in appendix.tasks:
        tasks[t.section_id].append(t)
    children: dict[int | None, list[SectionRead]] = defaultdict(list)
    for s in appendix.sections:
        children[s.parent_id].append(s)
    if tasks[None]:
        yield None, tasks[None]

    def walk(parent: int | None) -> Iterator[tuple[SectionRead | None, list[TaskRead]]]:
        for s in children[parent]:
            yield s, tasks[s.id]
            yield from walk(s.id)

    yield from walk(None)


def _plan_line(appendix: Appendix, issuer_name: str) -> str:
    p = appendix.plan
    number = p.display_number or f"{p.number}/{p.symbol}"
    when = f" ngày {date_cell(p.issue_date)}" if p.issue_date else ""
    return f"(Kèm theo Kế hoạch số {number}{when} của {issuer_name})"


def render(appendix: Appendix, *, issuer_name: str) -> bytes:
    """The appendix of one plan as a DOCX document (bytes)."""
    d = Document()
    K.set_default_font(d, TITLE_SIZE)
    section = d.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    top, bottom, left, right = MARGINS_MM
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)

    K.spacing(K.write(d.add_paragraph(), "Phụ lục", size=TITLE_SIZE, bold=True, align=C))
    K.spacing(K.write(d.add_paragraph(), appendix.plan.title.upper(), bold=True, align=C))
    K.spacing(K.write(d.add_paragraph(), _plan_line(appendix, issuer_name), italic=True, align=C), after=12)

    table = d.add_table(rows=1, cols=len(COLUMNS))
    K.set_borders(table, on=True)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    K.repeat_header(table.rows[0])
    for cell, text in zip(table.rows[0].cells, COLUMNS, strict=True):
        K.write(cell.paragraphs[0], text, size=TABLE_SIZE, bold=True, align=C)
    headings = []
    for sec, tasks in _ordered(appendix):
        if sec is not None:
            row = table.add_row().cells
            K.write(row[0].paragraphs[0], sec.label, size=TABLE_SIZE, bold=True, align=C)
            K.write(row[1].paragraphs[0], sec.title, size=TABLE_SIZE, bold=True, align=L)
            headings.append(row)
        for t in tasks:
            values = [
                t.label,
                t.title,
                t.product or "",
                deadline_text(t),
                t.lead_unit.name if t.lead_unit else "",
                "; ".join(u.name for u in t.coordinating_units),
            ]
            cells = table.add_row().cells
            for i, (cell, value) in enumerate(zip(cells, values, strict=True)):
                K.write(cell.paragraphs[0], value, size=TABLE_SIZE, align=L if i in (1, 2, 4, 5) else C)
    K.set_widths(table, [Mm(w) for w in WIDTHS_MM])
    for row in headings:  # merged after the widths are set: the merged cell's width is the sum of its columns
        row[1].merge(row[-1])
    out = BytesIO()
    d.save(out)
    return out.getvalue()


def plan_appendix(session: Session, principal: Principal, *, plan: Plan, today: date) -> tuple[bytes, str]:
    """(DOCX, file name) of the appendix of a plan the caller reached (``scope.get_plan``)."""
    appendix = service.appendix(session, principal, plan=plan, today=today)
    issuer = session.exec(scope.units_by_ids([plan.issuing_unit_id])).first()
    content = render(appendix, issuer_name=issuer.name if issuer else "")
    return content, f"phu-luc-ke-hoach-{plan.number}-{plan.year}.docx"
