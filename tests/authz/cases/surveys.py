"""Matrix rows for the SIPAS survey (api/surveys). World: on each side a desk of the commune (own: Hoa Thám,
foreign: XX.D.C) on the shipped default survey, surveys owned by the district (a published one and a draft), an
official result of the district and a draft plan of the district (for a task from a weak result).

- reading (surveys, desks, results, official results): surveys:read — every business reader; the system admin
  holds none of the survey permissions;
- managing surveys and desks: surveys:manage (district admins, the district token);
- paper entry: surveys:enter on the desk's unit (district admin, the commune's head and officer, the token);
- a task from a weak result: plans:manage on the plan;
- the public form: no login at all (every actor, anonymous included); a foreign desk's token is just as public, so
  those rows have no foreign request.
"""

import uuid
from datetime import date
from typing import Any

from tests.authz.spec import ACTORS, DISTRICT_ADMINS, READERS, UNIT_WORKERS, Case, Req

V1 = "/api/v1"
EVERYONE = frozenset(ACTORS)


def _side(w: Any, side: str, district_id: int, unit_id: int) -> None:
    from api.config import get_settings
    from api.models import Plan
    from api.models.survey import CollectionPoint, SipasOfficialResult, Survey, SurveyStatus
    from api.surveys import tokens
    from api.surveys.seed import ensure_default_survey

    s = w.session
    default = ensure_default_survey(s)
    point = CollectionPoint(
        unit_id=unit_id,
        code=f"MATRIX.{side}",
        name=f"Một cửa {side}",
        survey_id=default.id or 0,
        token_secret=tokens.new_point_secret(),
        open_days="1-7",
        opening_hours="00:00-24:00",
    )
    published = Survey(owner_unit_id=district_id, code=f"MX_{side}", name="Phiếu thử", version=1,
                       status=SurveyStatus.published, framework_id=default.framework_id)  # fmt: skip
    draft = Survey(owner_unit_id=district_id, code=f"MX_{side}", name="Phiếu thử", version=2,
                   status=SurveyStatus.draft, framework_id=default.framework_id)  # fmt: skip
    official = SipasOfficialResult(unit_id=district_id, year=2021, factor="", percent_milli=80000, source="matrix")
    plan = Plan(number=f"KS{side}", title="Kế hoạch thử", issuing_unit_id=district_id, year=date.today().year)
    s.add_all([point, published, draft, official, plan])
    s.flush()
    _copy_questions(s, default.id or 0, [published.id or 0, draft.id or 0])
    w.ids[f"{side}_point"] = point.id
    w.ids[f"{side}_desk_token"] = tokens.point_token(get_settings().effective_secret(), point.id or 0, point.token_secret)
    w.ids[f"{side}_survey"] = published.id
    w.ids[f"{side}_draft_survey"] = draft.id
    w.ids[f"{side}_sipas_official"] = official.id
    w.ids[f"{side}_survey_plan"] = plan.id


def _copy_questions(s: Any, source_id: int, target_ids: list[int]) -> None:
    from sqlmodel import select

    from api.models.survey import SurveyQuestion

    for q in s.exec(select(SurveyQuestion).where(SurveyQuestion.survey_id == source_id)).all():
        for target in target_ids:
            s.add(SurveyQuestion(survey_id=target, code=q.code, factor=q.factor, order=q.order, text=q.text,
                                 labels=q.labels, scale=q.scale, required=q.required, node_id=q.node_id))  # fmt: skip


