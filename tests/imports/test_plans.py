"""Plan and task imports: plan + appendix + units + assignments in one file, idempotent, all or nothing."""

from datetime import date

from sqlmodel import col, select

from api.imports.kinds.task_rows import parse_deadline
from api.models import Assignment, AssignmentStatus, DeadlineKind, Plan, Recurrence, Task, TaskNode, TaskUnit
from tests.imports.helpers import (
    API,
    TABLES,
    count,
    counts,
    errors_of,
    fetch,
    fetch_all,
    post_file,
    post_json,
)

PLAN = {
    "plan_number": "12",
    "plan_year": "2025",
    "plan_title": "Kế hoạch thử nghiệm nhập liệu",
    "issuing_unit": "LS.BG",
}


def _rows() -> list[dict[str, str]]:
    return [
        {**PLAN, "section": "I", "section_title": "Chỉ số PAR INDEX", "label": "1", "title": "Rà soát thủ tục",
         "deadline": "Q2/2025", "lead_unit": "LS.BG.NV", "coordinating_units": "LS.BG.VHTT; LS.BG.X.HOATHAM",
         "criteria": "PAR_INDEX_TINH_876:1"},
        {"Số kế hoạch": "12", "Năm": "2025", "Đơn vị ban hành": "LS.BG", "Mục": "I.1", "STT": "2",
         "Nhiệm vụ, giải pháp": "Báo cáo định kỳ", "Thời hạn": "Hằng quý", "Đơn vị chủ trì": "LS.BG.NV",
         "Đơn vị phối hợp": "LS.BG.VHTT;LS.BG.NV"},  # the lead listed as coordinator too: it stays lead only
        {**PLAN, "label": "3", "title": "Hội nghị", "deadline": "30/06/2025", "lead_unit": "LS.BG.VHTT",
         "priority": "Cao"},
    ]  # fmt: skip


def _plan(db) -> Plan:
    return fetch(db, Plan, number="12", year=2025)


def test_deadline_notation() -> None:
    assert parse_deadline("30/06/2025", 2025)["due_date"] == date(2025, 6, 30)
    assert parse_deadline("2025-06-30", None)["deadline_kind"] == DeadlineKind.date
    q = parse_deadline("Quý IV/2024", 2025)
    assert (q["period_code"], q["period_year"], q["due_date"]) == ("Q4", 2024, date(2024, 12, 31))
    assert parse_deadline("q2", 2025)["due_date"] == date(2025, 6, 30)
    assert parse_deadline("6 tháng đầu năm 2025", None)["period_code"] == "H1"
    assert parse_deadline("Năm 2025", None)["period_code"] == "Y"
    assert parse_deadline("Hằng quý", 2025)["recurrence"] == Recurrence.quarterly
    assert parse_deadline("thuong xuyen", 2025)["recurrence"] == Recurrence.continuous
    assert parse_deadline("31/02/2025", 2025) is None and parse_deadline("sớm", 2025) is None


def test_plan_with_tasks_units_and_assignments_then_no_op(client, auth, db) -> None:
    h = auth("noivu")
    before = counts(db, TABLES)
    r = post_json(client, "plans", _rows(), h, dry_run="true")
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 3 and r.json()["details"]["plans"] == {"created": 1}
    assert counts(db, TABLES) == before
    r = post_json(client, "plans", _rows(), h)
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["details"]["sections"]) == (3, {"created": 2})
    plan = _plan(db)
    assert plan is not None and plan.title == PLAN["plan_title"] and plan.status.value == "draft"
    tasks = {t.label: t for t in fetch_all(db, select(Task).where(Task.plan_id == plan.id))}
    assert tasks["1"].deadline_kind == DeadlineKind.period and tasks["1"].due_date == date(2025, 6, 30)
    assert tasks["3"].priority.value == "high"
    units = fetch_all(db, select(TaskUnit).where(col(TaskUnit.task_id).in_([t.id for t in tasks.values()])))
    assert sorted((u.task_id, u.role.value) for u in units if u.task_id == tasks["2"].id) == [
        (tasks["2"].id, "coordinating"), (tasks["2"].id, "lead")]  # fmt: skip
    assignments = fetch_all(db, select(Assignment).where(Assignment.plan_id == plan.id))
    # task 1: 3 units × 1 instance; task 2: 2 units × 4 quarters; task 3: 1 unit
    assert len(assignments) == 3 + 8 + 1
    assert {a.instance_key for a in assignments if a.task_id == tasks["2"].id} == {
        f"2025-Q{q}" for q in range(1, 5)
    }
    assert count(db, "task_node") == before["task_node"] + 1
    assert count(db, "plan_framework", f"WHERE plan_id = {plan.id}") == 1

    after = counts(db, TABLES)
    r = post_json(client, "plans", _rows(), h)
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["updated"], r.json()["unchanged"]) == (0, 0, 3)
    assert {k: v for k, v in counts(db, TABLES).items() if k != "audit_event"} == {
        k: v for k, v in after.items() if k != "audit_event"
    }


