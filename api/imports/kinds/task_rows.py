"""The task columns shared by the ``plans`` and ``tasks`` kinds, the deadline notation and row parsing.

Thời hạn (deadline) in one cell:
- a date: ``30/06/2024`` or ``2024-06-30``;
- a period: ``Q1``…``Q4``, ``H1``, ``H2``, ``Y`` with an optional year (``Q4/2024``), or in words ``Quý IV/2024``,
  ``6 tháng đầu năm 2024``, ``6 tháng cuối năm``, ``Năm 2024``;
- recurring: ``Hằng tháng``, ``Hằng quý``, ``Thường xuyên``.
Exports write the canonical forms (``2024-06-30``, ``Q4/2024``, ``Hằng quý``), which read back unchanged.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from api.frameworks.library import fold_accents
from api.imports.kinds.base import Column, Context, Row, UnitInfo
from api.imports.kinds.values import (
    Choice,
    check_lengths,
    date_cell,
    max_lengths,
    parse_date_text,
    parse_int,
    period_cell,
    required,
    split_list,
)
from api.models import DeadlineKind, Priority, Recurrence, Task
from api.plans.deadlines import PERIOD_CODES, period_end
from api.plans.schemas import TaskCreate

TASK_LIMITS = max_lengths(TaskCreate)
PRIORITIES = Choice(Priority, {"high": "Cao", "normal": "Bình thường", "low": "Thấp"})
RHYTHMS = Choice(Recurrence, {"monthly": "Hằng tháng", "quarterly": "Hằng quý", "continuous": "Thường xuyên"})
DROPDOWNS = {"priorities": PRIORITIES, "rhythms": RHYTHMS}

TASK_COLUMNS = [
    Column("section", "Mục", False, ("section", "muc phu luc"), "I.1", width=8),
    Column(
        "section_title", "Tên mục", False, ("section title",), "Công tác chỉ đạo, điều hành CCHC", width=30
    ),
    Column("label", "STT", True, ("so thu tu", "label", "ma nhiem vu"), "I.1.1", width=10),
    Column("order", "Thứ tự", False, ("order",), "1", width=8),
    Column(
        "title",
        "Nhiệm vụ, giải pháp",
        True,
        ("nhiem vu", "title", "ten nhiem vu"),
        "Tổ chức tuyên truyền về cải cách hành chính",
        width=50,
    ),
    Column("description", "Mô tả", False, ("description", "noi dung"), "", width=30),
    Column(
        "product", "Sản phẩm", False, ("product", "san pham dau ra"), "Kế hoạch; báo cáo kết quả", width=30
    ),
    Column(
        "deadline",
        "Thời hạn",
        True,
        ("deadline", "thoi gian hoan thanh"),
        "Q4/2024",
        note="Ngày (30/06/2024), kỳ (Q1…Q4, H1, H2, Y — ví dụ Q4/2024) hoặc Hằng tháng / Hằng quý / Thường "
        "xuyên.",
        width=14,
    ),
    Column("deadline_text", "Ghi chú thời hạn", False, ("deadline text",), "Quý IV/2024", width=22),
    Column("report_rhythm", "Nhịp báo cáo", False, ("report rhythm",), "", choices="rhythms", width=14),
    Column(
        "lead_unit", "Đơn vị chủ trì", True, ("chu tri", "lead unit", "lead"), "", choices="units", width=22
    ),
    Column(
        "coordinating_units",
        "Đơn vị phối hợp",
        False,
        ("phoi hop", "coordinating units", "coordinating"),
        "",
        choices="units",
        note="Nhiều mã đơn vị cách nhau bằng dấu “;”.",
        width=30,
    ),
    Column(
        "criteria",
        "Tiêu chí",
        False,
        ("criteria", "nodes", "tieu chi lien quan"),
        "",
        choices="nodes",
        note="MÃ_BỘ_CHỈ_SỐ:MÃ_TIÊU_CHÍ, nhiều mục cách nhau bằng “;” (ví dụ PAR_INDEX_TINH_876:1).",
        width=30,
    ),
    Column("priority", "Mức ưu tiên", False, ("priority",), "Bình thường", choices="priorities", width=12),
    Column("target", "Chỉ tiêu", False, ("target",), "", width=30),
]
# Task columns written as they are (nullable: a blank cell clears them when the column is in the file).
TEXT_FIELDS = ("title", "description", "product", "deadline_text", "target")
COMPARED = (
    "title",
    "description",
    "product",
    "deadline_kind",
    "due_date",
    "period_code",
    "period_year",
    "recurrence",
    "report_rhythm",
    "deadline_text",
    "lead_unit_id",
    "priority",
    "target",
    "order",
)

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_RECURRING = {
    "hang thang": Recurrence.monthly,
    "monthly": Recurrence.monthly,
    "hang quy": Recurrence.quarterly,
    "quarterly": Recurrence.quarterly,
    "thuong xuyen": Recurrence.continuous,
    "continuous": Recurrence.continuous,
}


def parse_deadline(text: str, plan_year: int | None) -> dict[str, Any] | None:
    """The deadline columns of a task from its one-cell notation (``None`` when not understood)."""
    d = parse_date_text(text)
    if d is not None:
        return _values(DeadlineKind.date, due_date=d)
    folded = re.sub(r"\s+", " ", fold_accents(text)).strip().rstrip(".")
    if folded in _RECURRING:
        return _values(DeadlineKind.recurring, recurrence=_RECURRING[folded])
    m = re.fullmatch(r"(q[1-4]|h[12]|y)(?:\s*[/\- ]\s*(\d{4}))?", folded)
    code, year = (m.group(1).upper(), m.group(2)) if m else (None, None)
    if code is None and (m := re.fullmatch(r"quy (i{1,3}|iv|[1-4])(?:\s*(?:/|nam)\s*(\d{4}))?", folded)):
        q = m.group(1)
        code, year = f"Q{_ROMAN.get(q) or int(q)}", m.group(2)
    if code is None and (m := re.fullmatch(r"6 thang (dau|cuoi) nam(?:\s*(\d{4}))?", folded)):
        code, year = ("H1" if m.group(1) == "dau" else "H2"), m.group(2)
    if code is None and (m := re.fullmatch(r"(?:ca )?nam(?:\s*(\d{4}))?", folded)):
        code, year = "Y", m.group(1)
    if code is None or code not in PERIOD_CODES:
        return None
    y = int(year) if year else plan_year
    if y is None or not 2000 <= y <= 2100:
        return None
    return _values(DeadlineKind.period, period_code=code, period_year=y, due_date=period_end(code, y))


def _values(kind: DeadlineKind, **kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "deadline_kind": kind,
        "due_date": None,
        "period_code": None,
        "period_year": None,
        "recurrence": None,
    }
    out.update(kw)
    return out


def deadline_cell(task: Task) -> str | None:
    """The canonical one-cell notation of a stored task's deadline."""
    if task.deadline_kind == DeadlineKind.date:
        return date_cell(task.due_date)
    if task.deadline_kind == DeadlineKind.period:
        return period_cell(task.period_code, task.period_year) if task.period_code else None
    return RHYTHMS.label(task.recurrence or Recurrence.continuous)


