"""Import of tasks (nhiệm vụ, giải pháp) into an existing plan (``?plan_id=``), upserted by label (STT).

Each row carries its lead unit and coordinating units by code and its criteria as ``FRAMEWORK:NODE``; the
assignments follow (one per unit and due instance). Rows of tasks already in the plan update them; tasks of the
plan that the file does not mention are left alone.
"""

from collections import defaultdict
from typing import Any

from sqlmodel import col, select

from api.authz import scope
from api.authz.permissions import Permission
from api.errors import NotFound, Unprocessable
from api.imports.kinds.base import Context, Counts, Kind, Row
from api.imports.kinds.task_rows import DROPDOWNS as TASK_DROPDOWNS
from api.imports.kinds.task_rows import TASK_COLUMNS, parse_task_row, task_export_row
from api.imports.kinds.task_sync import PlanWork, Prepared, TaskSync
from api.models import (
    Framework,
    FrameworkNode,
    Plan,
    PlanSection,
    PlanStatus,
    Task,
    TaskNode,
    TaskUnit,
    TaskUnitRole,
)
from api.plans import service as plans_service
from api.plans.schemas import PlanUpdate

P = Permission
DROPDOWNS = TASK_DROPDOWNS


def closed_error(ctx: Context, row: int | None, plan: Plan) -> None:
    ctx.error(
        row,
        None,
        "plan_closed",
        f"Kế hoạch {plan.number}/{plan.symbol} năm {plan.year} đã kết thúc, không thể sửa phụ lục.",
        "The plan is closed; its appendix cannot change.",
    )


def update_plan_links(ctx: Context, w: PlanWork, changes: dict[str, Any] | None = None) -> None:
    """Plan header changes and the frameworks the new node links need, through the plans service."""
    assert w.plan is not None
    data: dict[str, Any] = dict(changes or {})
    if not w.framework_ids <= w.linked_frameworks:
        data["framework_ids"] = sorted(w.linked_frameworks | w.framework_ids)
    plans_service.update_plan(ctx.session, ctx.principal, plan=w.plan, data=PlanUpdate(**data))


class TasksKind(Kind):
    name = "tasks"
    title = "Nhiệm vụ"
    title_en = "tasks"
    permission = P.plans_manage
    sheet_title = "Nhiệm vụ"
    columns = TASK_COLUMNS

    def start(self, ctx: Context) -> None:
        plan_id = ctx.params.get("plan_id")
        if plan_id is None:
            ctx.error(
                None,
                "plan_id",
                "missing_plan",
                "Cần cho biết kế hoạch nhận nhiệm vụ: tham số ?plan_id=…",
                "The target plan is required: ?plan_id=…",
            )
            return
        plan = scope.get_plan(ctx.session, ctx.principal, plan_id, P.plans_manage)
        if plan.issuing_unit_id not in ctx.scoped_unit_ids():
            raise NotFound("Kế hoạch", "Plan")
        ctx.params["plan"] = plan

    def prepare(self, ctx: Context, rows: list[Row], counts: Counts) -> tuple[TaskSync, Prepared] | None:
        plan: Plan | None = ctx.params.get("plan")
        if plan is None:
            return None
        if plan.status == PlanStatus.closed:
            closed_error(ctx, None, plan)
            return None
        items = [it for i, r in enumerate(rows, start=1) if (it := parse_task_row(ctx, r, plan.year, i))]
        work = PlanWork(
            first_row=2, year=plan.year, issuing_unit_id=plan.issuing_unit_id, items=items, plan=plan
        )
        sync = TaskSync(ctx)
        return sync, sync.prepare([work], counts)

    def apply(self, ctx: Context, prepared: tuple[TaskSync, Prepared]) -> None:
        sync, prep = prepared
        sync.apply(prep, create_plan=None, update_plan=lambda w: update_plan_links(ctx, w))

    def export_rows(self, ctx: Context) -> list[dict[str, str | None]]:
        if ctx.params.get("plan_id") is None:
            raise Unprocessable(
                "Cần tham số ?plan_id=… (kế hoạch cần xuất).", "?plan_id= is required.", code="missing_plan"
            )
        self.start(ctx)
        return [row for _, row in export_plan_tasks(ctx, [ctx.params["plan"]])]


def export_plan_tasks(ctx: Context, plans: list[Plan]) -> list[tuple[Plan, dict[str, str | None]]]:
    """Task rows of ``plans`` in the import layout (a handful of queries whatever the size)."""
    ids = [p.id for p in plans]
    if not ids:
        return []
    session = ctx.session
    tasks = session.exec(
        scope.visible_tasks(ctx.principal, P.plans_manage)
        .where(col(Task.plan_id).in_(ids))
        .order_by(col(Task.plan_id), col(Task.order), col(Task.id))
    ).all()
    coords: dict[int, list[int]] = defaultdict(list)
    unit_ids = {t.lead_unit_id for t in tasks}
    for tu in session.exec(
        select(TaskUnit).join(Task, col(Task.id) == col(TaskUnit.task_id)).where(col(Task.plan_id).in_(ids))
    ).all():
        unit_ids.add(tu.unit_id)
        if tu.role == TaskUnitRole.coordinating:
            coords[tu.task_id].append(tu.unit_id)
    code = (
        {u.id or 0: u.code for u in session.exec(scope.units_by_ids(list(unit_ids))).all()}
        if unit_ids
        else {}
    )
    nodes: dict[int, list[str]] = defaultdict(list)
    stmt = (
        scope.visible_nodes(ctx.principal)
        .join(Framework, col(Framework.id) == col(FrameworkNode.framework_id))
        .join(TaskNode, col(TaskNode.node_id) == col(FrameworkNode.id))
        .join(Task, col(Task.id) == col(TaskNode.task_id))
        .where(col(Task.plan_id).in_(ids))
        .with_only_columns(col(TaskNode.task_id), col(Framework.code), col(FrameworkNode.code))
        .order_by(col(Framework.code), col(FrameworkNode.path))
    )
    for task_id, fw, node in session.execute(stmt).all():
        nodes[task_id].append(f"{fw}:{node}")
    sections = {
        s.id: (s.label, s.title)
        for s in session.exec(select(PlanSection).where(col(PlanSection.plan_id).in_(ids)))
    }
    by_id = {p.id: p for p in plans}
    return [
        (
            by_id[t.plan_id],
            task_export_row(
                t,
                unit_code=code,
                coords=sorted(code.get(u, str(u)) for u in coords.get(t.id or 0, [])),
                nodes=nodes.get(t.id or 0, []),
                section=sections.get(t.section_id) if t.section_id else None,
            ),
        )
        for t in tasks
    ]


KIND = TasksKind()
