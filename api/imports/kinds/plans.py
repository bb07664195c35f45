"""Import of plans with their appendix: each row is one task, preceded by its plan's columns.

A plan is identified by its issuing unit, year, number and symbol (``85/KH-UBND`` of ``LS.BG`` in 2024); rows
of the same plan repeat those columns (title and issue date may be left blank after the first row). A new plan
is created through ``api.plans.service.create_plan`` (draft, frameworks linked from the rows' criteria); tasks
go through the bulk path of ``task_sync.py``.
"""

from dataclasses import dataclass
from typing import Any

from sqlmodel import col

from api.authz import scope
from api.authz.permissions import Permission
from api.imports.kinds.base import Column, Context, Counts, Kind, Row
from api.imports.kinds.task_rows import TASK_COLUMNS, parse_task_row
from api.imports.kinds.task_sync import PlanWork, Prepared, TaskSync
from api.imports.kinds.tasks import closed_error, export_plan_tasks, update_plan_links
from api.imports.kinds.values import date_cell, parse_date, parse_int, required, schema_errors
from api.imports.kinds.writes import changes_of
from api.models import Plan, PlanStatus
from api.plans import service as plans_service
from api.plans.schemas import PlanCreate

P = Permission
PLAN_COLUMNS = [
    Column("plan_number", "Số kế hoạch", True, ("so", "plan number", "so ke hoach"), "85", width=10),
    Column("plan_symbol", "Ký hiệu", False, ("ky hieu", "symbol", "plan symbol"), "KH-UBND", width=12),
    Column("plan_year", "Năm", True, ("nam", "year", "plan year", "nam ke hoach"), "2024", width=8),
    Column(
        "plan_title",
        "Trích yếu kế hoạch",
        True,
        ("ten ke hoach", "plan title", "trich yeu"),
        "Nâng cao Chỉ số CCHC (PAR INDEX) và SIPAS năm 2024",
        width=40,
    ),
    Column(
        "issuing_unit",
        "Đơn vị ban hành",
        True,
        ("issuing unit", "co quan ban hanh"),
        "",
        choices="units",
        width=16,
    ),
    Column("plan_issue_date", "Ngày ban hành", False, ("issue date", "ngay ky"), "14/06/2024", width=14),
]
PLAN_FIELDS = {"plan_title": "title", "plan_issue_date": "issue_date"}


@dataclass
class PlanHead:
    key: tuple[str, int, str, str]  # issuing unit code, year, number, symbol
    first_row: int
    values: dict[str, Any]  # title, issue_date (present columns)
    rows: list[Row]