@dataclass(eq=False)
class TaskItem:
    """One task row, parsed. ``None`` for a list means its column is not in the file (keep what is stored)."""

    row: Row
    label: str
    fields: dict[str, Any]
    lead_code: str
    coordinating_codes: list[str] | None
    node_refs: list[tuple[str, str]] | None
    section: str | None
    section_title: str | None
    position: int
    lead: UnitInfo | None = None
    coordinating: list[UnitInfo] = field(default_factory=list)
    node_ids: list[int] | None = None
    existing: Task | None = None
    changes: dict[str, Any] = field(default_factory=dict)


def parse_task_row(ctx: Context, row: Row, plan_year: int | None, position: int) -> TaskItem | None:
    """Parse the task columns of ``row``; ``None`` (with errors recorded) when it cannot be used."""
    label, title = required(ctx, row, "label"), required(ctx, row, "title")
    lead_code, deadline = required(ctx, row, "lead_unit"), required(ctx, row, "deadline")
    ok_order, order = parse_int(ctx, row, "order", 0, 1_000_000)
    ok_p, priority = PRIORITIES.parse(ctx, row, "priority")
    ok_r, rhythm = RHYTHMS.parse(ctx, row, "report_rhythm")
    values = parse_deadline(deadline, plan_year) if deadline else None
    if deadline and values is None:
        ctx.error(
            row.number,
            "deadline",
            "invalid_deadline",
            f"Không hiểu thời hạn “{deadline}”: ghi ngày (30/06/2024), kỳ (Q1…Q4, H1, H2, Y, ví dụ Q4/2024) "
            "hoặc Hằng tháng / Hằng quý / Thường xuyên.",
            f"Cannot read deadline '{deadline}': a date, a period (Q1..Q4, H1, H2, Y[/year]) or "
            "monthly/quarterly/continuous.",
        )
    nodes = _node_refs(ctx, row)
    if not (label and title and lead_code and values and ok_order and ok_p and ok_r) or nodes is False:
        return None
    fields: dict[str, Any] = {k: row.get(k) for k in TEXT_FIELDS if k in ctx.headers or k == "title"}
    fields.update(values)
    if "report_rhythm" in ctx.headers:
        fields["report_rhythm"] = rhythm
    if priority is not None:
        fields["priority"] = priority
    if order is not None:
        fields["order"] = order
    # The length limits of the API schema (TaskCreate), checked without a model validation per row.
    if not check_lengths(ctx, row, TASK_LIMITS, {"label": label, **fields}):
        return None
    coords = split_list(row.get("coordinating_units")) if "coordinating_units" in ctx.headers else None
    for key, items, limit in (
        ("coordinating_units", coords or [], TASK_LIMITS.get("coordinating_unit_ids", 500)),
        ("criteria", nodes if isinstance(nodes, list) else [], TASK_LIMITS.get("node_ids", 50)),
    ):
        if len(items) > limit:
            ctx.error(
                row.number, key, "too_many", f"Quá nhiều mã (tối đa {limit}).", f"At most {limit} codes."
            )
            return None
    return TaskItem(
        row=row,
        label=label,
        fields=fields,
        lead_code=lead_code,
        coordinating_codes=coords,
        node_refs=nodes if isinstance(nodes, list) and "criteria" in ctx.headers else None,
        section=row.get("section"),
        section_title=row.get("section_title"),
        position=position,
    )