def test_update_changes_units_and_keeps_started_work(client, auth, db, session) -> None:
    h = auth("noivu")
    assert post_json(client, "plans", _rows(), h).status_code == 200
    plan = _plan(db)
    task1 = fetch(db, Task, plan_id=plan.id, label="1")
    started = fetch(db, Assignment, task_id=task1.id, unit_id=fetch_unit_id(db, "LS.BG.X.HOATHAM"))
    a = session.get(Assignment, started.id)
    a.status, a.progress = AssignmentStatus.in_progress, 30
    session.add(a)
    session.commit()

    rows = _rows()
    rows[0]["coordinating_units"] = "LS.BG.VHTT"  # drops Hoa Thám, whose work has started
    rows[2]["coordinating_units"] = "LS.BG.X.TANVAN"  # adds a coordinator to task 3
    before = counts(db, TABLES)
    r = post_json(client, "plans", rows, h)
    assert r.status_code == 422, r.text
    assert errors_of(r) == [(2, "coordinating_units", "assignment_in_progress")]
    assert counts(db, TABLES) == before

    rows[0]["coordinating_units"] = "LS.BG.VHTT;LS.BG.X.HOATHAM"
    r = post_json(client, "plans", rows, h)
    assert r.status_code == 200, r.text
    assert (r.json()["updated"], r.json()["unchanged"]) == (1, 2)
    task3 = fetch(db, Task, plan_id=plan.id, label="3")
    assert task3.version == 2
    assert {x.unit_id for x in fetch_all(db, select(Assignment).where(Assignment.task_id == task3.id))} == {
        fetch_unit_id(db, "LS.BG.VHTT"), fetch_unit_id(db, "LS.BG.X.TANVAN")}  # fmt: skip
    assert fetch(db, Assignment, id=started.id).progress == 30


def fetch_unit_id(db, code: str) -> int:
    from api.models import OrgUnit

    return fetch(db, OrgUnit, code=code).id


def test_row_errors_are_all_reported_and_nothing_is_written(client, auth, db) -> None:
    h = auth("noivu")
    rows = _rows()
    rows[0]["lead_unit"] = "XX.KHONG"  # row 2: unknown unit
    rows[1]["Thời hạn"] = "sớm nhất có thể"  # row 3: unreadable deadline
    rows[2]["criteria"] = "PAR_INDEX_TINH_876:99;SAI"  # row 4: bad criterion format
    rows.append(
        {**PLAN, "label": "4", "title": "Ngoài phạm vi", "deadline": "Q3", "lead_unit": "LS.SNV"}
    )  # row 5
    rows.append({**PLAN, "label": "1", "title": "Trùng", "deadline": "Q3", "lead_unit": "LS.BG.NV"})  # row 6
    before = counts(db, TABLES)
    r = post_json(client, "plans", rows, h)
    assert r.status_code == 422
    assert errors_of(r) == [
        (2, "lead_unit", "unknown_unit"),
        (3, "deadline", "invalid_deadline"),
        (4, "criteria", "invalid_criterion"),
        (5, "lead_unit", "unit_out_of_scope"),
        (6, "label", "duplicate_key"),
    ]
    assert counts(db, TABLES) == before