def setup(w: Any) -> None:
    from sqlmodel import select

    from api.models import Framework, FrameworkNode
    from api.models.survey import SurveyQuestion

    _side(w, "own", w.units["LS.BG"], w.units["LS.BG.X.HOATHAM"])
    _side(w, "foreign", w.ids["foreign_district"], w.ids["foreign_unit"])
    s = w.session
    fw = s.exec(select(Framework).where(Framework.code == "SIPAS_QD1001")).one()
    w.ids["sipas_node"] = s.exec(
        select(FrameworkNode.id).where(FrameworkNode.framework_id == fw.id, FrameworkNode.code == "A.5")
    ).one()
    point_survey = s.exec(select(SurveyQuestion).where(SurveyQuestion.code == "TC1")).first()
    w.ids["survey_questions"] = [
        (q.id, q.scale)
        for q in s.exec(select(SurveyQuestion).where(SurveyQuestion.survey_id == point_survey.survey_id)).all()  # type: ignore[union-attr]
    ]
    w.session.commit()


def _sheet(w: Any) -> dict[str, Any]:
    return {"answers": [{"question_id": q, "value": 4 if scale == "likert5" else 1} for q, scale in w.ids["survey_questions"]]}


def _get(path: str, key: str) -> Any:
    return lambda w, a: Req("GET", f"{V1}/{path}/{w.ids[key]}")


def _edit(path: str, key: str, verb: str = "", body: Any = None, method: str = "POST") -> Any:
    def make(w: Any, a: str) -> Req:
        base = f"{V1}/{path}/{w.ids[key]}"
        etag = w.etag(base, "foreign_admin" if key.startswith("foreign") else "district_admin")
        return Req(method, base + verb, json=body, headers={"If-Match": etag})

    return make


def _create_survey(side: str) -> Any:
    def make(w: Any, a: str) -> Req:
        owner = w.units["LS.BG"] if side == "own" else w.ids["foreign_district"]
        return Req("POST", f"{V1}/surveys", json={"owner_unit_id": owner, "copy_from_id": w.ids[f"{side}_survey"]})

    return make


def _create_point(side: str) -> Any:
    def make(w: Any, a: str) -> Req:
        unit = w.units["LS.BG.X.HOATHAM"] if side == "own" else w.ids["foreign_unit"]
        return Req("POST", f"{V1}/collection-points", json={"unit_id": unit, "code": f"NEW.{side}", "name": "Điểm mới"})

    return make


def _paper(side: str) -> Any:
    def make(w: Any, a: str) -> Req:
        body = {"responses": [{"answered_on": "2024-05-02", **_sheet(w)}]}
        return Req("POST", f"{V1}/collection-points/{w.ids[f'{side}_point']}/paper-responses", json=body)

    return make


def _weak_task(side: str) -> Any:
    def make(w: Any, a: str) -> Req:
        lead = w.units["LS.BG.X.HOATHAM"] if side == "own" else w.ids["foreign_unit"]
        body = {"plan_id": w.ids[f"{side}_survey_plan"], "node_id": w.ids["sipas_node"], "title": "Cải thiện tiếp nhận góp ý",
                "lead_unit_id": lead, "due_date": f"{date.today().year}-12-15"}  # fmt: skip
        return Req("POST", f"{V1}/survey-results/tasks", json=body)

    return make


def _respond(w: Any, a: str) -> Req:
    return Req("POST", f"{V1}/public/survey/{w.ids['own_desk_token']}/responses", json={**_sheet(w), "client_id": uuid.uuid4().hex})


