"""Matrix rows for plans and tasks (Phụ lục). ``setup`` builds the objects the plans, assignments and dashboards
rows use: an own plan issued by LS.BG with work for Hoa Thám, and a foreign plan of ``XX.D`` with work for
``XX.D.C``. Each has a one-off task (assignment not started) and a quarterly task whose Q1 instance is approved
and Q2 instance submitted (for review rows). Readers: plans:read; managers: plans:manage (district_admin, token).
"""

from datetime import date
from typing import Any

from tests.authz.spec import DISTRICT_ADMINS, READERS, Case, Req

V1 = "/api/v1"


def _plan(w: Any, issuer: int, unit: int, number: str, status: str) -> tuple[int, int, dict[str, int]]:
    from datetime import date

    from sqlmodel import col, select

    from api.authz import scope
    from api.models import Assignment, AssignmentStatus, Plan, Task
    from api.plans.tasks import sync_task

    s = w.session
    plan = Plan(number=number, title=f"Kế hoạch {number}", issuing_unit_id=issuer, year=2024, status=status)
    s.add(plan)
    s.flush()
    task = Task(
        plan_id=plan.id,
        label="1",
        title="Nhiệm vụ",
        deadline_kind="date",
        due_date=date(2024, 12, 31),
        lead_unit_id=unit,
    )
    rec = Task(
        plan_id=plan.id,
        label="2",
        title="Báo cáo quý",
        deadline_kind="recurring",
        recurrence="quarterly",
        lead_unit_id=unit,
    )
    s.add(task)
    s.add(rec)
    s.flush()
    sync_task(s, None, task=task, plan=plan, coordinating_unit_ids=[], node_ids=[])
    sync_task(s, None, task=rec, plan=plan, coordinating_unit_ids=[], node_ids=[])
    ids = {a.instance_key: a.id for a in s.exec(scope.task_assignments([task.id, rec.id])).all()}
    for a in s.exec(select(Assignment).where(col(Assignment.id).in_([ids["2024-Q1"], ids["2024-Q2"]]))).all():
        a.status = AssignmentStatus.approved if a.instance_key == "2024-Q1" else AssignmentStatus.submitted
        a.completed_date, a.progress, a.explanation = a.due_date, 100, "giải trình"
        s.add(a)
    s.commit()
    return plan.id, task.id, ids  # type: ignore[return-value]


def setup(w: Any) -> None:
    own_unit, foreign_unit = w.ids["own_unit"], w.ids["foreign_unit"]
    bg = w.units["LS.BG"]
    for side, issuer, unit in (("own", bg, own_unit), ("foreign", w.ids["foreign_district"], foreign_unit)):
        plan_id, task_id, a = _plan(w, issuer, unit, f"M{side}", "issued")
        draft_id, _, _ = _plan(w, issuer, unit, f"D{side}", "draft")
        w.ids[f"{side}_plan"], w.ids[f"{side}_task"], w.ids[f"{side}_assignment"] = plan_id, task_id, a[""]
        w.ids[f"{side}_plan_draft"] = draft_id
        w.ids[f"{side}_assignment_approved"] = a["2024-Q1"]
        w.ids[f"{side}_assignment_submitted"] = a["2024-Q2"]
        w.ids[f"{side}_task_deletable"] = _deletable_task(w, plan_id, unit)
        w.ids[f"{side}_section"] = _section(w, plan_id)


def _section(w: Any, plan_id: int) -> int:
    from api.models import PlanSection

    sec = PlanSection(plan_id=plan_id, label="I", title="Thể chế", order=1)
    w.session.add(sec)
    w.session.commit()
    return sec.id  # type: ignore[return-value]