def _node_refs(ctx: Context, row: Row) -> list[tuple[str, str]] | bool:
    refs: list[tuple[str, str]] = []
    for part in split_list(row.get("criteria")):
        fw, sep, node = part.partition(":")
        if not sep or not fw.strip() or not node.strip():
            ctx.error(
                row.number,
                "criteria",
                "invalid_criterion",
                f"Tiêu chí “{part}” phải có dạng MÃ_BỘ_CHỈ_SỐ:MÃ_TIÊU_CHÍ (ví dụ PAR_INDEX_TINH_876:1).",
                f"Criterion '{part}' must look like FRAMEWORK:NODE.",
            )
            return False
        refs.append((fw.strip(), node.strip()))
    return refs


def task_export_row(
    task: Task,
    *,
    unit_code: dict[int, str],
    coords: list[str],
    nodes: list[str],
    section: tuple[str, str] | None,
) -> dict[str, str | None]:
    return {
        "section": section[0] if section else None,
        "section_title": section[1] if section else None,
        "label": task.label,
        "order": str(task.order),
        "title": task.title,
        "description": task.description,
        "product": task.product,
        "deadline": deadline_cell(task),
        "deadline_text": task.deadline_text,
        "report_rhythm": RHYTHMS.label(task.report_rhythm),
        "lead_unit": unit_code.get(task.lead_unit_id),
        "coordinating_units": ";".join(coords) or None,
        "criteria": ";".join(nodes) or None,
        "priority": PRIORITIES.label(task.priority),
        "target": task.target,
    }