CASES = [
    Case("surveys-list", own=lambda w, a: Req("GET", f"{V1}/surveys", params={"limit": 500}), allowed=READERS,
         list_foreign_ids=lambda w: {w.ids["foreign_survey"], w.ids["foreign_draft_survey"]}),
    Case("surveys-create", own=_create_survey("own"), foreign=_create_survey("foreign"), allowed=DISTRICT_ADMINS),
    Case("surveys-get", own=_get("surveys", "own_survey"), foreign=_get("surveys", "foreign_survey"), allowed=READERS),
    Case("surveys-update", own=_edit("surveys", "own_draft_survey", body={"name": "Phiếu sửa"}, method="PATCH"),
         foreign=_edit("surveys", "foreign_draft_survey", body={"name": "Phiếu sửa"}, method="PATCH"),
         allowed=DISTRICT_ADMINS),
    Case("surveys-publish", own=_edit("surveys", "own_draft_survey", "/publish"),
         foreign=_edit("surveys", "foreign_draft_survey", "/publish"), allowed=DISTRICT_ADMINS),
    Case("surveys-retire", own=_edit("surveys", "own_survey", "/retire"),
         foreign=_edit("surveys", "foreign_survey", "/retire"), allowed=DISTRICT_ADMINS),
    Case("surveys-list_points", own=lambda w, a: Req("GET", f"{V1}/collection-points", params={"limit": 500}),
         allowed=READERS, list_foreign_ids=lambda w: {w.ids["foreign_point"]}),
    Case("surveys-create_point", own=_create_point("own"), foreign=_create_point("foreign"), allowed=DISTRICT_ADMINS),
    Case("surveys-get_point", own=_get("collection-points", "own_point"), foreign=_get("collection-points", "foreign_point"),
         allowed=READERS),
    Case("surveys-update_point", own=_edit("collection-points", "own_point", body={"name": "Một cửa (sửa)"}, method="PATCH"),
         foreign=_edit("collection-points", "foreign_point", body={"name": "Một cửa (sửa)"}, method="PATCH"),
         allowed=DISTRICT_ADMINS),
    Case("surveys-rotate_token", own=_edit("collection-points", "own_point", "/rotate-token"),
         foreign=_edit("collection-points", "foreign_point", "/rotate-token"), allowed=DISTRICT_ADMINS),
    Case("surveys-enter_paper", own=_paper("own"), foreign=_paper("foreign"), allowed=UNIT_WORKERS),
    Case("surveys-results", own=lambda w, a: Req("GET", f"{V1}/survey-results", params={"point_id": w.ids["own_point"]}),
         foreign=lambda w, a: Req("GET", f"{V1}/survey-results", params={"point_id": w.ids["foreign_point"]}),
         allowed=READERS),
    Case("surveys-list_official", own=lambda w, a: Req("GET", f"{V1}/sipas-official-results", params={"limit": 500}),
         allowed=READERS, list_foreign_ids=lambda w: {w.ids["foreign_sipas_official"]}),
    Case("surveys-create_task", own=_weak_task("own"), foreign=_weak_task("foreign"), allowed=DISTRICT_ADMINS),
    Case("surveys-results_xlsx", own=lambda w, a: Req("GET", f"{V1}/survey-results.xlsx", params={"point_id": w.ids["own_point"]}),
         foreign=lambda w, a: Req("GET", f"{V1}/survey-results.xlsx", params={"point_id": w.ids["foreign_point"]}),
         allowed=READERS),
    Case("surveys-results_docx", own=lambda w, a: Req("GET", f"{V1}/survey-results.docx", params={"point_id": w.ids["own_point"]}),
         foreign=lambda w, a: Req("GET", f"{V1}/survey-results.docx", params={"point_id": w.ids["foreign_point"]}),
         allowed=READERS),
    Case("surveys-poster_pdf", own=lambda w, a: Req("GET", f"{V1}/collection-points/{w.ids['own_point']}/poster.pdf"),
         foreign=lambda w, a: Req("GET", f"{V1}/collection-points/{w.ids['foreign_point']}/poster.pdf"),
         allowed=UNIT_WORKERS, note="the desk's own people (surveys:enter) and the district print it"),
    Case("surveys-poster_png", own=lambda w, a: Req("GET", f"{V1}/collection-points/{w.ids['own_point']}/poster.png"),
         foreign=lambda w, a: Req("GET", f"{V1}/collection-points/{w.ids['foreign_point']}/poster.png"),
         allowed=UNIT_WORKERS),
    Case("public_survey-form", own=lambda w, a: Req("GET", f"{V1}/public/survey/{w.ids['own_desk_token']}"),
         allowed=EVERYONE, public=True, note="the token is the credential: any desk's token is public"),
    Case("public_survey-respond", own=_respond, allowed=EVERYONE, public=True,
         note="the token is the credential: any desk's token is public"),
]  # fmt: skip