def _deletable_task(w: Any, plan_id: int, unit: int) -> int:
    """A task nobody has worked on (other setups attach evidence to the first task's assignment)."""
    from api.models import Plan, Task
    from api.plans.tasks import sync_task

    s = w.session
    plan = s.get(Plan, plan_id)
    task = Task(
        plan_id=plan_id,
        label="9",
        title="Nhiệm vụ sẽ xóa",
        deadline_kind="date",
        due_date=date(2024, 12, 31),
        lead_unit_id=unit,
    )
    s.add(task)
    s.flush()
    sync_task(s, None, task=task, plan=plan, coordinating_unit_ids=[], node_ids=[])
    s.commit()
    return task.id  # type: ignore[return-value]


def _im(w: Any, path: str) -> dict[str, str]:
    return {"If-Match": w.etag(V1 + path)}


def _p(side: str, suffix: str = "") -> Any:
    return lambda w, a: f"/plans/{w.ids[side + '_plan']}{suffix}"


def _new_plan(w: Any, actor: str) -> Req:
    body = {
        "number": f"N-{actor}",
        "title": "Kế hoạch mới",
        "issuing_unit_id": w.units["LS.BG"],
        "year": 2025,
    }
    return Req("POST", f"{V1}/plans", json=body)


def _new_task(side: str) -> Any:
    return lambda w, a: Req(
        "POST",
        f"{V1}/plans/{w.ids[side + '_plan']}/tasks",
        json={
            "label": f"9-{a}",
            "title": "Nhiệm vụ mới",
            "due_date": "2024-12-31",
            "lead_unit_id": w.ids[side + "_unit"],
            "reason": "Bổ sung nhiệm vụ",  # the plan is issued: an amendment
        },
    )


def _edit(method: str, path_of: Any, body: Any = None, params: Any = None) -> Any:
    return lambda w, a: Req(method, V1 + path_of(w), json=body, headers=_im(w, path_of(w)), params=params)


def _section_edit(w: Any, side: str) -> Req:
    plan = f"/plans/{w.ids[side + '_plan']}"
    return Req(
        "PATCH",
        f"{V1}{plan}/sections/{w.ids[side + '_section']}",
        json={"title": "Mới", "reason": "Sửa"},
        headers=_im(w, plan),
    )