class PlansKind(Kind):
    name = "plans"
    title = "Kế hoạch và nhiệm vụ"
    title_en = "plans with their tasks"
    permission = P.plans_manage
    sheet_title = "Kế hoạch"
    columns = PLAN_COLUMNS + TASK_COLUMNS

    def _heads(self, ctx: Context, rows: list[Row]) -> dict[tuple[str, int, str, str], PlanHead]:
        heads: dict[tuple[str, int, str, str], PlanHead] = {}
        for row in rows:
            number, title = required(ctx, row, "plan_number"), row.get("plan_title")
            ok_y, year = parse_int(ctx, row, "plan_year", 2000, 2100)
            unit = required(ctx, row, "issuing_unit")
            ok_d, issue_date = parse_date(ctx, row, "plan_issue_date")
            if year is None and ok_y:
                required(ctx, row, "plan_year")
            if not (number and year and unit and ok_d):
                continue
            key = (unit, year, number, row.get("plan_symbol") or "KH-UBND")
            head = heads.get(key)
            values = {"title": title, "issue_date": issue_date}
            if head is None:
                if title is None:
                    required(ctx, row, "plan_title")
                    continue
                checked = schema_errors(
                    ctx,
                    row,
                    PlanCreate,
                    {
                        "number": key[2],
                        "symbol": key[3],
                        "year": year,
                        "title": title,
                        "issue_date": issue_date,
                        "issuing_unit_id": 0,
                    },
                    {"number": "plan_number", "symbol": "plan_symbol", "title": "plan_title"},
                )
                if checked is None:
                    continue
                present = {v: values[v] for k, v in PLAN_FIELDS.items() if k in ctx.headers}
                heads[key] = PlanHead(key=key, first_row=row.number, values=present, rows=[row])
                continue
            for k, field in PLAN_FIELDS.items():
                if values[field] is not None and values[field] != head.values.get(field):
                    ctx.error(
                        row.number,
                        k,
                        "inconsistent",
                        f"Khác với dòng {head.first_row} của cùng kế hoạch {key[2]}/{key[3]} năm {year}.",
                        f"Differs from row {head.first_row} of the same plan.",
                    )
            head.rows.append(row)
        return heads

    def prepare(self, ctx: Context, rows: list[Row], counts: Counts) -> tuple[TaskSync, Prepared] | None:
        heads = self._heads(ctx, rows)
        ctx.units([h.key[0] for h in heads.values()])
        units = {h.key[0]: ctx.resolve_unit(h.first_row, "issuing_unit", h.key[0]) for h in heads.values()}
        unit_ids = [u.id for u in units.values() if u is not None]
        existing: dict[tuple[int, int, str, str], Plan] = {}
        if unit_ids:
            stmt = scope.visible_plans(ctx.principal, P.plans_manage).where(
                col(Plan.issuing_unit_id).in_(unit_ids),
                col(Plan.year).in_({h.key[1] for h in heads.values()}),
            )
            existing = {
                (p.issuing_unit_id, p.year, p.number, p.symbol): p for p in ctx.session.exec(stmt).all()
            }
        works: list[PlanWork] = []
        for head in heads.values():
            unit = units.get(head.key[0])
            if unit is None:
                continue
            _, year, number, symbol = head.key
            plan = existing.get((unit.id, year, number, symbol))
            if plan is not None and plan.status == PlanStatus.closed:
                closed_error(ctx, head.first_row, plan)
                continue
            items = [it for i, r in enumerate(head.rows, start=1) if (it := parse_task_row(ctx, r, year, i))]
            work = PlanWork(
                first_row=head.first_row, year=year, issuing_unit_id=unit.id, items=items, plan=plan
            )
            if plan is None:
                work.create = {
                    "number": number,
                    "symbol": symbol,
                    "year": year,
                    "issuing_unit_id": unit.id,
                    "title": head.values["title"],
                    "issue_date": head.values.get("issue_date"),
                }
            else:
                ch = changes_of({k: getattr(plan, k) for k in head.values}, head.values)
                work.plan_changes = {k: head.values[k] for k in ch}
            works.append(work)
        sync = TaskSync(ctx)
        return sync, sync.prepare(works, counts)

    def apply(self, ctx: Context, prepared: tuple[TaskSync, Prepared]) -> None:
        sync, prep = prepared

        def create(w: PlanWork) -> Plan:
            data = PlanCreate(**(w.create or {}), framework_ids=sorted(w.framework_ids))
            return plans_service.create_plan(ctx.session, ctx.principal, data=data)

        sync.apply(prep, create_plan=create, update_plan=lambda w: update_plan_links(ctx, w, w.plan_changes))

    def export_rows(self, ctx: Context) -> list[dict[str, str | None]]:
        stmt = (
            scope.visible_plans(ctx.principal, P.plans_manage)
            .where(col(Plan.issuing_unit_id).in_(ctx.scoped_unit_ids()))
            .order_by(col(Plan.year), col(Plan.id))
        )
        plans = list(ctx.session.exec(stmt).all())
        code = {u.id: u.code for u in ctx.units().values()}
        out = []
        for plan, row in export_plan_tasks(ctx, plans):
            head: dict[str, str | None] = {
                "plan_number": plan.number,
                "plan_symbol": plan.symbol,
                "plan_year": str(plan.year),
                "plan_title": plan.title,
                "issuing_unit": code.get(plan.issuing_unit_id),
                "plan_issue_date": date_cell(plan.issue_date),
            }
            out.append({**head, **row})
        return out


KIND = PlansKind()
