"""Points at risk on a hand-made fixture: one criterion per class, a criterion linked to two units' tasks.

Framework RES_<tag> (helpers): leaves 1.1 (max 2), 1.2 (max 2) under lĩnh vực 1; 2.1 (max 6) under lĩnh vực 2.
As of 15/10/2024:
- Hoa Thám: 1.1 secured (T1 approved on time, with evidence), 1.2 at risk (T2 approved, no evidence),
  2.1 not covered;
- Tân Văn: 1.1 in progress (T1, due 31/12), 1.2 not covered, 2.1 at risk (T3, linked to lĩnh vực 2, overdue).
"""

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from api.models import (
    Assignment,
    AssignmentStatus,
    Evidence,
    EvidenceOwner,
    OrgUnit,
    Plan,
    Task,
    TaskNode,
    TaskUnitRole,
    UnitLevel,
)
from tests.dashboards.test_summary import count_statements
from tests.scoring.results_helpers import API, framework, unit

X = "LS.BG.X."
AS_OF = "2024-10-15"


def _assign(session: Session, task: Task, code: str, status: AssignmentStatus, due: date,
            done: date | None = None, evidence: bool = False) -> int:  # fmt: skip
    u = unit(session, code)
    a = Assignment(task_id=task.id or 0, plan_id=task.plan_id, unit_id=u.id or 0, role=TaskUnitRole.lead,
                   status=status, due_date=due, completed_date=done)  # fmt: skip
    session.add(a)
    session.flush()
    if evidence:
        session.add(
            Evidence(
                series_id=str(uuid.uuid4()),
                owner_type=EvidenceOwner.assignment,
                owner_id=a.id or 0,
                unit_id=u.id or 0,
                title="Quyết định",
                filename="qd.pdf",
                mime="application/pdf",
                size=10,
                sha256="0" * 64,
            )  # fmt: skip
        )
    return a.id or 0


def _world(
    session: Session, maxes: tuple[float | None, ...] = (4, 2, 2, 6, 6), tag: str = "K"
) -> dict[str, Any]:
    f = framework(session, tag, maxes=maxes)
    bg = unit(session, "LS.BG")
    # issued: a draft plan's tasks have not reached the units and count for no risk (issue 14)
    plan = Plan(
        number=f"R{tag}", title="Kế hoạch thử", issuing_unit_id=bg.id or 0, year=2024, status="issued"
    )
    session.add(plan)
    session.flush()

    def task(label: str, node: int) -> Task:
        t = Task(plan_id=plan.id or 0, label=label, title=f"Nhiệm vụ {label}", lead_unit_id=bg.id or 0)
        session.add(t)
        session.flush()
        session.add(TaskNode(task_id=t.id or 0, node_id=node))
        return t

    t1, t2, t3 = task("1", f["1.1"]), task("2", f["1.2"]), task("3", f["2"])
    ids = {"fw": f, "plan": plan.id}
    ids["a_ht1"] = _assign(session, t1, X + "HOATHAM", AssignmentStatus.approved, date(2024, 9, 30),
                           date(2024, 9, 20), evidence=True)  # fmt: skip
    ids["a_tv1"] = _assign(session, t1, X + "TANVAN", AssignmentStatus.in_progress, date(2024, 12, 31))
    ids["a_ht2"] = _assign(session, t2, X + "HOATHAM", AssignmentStatus.approved, date(2024, 9, 30),
                           date(2024, 9, 1))  # fmt: skip
    ids["a_tv3"] = _assign(session, t3, X + "TANVAN", AssignmentStatus.in_progress, date(2024, 10, 1))
    session.commit()
    return ids


def _get(client: TestClient, h: dict[str, str], **params: Any) -> dict[str, Any]:
    r = client.get(f"{API}/points-at-risk", headers=h, params={"as_of": AS_OF, **params})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _fig(f: dict[str, Any]) -> tuple[str, ...]:
    return tuple(f[k] for k in ("max", "secured", "at_risk", "in_progress", "not_covered"))


