"""Matrix rows for results, ranking, official results and points at risk.

World: the scoring world (``w.run_setup("scoring")``: own = LS.BG's rounds scoring Hoa Thám and Tân Văn, foreign =
XX.D's scoring XX.D.C) plus, here, an official result of each side's commune and, on each side, a task of the
district's plan linked to the framework's leaf "1.1" with an assignment of the commune.
- round results: participants (assessments:read) on an open round, every user under the owner (results:read) on a
  published one: all business readers; the system admin holds neither permission;
- sheet results and the official results list: assessments:read (readers);
- points at risk and its drill-down: dashboards:read (readers); the foreign framework is not readable (404).
"""

from datetime import date
from typing import Any

from tests.authz.spec import READERS, Case, Req

V1 = "/api/v1"


def _side(w: Any, side: str, owner_id: int, unit_id: int) -> None:
    from api.models import Assignment, OfficialResult, Plan, Task, TaskNode, TaskUnitRole

    s = w.session
    o = OfficialResult(unit_id=unit_id, framework_id=w.ids[f"{side}_framework"], year=date.today().year,
                       node_code="", points_milli=1500, rank=1, source="matrix")  # fmt: skip
    s.add(o)
    plan = Plan(number=f"RISK{side}", title="Kế hoạch thử", issuing_unit_id=owner_id, year=date.today().year)
    s.add(plan)
    s.flush()
    t = Task(plan_id=plan.id or 0, label="1", title="Nhiệm vụ thử", lead_unit_id=owner_id)
    s.add(t)
    s.flush()
    s.add(TaskNode(task_id=t.id or 0, node_id=w.ids[f"{side}_node"]))
    s.add(Assignment(task_id=t.id or 0, plan_id=plan.id or 0, unit_id=unit_id, role=TaskUnitRole.lead))
    s.flush()
    w.ids[f"{side}_official_result"] = o.id


def setup(w: Any) -> None:
    w.run_setup("scoring")
    _side(w, "own", w.ids["own_district"], w.ids["own_unit"])
    _side(w, "foreign", w.ids["foreign_district"], w.ids["foreign_unit"])
    w.session.commit()


def _round(key: str) -> Any:
    return lambda w, a: Req("GET", f"{V1}/assessment-rounds/{w.ids[key]}/results")


def _risk(side: str, path: str = "") -> Any:
    def req(w: Any, a: str) -> Req:
        params = {"framework_id": w.ids[f"{side}_framework"], "unit_id": w.ids[f"{side}_unit"]}
        if path:
            params["node_id"] = w.ids[f"{side}_node"]
        return Req("GET", f"{V1}/points-at-risk{path}", params=params)

    return req


CASES = [
    Case("scoring-results-round", own=_round("own_round"), foreign=_round("foreign_round"), allowed=READERS,
         note="open round: participants see the units in their reach"),
    Case("scoring-results-round", own=_round("own_published_round"), foreign=_round("foreign_published_round"),
         allowed=READERS, note="published round: every user under the owner (results:read)"),
    Case("scoring-results-sheet",
         own=lambda w, a: Req("GET", f"{V1}/assessment-sheets/{w.ids['own_sheet']}/results"),
         foreign=lambda w, a: Req("GET", f"{V1}/assessment-sheets/{w.ids['foreign_sheet']}/results"),
         allowed=READERS),
    Case("scoring-results-official-list", own=lambda w, a: Req("GET", f"{V1}/official-results"), allowed=READERS,
         list_foreign_ids=lambda w: {w.ids["foreign_official_result"]}),
    Case("scoring-results-points-at-risk", own=_risk("own"), foreign=_risk("foreign"), allowed=READERS),
    Case("scoring-results-points-at-risk-assignments", own=_risk("own", "/assignments"),
         foreign=_risk("foreign", "/assignments"), allowed=READERS),
]  # fmt: skip