CASES = [
    Case(
        "plans-list",
        own=lambda w, a: Req("GET", f"{V1}/plans", params={"limit": 500}),
        allowed=READERS,
        list_foreign_ids=lambda w: {w.ids["foreign_plan"], w.ids["foreign_plan_draft"]},
    ),
    Case(
        "plans-get",
        own=lambda w, a: Req("GET", V1 + _p("own")(w, a)),
        foreign=lambda w, a: Req("GET", V1 + _p("foreign")(w, a)),
        allowed=READERS,
    ),
    Case(
        "plans-appendix",
        own=lambda w, a: Req("GET", V1 + _p("own", "/tasks")(w, a)),
        foreign=lambda w, a: Req("GET", V1 + _p("foreign", "/tasks")(w, a)),
        allowed=READERS,
    ),
    Case(
        "plans-appendix-docx",
        own=lambda w, a: Req("GET", V1 + _p("own", "/appendix.docx")(w, a)),
        foreign=lambda w, a: Req("GET", V1 + _p("foreign", "/appendix.docx")(w, a)),
        allowed=READERS,
    ),
    Case(
        "plans-create",
        own=_new_plan,
        allowed=DISTRICT_ADMINS,
        note="the issuing unit is in the body; a foreign issuer is refused as invalid input (422)",
    ),
    Case(
        "plans-update",
        # a draft: an issued plan changes only by amendment (plans-amend)
        own=_edit("PATCH", lambda w: f"/plans/{w.ids['own_plan_draft']}", {"note": "x"}),
        foreign=_edit("PATCH", lambda w: f"/plans/{w.ids['foreign_plan_draft']}", {"note": "x"}),
        allowed=DISTRICT_ADMINS,
    ),
    Case(
        "plans-issue",
        own=_edit("POST", lambda w: f"/plans/{w.ids['own_plan_draft']}/issue"),
        foreign=_edit("POST", lambda w: f"/plans/{w.ids['foreign_plan_draft']}/issue"),
        allowed=DISTRICT_ADMINS,
    ),
    Case(
        "plans-amend",
        own=_edit("POST", lambda w: f"/plans/{w.ids['own_plan']}/amend", {"reason": "Bổ sung", "note": "x"}),
        foreign=_edit("POST", lambda w: f"/plans/{w.ids['foreign_plan']}/amend", {"reason": "Bổ sung"}),
        allowed=DISTRICT_ADMINS,
    ),
    Case(
        "plans-close",
        own=_edit("POST", lambda w: f"/plans/{w.ids['own_plan']}/close"),
        foreign=_edit("POST", lambda w: f"/plans/{w.ids['foreign_plan']}/close"),
        allowed=DISTRICT_ADMINS,
    ),
    Case(
        "plans-clone",
        own=lambda w, a: Req("POST", V1 + _p("own", "/clone")(w, a), json={}),
        foreign=lambda w, a: Req("POST", V1 + _p("foreign", "/clone")(w, a), json={}),
        allowed=DISTRICT_ADMINS,
    ),
    Case(
        "plans-history",
        own=lambda w, a: Req("GET", V1 + _p("own", "/history")(w, a)),
        foreign=lambda w, a: Req("GET", V1 + _p("foreign", "/history")(w, a)),
        # the issuing side only: a commune reads what changed for it in its assignments' history
        allowed=frozenset({"district_admin", "leader", "observer", "token"}),
    ),
    Case(
        "plans-add_section",
        own=lambda w, a: Req(
            "POST",
            V1 + _p("own", "/sections")(w, a),
            json={"label": f"S-{a}", "title": "Mục", "reason": "Bổ sung"},
        ),
        foreign=lambda w, a: Req(
            "POST",
            V1 + _p("foreign", "/sections")(w, a),
            json={"label": f"S-{a}", "title": "Mục", "reason": "x"},
        ),
        allowed=DISTRICT_ADMINS,
    ),
    Case(
        "plans-update_section",  # guarded by the plan's ETag (a section has no GET of its own)
        own=lambda w, a: _section_edit(w, "own"),
        foreign=lambda w, a: _section_edit(w, "foreign"),
        allowed=DISTRICT_ADMINS,
    ),
    Case("tasks-create", own=_new_task("own"), foreign=_new_task("foreign"), allowed=DISTRICT_ADMINS),
    Case(
        "tasks-units",
        own=lambda w, a: Req("GET", f"{V1}/tasks/{w.ids['own_task']}/units", params={"limit": 500}),
        foreign=lambda w, a: Req("GET", f"{V1}/tasks/{w.ids['foreign_task']}/units"),
        allowed=READERS,
    ),
    Case(
        "tasks-get",
        own=lambda w, a: Req("GET", f"{V1}/tasks/{w.ids['own_task']}"),
        foreign=lambda w, a: Req("GET", f"{V1}/tasks/{w.ids['foreign_task']}"),
        allowed=READERS,
    ),
    Case(
        "tasks-update",
        own=_edit("PATCH", lambda w: f"/tasks/{w.ids['own_task']}", {"target": "100 %", "reason": "Sửa"}),
        foreign=_edit(
            "PATCH", lambda w: f"/tasks/{w.ids['foreign_task']}", {"target": "100 %", "reason": "Sửa"}
        ),
        allowed=DISTRICT_ADMINS,
    ),
    Case(
        "tasks-delete",
        own=_edit("DELETE", lambda w: f"/tasks/{w.ids['own_task_deletable']}", params={"reason": "Bỏ"}),
        foreign=_edit(
            "DELETE", lambda w: f"/tasks/{w.ids['foreign_task_deletable']}", params={"reason": "Bỏ"}
        ),
        allowed=DISTRICT_ADMINS,
    ),
]