def test_tasks_into_an_existing_plan_and_the_demo_appendix_round_trips(client, auth, db) -> None:
    h = auth("noivu")
    demo = fetch(db, Plan, number="85", year=2024)
    r = client.get(f"{API}/tasks/export.csv", headers=h, params={"plan_id": demo.id})
    assert r.status_code == 200
    n = len(fetch_all(db, select(Task.id).where(Task.plan_id == demo.id)))
    r2 = post_file(client, "tasks", "phu-luc.csv", r.content, h, plan_id=demo.id)
    assert r2.status_code == 200, r2.text
    assert (r2.json()["unchanged"], r2.json()["created"], r2.json()["updated"]) == (n, 0, 0)

    new = [{"STT": "IX.1", "Nhiệm vụ, giải pháp": "Nhiệm vụ bổ sung", "Thời hạn": "Q4",
            "Đơn vị chủ trì": "LS.BG.X.TANVAN"}]  # fmt: skip
    r = post_json(client, "tasks", new, h, plan_id=demo.id)
    assert r.status_code == 200, r.text
    task = fetch(db, Task, plan_id=demo.id, label="IX.1")
    assert task.period_code == "Q4" and task.period_year == 2024
    assert post_json(client, "tasks", new, h).status_code == 422  # no plan_id
    assert post_json(client, "tasks", new, h, plan_id=10**6).status_code == 404


def test_plans_export_and_xlsx_template_round_trip(client, auth, db) -> None:
    import io

    from openpyxl import load_workbook

    h = auth("noivu")
    r = client.get(f"{API}/plans/template.xlsx", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["Số kế hoạch *", "Ký hiệu", "Năm *", "Trích yếu kế hoạch *", "Đơn vị ban hành *"]
    assert ws.cell(row=2, column=1).value == "85"  # the sample row
    formulas = [dv.formula1 for dv in ws.data_validations.dataValidation]
    listed = [c.value for row in wb["Danh mục"].iter_rows() for c in row]
    assert "LS.BG.X.HOATHAM" in listed and "LS.SNV" not in listed  # units of the caller's scope only
    assert len(formulas) >= 5 and all("Danh mục" in f for f in formulas)
    roles = load_workbook(io.BytesIO(client.get(f"{API}/users/template.xlsx", headers=h).content))["Danh mục"]
    assert "Công chức" in [c.value for row in roles.iter_rows() for c in row]
    assert "PAR_INDEX_TINH_876:1" in listed

    colno = {h.rstrip(" *"): i + 1 for i, h in enumerate(headers)}
    ws.delete_rows(2)  # drop the sample row, fill two tasks
    for i, (label, lead, deadline) in enumerate(
        [("1", "LS.BG.NV", "30/09/2026"), ("2", "LS.BG.VHTT", "Hằng quý")], 2
    ):
        values = {"Số kế hoạch": "7", "Năm": 2026, "Trích yếu kế hoạch": "Kế hoạch từ mẫu", "Đơn vị ban hành": "LS.BG",
                  "STT": label, "Nhiệm vụ, giải pháp": f"Việc {label}", "Thời hạn": deadline, "Đơn vị chủ trì": lead,
                  "Đơn vị phối hợp": "LS.BG.X.HOATHAM", "Tiêu chí": "PAR_INDEX_TINH_876:1;SIPAS_QD1001:A"}  # fmt: skip
        for k, v in values.items():
            ws.cell(row=i, column=colno[k], value=v)
    filled = io.BytesIO()
    wb.save(filled)
    r = post_file(client, "plans", "ke-hoach.xlsx", filled.getvalue(), h, ctype="application/octet-stream")
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2
    plan = fetch(db, Plan, number="7", year=2026)
    assert count(db, "plan_framework", f"WHERE plan_id = {plan.id}") == 2

    r = client.get(f"{API}/plans/export.xlsx", headers=h)
    assert r.status_code == 200
    r2 = post_file(client, "plans", "export.xlsx", r.content, h, ctype="application/octet-stream")
    assert r2.status_code == 200, r2.text
    assert (
        r2.json()["created"] == r2.json()["updated"] == 0 and r2.json()["unchanged"] == r2.json()["rows"] > 60
    )
    tasks = fetch_all(db, select(Task.id).where(Task.plan_id == plan.id))
    assert len(fetch_all(db, select(TaskNode).where(col(TaskNode.task_id).in_(tasks)))) == 4