def test_classes_per_unit(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    ids = _world(session)
    fw, h = ids["fw"], auth("noivu")
    ht = _get(client, h, framework_id=fw["id"], unit_id=unit(session, X + "HOATHAM").id)
    assert ht["measure"] == "points" and ht["units_count"] == 1
    assert _fig(ht["total"]) == ("10", "2", "2", "0", "6")
    assert ht["total"]["projected_now"] == "20.00" and ht["total"]["projected_if_done"] == "40.00"
    nodes = {n["code"]: n for n in ht["nodes"]}
    assert _fig(nodes["1.1"]["figures"]) == ("2", "2", "0", "0", "0")
    assert _fig(nodes["1.2"]["figures"]) == ("2", "0", "2", "0", "0")
    assert _fig(nodes["2.1"]["figures"]) == ("6", "0", "0", "0", "6")
    assert [a["code"] for a in ht["areas"]] == ["1", "2"]
    assert _fig(ht["areas"][0]["figures"]) == ("4", "2", "2", "0", "0")

    tv = _get(client, h, framework_id=fw["id"], unit_id=unit(session, X + "TANVAN").id)
    assert _fig(tv["total"]) == ("10", "0", "6", "2", "2")
    assert tv["total"]["projected_now"] == "0.00" and tv["total"]["projected_if_done"] == "80.00"
    nodes = {n["code"]: n for n in tv["nodes"]}
    assert _fig(nodes["1.1"]["figures"]) == ("2", "0", "0", "2", "0")  # in progress within its deadline
    assert _fig(nodes["2.1"]["figures"]) == ("6", "0", "6", "0", "0")  # overdue task linked to lĩnh vực 2


def test_every_unit_in_reach_and_a_node_linked_to_two_units(
    client: TestClient, session: Session, db: sa.Engine, auth
) -> None:  # type: ignore[no-untyped-def]
    ids = _world(session)
    fw = ids["fw"]
    bg = unit(session, "LS.BG")
    communes = session.exec(
        select(func.count())
        .select_from(OrgUnit)
        .where(
            col(OrgUnit.path).startswith(bg.path), OrgUnit.level == UnitLevel.commune, col(OrgUnit.is_active)
        )
    ).one()
    session.commit()
    h = auth("chutich")
    with count_statements(db) as seen:
        body = _get(client, h, framework_id=fw["id"])
    assert body["units_count"] == communes
    nodes = {n["code"]: n for n in body["nodes"]}
    assert nodes["1.1"]["units"] == {
        "secured": 1,
        "at_risk": 0,
        "in_progress": 1,
        "not_covered": communes - 2,
    }
    assert _fig(nodes["1.1"]["figures"]) == (str(2 * communes), "2", "0", "2", str(2 * communes - 4))
    assert _fig(body["total"]) == (str(10 * communes), "2", "8", "2", str(10 * communes - 12))
    per_unit = {u["unit_code"]: u["figures"] for u in body["units"]}
    assert _fig(per_unit[X + "HOATHAM"]) == ("10", "2", "2", "0", "6")
    assert _fig(per_unit[X + "HONGPHONG"]) == ("10", "0", "0", "0", "10")
    n_statements = len(seen)
    # more criteria linked and more units' work: the statement count stays the same
    t = session.exec(select(Task).where(Task.plan_id == ids["plan"], Task.label == "2")).one()
    _assign(session, t, X + "HONGPHONG", AssignmentStatus.returned, date(2024, 12, 1))
    session.add(TaskNode(task_id=t.id or 0, node_id=fw["2.1"]))
    session.commit()
    with count_statements(db) as seen:
        body = _get(client, h, framework_id=fw["id"])
    assert len(seen) == n_statements
    per_unit = {u["unit_code"]: u["figures"] for u in body["units"]}
    assert _fig(per_unit[X + "HONGPHONG"]) == ("10", "0", "8", "0", "2")  # returned: at risk


def test_criteria_count_when_max_points_unknown(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    ids = _world(session, maxes=(None, None, None, None, None), tag="C")
    body = _get(client, auth("noivu"), framework_id=ids["fw"]["id"], unit_id=unit(session, X + "HOATHAM").id)
    assert body["measure"] == "criteria"
    assert _fig(body["total"]) == ("3", "1", "1", "0", "1")
    assert body["total"]["projected_now"] == "33.33"


def test_a_commune_sees_only_its_own_unit(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    ids = _world(session)
    body = _get(client, auth("chutich.hoatham"), framework_id=ids["fw"]["id"])
    assert [u["unit_code"] for u in body["units"]] == [X + "HOATHAM"]
    r = client.get(f"{API}/points-at-risk", headers=auth("chutich.hoatham"),
                   params={"framework_id": ids["fw"]["id"], "unit_id": unit(session, X + "TANVAN").id})  # fmt: skip
    assert r.status_code == 404


def test_drill_down_lists_the_linked_assignments(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    ids = _world(session)
    fw = ids["fw"]
    r = client.get(f"{API}/points-at-risk/assignments", headers=auth("noivu"),
                   params={"framework_id": fw["id"], "node_id": fw["1"], "as_of": AS_OF})  # fmt: skip
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    got = {(i["assignment_id"], i["bucket"], i["evidence"], i["risk"]) for i in items}
    assert got == {
        (ids["a_ht1"], "done_on_time", True, "secured"),
        (ids["a_tv1"], "in_progress_on_time", False, "in_progress"),
        (ids["a_ht2"], "done_on_time", False, "at_risk"),
    }
    assert items[0]["risk"] == "at_risk"  # at risk first
    # a leaf under lĩnh vực 2 shows the task linked to lĩnh vực 2 itself
    r = client.get(f"{API}/points-at-risk/assignments", headers=auth("noivu"),
                   params={"framework_id": fw["id"], "node_id": fw["2.1"], "as_of": AS_OF})  # fmt: skip
    assert [(i["assignment_id"], i["bucket"]) for i in r.json()["items"]] == [(ids["a_tv3"], "overdue")]


def test_default_framework_is_the_most_linked(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    _world(session)
    r = client.get(f"{API}/points-at-risk", headers=auth("noivu"), params={"as_of": AS_OF})
    assert r.status_code == 200, r.text
    assert r.json()["framework_code"]
