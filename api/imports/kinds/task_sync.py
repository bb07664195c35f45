"""Upserting many task rows into plans in a bounded number of statements (the bulk path of an import).

The rules are those of ``api.plans.tasks.sync_task`` — the lead is never also a coordinator; one assignment per
(unit, due instance) from ``api.plans.deadlines.due_instances``; an assignment on which work has started
(status, progress, result or evidence: ``work_started``) cannot be removed; a closed plan cannot change — applied
to all rows at once: existing tasks, their units, node links, sections and assignments are loaded with one query
each, and the writes are batched (``writes.py``).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select

from api.authz import scope
from api.authz.permissions import Permission
from api.imports.kinds.base import Context, Counts
from api.imports.kinds.task_rows import COMPARED, TaskItem
from api.imports.kinds.values import batched
from api.imports.kinds.writes import (
    changes_of,
    plain,
)
from api.models import (
    Assignment,
    AssignmentStatus,
    Framework,
    FrameworkNode,
    Plan,
    PlanFramework,
    PlanSection,
    Task,
    TaskNode,
    TaskUnit,
    TaskUnitRole,
)
from api.plans.deadlines import due_instances
from api.plans.tasks import work_started

P = Permission
NOTE = "Nhập từ tệp / bulk import"


@dataclass(eq=False)
class PlanWork:
    """The rows of one plan: an existing plan, or one the import creates (``plan`` None until applied)."""

    first_row: int
    year: int
    issuing_unit_id: int
    items: list[TaskItem]
    plan: Plan | None = None
    create: dict[str, Any] | None = None  # PlanCreate fields when the plan is new
    plan_changes: dict[str, Any] = field(default_factory=dict)  # PlanUpdate fields that differ
    framework_ids: set[int] = field(default_factory=set)  # frameworks the rows link to
    linked_frameworks: set[int] = field(default_factory=set)
    max_order: int = 0  # new tasks without an order go after the stored ones
    new_sections: dict[str, str] = field(default_factory=dict)  # label → title
    section_titles: dict[int, str] = field(default_factory=dict)  # existing section id → new title
    section_ids: dict[str, int] = field(default_factory=dict)
    new_tasks: list[TaskItem] = field(default_factory=list)
    updated: list[TaskItem] = field(default_factory=list)

    @property
    def plan_id(self) -> int:
        return (self.plan.id if self.plan else None) or 0


@dataclass
class Desired:
    roles: dict[int, TaskUnitRole]
    nodes: list[int] | None


@dataclass
class Prepared:
    works: list[PlanWork]
    desired: dict[int, Desired] = field(default_factory=dict)  # id(item) → desired units/nodes
    unit_changed: set[int] = field(default_factory=set)  # task ids
    node_changed: set[int] = field(default_factory=set)
    drop_assignments: list[int] = field(default_factory=list)
    change_assignments: list[dict[str, Any]] = field(default_factory=list)
    add_assignments: list[dict[str, Any]] = field(default_factory=list)


def due_instances_of(values: dict[str, Any], year: int) -> list[Any]:
    return due_instances(
        kind=values["deadline_kind"],
        year=year,
        due_date=values.get("due_date"),
        period_code=values.get("period_code"),
        period_year=values.get("period_year"),
        recurrence=values.get("recurrence"),
        report_rhythm=values.get("report_rhythm"),
    )


class TaskSync:
    """Validate and write the task rows of one or more plans."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.session = ctx.session

    # -- loading ----------------------------------------------------------------------------------------------
    def _nodes(self, works: list[PlanWork]) -> dict[tuple[str, str], tuple[int, int]]:
        refs = {r for w in works for it in w.items for r in (it.node_refs or [])}
        if not refs:
            return {}
        stmt = (
            scope.visible_nodes(self.ctx.principal)
            .join(Framework, col(Framework.id) == col(FrameworkNode.framework_id))
            .where(
                col(Framework.code).in_({f for f, _ in refs}),
                col(FrameworkNode.code).in_({n for _, n in refs}),
            )
            .with_only_columns(
                col(Framework.code),
                col(FrameworkNode.code),
                col(FrameworkNode.id),
                col(FrameworkNode.framework_id),
            )
        )
        return {(fw, code): (nid, fid) for fw, code, nid, fid in self.session.execute(stmt).all()}

    def _existing(
        self, plan_ids: list[int]
    ) -> tuple[dict[tuple[int, str], Task], dict[int, dict[int, TaskUnitRole]], dict[int, set[int]]]:
        if not plan_ids:
            return {}, {}, {}
        tasks = self.session.exec(
            scope.visible_tasks(self.ctx.principal, P.plans_manage).where(col(Task.plan_id).in_(plan_ids))
        ).all()
        units: dict[int, dict[int, TaskUnitRole]] = defaultdict(dict)
        for tu in self.session.exec(
            select(TaskUnit)
            .join(Task, col(Task.id) == col(TaskUnit.task_id))
            .where(col(Task.plan_id).in_(plan_ids))
        ).all():
            units[tu.task_id][tu.unit_id] = tu.role
        nodes: dict[int, set[int]] = defaultdict(set)
        for tn in self.session.exec(
            select(TaskNode)
            .join(Task, col(Task.id) == col(TaskNode.task_id))
            .where(col(Task.plan_id).in_(plan_ids))
        ).all():
            nodes[tn.task_id].add(tn.node_id)
        return {(t.plan_id, t.label): t for t in tasks}, units, nodes

    # -- validation -------------------------------------------------------------------------------------------
    def prepare(self, works: list[PlanWork], counts: Counts) -> Prepared:
        ctx = self.ctx
        out = Prepared(works=works)
        ctx.units(
            [c for w in works for it in w.items for c in [it.lead_code, *(it.coordinating_codes or [])]]
        )
        nodes = self._nodes(works)
        plan_ids = [w.plan_id for w in works if w.plan is not None]
        tasks, task_units, task_nodes = self._existing(plan_ids)
        by_plan = {w.plan_id: w for w in works if w.plan is not None}
        for t in tasks.values():
            by_plan[t.plan_id].max_order = max(by_plan[t.plan_id].max_order, t.order)
        sections: dict[tuple[int, str], PlanSection] = {}
        if plan_ids:
            for s in self.session.exec(
                select(PlanSection).where(col(PlanSection.plan_id).in_(plan_ids))
            ).all():
                sections[(s.plan_id, s.label)] = s
            for pf in self.session.exec(
                select(PlanFramework).where(col(PlanFramework.plan_id).in_(plan_ids))
            ).all():
                next(w for w in works if w.plan_id == pf.plan_id).linked_frameworks.add(pf.framework_id)
        for w in works:
            seen: dict[str, int] = {}
            for it in w.items:
                if it.label in seen:
                    ctx.error(
                        it.row.number,
                        "label",
                        "duplicate_key",
                        f"STT “{it.label}” trùng với dòng {seen[it.label]} của cùng kế hoạch.",
                        f"Task label '{it.label}' repeats row {seen[it.label]} of the same plan.",
                    )
                    continue
                seen[it.label] = it.row.number
                it.existing = tasks.get((w.plan_id, it.label)) if w.plan is not None else None
                linked = task_units.get(it.existing.id or 0, {}) if it.existing else {}
                desired = self._desired(it, linked, nodes, w)
                if desired is None:
                    continue
                out.desired[id(it)] = desired
                self._section(w, it, sections)
                self._classify(w, it, desired, linked, task_nodes, out)
        self._assignments(out)
        bad = {e.row for e in ctx.errors}
        for w in works:
            new, upd = {id(it) for it in w.new_tasks}, {id(it) for it in w.updated}
            for it in w.items:
                if it.row.number in bad:
                    continue
                counts.add("created" if id(it) in new else "updated" if id(it) in upd else "unchanged")
            if w.plan is None:
                counts.detail("plans", "created")
            elif w.plan_changes or not w.framework_ids <= w.linked_frameworks:
                counts.detail("plans", "updated")
            if w.new_sections:
                counts.detail("sections", "created", len(w.new_sections))
        if out.drop_assignments:
            counts.detail("assignments", "removed", len(out.drop_assignments))
        return out

    def _unit(self, it: TaskItem, key: str, code: str, linked: dict[int, TaskUnitRole]) -> Any:
        info = self.ctx.units().get(code)
        if info is not None and not info.in_scope and info.id in linked:
            return info  # already on the task: keeping it needs no reach over it
        return self.ctx.resolve_unit(it.row.number, key, code)

    def _desired(
        self,
        it: TaskItem,
        linked: dict[int, TaskUnitRole],
        nodes: dict[tuple[str, str], tuple[int, int]],
        w: PlanWork,
    ) -> Desired | None:
        ok = True
        it.lead = self._unit(it, "lead_unit", it.lead_code, linked)
        ok &= it.lead is not None
        coords = []
        for code in it.coordinating_codes or []:
            u = self._unit(it, "coordinating_units", code, linked)
            ok &= u is not None
            if u is not None:
                coords.append(u)
        node_ids: list[int] | None = None
        if it.node_refs is not None:
            node_ids = []
            for ref in it.node_refs:
                found = nodes.get(ref)
                if found is None:
                    self.ctx.error(
                        it.row.number,
                        "criteria",
                        "unknown_criterion",
                        f"Không có tiêu chí “{ref[1]}” trong bộ chỉ số “{ref[0]}” (hoặc bạn không xem được).",
                        f"No criterion '{ref[1]}' in framework '{ref[0]}'.",
                    )
                    ok = False
                    continue
                node_ids.append(found[0])
                w.framework_ids.add(found[1])
        if not ok or it.lead is None:
            return None
        roles: dict[int, TaskUnitRole]
        if it.coordinating_codes is None:
            roles = {uid: r for uid, r in linked.items() if r == TaskUnitRole.coordinating}
        else:
            roles = {u.id: TaskUnitRole.coordinating for u in coords}
        roles.pop(it.lead.id, None)
        roles[it.lead.id] = TaskUnitRole.lead
        return Desired(roles=roles, nodes=list(dict.fromkeys(node_ids)) if node_ids is not None else None)

    def _section(self, w: PlanWork, it: TaskItem, sections: dict[tuple[int, str], PlanSection]) -> None:
        if it.section is None:
            return
        existing = sections.get((w.plan_id, it.section)) if w.plan is not None else None
        if existing is None:
            w.new_sections.setdefault(it.section, it.section_title or it.section)
        elif it.section_title and it.section_title != existing.title:
            w.section_titles[existing.id or 0] = it.section_title
        if existing is not None:
            w.section_ids[it.section] = existing.id or 0

    def _classify(
        self,
        w: PlanWork,
        it: TaskItem,
        d: Desired,
        linked: dict[int, TaskUnitRole],
        task_nodes: dict[int, set[int]],
        out: Prepared,
    ) -> None:
        assert it.lead is not None
        values = {**it.fields, "lead_unit_id": it.lead.id}
        if it.existing is None:
            it.fields = values
            w.new_tasks.append(it)
            return
        t = it.existing
        before = {k: getattr(t, k) for k in COMPARED if k in values}
        changes = changes_of(before, {k: values[k] for k in before})
        if (
            it.section is not None
            and it.section in w.section_ids
            and t.section_id != w.section_ids[it.section]
        ):
            changes["section_id"] = {"from": t.section_id, "to": w.section_ids[it.section]}
        elif it.section is not None and it.section not in w.section_ids:
            changes["section_id"] = {"from": t.section_id, "to": it.section}  # a new section: id after insert
        if d.roles != linked:
            changes["units"] = {
                "from": {str(k): plain(v) for k, v in linked.items()},
                "to": {str(k): plain(v) for k, v in d.roles.items()},
            }
            out.unit_changed.add(t.id or 0)
        if d.nodes is not None and set(d.nodes) != task_nodes.get(t.id or 0, set()):
            changes["node_ids"] = {"from": sorted(task_nodes.get(t.id or 0, set())), "to": d.nodes}
            out.node_changed.add(t.id or 0)
        it.fields, it.changes = values, changes
        if changes:
            w.updated.append(it)

    def _assignments(self, out: Prepared) -> None:
        """For updated tasks whose units or deadline changed: which assignments go, change or come."""
        touched: dict[int, tuple[PlanWork, TaskItem]] = {}
        for w in out.works:
            for it in w.updated:
                if it.existing and (
                    {
                        "units",
                        "deadline_kind",
                        "due_date",
                        "period_code",
                        "period_year",
                        "recurrence",
                        "report_rhythm",
                    }
                    & it.changes.keys()
                ):
                    touched[it.existing.id or 0] = (w, it)
        if not touched:
            return
        existing: list[Assignment] = []
        for chunk in batched(list(touched), 1000):
            existing += self.session.exec(scope.task_assignments(list(chunk))).all()
        by_task: dict[int, list[Assignment]] = defaultdict(list)
        for a in existing:
            by_task[a.task_id].append(a)
        stale: list[tuple[Assignment, TaskItem]] = []
        for task_id, (w, it) in touched.items():
            roles = out.desired[id(it)].roles
            inst = due_instances_of(it.fields, w.year)
            want = {(uid, i.key): (role, i.due_date) for uid, role in roles.items() for i in inst}
            have = {(a.unit_id, a.instance_key) for a in by_task[task_id]}
            for a in by_task[task_id]:
                key = (a.unit_id, a.instance_key)
                if key not in want:
                    stale.append((a, it))
                    continue
                role, due = want[key]
                if a.role != role or (a.due_date != due and a.status != AssignmentStatus.approved):
                    new_due = due if a.status != AssignmentStatus.approved else a.due_date
                    out.change_assignments.append({"id": a.id, "role": role.value, "due_date": new_due})
            for (uid, key), (role, due) in want.items():
                if (uid, key) not in have:
                    out.add_assignments.append(
                        {
                            "task_id": task_id,
                            "plan_id": w.plan_id,
                            "unit_id": uid,
                            "role": role.value,
                            "instance_key": key,
                            "due_date": due,
                        }
                    )
        if stale:
            ids = [a.id for a, _ in stale]
            evidence: dict[int, int] = {}
            for chunk in batched(ids, 1000):
                evidence.update(
                    dict(self.session.execute(scope.assignment_evidence_counts(list(chunk))).all())
                )
            for a, it in stale:
                if work_started(a, evidence.get(a.id or 0, 0)):
                    self.ctx.error(
                        it.row.number,
                        "coordinating_units" if "units" in it.changes else "deadline",
                        "assignment_in_progress",
                        f"Không thể bỏ phần việc của đơn vị (id {a.unit_id}, kỳ “{a.instance_key or '—'}”) "
                        "vì đã có kết quả thực hiện.",
                        "Cannot remove an assignment on which work has started.",
                    )
                else:
                    out.drop_assignments.append(a.id or 0)

    def apply(self, prep: Prepared, create_plan: Any, update_plan: Any) -> None:
        """Write what :meth:`prepare` decided (``task_write.py``)."""
        from api.imports.kinds.task_write import write

        write(self.ctx, prep, create_plan=create_plan, update_plan=update_plan)
