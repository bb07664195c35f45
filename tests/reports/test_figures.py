"""Figures at the cut-off boundaries: buckets as of data_to, completions in the window, evidence by effective
date, lĩnh vực, recurring instances, and the non-cumulative Quý III."""

from datetime import date

from api.models import AssignmentStatus, TaskUnitRole
from tests.reports.helpers import (
    V1,
    make_assignment,
    make_plan,
    make_task,
    open_report,
    unit,
)

A = AssignmentStatus


def _figures(client, auth, world, kind):  # type: ignore[no-untyped-def]
    report = open_report(client, auth("noivu"), world["periods"][kind]["id"], world["unit"].id)
    r = client.get(f"{V1}/reports/{report['id']}", headers=auth("canbo.hoatham"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["live"] is True
    return body


def test_quy_i_counts_what_was_done_by_14_march(client, auth, world) -> None:  # type: ignore[no-untyped-def]
    body = _figures(client, auth, world, "q1")
    f = body["figures"]
    assert body["as_of"] == "2023-03-14" and f["data_from"] == "2022-12-15"
    # 6 single tasks + only the Quý I instance of the recurring task
    assert f["total"] == 7
    assert f["buckets"] == {
        "done_on_time": 1,
        "done_late": 1,
        "overdue": 1,
        "in_progress_on_time": 4,
        "awaiting_review": 0,
    }
    assert f["completed_in_window"] == 2  # 14/3 (on time) and 10/3 (late); 15/3 is after the cut-off
    done = {t["assignment_id"] for t in f["completed_tasks"]}
    assert world["ids"]["on_1403"] in done and world["ids"]["on_1503"] not in done
    rows = {r["assignment_id"]: r for r in body["task_table"]}
    assert rows[world["ids"]["on_1503"]]["bucket"] == "in_progress_on_time"  # approved later, not at 14/3
    assert rows[world["ids"]["on_1403"]]["evidence"][0]["doc_number"] == "12/KH-UBND"
    assert [r["instance"] for r in body["task_table"] if r["label"] == "7"] == ["2023-Q1"]
    assert f["evidence_in_window"] == 1 and f["evidence"][0]["title"] == "Kế hoạch CCHC xã"
    by_field = {r["code"]: r for r in f["by_field"]}
    assert by_field["2"]["total"] == 3 and by_field["3"]["total"] == 2
    assert by_field[None]["total"] == 2  # task 5 and the recurring instance have no criterion
    assert by_field["2"]["buckets"]["done_on_time"] == 1 and by_field["2"]["buckets"]["done_late"] == 1


def test_quy_iii_is_not_cumulative(client, auth, world) -> None:  # type: ignore[no-untyped-def]
    body = _figures(client, auth, world, "q3")
    f = body["figures"]
    assert (f["data_from"], f["data_to"]) == ("2023-06-15", "2023-09-14")
    ids = {r["assignment_id"] for r in body["task_table"]}
    assert world["ids"]["on_1006"] not in ids  # completed 10/6, before the Quý III window
    assert world["ids"]["on_1506"] in ids
    assert f["completed_in_window"] == 1
    assert [t["assignment_id"] for t in f["completed_tasks"]] == [world["ids"]["on_1506"]]
    # the still-open Quý I and II instances stay (overdue); Quý IV is not due yet in Quý III
    assert sorted(r["instance"] for r in body["task_table"] if r["label"] == "7") == [
        "2023-Q1",
        "2023-Q2",
        "2023-Q3",
    ]
    assert f["buckets"]["overdue"] == 3 and f["buckets"]["done_on_time"] == 1
    # tasks and assignments are counted apart: the three instances of task 7 are one nhiệm vụ, three lượt giao
    assert f["total"] == len(body["task_table"])
    assert f["tasks"] == len({r["label"] for r in body["task_table"]})
    assert f["tasks"] == f["total"] - 2
    assert (
        f["evidence_in_window"] == 1 and f["evidence"][0]["title"] == "Báo cáo khảo sát"
    )  # by effective date


def test_six_months_is_cumulative(client, auth, world) -> None:  # type: ignore[no-untyped-def]
    f = _figures(client, auth, world, "h1")["figures"]
    assert f["completed_in_window"] == 4  # 10/3, 14/3, 15/3, 10/6; 15/6 is after 14/6
    assert f["buckets"]["done_on_time"] == 3 and f["buckets"]["done_late"] == 1
    assert f["evidence_in_window"] == 2  # issued 10/3 and 1/4; the survey is effective from 1/7


def test_coordinating_rows_name_the_lead(client, auth, session, world) -> None:  # type: ignore[no-untyped-def]
    district, tanvan = unit(session, "LS.BG"), unit(session, "LS.BG.X.TANVAN")
    plan = make_plan(session, issuer=district, number="8")
    task = make_task(
        session, plan=plan, label="9", lead=tanvan, due=date(2023, 3, 1), coordinating=[world["unit"]]
    )
    make_assignment(session, task=task, unit=world["unit"], role=TaskUnitRole.coordinating)
    session.commit()
    body = _figures(client, auth, world, "q1")
    row = next(r for r in body["task_table"] if r["label"] == "9")
    assert row["role_label"] == "Phối hợp" and row["lead_unit"] == "UBND xã Tân Văn"
    assert row["bucket"] == "overdue"
